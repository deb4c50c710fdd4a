// Raft Lab, the full page: one view with every control over the whole
// window. It starts from the URL: the query (?nodes=5&seed=1&speed=0.05&paused)
// for a fresh cluster, or the hash of a shared link
// (#v=1&at=EVENT&paused=1&s=SCENARIO) for an exact run.
import { RaftLabView, isPanic, message } from './lab-view.js';
import { readHash, readOptions } from './lab-options.js';

const params = new URLSearchParams(location.search);
const query = readOptions((n) => params.get(n));
const options = {
  ...query.options,
  controls: 'all',
  title: 'Raft Lab',
  idPrefix: '',
  keyboard: 'document',
  rememberTheme: true,
  fallback: query.options,
  errors: [...query.errors],
  linkBase: location.href.replace(/#.*$/, ''),
  errorIntro: 'This link could not be opened',
  errorOutro: 'A default simulation started instead.',
  onSim: (sim) => { window.raftlab = sim; },
  onTheme: (dark) => { document.documentElement.dataset.theme = dark ? 'dark' : 'light'; },
  // The address bar follows "copy link" without reloading the page.
  onLink: (hash) => history.replaceState(null, '', hash),
};
if (location.hash.length > 1) {
  const link = readHash(location.hash);
  // A link with any fault is not half-applied: the default simulation starts.
  if (link.errors.length) options.errors.push(...link.errors);
  else Object.assign(options, link.options);
}

const view = new RaftLabView(document.getElementById('app'), options);

window.addEventListener('error', (e) => { if (e.error && isPanic(e.error)) view.fatal(e.error); });
window.addEventListener('unhandledrejection', (e) => view.status(message(e.reason), true));
// A link pasted into the address bar of this page: open it.
window.addEventListener('hashchange', () => location.reload());

// For tests and the benchmark: drive the page without the mouse.
window.raftlabUI = {
  get state() { return view; },
  view,
  setPlaying(p) { view.setPlaying(p); },
  setSpeed(s) { view.setSpeedExp(-Math.log10(s)); },
  redraw() { view.refresh(); },
  selectNode(id) { view.selectedNode = null; view.selectNode(id); },
};

view.start();
