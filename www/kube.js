// kubernetes.html: the Kubernetes view. The control plane of a `kubernetes`
// scenario drawn as machines in zone bands (RaftLab.renderKube), the etcd
// members' Raft ring as the lab draws any cluster (RaftLab.render), the
// Leases with their holder and countdowns, buttons that fail and restore
// zones and crash and restart machines (journaled as scenario commands, so
// a copied link or a downloaded run reproduces them), a console for etcdctl
// and kubectl, and the quorum table, live.
//
// The address: kubernetes.html#preset=kube-stacked-2-plus-1 opens a preset;
// kubernetes.html#s=SCENARIO&at=EVENT opens a recorded run at an event;
// ?lang=ko (or &lang=ko in the hash) picks the language.
// The Kubernetes package: the lab's with the view's drawing (cargo feature `kube`).
import init, { RaftLab } from './pkg-kube/raftlab.js';
import { described, isPanic, message } from './lab-errors.js';
import {
  LANGUAGES, applyTranslations, loadLanguage, loadMore, normalizeLang, pickLanguage, rememberLanguage, takeLang, translator,
} from './i18n.js';
import { el } from './lab-panels.js';
import { wireConsole } from './kube-console.js';
import { renderQuorum } from './kube-quorum.js';

/** The presets, in www/scenarios/ (also in the index page's library). */
export const PRESETS = ['kube-stacked-3-zones', 'kube-stacked-2-plus-1', 'kube-external-3-etcd', 'kube-5-etcd-3-zones'];
const LABEL_KEYS = ['leading', 'standby', 'exited', 'down', 'renewDeadline', 'takeover', 'noHolder', 'isolated', 'loadBalancer'];
const RING_LABEL_KEYS = ['term', 'termShort', 'voted', 'votedNone', 'crashed', 'client', 'leader', 'noQuorum'];
const MAX_FRAME_MS = 100; // a slow frame (a background tab) does not jump ahead
const DOM_EVERY_MS = 200; // the text panels follow at 5 Hz; the canvases every frame

const $ = (id) => document.getElementById(id);
const r = Object.fromEntries(['page', 'preset', 'load', 'play', 'speed', 'copyLink', 'download', 'lang', 'clock', 'available',
  'fatal', 'fatalText', 'fatalReset', 'status', 'caption', 'kube', 'summary', 'zoneButtons', 'machineButtons', 'leases',
  'ring', 'consoleForm', 'consoleInput', 'consoleOut', 'quorumLive', 'quorumTable'].map((id) => [id, $(id)]));

const params = new URLSearchParams(location.search);
const { lang: hashLang, hash } = takeLang(location.hash);
const link = new URLSearchParams(hash);
let t = translator(await loadLanguage(pickLanguage(hashLang ?? params.get('lang'))));
// The Kubernetes and etcdctl texts are in the *-more catalogues (index.html loads them on demand).
await loadMore(t.lang);

let sim = null; // the RaftLab being shown
let source = null; // what it was loaded from: {preset} or {text}
let playing = true;
let broken = false; // after a panic the wasm instance must not be used again
let lastFrame = 0;
let lastDom = 0;
let structure = ''; // the zones and machines the buttons were built for
let quorumKey = '';
let summaryText = '';

const dark = matchMedia('(prefers-color-scheme: dark)');
const setTheme = () => { r.page.dataset.theme = dark.matches ? 'dark' : 'light'; };
dark.addEventListener('change', setTheme);
setTheme();

function status(text, error = false) {
  r.status.textContent = text;
  r.status.classList.toggle('is-error', error);
}

function fatal(e) {
  broken = true;
  console.error(e);
  r.fatal.hidden = false;
  r.fatalText.textContent = t('kube.fatal', { error: message(e) });
}

