// The DOM panels of a view, filled from snapshot() (and, where the engine
// has them, inspect() and lastEvent()), in the view's language. Every
// string from the simulator goes in as text, never as markup; what the
// engine says about events arrives as phrases ({key, args}), and the reason
// of each decision as a "why" (lab-why.js), which opens its rule's explanation.
import { whyButton } from './lab-why.js';
import { el, fmtMs, fmtValue, rulesOff } from './lab-dom.js';

const FEED_LINES = 50;
const LOG_ROWS_PAUSED = 500; // of a paused node's log; more would only slow the page

export { el, fmtValue, fmtMs } from './lab-dom.js';

// `partition` holds each node's group (index id - 1); one group: no partition.
export function partitionGroups(partition) {
  const groups = new Map();
  (partition || []).forEach((g, i) => { if (!groups.has(g)) groups.set(g, []); groups.get(g).push(i + 1); });
  return [...groups.values()];
}

/** `1,2 | 3,4,5`, or null without a partition. */
export function groupsText(partition) {
  const groups = partitionGroups(partition);
  return groups.length < 2 ? null : groups.map((g) => g.join(',')).join(' | ');
}

function cutsText(cuts) {
  if (!cuts || cuts.length === 0) return null;
  return cuts.map((c) => (Array.isArray(c) ? `${c[0]}→${c[1]}` : `${c.from}${c.both ? '↔' : '→'}${c.to}`)).join(' ');
}

// Rebuild a panel only when what it shows changed.
function panel(v, name, data, build) {
  const key = JSON.stringify(data);
  if (v.panelKeys[name] === key) return;
  v.panelKeys[name] = key;
  build();
}

// A field's value: yes / no in the view's language.
const fmtField = (t, v) => (typeof v === 'boolean' ? t(v ? 'value.true' : 'value.false') : fmtValue(v));

// A field's label in the view's language; a field the catalogues do not
// know yet (a newer engine) shows its own name.
const fieldName = (t, k) => (t.has(`field.${k}`) ? t(`field.${k}`) : k);
const roleName = (t, role) => t(`role.${role}`);

// One definition list of a node's scalar fields; nested objects (timers)
// are shown one level deep as `name.field`.
function fields(t, node, skip) {
  const dl = el('dl');
  const add = (k, label, val) => dl.append(el('dt', null, label), el('dd', null, /Ms$/.test(k) ? fmtMs(val) : fmtField(t, val)));
  for (const [k, val] of Object.entries(node)) {
    if (skip.includes(k)) continue;
    if (k === 'role') add(k, fieldName(t, k), roleName(t, val));
    else if (val !== null && typeof val === 'object' && !Array.isArray(val)) {
      for (const [k2, v2] of Object.entries(val)) add(k2, `${fieldName(t, k)}.${k2}`, v2);
    } else if (!Array.isArray(val)) add(k, fieldName(t, k), val);
    else if (val.every((x) => x === null || typeof x !== 'object')) add(k, fieldName(t, k), val.length ? val.join(', ') : '—');
  }
  return dl;
}

