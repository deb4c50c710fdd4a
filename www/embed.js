// embed.html: one view with minimal chrome, for an <iframe> in course notes.
// Everything comes from the hash, e.g.
//   embed.html#nodes=5&seed=7&paused&controls=play,step&lang=ko&s=<encodeURIComponent(scenario)>
//   embed.html#lesson=leader-election&step=2&lang=ko   (a lesson, docs/lessons.md)
// Options that cannot be used are named on the page; the rest still apply.
import { RaftLabView, isPanic } from './lab-view.js';
import { readHash, fetchScenario } from './lab-options.js';
import { loadLanguage, normalizeLang, phrase, pickLanguage, takeLang } from './i18n.js';

const { lang, hash } = takeLang(location.hash);
const { options, errors } = readHash(hash);
if (lang != null && !normalizeLang(lang)) errors.push(phrase('opt.lang', { value: lang }));
if (options.src && options.scenario == null) {
  try {
    options.scenario = await fetchScenario(options.src);
  } catch (e) {
    errors.push(e.key ? phrase(e.key, e.args) : e.message);
  }
}
const linkBase = new URL('index.html', location.href);
const viewOptions = {
  ...options,
  lang: await loadLanguage(pickLanguage(lang)),
  idPrefix: '',
  fill: true,
  keyboard: 'document', // the frame is the view: keys work once it has focus
  errors,
  errorIntro: 'embed.error',
  linkBase: linkBase.href,
  onSim: (sim) => { window.raftlab = sim; },
};
// A lesson: its panel above the canvas; a name that is no lesson, the list.
const lesson = options.lesson != null ? await import('./lab-lesson-embed.js').then((m) => m.prepareLesson(options, viewOptions, {
  root: document.getElementById('lab'), lang: viewOptions.lang, link: (name) => `#lesson=${name}&lang=${viewOptions.lang}`,
})) : null;
// An edited hash is a new embed.
window.addEventListener('hashchange', () => location.reload());
if (options.lesson == null || lesson) {
  const view = new RaftLabView(document.getElementById('lab'), viewOptions);
  if (lesson) lesson.mount(view);
  document.documentElement.lang = view.lang;
  // A copied link opens index.html in the embed's language.
  linkBase.searchParams.set('lang', view.lang);
  viewOptions.linkBase = linkBase.href;
  window.raftlabView = view;
  window.addEventListener('error', (e) => { if (e.error && isPanic(e.error)) view.fatal(e.error); });
  view.start();
} else {
  document.documentElement.lang = viewOptions.lang;
}
