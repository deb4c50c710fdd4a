// Raft Lab, the full page: one view with every control over the whole
// window. It starts from the URL: the query (?nodes=5&seed=1&speed=0.05&paused&lang=ko)
// for a fresh cluster, or the hash of a shared link
// (#v=1&at=EVENT&paused=1&s=SCENARIO, optionally &lang=ko) for an exact run.
import { RaftLab } from './pkg/raftlab.js';
import { RaftLabView, isPanic, message } from './lab-view.js';
import { readHash, readOptions } from './lab-options.js';
import { loadLanguage, normalizeLang, phrase, pickLanguage, takeLang } from './i18n.js';

const params = new URLSearchParams(location.search);
const query = readOptions((n) => params.get(n));
const { lang: hashLang, hash } = takeLang(location.hash);
const asked = hashLang ?? params.get('lang');
const errors = [...query.errors];
if (asked != null && !normalizeLang(asked)) errors.push(phrase('opt.lang', { value: asked }));

// Copied links carry the language in the query: index.html?lang=ko#v=1&...
const baseFor = (lang) => {
  const u = new URL(location.href);
  u.hash = '';
  if (lang) u.searchParams.set('lang', lang);
  return u.href.replace(/#$/, '');
};

const options = {
  ...query.options,
  controls: 'all',
  title: 'Raft Lab',
  idPrefix: '',
  fill: true,
  keyboard: 'document',
  rememberTheme: true,
  library: true,
  tour: true,
  lang: await loadLanguage(pickLanguage(asked)),
  fallback: query.options,
  errors,
  errorIntro: 'link.error',
  errorOutro: 'link.defaultStarted',
  onSim: (sim) => { window.raftlab = sim; },
  onTheme: (dark) => { document.documentElement.dataset.theme = dark ? 'dark' : 'light'; },
  // The address bar follows "copy link" without reloading the page.
  onLink: (h) => history.replaceState(null, '', h),
  // ... and the language menu: a reload keeps the language.
  onLang: (lang) => {
    document.documentElement.lang = lang;
    options.linkBase = baseFor(lang);
    const u = new URL(location.href);
    u.searchParams.set('lang', lang);
    history.replaceState(null, '', u.href);
  },
};
if (hash.length) {
  const link = readHash(hash);
  // A link with any fault is not half-applied: the default simulation starts.
  if (link.errors.length) options.errors.push(...link.errors);
  else Object.assign(options, link.options);
}

const view = new RaftLabView(document.getElementById('app'), options);
document.documentElement.lang = view.lang;
// A copied link opens in the language of the page it was copied from.
options.linkBase = baseFor(view.lang);

window.addEventListener('error', (e) => { if (e.error && isPanic(e.error)) view.fatal(e.error); });
window.addEventListener('unhandledrejection', (e) => view.status(message(e.reason), true));
// A link pasted into the address bar of this page: open it.
window.addEventListener('hashchange', () => location.reload());

// For tests and the benchmark: drive the page without the mouse.
window.raftlabUI = {
  RaftLab,
  get state() { return view; },
  view,
  setPlaying(p) { view.setPlaying(p); },
  setSpeed(s) { view.setSpeedExp(-Math.log10(s)); },
  redraw() { view.refresh(); },
  selectNode(id) { view.selectedNode = null; view.selectNode(id); },
};

view.start();