function nodePanel(v, snap) {
  const r = v.r;
  const t = v.t;
  const node = v.selectedNode != null ? snap.nodes.find((n) => n.id === v.selectedNode) : null;
  r.nodeTitle.textContent = node ? t('node.titleOf', { node: node.id }) : t('node.title');
  if (r.crash) {
    r.crash.disabled = !node || !node.alive;
    r.restart.disabled = !node || node.alive;
    r.timeout.disabled = !node || !node.alive;
  }
  // Leadership goes to the selected node: there must be a leader, and it is another node.
  if (r.transfer) r.transfer.disabled = !node || snap.leader == null || snap.leader === node.id;
  if (!r.nodeInfo) return;
  // Paused, the inspector shows the node's whole state at this moment
  // (inspect(): up to 10,000 log entries); running, the snapshot's view,
  // which is cheap enough for ten refreshes a second.
  const full = node && !v.playing && typeof v.sim.inspect === 'function';
  const key = full ? [node.id, snap.events, v.snap.timeMs, 'full'] : node;
  panel(v, 'node', key, () => {
    const shown = full ? v.call((s) => s.inspect(node.id)) || node : node;
    if (!shown) { r.nodeInfo.replaceChildren(el('p', { class: 'muted' }, t('node.pick'))); return; }
    const parts = [fields(t, shown, ['log', 'kv', 'progress'])];
    if (Array.isArray(shown.progress) && shown.progress.length) {
      const tb = el('table', null, el('tr', null, el('th', null, t('node.peer')), el('th', null, 'nextIndex'), el('th', null, 'matchIndex')));
      for (const p of shown.progress) tb.append(el('tr', null, el('td', null, p.peer), el('td', null, p.nextIndex), el('td', null, p.matchIndex)));
      parts.push(el('h3', null, t('node.replication')), tb);
    }
    const log = shown.log || [];
    const rows = full ? LOG_ROWS_PAUSED : 10;
    const tb = el('table', null, el('tr', null, el('th', null, '#'), el('th', null, t('node.term')), el('th', null, t('node.command'))));
    for (const e of log.slice(-rows)) {
      const committed = e.committed ?? e.index <= shown.commitIndex;
      tb.append(el('tr', { class: committed ? '' : 'muted' }, el('td', null, e.index), el('td', null, e.term),
        el('td', null, committed ? e.command : t('node.uncommitted', { command: e.command }))));
    }
    const total = shown.logLength ?? log.length;
    parts.push(el('h3', null, total ? t('node.logLast', { shown: Math.min(rows, log.length), total }) : t('node.logEmpty')),
      full ? el('div', { class: 'scroll', tabindex: '0', 'aria-label': t('node.logScroll') }, tb) : tb);
    if (full && Array.isArray(shown.kv)) {
      parts.push(el('h3', null, t('kv.title')),
        el('p', { class: 'mono small' }, shown.kv.map((p) => (Array.isArray(p) ? `${p[0]}=${p[1]}` : fmtValue(p))).join(' ') || '—'));
    }
    r.nodeInfo.replaceChildren(...parts);
    if (full) tb.parentElement.scrollTop = tb.parentElement.scrollHeight;
  });
}

// The event that produced the state on screen (engine's lastEvent()).
function momentPanel(v) {
  const r = v.r;
  const t = v.t;
  if (!r.moment || typeof v.sim.lastEvent !== 'function') return;
  r.momentPanel.hidden = false;
  const ev = v.call((s) => s.lastEvent());
  panel(v, 'moment', ev, () => {
    if (!ev) { r.moment.replaceChildren(el('p', { class: 'muted' }, t('moment.none'))); return; }
    const effects = (ev.effectPhrases || ev.effects || []).map((x) => el('li', null, t.text(x)));
    const why = (ev.why || []).map((w) => el('li', null, whyButton(v, w)));
    r.moment.replaceChildren(el('p', { class: 'mono small' }, t('moment.event', { number: ev.number, time: fmtMs(ev.timeMs), text: ev.phrase ? t.text(ev.phrase) : ev.text })),
      effects.length ? el('ul', { class: 'effects mono small' }, ...effects) : el('p', { class: 'muted small' }, t('moment.noEffects')),
      ...(why.length ? [el('h3', null, t('why.title')), el('ul', { class: 'whys small' }, ...why)] : []));
  });
}

function messagePanel(v, snap) {
  const r = v.r;
  const t = v.t;
  const msg = v.selectedMessage != null ? snap.messages.find((m) => m.id === v.selectedMessage) : null;
  if (r.drop) { r.drop.disabled = !msg; r.dup.disabled = !msg; }
  if (!r.msgInfo) return;
  panel(v, 'msg', [v.selectedMessage, msg], () => {
    if (!msg) {
      r.msgInfo.replaceChildren(el('p', { class: 'muted' }, v.selectedMessage != null
        ? t('msg.gone', { id: v.selectedMessage }) : t('msg.pick')));
      return;
    }
    const dl = el('dl');
    for (const [k, val] of Object.entries(msg)) dl.append(el('dt', null, fieldName(t, k)), el('dd', null, /Ms$/.test(k) ? fmtMs(val) : fmtField(t, val)));
    r.msgInfo.replaceChildren(dl);
  });
}

