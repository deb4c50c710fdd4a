// The history view: one bar per client operation, from its invocation to
// its response, with the point where the chosen linearization places it
// (numbered in that order) and its read mode. When the history is not
// linearizable, the operations that make it so are highlighted and the
// explanation names them. Drawn from history() (view::client_history),
// which checks the whole history: only while the panel is open (this module
// loads when it is first opened: lab-panels.js).
import { el, fmtMs } from './lab-dom.js';

const SHOWN = 30; // the newest operations drawn

export function historyPanel(v, snap) {
  if (!v.r.historyPanel.open) return;
  const ops = snap.clientOps || [];
  const key = JSON.stringify([v.lang, snap.clientOpsTotal, ops.map((o) => o.completedAtMs ?? null)]);
  if (v.panelKeys.history === key) return;
  v.panelKeys.history = key;
  const h = v.call((s) => s.history());
  if (h) draw(v, h, snap.timeMs);
}

function draw(v, h, nowMs) {
  const { r, t } = v;
  const culprits = new Set(h.culprits);
  const ops = h.ops.slice(-SHOWN);
  // Culprits stay in view even when older than the newest operations.
  for (const o of h.ops) if (culprits.has(o.id) && !ops.includes(o)) ops.unshift(o);
  const from = Math.min(...ops.map((o) => o.invokedAtMs), nowMs);
  const to = Math.max(...ops.map((o) => o.returnedAtMs ?? nowMs), from + 1);
  const pct = (ms) => `${(((ms - from) / (to - from)) * 100).toFixed(2)}%`;
  r.historyVerdict.textContent = t(`hist.verdict.${h.verdict}`, { count: h.ops.length });
  r.historyVerdict.className = `small verdict-${h.verdict}`;
  r.historyWhy.textContent = h.culprits.length
    ? `${t('hist.culprits', { ops: h.culprits.map((id) => `#${id}`).join(', ') })} ${h.explanation ?? ''}`
    : h.explanation ?? '';
  r.history.replaceChildren(...ops.map((o) => {
    const done = o.returnedAtMs !== null && o.returnedAtMs !== undefined;
    const read = o.read !== 'log' ? ` read=${o.read}` : '';
    const at = o.readAt ? ` ${t('ops.readAt', { index: o.readAt[0], term: o.readAt[1] })}` : '';
    const label = `#${o.id} ${o.command}${read} → ${done ? o.result : t('ops.pending')}${o.node ? ` (${t('hist.node', { node: o.node })}${at})` : ''}`;
    const classes = ['hop', done ? 'done' : 'pending', culprits.has(o.id) ? 'culprit' : '', o.promised ? '' : 'unpromised'];
    const track = el('div', { class: 'htrack' });
    const bar = el('div', { class: 'hbar', style: `left:${pct(o.invokedAtMs)};width:calc(${pct(done ? o.returnedAtMs : nowMs)} - ${pct(o.invokedAtMs)})` });
    bar.title = `${fmtMs(o.invokedAtMs)} – ${done ? fmtMs(o.returnedAtMs) : t('ops.pending')}`;
    track.append(bar);
    if (o.pointMs !== null && o.pointMs !== undefined) {
      track.append(el('span', { class: 'hpoint', style: `left:${pct(o.pointMs)}`, title: t('hist.point', { rank: o.rank + 1 }) }, String(o.rank + 1)));
    }
    return el('div', { class: classes.filter(Boolean).join(' '), 'data-op': o.id }, el('div', { class: 'hlabel' }, label), track);
  }));
}
