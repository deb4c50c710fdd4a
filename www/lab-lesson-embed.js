// A lesson in course notes: embed.html#lesson=NAME and <raft-lab lesson="NAME">
// (docs/lessons.md). The view plays the lesson with its panel above the
// canvas. A name that is no lesson shows the list of lessons instead of a
// blank embed; a malformed lesson file shows its FILE:LINE:COLUMN error and
// the list.
import { RaftLab } from './pkg/raftlab.js';
import { ready, described, isEngineError, isPanic } from './lab-runtime.js';
import { LESSON_CONTROLS, LESSON_CSS, LessonPanel, fetchLesson, lessonFile, lessonInfos, lessonList, remember } from './lab-lesson.js';
import { loadMore, translator } from './i18n.js';
import { el } from './lab-panels.js';

/**
 * Readies `viewOptions` (a RaftLabView's) to play lesson `options.lesson`
 * from `options.step`, and returns `{mount(view)}`, which adds the lesson's
 * panel to the view. When the lesson cannot be played, renders the list of
 * lessons into `root` with what went wrong and returns null. `link(name)`
 * is a list entry's href, `pick(name)` (optional) handles its click.
 */
export async function prepareLesson(options, viewOptions, { root, lang, link = () => '#', pick }) {
  const name = options.lesson;
  await loadMore(lang); // the lessons' texts are in the *-more catalogues
  const t = translator(lang);
  let text;
  let info;
  try {
    text = await fetchLesson(name);
    await ready();
    info = RaftLab.lessonInfo(text, lessonFile(name));
  } catch (e) {
    if (isPanic(e)) throw e;
    const problem = e.key && !isEngineError(e) ? t(e.key, e.args) : t('lesson.error', { name, error: described(e) });
    const infos = await lessonInfos();
    root.classList.add('rl');
    root.replaceChildren(el('style', null, LESSON_CSS), el('section', { class: 'lesson-missing', 'aria-labelledby': 'lessonListTitle' },
      el('p', { class: 'error', role: 'alert' }, problem),
      el('h2', { id: 'lessonListTitle' }, t('lessons.list')),
      lessonList(t, lang, infos, { link, pick })));
    return null;
  }
  const step = Math.min(options.step || 1, info.steps);
  Object.assign(viewOptions, {
    controls: options.controls ?? LESSON_CONTROLS,
    speed: options.speed ?? 0.1,
    makeSim: () => RaftLab.fromLesson(text, lessonFile(name), step),
    timeTravel: false,
  });
  return {
    mount: (view) => new LessonPanel(view, name, { text, onStep: (s, steps, kind) => remember(name, s, steps, kind === 'end') }),
  };
}
