// The "why" of every decision, in the view's language (docs/why.md): the
// engine reports a reason as {key, args, section, lesion?, text}; the
// catalogues hold its template under `why.KEY`. A reason shows as a button:
// clicking it opens a short explanation of the rule it names (the paper's
// section, both languages; texts in the *-more catalogues, loaded then).
import { el } from './lab-panels.js';
import { loadMore } from './i18n.js';

/** The sections of the paper a reason can name (Why.section in src/view/why/keys.rs). */
export const SECTIONS = ['5.1', '5.2', '5.3', '5.4.1', '5.4.2', 'figure-2', '9.6', '4.2.3', '3.10'];

const THESIS = ['9.6', '4.2.3', '3.10'];

/** A reason's arguments as its template shows them: a list of servers as "S1, S2, S3". */
export function whyArgs(args) {
  const out = {};
  for (const [k, v] of Object.entries(args || {})) out[k] = Array.isArray(v) ? v.map((n) => `S${n}`).join(', ') : v;
  return out;
}

/** The reason as a sentence in the language of `t`; the engine's English when the catalogue lacks the key. */
export function whyText(t, why) {
  const key = `why.${why.key}`;
  return t.has(key) ? t(key, whyArgs(why.args)) : why.text;
}

/** A button showing the reason; clicking it explains the rule (`v`: the view). */
export function whyButton(v, why) {
  const b = el('button', { type: 'button', class: 'why', 'aria-haspopup': 'dialog', 'data-section': why.section }, whyText(v.t, why));
  b.addEventListener('click', () => openRule(v, why));
  return b;
}

/** The dialog explaining the rule behind `why` (its section; the lesion, if a rule was off). */
export async function openRule(v, why) {
  await loadMore(v.lang);
  if (v.destroyed) return;
  const t = v.t;
  let d = v.root.querySelector('dialog.rule');
  if (!d) {
    d = el('dialog', { class: 'rule', 'aria-labelledby': `${v.root.id || 'rl'}-rule-title` });
    v.root.append(d);
  }
  const section = SECTIONS.includes(why.section) ? why.section : '5.2';
  const title = el('h2', { id: `${v.root.id || 'rl'}-rule-title`, tabindex: '-1' }, t(`rule.${section}`));
  // PreVote, CheckQuorum and transfer are sections of Ongaro's thesis, not of the paper.
  const source = section === 'figure-2' ? 'rule.figure2' : THESIS.includes(section) ? 'rule.thesis' : 'rule.paper';
  const parts = [title, el('p', { class: 'muted small' }, t(source, { section })),
    el('p', { class: 'why-quote' }, whyText(t, why))];
  for (const p of t(`rule.${section}.text`).split('\n')) parts.push(el('p', null, p));
  if (why.lesion) parts.push(el('p', { class: 'error' }, t('rule.lesion', { rule: why.lesion })));
  const form = el('form', { method: 'dialog' }, el('button', null, t('close')));
  d.replaceChildren(...parts, form);
  if (!d.open) d.showModal();
  title.focus();
}