/** Runs `f(sim)`; a readable error goes to the status line, a panic stops the view. */
function call(f, errorKey = 'kube.actionFailed') {
  if (!sim || broken) return undefined;
  try {
    return f(sim);
  } catch (e) {
    if (isPanic(e)) fatal(e);
    else status(t(errorKey, { error: described(e) }), true);
    return undefined;
  }
}

function setLabels() {
  call((s) => {
    s.setKubeLabels(LABEL_KEYS.map((k) => t(`kube.label.${k}`)).join('\n'));
    s.setLabels(RING_LABEL_KEYS.map((k) => t(`canvas.${k}`)).join('\n'));
  });
}

/** Makes `text` the simulation; on an error the one shown stays as it was. */
function loadText(text, from, at) {
  let next;
  try {
    next = RaftLab.fromScenario(text);
    if (!next.kubeView(100, 100)) throw new Error(t('kube.notKube'));
    if (at) next.seek(at);
  } catch (e) {
    if (isPanic(e)) { fatal(e); return false; }
    next?.free();
    status(t('kube.loadFailed', { error: described(e) }), true);
    return false;
  }
  sim?.free();
  sim = next;
  source = from;
  structure = '';
  quorumKey = '';
  setLabels();
  draw(true);
  return true;
}

async function fetchPreset(name) {
  const res = await fetch(new URL(`scenarios/${name}.txt`, document.baseURI));
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  return res.text();
}

async function loadPreset(name) {
  let text;
  try {
    text = await fetchPreset(name);
  } catch (e) {
    status(t('kube.fetchFailed', { name, error: message(e) }), true);
    return;
  }
  if (loadText(text, { preset: name })) {
    status(t('kube.loaded', { name: t(`lib.${name}`) }));
    history.replaceState(null, '', `${pageBase()}#preset=${name}`);
  }
}

