// The console of the Kubernetes view: `etcdctl ...` and `kubectl get leases
// -n kube-system` typed by the user, answered as the tools print it. A bad
// command prints its error in the console and changes nothing else; an
// etcdctl line it refuses throws a sentence (`key`, `args`: etcdctl.*),
// printed in the page's language.
import { isPanic, message } from './lab-errors.js';

const KEPT_LINES = 400; // of output, so a long session does not grow the page without bound
const KEPT_HISTORY = 50;

/**
 * Wires the form: `sim()` gives the current simulation, `t` the
 * translator, `after()` runs after a command (redraw), `fatal(e)` takes a
 * panic. Returns `run(line)`, for tests and links.
 */
export function wireConsole({ form, input, out, sim, t, after, fatal }) {
  const history = [];
  let back = 0;
  const print = (text, cls) => {
    const line = document.createElement('div');
    if (cls) line.className = cls;
    line.textContent = text;
    out.append(line);
    while (out.childElementCount > KEPT_LINES) out.firstElementChild.remove();
    out.scrollTop = out.scrollHeight;
  };
  const run = (raw) => {
    const line = String(raw).trim();
    if (!line) return;
    history.push(line);
    if (history.length > KEPT_HISTORY) history.shift();
    back = 0;
    print(`$ ${line}`, 'cmd');
    const s = sim();
    if (!s) { print(t('kube.consoleNoSim'), 'error'); return; }
    const word = line.split(/\s+/)[0];
    try {
      let lines;
      if (word === 'kubectl') lines = s.kubectl(line);
      else if (word === 'etcdctl') lines = s.etcdctl(line);
      else { print(t('kube.consoleUnknown', { word }), 'error'); return; }
      for (const l of lines) print(l, /^Error/.test(l) ? 'error' : '');
      if (!lines.length) print(t('kube.consoleNothing'), 'muted');
    } catch (e) {
      if (isPanic(e)) { fatal(e); return; }
      print(e && e.key ? t(e.key, e.args) : message(e), 'error');
    }
    after();
  };
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const line = input.value;
    input.value = '';
    run(line);
  });
  // Up and down walk through the commands typed before.
  input.addEventListener('keydown', (e) => {
    if (e.key !== 'ArrowUp' && e.key !== 'ArrowDown') return;
    if (!history.length) return;
    e.preventDefault();
    back = Math.max(0, Math.min(history.length, back + (e.key === 'ArrowUp' ? 1 : -1)));
    input.value = back ? history[history.length - back] : '';
  });
  return run;
}