// Each operation, with its retries: a write that reached a minority leader
// commits later, after the client times out and tries another node.
function opText(t, o) {
  const done = o.completedAtMs !== null && o.completedAtMs !== undefined;
  const retries = Math.max(0, (o.attempts ?? 1) - 1 - (o.redirects ?? 0));
  const notes = [];
  if (retries) notes.push(t('ops.retries', { count: retries }));
  if (o.redirects) notes.push(t('ops.redirects', { count: o.redirects }));
  if (o.readAt) notes.push(t('ops.readAt', { index: o.readAt[0], term: o.readAt[1] }));
  const result = o.outcome ? t.text(o.outcome) : fmtValue(o.result);
  const state = done ? t('ops.done', { result, time: fmtMs(o.completedAtMs) }) : t('ops.pending');
  const command = o.read && o.read !== 'log' ? `${o.command} read=${o.read}` : o.command;
  return t('ops.line', { op: o.id, command, node: o.target ?? '?', state, notes: notes.length ? ` (${notes.join(', ')})` : '' });
}

function opsPanel(v, snap) {
  const ops = (snap.clientOps || []).slice(-12).reverse();
  panel(v, 'ops', ops, () => {
    v.r.ops.replaceChildren(...ops.map((o) => {
      const done = o.completedAtMs !== null && o.completedAtMs !== undefined;
      return el('li', { class: done ? 'done' : 'pending' }, opText(v.t, o));
    }));
  });
}

function kvPanel(v, snap) {
  const rows = snap.nodes.map((n) => [n.id, n.alive, n.lastApplied, n.kv]);
  const t = v.t;
  panel(v, 'kv', rows, () => {
    const tb = v.r.kv;
    tb.replaceChildren(el('tr', null, el('th', null, t('kv.node')), el('th', null, t('kv.applied')), el('th', null, t('kv.keys'))));
    for (const [id, alive, applied, kv] of rows) {
      const pairs = (kv || []).map(([k, val]) => `${k}=${val}`);
      const text = pairs.length > 16 ? `${pairs.slice(0, 16).join(' ')} … (+${pairs.length - 16})` : pairs.join(' ');
      tb.append(el('tr', { class: alive ? '' : 'muted' }, el('td', null, `${id}${alive ? '' : ' ✕'}`), el('td', null, applied ?? ''), el('td', null, text || '—')));
    }
  });
}

/** Empties the event feed; the next refresh refills it up to the current event. */
export function resetFeed(v) {
  v.feedCursor = 0;
  if (v.r.feed) v.r.feed.replaceChildren();
  v.learn?.forgetAnnouncements();
}

function feedPanel(v) {
  const list = v.r.feed;
  if (!list) return;
  const count = v.call((s) => s.eventCount());
  if (typeof count !== 'number') return;
  // Travelling back in time: the feed shows the run up to the current event.
  if (count < v.feedCursor) resetFeed(v);
  if (count === v.feedCursor) return;
  const fresh = v.feedCursor > 0;
  const lines = v.call((s) => s.feed(v.feedCursor));
  v.feedCursor = count;
  if (!lines || !lines.length) return;
  const shown = lines.filter((x) => x.event == null || x.event <= count).slice(-FEED_LINES);
  const texts = shown.map((l) => (l.phrase ? v.t.text(l.phrase) : l.text));
  // Screen readers hear a summary at most once a second, not every line.
  if (fresh) v.learn.announce(texts, shown);
  shown.forEach((l, i) => list.append(el('li', null, el('span', { class: 't' }, fmtMs(l.timeMs)), texts[i], l.why ? whyButton(v, l.why) : '')));
  while (list.children.length > FEED_LINES) list.firstElementChild.remove();
  list.scrollTop = list.scrollHeight;
}

function nodeOptions(sel, n, first, fallback, t) {
  const keep = sel.value;
  sel.replaceChildren(...(first ? [first] : []));
  for (let i = 1; i <= n; i++) sel.append(el('option', { value: String(i) }, first && first.value === '' ? t('client.node', { node: i }) : String(i)));
  sel.value = [...sel.options].some((o) => o.value === keep) ? keep : fallback;
}

function linkOptions(sel, n, t) {
  const keep = sel.value;
  sel.replaceChildren();
  for (let a = 1; a <= n; a++) for (let b = a + 1; b <= n; b++) sel.append(el('option', { value: `${a}-${b}` }, t('net.linkName', { a, b })));
  if ([...sel.options].some((o) => o.value === keep)) sel.value = keep;
}

