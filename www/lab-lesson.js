// Lessons on the page (docs/lessons.md): the lesson panel of a view (the
// narration, Continue, the questions, the tasks with their hints and "Show
// me", the latest reason), the list of lessons with the learner's progress
// (localStorage), and fetching a lesson by name. The lesson itself (its
// steps, what it waits for, whether a task is solved) is the engine's:
// RaftLab.fromLesson and lessonState(). Loaded only by the pages that show
// lessons (lessons.html, embed.html#lesson=, <raft-lab lesson>).
import { RaftLab } from './pkg/raftlab.js';
import { ready, message, described } from './lab-runtime.js';
import { el } from './lab-panels.js';
import { whyButton } from './lab-why.js';
import { PhraseError } from './i18n.js';

/** The lessons, in the order they are taught (www/lessons/NAME.txt). */
export const LESSONS = ['roles-and-terms', 'leader-election', 'split-votes', 'log-replication', 'leader-crash', 'partitions',
  'quorum-table', 'split-3-3-vs-3-4', 'restart', 'restart-keeps-term', 'restart-keeps-log',
  'election-restriction', 'figure-8', 'figure-8-rule-off', 'client-redirects',
  'etcd-kv', 'zones-2-plus-1', 'stacked-vs-external', 'lease-failover'];

/** Where the lesson files are: beside this module, as the pages and raft-lab.js are. */
export const LESSON_BASE = new URL('lessons/', import.meta.url);
/** The lessons page, for links to a step. */
export const LESSONS_PAGE = new URL('lessons.html', import.meta.url);
/** What a lesson view shows unless told otherwise: what its tasks need. */
export const LESSON_CONTROLS = 'play,step,speed,clock,log,feed,inspector,faults,client';

const PROGRESS = 'raftlab-lessons';
const NAME = /^[a-z0-9][a-z0-9-]{0,63}$/;

// ---------- progress ----------

/** {NAME: {step, steps, done}} of every lesson begun in this browser. */
export function progress() {
  try {
    const p = JSON.parse(localStorage.getItem(PROGRESS) || '{}');
    return p && typeof p === 'object' && !Array.isArray(p) ? p : {};
  } catch { return {}; }
}

/** Remembers how far the learner got in lesson `name` (never less than before, unless starting over). */
export function remember(name, step, steps, done) {
  const p = progress();
  const old = p[name] || {};
  p[name] = { step, steps, done: !!(done || old.done) };
  try { localStorage.setItem(PROGRESS, JSON.stringify(p)); } catch { /* private mode */ }
}

// ---------- lesson files ----------

/** The text of lesson `name`; a PhraseError `lesson.unknown` when there is none. */
export async function fetchLesson(name) {
  if (!NAME.test(String(name)) || !LESSONS.includes(name)) throw new PhraseError('lesson.unknown', { name: String(name).slice(0, 64) });
  let res;
  try {
    res = await fetch(new URL(`${name}.txt`, LESSON_BASE));
  } catch (e) {
    throw new PhraseError('lesson.fetch', { name, error: message(e) });
  }
  if (res.status === 404) throw new PhraseError('lesson.unknown', { name });
  if (!res.ok) throw new PhraseError('lesson.fetch', { name, error: `HTTP ${res.status}` });
  return res.text();
}

/** The file name a lesson's errors name. */
export const lessonFile = (name) => `lessons/${name}.txt`;

/** Title, about and steps of every lesson (an `error` instead for one that cannot be read). */
export async function lessonInfos() {
  await ready();
  return Promise.all(LESSONS.map(async (name) => {
    try {
      const text = await fetchLesson(name);
      return { name, ...RaftLab.lessonInfo(text, lessonFile(name)) };
    } catch (e) {
      return { name, error: described(e) };
    }
  }));
}

/** `lines` ({lang, text}) in `lang`, else the default ones, as paragraphs. */
export function paragraphs(lines, lang) {
  const all = lines || [];
  const mine = all.filter((l) => l.lang === lang);
  const shown = mine.length ? mine : all.filter((l) => l.lang == null);
  const out = [];
  let cur = [];
  for (const l of shown) {
    if (l.text) cur.push(l.text);
    else if (cur.length) { out.push(cur.join(' ')); cur = []; }
  }
  if (cur.length) out.push(cur.join(' '));
  return out;
}

const textOf = (lines, lang) => paragraphs(lines, lang).join(' ');

/**
 * The list of lessons, in order, with the learner's progress: an <ol>.
 * `link(name)` gives a link's href; `pick(name, event)` (optional) handles
 * a click instead of following it.
 */
