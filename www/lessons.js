// lessons.html: the lessons in order, the learner's progress (remembered in
// this browser), and the lesson being taken, in a view with its lesson
// panel. The address is the link to the step on screen:
//   lessons.html#lesson=leader-election&step=3&lang=ko
// A name that is no lesson shows the list and says so; a malformed lesson
// file shows its FILE:LINE:COLUMN error.
import { RaftLab } from './pkg/raftlab.js';
import { RaftLabView, isPanic, described, isEngineError, ready } from './lab-view.js';
import { readHash } from './lab-options.js';
import { LESSONS, LESSON_CONTROLS, LessonPanel, fetchLesson, lessonFile, lessonInfos, lessonList, paragraphs, progress, remember } from './lab-lesson.js';
import { applyTranslations, loadLanguage, loadMore, normalizeLang, phrase, pickLanguage, rememberLanguage, takeLang, translator } from './i18n.js';
import { el } from './lab-panels.js';

const $ = (id) => document.getElementById(id);
let lang = 'en';
let t = translator('en');
let infos = null;
let view = null;
let current = null; // {name, step}
let dark = matchMedia('(prefers-color-scheme: dark)').matches;

const titleOf = (name) => {
  const info = infos && infos.find((i) => i.name === name);
  return info && info.title ? paragraphs(info.title, lang).join(' ') : name;
};

function setHash(name, step) {
  const h = name ? `#lesson=${name}${step ? `&step=${step}` : ''}&lang=${lang}` : `#lang=${lang}`;
  history.replaceState(null, '', h);
}

function theme(d) {
  dark = d;
  document.documentElement.dataset.theme = d ? 'dark' : 'light';
  for (const e of document.querySelectorAll('#nav, #intro')) e.dataset.theme = d ? 'dark' : 'light';
}

function renderList() {
  if (!infos) return;
  $('list').replaceChildren(lessonList(t, lang, infos, {
    link: (n) => `#lesson=${n}&lang=${lang}`,
    pick: (n) => open(n),
    current: current && current.name,
  }));
}

/** The page's texts in `lang`. */
async function setLang(l) {
  lang = await loadLanguage(l);
  await loadMore(lang); // the lessons' texts are in the *-more catalogues
  t = translator(lang);
  document.documentElement.lang = lang;
  applyTranslations(document.getElementById('nav'), t);
  document.title = t('lessons.pageTitle');
  renderList();
  if (!current) intro();
}

/** No lesson open: what the page is, where to start, and a problem with the link if any. */
function intro(problem) {
  const box = $('intro');
  const p = progress();
  // The lesson the learner is in the middle of, else the first not done.
  const next = LESSONS.find((n) => p[n] && !p[n].done) || LESSONS.find((n) => !(p[n] && p[n].done)) || LESSONS[0];
  const start = el('button', { type: 'button', class: 'lesson-primary' }, t(p[next] ? 'lessons.resume' : 'lessons.start', { title: titleOf(next) }));
  start.addEventListener('click', () => open(next));
  box.replaceChildren(
    ...(problem ? [el('p', { class: 'error', role: 'alert' }, t.text(problem))] : []),
    el('h2', null, t('lessons.welcome')),
    ...t('lessons.intro').split('\n').map((x) => el('p', null, x)),
    start,
  );
  box.hidden = false;
}

function close() {
  if (view) { view.destroy(); view = null; }
  $('lesson').replaceChildren();
  current = null;
  document.querySelector('.lessons-page').classList.remove('open');
}

/** Opens lesson `name` at `step` (default: where the learner left it). */
async function open(name, step, viewOptions = {}) {
  close();
  const remembered = progress()[name];
  step ||= remembered && !remembered.done ? remembered.step : 1;
  let text;
  try {
    text = await fetchLesson(name);
    await ready();
    RaftLab.lessonInfo(text, lessonFile(name)); // a malformed lesson: its FILE:LINE:COLUMN error
  } catch (e) {
    if (isPanic(e)) throw e;
    setHash(null);
    renderList();
    intro(e.key && !isEngineError(e) ? phrase(e.key, e.args) : phrase('lesson.error', { name, error: described(e) }));
    $('list').querySelector('a')?.focus();
    return;
  }
  current = { name, step };
  $('intro').hidden = true;
  document.querySelector('.lessons-page').classList.add('open');
  const root = el('div');
  $('lesson').replaceChildren(root);
  const i = LESSONS.indexOf(name);
  const nextName = LESSONS[i + 1];
  view = new RaftLabView(root, {
    controls: `${LESSON_CONTROLS},theme,help`,
    speed: 0.1,
    ...viewOptions,
    makeSim: () => RaftLab.fromLesson(text, lessonFile(name), Math.min(step, RaftLab.lessonInfo(text, lessonFile(name)).steps)),
    timeTravel: false,
    lang,
    idPrefix: '',
    keyboard: 'document',
    rememberTheme: true,
    theme: dark ? 'dark' : 'light',
    onSim: (sim) => { window.raftlab = sim; },
    onTheme: theme,
    onLang: (l) => { rememberLanguage(l); setLang(l).then(() => setHash(current && current.name, current && current.step)); },
  });
  window.raftlabView = view;
  new LessonPanel(view, name, {
    text,
    focus: true,
    next: () => (nextName ? { name: nextName, title: titleOf(nextName) } : null),
    onNext: (n) => open(n, 1),
    list: () => $('list').querySelector('a')?.focus(),
    onStep: (s, steps, kind) => {
      current.step = s;
      remember(name, s, steps, kind === 'end');
      setHash(name, s);
      renderList();
    },
  });
  renderList();
  setHash(name, step);
  await view.start();
}

async function fromAddress() {
  const { lang: hashLang, hash } = takeLang(location.hash);
  const asked = hashLang ?? new URLSearchParams(location.search).get('lang');
  const { options, errors } = readHash(hash);
  await setLang(pickLanguage(asked));
  if (asked != null && !normalizeLang(asked)) errors.push(phrase('opt.lang', { value: asked }));
  const { lesson, step, ...rest } = options;
  if (lesson == null) { close(); intro(errors[0]); return; }
  await open(lesson, step, rest);
}

theme(dark);
window.addEventListener('error', (e) => { if (e.error && isPanic(e.error) && view) view.fatal(e.error); });
window.addEventListener('hashchange', () => {
  const { hash } = takeLang(location.hash);
  const { options } = readHash(hash);
  // Our own address updates replace the hash silently; a new link opens.
  if (!current || options.lesson !== current.name || (options.step && options.step !== current.step)) fromAddress();
});
await fromAddress();
infos = await lessonInfos();
renderList();
if (!current && !$('intro').querySelector('[role=alert]')) intro();