const pageBase = () => {
  const u = new URL(location.href);
  u.hash = '';
  u.searchParams.set('lang', t.lang);
  return u.href.replace(/#$/, '');
};

// ---------- buttons ----------

function act(f) {
  call(f);
  draw(true);
}

function buildButtons(view) {
  const key = JSON.stringify([view.zones.map((z) => z.name), view.machines.map((m) => m.name)]);
  if (key === structure) return;
  structure = key;
  r.zoneButtons.replaceChildren(el('span', { class: 'label' }, t('kube.zones')), ...view.zones.flatMap((z) => [
    el('button', { type: 'button', 'data-zone': z.name, 'data-act': 'fail' }),
    el('button', { type: 'button', 'data-zone': z.name, 'data-act': 'restore' }),
  ]));
  r.machineButtons.replaceChildren(el('span', { class: 'label' }, t('kube.machines')),
    ...view.machines.map((m) => el('button', { type: 'button', 'data-machine': m.name })));
}

r.zoneButtons.addEventListener('click', (e) => {
  const b = e.target.closest('button[data-zone]');
  if (!b) return;
  const zone = b.dataset.zone;
  act((s) => (b.dataset.act === 'fail' ? s.failZone(zone) : s.restoreZone(zone)));
});
r.machineButtons.addEventListener('click', (e) => {
  const b = e.target.closest('button[data-machine]');
  if (!b) return;
  const name = b.dataset.machine;
  act((s) => (b.dataset.up === 'true' ? s.crashMachine(name) : s.restartMachine(name)));
});

function updateButtons(view) {
  for (const b of r.zoneButtons.querySelectorAll('button')) {
    const zone = view.zones.find((z) => z.name === b.dataset.zone);
    const machines = zone.machines.map((i) => view.machines[i]);
    const fail = b.dataset.act === 'fail';
    b.textContent = t(fail ? 'kube.failZone' : 'kube.restoreZone', { zone: zone.name });
    b.disabled = fail ? !machines.some((m) => m.up) : machines.every((m) => m.up);
  }
  for (const b of r.machineButtons.querySelectorAll('button')) {
    const m = view.machines.find((x) => x.name === b.dataset.machine);
    b.dataset.up = String(m.up);
    b.textContent = t(m.up ? 'kube.crash' : 'kube.restart', { machine: m.name });
  }
}

// ---------- the text panels ----------

const secs = (ms) => t('kube.seconds', { s: (Math.ceil(ms / 100) / 10).toFixed(1) });

function leaseText(l) {
  if (!l.holder) {
    return l.takeoverLeftMs != null
      ? t('kube.leaseNoHolderTakeover', { name: l.name, by: l.takeoverBy, takeover: secs(l.takeoverLeftMs) })
      : t('kube.leaseNoHolder', { name: l.name });
  }
  return t('kube.leaseHeld', {
    name: l.name,
    holder: l.holder,
    renew: l.renewLeftMs != null ? secs(l.renewLeftMs) : '–',
    takeover: l.takeoverLeftMs != null ? secs(l.takeoverLeftMs) : '–',
  });
}

function caption() {
  const st = call((s) => s.scenarioStatus());
  const lines = st?.caption || [];
  const mine = lines.filter((l) => l.lang === t.lang);
  const shown = mine.length ? mine : lines.filter((l) => l.lang == null);
  r.caption.hidden = !shown.length;
  r.caption.replaceChildren(...shown.map((l) => el('p', null, l.text)));
  if (st?.failure) status(t('kube.scenarioFailed', { error: st.failure }), true);
}

function updateDom(view) {
  buildButtons(view);
  updateButtons(view);
  const now = call((s) => s.nowMs()) ?? 0;
  r.clock.textContent = `t = ${(now / 1000).toFixed(1)} s`;
  r.available.textContent = t(view.apiserverAvailable ? 'kube.available' : 'kube.unavailable');
  r.available.className = view.apiserverAvailable ? 'yes' : 'no';
  r.leases.replaceChildren(...view.leases.map((l) => el('li', { 'data-lease': l.name, 'data-holder': l.holder ?? '' }, leaseText(l))));
  const q = call((s) => s.quorum());
  const qKey = JSON.stringify(q) + t.lang;
  if (q && qKey !== quorumKey) {
    quorumKey = qKey;
    renderQuorum(r.quorumLive, r.quorumTable, q, t);
  }
  caption();
  // For screen readers: what is down and who holds what, when that changes.
  const down = view.zones.filter((z) => z.down).map((z) => z.name);
  const text = [
    down.length ? t('kube.zonesDown', { zones: down.join(', ') }) : '',
    t(view.apiserverAvailable ? 'kube.available' : 'kube.unavailable'),
    ...view.leases.map((l) => (l.holder ? t('kube.summaryHeld', { name: l.name, holder: l.holder }) : t('kube.leaseNoHolder', { name: l.name }))),
  ].filter(Boolean).join(' ');
  if (text !== summaryText) {
    summaryText = text;
    r.summary.textContent = text;
  }
}

// ---------- drawing ----------

function fit(canvas) {
  const dpr = window.devicePixelRatio || 1;
  const w = canvas.clientWidth;
  const h = canvas.clientHeight;
  if (canvas.width !== Math.round(w * dpr) || canvas.height !== Math.round(h * dpr)) {
    canvas.width = Math.round(w * dpr);
    canvas.height = Math.round(h * dpr);
  }
  return [canvas.getContext('2d'), w, h, dpr];
}

function draw(dom) {
  if (!sim || broken) return;
  const style = { dark: dark.matches };
  const [kctx, kw, kh, dpr] = fit(r.kube);
  call((s) => s.renderKube(kctx, kw, kh, dpr, style));
  const [rctx, rw, rh] = fit(r.ring);
  call((s) => s.render(rctx, rw, rh, dpr, style));
  if (dom) {
    const view = call((s) => s.kubeView(kw, kh));
    if (view) updateDom(view);
  }
}

function frame(now) {
  requestAnimationFrame(frame);
  if (!sim || broken) return;
  const dt = lastFrame ? Math.min(now - lastFrame, MAX_FRAME_MS) : 0;
  lastFrame = now;
  if (playing) call((s) => s.advance(dt * Number(r.speed.value)));
  const dom = now - lastDom >= DOM_EVERY_MS;
  if (dom) lastDom = now;
  draw(dom);
}

// ---------- the bar ----------

function setPlaying(p) {
  playing = p;
  r.play.setAttribute('aria-pressed', String(p));
  r.play.textContent = t(p ? 'play.pause' : 'play.play');
}

function fillPresets() {
  const keep = r.preset.value;
  r.preset.replaceChildren(...PRESETS.map((n) => el('option', { value: n }, t(`lib.${n}`))));
  if (keep) r.preset.value = keep;
}

function fillLanguages() {
  r.lang.replaceChildren(...LANGUAGES.map(([code, name]) => el('option', { value: code, lang: code }, name)));
  r.lang.value = t.lang;
}

function translate() {
  document.documentElement.lang = t.lang;
  applyTranslations(document, t);
  document.title = t('kube.pageTitle');
  fillPresets();
  fillLanguages();
  setPlaying(playing);
  setLabels();
  structure = '';
  quorumKey = '';
  summaryText = '';
  draw(true);
}

r.load.addEventListener('click', () => loadPreset(r.preset.value));
r.play.addEventListener('click', () => setPlaying(!playing));
r.fatalReset.addEventListener('click', () => location.reload());
r.lang.addEventListener('change', async () => {
  const lang = normalizeLang(r.lang.value) || 'en';
  t = translator(await loadLanguage(lang));
  await loadMore(t.lang);
  rememberLanguage(t.lang);
  history.replaceState(null, '', `${pageBase()}${location.hash}`);
  translate();
});
r.copyLink.addEventListener('click', async () => {
  const text = call((s) => s.recordedScenario());
  if (text == null) return;
  const at = call((s) => s.eventCount());
  const url = `${pageBase()}#s=${encodeURIComponent(text)}&at=${at}`;
  history.replaceState(null, '', url);
  try {
    await navigator.clipboard.writeText(url);
    status(t('kube.linkCopied'));
  } catch {
    status(t('kube.linkInBar'));
  }
});
r.download.addEventListener('click', () => {
  const text = call((s) => s.recordedScenario());
  if (text == null) return;
  const a = el('a', { href: URL.createObjectURL(new Blob([text], { type: 'text/plain' })), download: 'raftlab-kubernetes.txt' });
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
  status(t('kube.downloaded'));
});

const runCommand = wireConsole({
  form: r.consoleForm,
  input: r.consoleInput,
  out: r.consoleOut,
  sim: () => (broken ? null : sim),
  t: (k, a) => t(k, a),
  after: () => draw(true),
  fatal,
});

window.addEventListener('error', (e) => { if (e.error && isPanic(e.error)) fatal(e.error); });
window.addEventListener('unhandledrejection', (e) => status(message(e.reason), true));
window.addEventListener('hashchange', () => location.reload());

// ---------- start ----------

await init();
translate();
const asked = link.get('preset');
if (link.has('s')) {
  const at = Number(link.get('at') || 0);
  if (!loadText(link.get('s'), { text: true }, Number.isSafeInteger(at) && at > 0 ? at : 0)) {
    // The link's fault stays on the status line over the preset shown instead.
    const why = r.status.textContent;
    await loadPreset(PRESETS[0]);
    status(why, true);
  }
} else if (asked && !PRESETS.includes(asked)) {
  await loadPreset(PRESETS[0]);
  status(t('kube.unknownPreset', { name: asked, names: PRESETS.join(', ') }), true);
} else {
  r.preset.value = asked || PRESETS[0];
  await loadPreset(r.preset.value);
}
if (source?.preset) r.preset.value = source.preset;
requestAnimationFrame(frame);

// For tests: drive the view without the mouse.
window.raftlabKube = {
  get sim() { return sim; },
  setPlaying,
  run: runCommand,
  redraw: () => draw(true),
};