export function lessonList(t, lang, infos, { link, pick, current } = {}) {
  const done = progress();
  return el('ol', { class: 'lesson-list' }, ...infos.map((info) => {
    const p = done[info.name];
    const state = info.error ? t.text(info.error)
      : p && p.done ? t('lesson.progressDone')
        : p ? t('lesson.progressStep', { step: p.step, steps: info.steps }) : t('lesson.progressNew');
    const a = el('a', { href: link(info.name) }, info.error ? info.name : textOf(info.title, lang));
    if (info.name === current) a.setAttribute('aria-current', 'page');
    if (pick) a.addEventListener('click', (e) => { e.preventDefault(); pick(info.name); });
    return el('li', { class: p && p.done ? 'done' : '' }, a, ' ',
      el('span', { class: info.error ? 'error' : 'progress' }, state),
      info.about && info.about.length ? el('span', { class: 'about' }, textOf(info.about, lang)) : '');
  }));
}

// ---------- the panel ----------

export const LESSON_CSS = `
.rl .lesson { flex: 0 0 auto; background: var(--panel); border: 1px solid var(--line); border-left: 4px solid var(--accent);
  border-radius: 8px; padding: 8px 12px; display: flex; flex-direction: column; gap: 6px; max-height: 60vh; overflow-y: auto; }
.rl .lesson-head { display: flex; flex-wrap: wrap; gap: 6px 10px; align-items: center; }
.rl .lesson-head h2 { margin: 0; flex: 1 1 auto; }
.rl .lesson-text { font-size: 1.07em; }
.rl .lesson-text p { margin: 0 0 6px; }
.rl .lesson-text p:last-child { margin-bottom: 0; }
.rl .lesson-act { display: flex; flex-direction: column; gap: 6px; }
.rl .lesson-act:empty { display: none; }
.rl .lesson-kind { font-weight: 600; color: var(--accent); margin: 0; }
.rl .lesson-choices { display: flex; flex-direction: column; gap: 4px; margin: 0; padding: 0; list-style: none; }
.rl .lesson-choices button { width: 100%; text-align: left; }
.rl .lesson-choices button.wrong { text-decoration: line-through; border-color: var(--danger); }
.rl .lesson-feedback { margin: 0; padding: 4px 8px; border-radius: 6px; border: 1px solid var(--line); }
.rl .lesson-feedback.right, .rl .lesson-solved { border-color: var(--ok); color: var(--ok); }
.rl .lesson-feedback.wrong { border-color: var(--danger); color: var(--danger); }
.rl .lesson-solved { margin: 0; font-weight: 600; }
.rl .lesson-hint { margin: 0; padding: 4px 8px; border-left: 3px solid var(--focus); }
.rl .lesson-why { margin: 0; font-size: .93em; }
.rl .lesson-why button.why { padding-left: 0; display: inline; }
.rl .lesson-primary { font-weight: 600; border-color: var(--accent); }
.lesson-missing { padding: 12px 16px; }
.lesson-list { margin: 0; padding-left: 1.6em; }
.lesson-list li { margin: 0 0 8px; }
.lesson-list a[aria-current] { font-weight: 700; }
.lesson-list .progress, .lesson-list .about { color: var(--muted, #545d69); font-size: .9em; }
.lesson-list .about { display: block; }
.lesson-list li.done .progress::before { content: "✓ "; }
.lesson-list .error { color: var(--danger, #b3261e); font-size: .9em; display: block; font-family: ui-monospace, monospace; }
`;

export class LessonPanel {
  /**
   * The panel of lesson `name` in view `v` (a RaftLabView whose simulation
   * plays it: `RaftLab.fromLesson`). `o`: text (the lesson file), step (the
   * step it opened at), focus (move the keyboard focus to each new question
   * or Continue; default: only when the focus is already in the view),
   * onStep(step, steps, kind) (after each change of step), next (a function
   * giving {name, title} of the lesson after this one, or null), onNext(name),
   * list (a function that shows the list of lessons).
   */
  constructor(v, name, o = {}) {
    this.v = v;
    this.name = name;
    this.o = o;
    this.key = null;
    this.sim = null;
    this.shownHints = 0;
    this.taskStart = 0;
    this.lastStep = null;
    this.lastKind = null;
    this.why = null; // the latest reason in the feed, shown under the narration
    this.feedCursor = 0;
    this.hintTimer = 0;
    const root = v.root;
    if (!root.querySelector('style.lesson-css')) root.prepend(el('style', { class: 'lesson-css' }, LESSON_CSS));
    this.title = el('h2', { id: `${v.o.idPrefix ?? ''}lessonTitle` });
    this.stepText = el('span', { class: 'muted small' });
    this.prev = this.button('lesson.prevStep', () => this.open(this.step - 1));
    this.restart = this.button('lesson.restartStep', () => this.open(this.step));
    this.copy = this.button('lesson.copyLink', () => this.copyLink());
    // The narration takes the focus when the control that had it goes away.
    this.text = el('div', { class: 'lesson-text', 'aria-live': 'polite', tabindex: '-1' });
    this.act = el('div', { class: 'lesson-act' });
    this.whyLine = el('p', { class: 'lesson-why' });
    this.box = el('section', { class: 'lesson', 'aria-labelledby': this.title.id },
      el('div', { class: 'lesson-head' }, this.title, this.stepText, this.prev, this.restart, this.copy), this.text, this.act, this.whyLine);
    const stage = root.querySelector('.stage');
    stage.prepend(this.box);
    v.hooks.push(() => this.refresh());
  }