function scenarioPanel(v, st) {
  const stEl = v.r.scenarioStatus;
  if (!stEl) return;
  const t = v.t;
  if (!st) stEl.textContent = '';
  else {
    stEl.textContent = t(st.done ? 'sc.done' : 'sc.running', { step: st.step, total: st.total, line: st.line || '' })
      + (st.failure ? t('sc.failed', { failure: st.failure }) : '');
  }
  stEl.classList.toggle('error', !!(st && st.failure));
}

/** "t = 1.2 s · 345 events · leader 3" and the quorum line. */
function clock(v, snap) {
  const r = v.r;
  const t = v.t;
  const leader = snap.leader != null ? t('clock.leader', { node: snap.leader }) : t('clock.noLeader');
  const bad = snap.violations && snap.violations.length ? t('clock.violations', { count: snap.violations.length }) : '';
  // The seed is always shown, so any run can be named and replayed.
  r.clock.textContent = t('clock.line', { time: fmtMs(snap.timeMs), events: snap.events, leader, seed: snap.config.seed }) + bad;
  r.quorum.textContent = quorumText(t, snap.quorum);
  r.quorum.classList.toggle('cannot', !!(snap.quorum && snap.quorum.leaders.some((l) => !l.canCommit)));
}

/** "5 servers · quorum 3 · 4 up · leader S2 can commit". */
export function quorumText(t, q) {
  if (!q) return '';
  const parts = [t('quorum.line', { servers: q.servers, quorum: q.quorum, up: q.up })];
  if (!q.leaders.length) parts.push(t(q.up >= q.quorum ? 'quorum.noLeader' : 'quorum.tooFew'));
  for (const l of q.leaders) {
    parts.push(t(l.canCommit ? 'quorum.canCommit' : 'quorum.cannotCommit', { node: l.id, reach: l.reachable, quorum: q.quorum }));
  }
  return parts.join(' · ');
}

export function refreshPanels(v, now = performance.now()) {
  v.lastPanels = now;
  const snap = v.call((s) => s.snapshot());
  if (!snap) return;
  const r = v.r;
  const t = v.t;
  v.snap = snap;
  if (snap.nodes.length !== v.nodeCount) {
    v.nodeCount = snap.nodes.length;
    if (r.via) nodeOptions(r.via, v.nodeCount, el('option', { value: '' }, t('client.leader')), '', t);
    if (r.bpFrom) {
      nodeOptions(r.bpFrom, v.nodeCount, el('option', { value: 'client' }, t('word.client')), '1', t);
      nodeOptions(r.bpTo, v.nodeCount, el('option', { value: 'client' }, t('word.client')), '2', t);
    }
    if (r.linkSel) linkOptions(r.linkSel, v.nodeCount, t);
    v.sizeLog();
  }
  if (r.clock) clock(v, snap);
  if (r.netInfo) {
    r.netInfo.textContent = t('net.info', { partition: groupsText(snap.partition) ?? t('net.none'), cuts: cutsText(snap.cuts) ?? t('net.none') });
  }
  if (r.nodeTitle) nodePanel(v, snap);
  momentPanel(v);
  if (r.msgTitle) messagePanel(v, snap);
  if (r.ops) { opsPanel(v, snap); kvPanel(v, snap); }
  if (r.history) history(v, snap);
  feedPanel(v);
  const st = v.call((s) => s.scenarioStatus());
  scenarioPanel(v, st);
  v.learn.refresh(snap, st);
  v.debug.refresh();
  rules(v);
  for (const hook of v.hooks) hook(snap);
}

// "Break a rule" (lab-rules.js) loads when its menu is first opened, or as
// soon as a rule is off (a link, a scenario): the clock bar names those rules.
function rules(v) {
  if (v.rules) v.rules.refresh();
  else if ((v.r.rulesOff || v.r.rulesList) && rulesOff(v).length) v.feature('rules', false);
}

// The history view (lab-history.js) loads when its panel is first opened;
// closed, it costs nothing.
function history(v, snap) {
  const p = v.r.historyPanel;
  if (!p.dataset.wired) {
    p.dataset.wired = '1';
    v.on(p, 'toggle', () => { if (v.snap) history(v, v.snap); });
  }
  if (!p.open) return;
  const m = v.loaded('history');
  if (m) m.historyPanel(v, snap);
  else v.feature('history', false).then((loaded) => { if (loaded && v.snap) loaded.historyPanel(v, v.snap); });
}