  button(key, onClick, cls = '') {
    const b = el('button', { type: 'button', class: cls });
    b.dataset.key = key;
    b.textContent = this.v.t(key);
    b.addEventListener('click', onClick);
    return b;
  }

  /** Reopens the lesson at `step` (its scripted path replayed up to there). */
  open(step) {
    const v = this.v;
    if (step < 1) return;
    let sim;
    try {
      sim = RaftLab.fromLesson(this.o.text, lessonFile(this.name), step);
    } catch (e) {
      v.status(described(e), true);
      return;
    }
    v.origin = { make: () => RaftLab.fromLesson(this.o.text, lessonFile(this.name), step) };
    v.setSim(sim);
    v.setPlaying(true);
    this.focusNext = true;
  }

  get step() { return this.state ? this.state.step : 1; }

  copyLink() {
    const url = new URL(LESSONS_PAGE);
    url.hash = `lesson=${this.name}&step=${this.step}&lang=${this.v.lang}`;
    const done = () => this.v.status(this.v.t('lesson.linkCopied', { url: url.href }));
    if (navigator.clipboard) navigator.clipboard.writeText(url.href).then(done, () => this.v.status(url.href));
    else this.v.status(url.href);
  }

  /**
   * The latest reason since the step began: of the feed's lines (role
   * changes, commits, repairs), and of the event on screen (votes too).
   */
  followWhy(sim) {
    const count = sim.eventCount();
    if (count < this.feedCursor) this.feedCursor = 0;
    if (count !== this.feedCursor) {
      for (const l of sim.feed(this.feedCursor) || []) if (l.why) this.why = l.why;
      this.feedCursor = count;
    }
    if (count !== this.whyEvent && typeof sim.lastEvent === 'function') {
      const ev = sim.lastEvent();
      if (ev && ev.why && ev.why.length) this.why = ev.why[ev.why.length - 1];
      this.whyEvent = count;
    }
  }

  refresh() {
    const v = this.v;
    const sim = v.sim;
    if (!sim || typeof sim.lessonState !== 'function') return;
    if (sim !== this.sim) {
      this.sim = sim;
      this.why = null;
      this.feedCursor = sim.eventCount();
      this.info = null;
      try { this.info = RaftLab.lessonInfo(this.o.text, lessonFile(this.name)); } catch { /* the sim would not exist */ }
    }
    let st;
    try { st = sim.lessonState(); } catch { return; }
    if (!st) return;
    this.state = st;
    if (st.step !== this.lastStep || st.kind !== this.lastKind) {
      if (st.kind === 'act' || st.kind === 'goal') { this.taskStart = performance.now(); this.shownHints = 0; }
      const changedStep = st.step !== this.lastStep;
      this.lastStep = st.step;
      this.lastKind = st.kind;
      if (changedStep) { this.why = null; this.whyEvent = -1; }
      if (this.o.onStep) this.o.onStep(st.step, st.steps, st.kind);
      this.pendingFocus = true;
    }
    this.followWhy(sim);
    // Hints come after their delay (real time), each once.
    const elapsed = performance.now() - this.taskStart;
    const due = (st.hints || []).filter((h) => h.afterMs <= elapsed).length;
    if (due > this.shownHints) this.shownHints = due;
    const next = st.kind === 'end' && this.o.next ? this.o.next() : null;
    const key = JSON.stringify([st, v.lang, this.shownHints, this.why && this.why.text, next]);
    if (key === this.key) return;
    this.key = key;
    this.render(st);
  }

  render(st) {
    const { t, lang } = this.v;
    const doc = this.v.root.getRootNode();
    const before = doc.activeElement;
    const inside = !!before && before !== document.body && this.v.root.contains(before);
    const hadFocus = !!before && this.box.contains(before);
    const title = this.info ? textOf(this.info.title, lang) : this.name;
    this.title.textContent = title;
    this.stepText.textContent = t('lesson.step', { step: st.step, steps: st.steps });
    for (const b of [this.prev, this.restart, this.copy]) b.textContent = t(b.dataset.key);
    this.prev.disabled = st.step <= 1;
    this.text.replaceChildren(...paragraphs(st.narration, lang).map((p) => el('p', null, p)));
    const parts = [];
    if (st.solved) parts.push(el('p', { class: 'lesson-solved', role: 'status' }, t('lesson.solved')));
    if (st.feedback && st.kind !== 'predict') parts.push(this.feedback(st.feedback));
    let primary = null;
    switch (st.kind) {
      case 'pause':
        primary = this.button('lesson.continue', () => this.call((s) => s.lessonContinue()), 'lesson-primary');
        parts.push(primary);
        break;
      case 'predict': {
        parts.push(el('p', { class: 'lesson-kind' }, t('lesson.predict')));
        const list = el('ul', { class: 'lesson-choices' });
        st.choices.forEach((c, i) => {
          const b = el('button', { type: 'button', class: c.tried && !c.correct ? 'wrong' : '' }, paragraphs(c.text, lang).join(' '));
          if (c.tried && !c.correct) b.disabled = true;
          b.addEventListener('click', () => this.call((s) => s.lessonAnswer(i)));
          if (!primary && !b.disabled) primary = b;
          list.append(el('li', null, b));
        });
        parts.push(list);
        if (st.feedback) parts.push(this.feedback(st.feedback));
        break;
      }
      case 'act':
      case 'goal': {
        parts.push(el('p', { class: 'lesson-kind' }, t(st.kind === 'act' ? 'lesson.yourTurn' : 'lesson.puzzle')));
        for (const h of st.hints.slice(0, this.shownHints)) parts.push(el('p', { class: 'lesson-hint' }, t('lesson.hintText', { text: textOf(h.text, lang) })));
        const row = el('div', { class: 'row' });
        if (this.shownHints < st.hints.length) row.append(this.button('lesson.hint', () => { this.shownHints += 1; this.key = null; this.refresh(); }));
        const show = this.button(st.kind === 'act' ? 'lesson.showMe' : 'lesson.showSolution', () => this.call((s) => s.lessonShowMe()));
        show.disabled = st.showing;
        if (st.showing) show.textContent = t('lesson.showing');
        row.append(show);
        parts.push(row);
        if (st.showFailure) parts.push(el('p', { class: 'error' }, t('lesson.showFailed', { failure: st.showFailure })));
        break;
      }
      case 'end': {
        parts.push(el('p', { class: 'lesson-solved' }, t('lesson.end')));
        const row = el('div', { class: 'row' });
        const next = this.o.next && this.o.next();
        if (next && this.o.onNext) {
          primary = this.button('lesson.next', () => this.o.onNext(next.name), 'lesson-primary');
          primary.textContent = t('lesson.next', { title: next.title });
          row.append(primary);
        }
        const again = this.button('lesson.startOver', () => this.open(1));
        row.append(again);
        primary ||= again;
        if (this.o.list) row.append(this.button('lesson.all', () => this.o.list()));
        parts.push(row);
        break;
      }
      case 'failed':
        parts.push(el('p', { class: 'error' }, t('lesson.failed', { failure: st.failure || '' })));
        primary = this.button('lesson.restartStep', () => this.open(st.step), 'lesson-primary');
        parts.push(primary);
        break;
      default:
        break;
    }
    this.act.replaceChildren(...parts);
    this.whyLine.replaceChildren(...(this.why ? [el('span', { class: 'muted' }, `${t('why.title')}: `), whyButton(this.v, this.why)] : []));
    // A new question or Continue takes the keyboard focus, if the learner's
    // focus is in this view (never pulled from elsewhere in course notes);
    // focus in the panel is never lost to the page when its control goes.
    if (primary && this.pendingFocus) {
      if (this.o.focus || this.focusNext || inside || hadFocus) primary.focus({ preventScroll: !this.o.focus });
      this.pendingFocus = false;
      this.focusNext = false;
    } else if (hadFocus && !this.box.contains(doc.activeElement)) {
      (primary || this.text).focus({ preventScroll: true });
    }
  }

  feedback(f) {
    const { t, lang } = this.v;
    const text = paragraphs(f.text, lang).join(' ');
    const head = t(f.correct ? 'lesson.right' : 'lesson.wrong');
    return el('p', { class: `lesson-feedback ${f.correct ? 'right' : 'wrong'}`, role: 'status' }, text ? `${head} ${text}` : head);
  }

  call(fn) {
    this.v.call(fn);
    this.key = null;
    this.focusNext = true;
    this.v.refresh();
  }
}
