// The DOM panels of a view, filled from snapshot() (and, where the engine
// has them, inspect() and lastEvent()). Every string from the simulator
// goes in as text, never as markup.

const FEED_LINES = 50;
const LOG_ROWS_PAUSED = 500; // of a paused node's log; more would only slow the page

export function el(tag, props, ...children) {
  const e = document.createElement(tag);
  if (props) for (const [k, v] of Object.entries(props)) {
    if (k === 'class') e.className = v; else e.setAttribute(k, v);
  }
  for (const c of children) e.append(c instanceof Node ? c : String(c ?? ''));
  return e;
}

export const fmtValue = (v) => (v === null || v === undefined ? '—' : typeof v === 'object' ? JSON.stringify(v) : String(v));
export const fmtMs = (v) => (typeof v === 'number' ? `${Math.round(v * 10) / 10} ms` : fmtValue(v));

// `partition` holds each node's group (index id - 1); one group: no partition.
export function partitionGroups(partition) {
  const groups = new Map();
  (partition || []).forEach((g, i) => { if (!groups.has(g)) groups.set(g, []); groups.get(g).push(i + 1); });
  return [...groups.values()];
}

export function groupsText(partition) {
  const groups = partitionGroups(partition);
  return groups.length < 2 ? 'none' : groups.map((g) => g.join(',')).join(' | ');
}

function cutsText(cuts) {
  if (!cuts || cuts.length === 0) return 'none';
  return cuts.map((c) => (Array.isArray(c) ? `${c[0]}→${c[1]}` : `${c.from}${c.both ? '↔' : '→'}${c.to}`)).join(' ');
}

// Rebuild a panel only when what it shows changed.
function panel(v, name, data, build) {
  const key = JSON.stringify(data);
  if (v.panelKeys[name] === key) return;
  v.panelKeys[name] = key;
  build();
}

// One definition list of a node's scalar fields; nested objects (timers)
// are shown one level deep as `name.field`.
function fields(node, skip) {
  const dl = el('dl');
  const add = (k, val) => dl.append(el('dt', null, k), el('dd', null, /Ms$/.test(k) ? fmtMs(val) : fmtValue(val)));
  for (const [k, val] of Object.entries(node)) {
    if (skip.includes(k)) continue;
    if (val !== null && typeof val === 'object' && !Array.isArray(val)) {
      for (const [k2, v2] of Object.entries(val)) add(`${k}.${k2}`, v2);
    } else if (!Array.isArray(val)) add(k, val);
    else if (val.every((x) => x === null || typeof x !== 'object')) add(k, val.length ? val.join(', ') : '—');
  }
  return dl;
}

function nodePanel(v, snap) {
  const r = v.r;
  const node = v.selectedNode != null ? snap.nodes.find((n) => n.id === v.selectedNode) : null;
  r.nodeTitle.textContent = node ? `Node ${node.id}` : 'Node';
  if (r.crash) {
    r.crash.disabled = !node || !node.alive;
    r.restart.disabled = !node || node.alive;
    r.timeout.disabled = !node || !node.alive;
  }
  if (!r.nodeInfo) return;
  // Paused, the inspector shows the node's whole state at this moment
  // (inspect(): up to 10,000 log entries); running, the snapshot's view,
  // which is cheap enough for ten refreshes a second.
  const full = node && !v.playing && typeof v.sim.inspect === 'function';
  const key = full ? [node.id, snap.events, v.snap.timeMs, 'full'] : node;
  panel(v, 'node', key, () => {
    const shown = full ? v.call((s) => s.inspect(node.id)) || node : node;
    if (!shown) { r.nodeInfo.replaceChildren(el('p', { class: 'muted' }, 'Click a node (or press 1–9).')); return; }
    const parts = [fields(shown, ['log', 'kv', 'progress'])];
    if (Array.isArray(shown.progress) && shown.progress.length) {
      const t = el('table', null, el('tr', null, el('th', null, 'peer'), el('th', null, 'next'), el('th', null, 'match')));
      for (const p of shown.progress) t.append(el('tr', null, el('td', null, p.peer), el('td', null, p.nextIndex), el('td', null, p.matchIndex)));
      parts.push(el('h2', null, 'Replication'), t);
    }
    const log = shown.log || [];
    const rows = full ? LOG_ROWS_PAUSED : 10;
    const t = el('table', null, el('tr', null, el('th', null, '#'), el('th', null, 'term'), el('th', null, 'command')));
    for (const e of log.slice(-rows)) {
      const committed = e.committed ?? e.index <= shown.commitIndex;
      t.append(el('tr', { class: committed ? '' : 'muted' }, el('td', null, e.index), el('td', null, e.term),
        el('td', null, `${e.command}${committed ? '' : ' (uncommitted)'}`)));
    }
    const total = shown.logLength ?? log.length;
    parts.push(el('h2', null, `Log (${total ? `last ${Math.min(rows, log.length)} of ${total}` : 'empty'})`),
      full ? el('div', { class: 'scroll' }, t) : t);
    if (full && Array.isArray(shown.kv)) {
      parts.push(el('h2', null, 'Applied state'),
        el('p', { class: 'mono small' }, shown.kv.map((p) => (Array.isArray(p) ? `${p[0]}=${p[1]}` : fmtValue(p))).join(' ') || '—'));
    }
    r.nodeInfo.replaceChildren(...parts);
    if (full) t.parentElement.scrollTop = t.parentElement.scrollHeight;
  });
}

// The event that produced the state on screen (engine's lastEvent()).
function momentPanel(v) {
  const r = v.r;
  if (!r.moment || typeof v.sim.lastEvent !== 'function') return;
  r.momentPanel.hidden = false;
  const ev = v.call((s) => s.lastEvent());
  panel(v, 'moment', ev, () => {
    if (!ev) { r.moment.replaceChildren(el('p', { class: 'muted' }, 'Nothing has happened yet.')); return; }
    const effects = (ev.effects || []).map((t) => el('li', null, t));
    r.moment.replaceChildren(el('p', { class: 'mono small' }, `#${ev.number} at ${fmtMs(ev.timeMs)}: ${ev.text}`),
      effects.length ? el('ul', { class: 'effects mono small' }, ...effects) : el('p', { class: 'muted small' }, 'no effects'));
  });
}

function messagePanel(v, snap) {
  const r = v.r;
  const msg = v.selectedMessage != null ? snap.messages.find((m) => m.id === v.selectedMessage) : null;
  if (r.drop) { r.drop.disabled = !msg; r.dup.disabled = !msg; }
  if (!r.msgInfo) return;
  panel(v, 'msg', [v.selectedMessage, msg], () => {
    if (!msg) {
      r.msgInfo.replaceChildren(el('p', { class: 'muted' }, v.selectedMessage != null
        ? `Message ${v.selectedMessage} is no longer in flight.` : 'Click a message in flight.'));
      return;
    }
    const dl = el('dl');
    for (const [k, val] of Object.entries(msg)) dl.append(el('dt', null, k), el('dd', null, /Ms$/.test(k) ? fmtMs(val) : fmtValue(val)));
    r.msgInfo.replaceChildren(dl);
  });
}

function opsPanel(v, snap) {
  const ops = (snap.clientOps || []).slice(-12).reverse();
  panel(v, 'ops', ops, () => {
    v.r.ops.replaceChildren(...ops.map((o) => {
      const done = o.completedAtMs !== null && o.completedAtMs !== undefined;
      return el('li', { class: done ? 'done' : 'pending' },
        `#${o.id} ${o.command} → ${o.target ?? '?'}: ${done ? `${fmtValue(o.result)} at ${fmtMs(o.completedAtMs)}` : `${o.result ? `${fmtValue(o.result)} · ` : ''}pending`}`);
    }));
  });
}

function kvPanel(v, snap) {
  const rows = snap.nodes.map((n) => [n.id, n.alive, n.lastApplied, n.kv]);
  panel(v, 'kv', rows, () => {
    const t = v.r.kv;
    t.replaceChildren(el('tr', null, el('th', null, 'node'), el('th', null, 'applied'), el('th', null, 'keys')));
    for (const [id, alive, applied, kv] of rows) {
      const pairs = (kv || []).map(([k, val]) => `${k}=${val}`);
      const text = pairs.length > 16 ? `${pairs.slice(0, 16).join(' ')} … (+${pairs.length - 16})` : pairs.join(' ');
      t.append(el('tr', { class: alive ? '' : 'muted' }, el('td', null, `${id}${alive ? '' : ' ✕'}`), el('td', null, applied ?? ''), el('td', null, text || '—')));
    }
  });
}

/** Empties the event feed; the next refresh refills it up to the current event. */
export function resetFeed(v) {
  v.feedCursor = 0;
  if (v.r.feed) v.r.feed.replaceChildren();
}

function feedPanel(v) {
  const list = v.r.feed;
  if (!list) return;
  const count = v.call((s) => s.eventCount());
  if (typeof count !== 'number') return;
  // Travelling back in time: the feed shows the run up to the current event.
  if (count < v.feedCursor) resetFeed(v);
  const lines = v.call((s) => s.feed(v.feedCursor));
  v.feedCursor = count;
  if (!lines || !lines.length) return;
  for (const l of lines.filter((x) => x.event == null || x.event <= count).slice(-FEED_LINES)) {
    list.append(el('li', null, el('span', { class: 't' }, fmtMs(l.timeMs)), l.text));
  }
  while (list.children.length > FEED_LINES) list.firstElementChild.remove();
  list.scrollTop = list.scrollHeight;
}

function nodeOptions(sel, n, first, fallback) {
  const keep = sel.value;
  sel.replaceChildren(...(first ? [first] : []));
  for (let i = 1; i <= n; i++) sel.append(el('option', { value: String(i) }, first && first.value === '' ? `node ${i}` : String(i)));
  sel.value = [...sel.options].some((o) => o.value === keep) ? keep : fallback;
}

function scenarioPanel(v) {
  const stEl = v.r.scenarioStatus;
  if (!stEl) return;
  const st = v.call((s) => s.scenarioStatus());
  if (!st) stEl.textContent = '';
  else {
    stEl.textContent = `${st.done ? 'Done' : 'Running'}: step ${st.step} of ${st.total}${st.line ? ` (line ${st.line})` : ''}`;
    if (st.failure) stEl.textContent += ` · failed: ${st.failure}`;
  }
  stEl.classList.toggle('error', !!(st && st.failure));
}

export function refreshPanels(v, now = performance.now()) {
  v.lastPanels = now;
  const snap = v.call((s) => s.snapshot());
  if (!snap) return;
  const r = v.r;
  v.snap = snap;
  if (snap.nodes.length !== v.nodeCount) {
    v.nodeCount = snap.nodes.length;
    if (r.via) nodeOptions(r.via, v.nodeCount, el('option', { value: '' }, 'leader'), '');
    if (r.bpFrom) {
      nodeOptions(r.bpFrom, v.nodeCount, el('option', { value: 'client' }, 'client'), '1');
      nodeOptions(r.bpTo, v.nodeCount, el('option', { value: 'client' }, 'client'), '2');
    }
  }
  if (r.clock) {
    const leader = snap.leader != null ? `leader ${snap.leader}` : 'no leader';
    const bad = snap.violations && snap.violations.length ? ` · ${snap.violations.length} VIOLATION(S)` : '';
    // robust: the seed is always shown, so any run can be named and replayed
    r.clock.textContent = `t = ${fmtMs(snap.timeMs)} · ${snap.events} events · ${leader} · seed ${snap.config.seed}${bad}`;
  }
  if (r.netInfo) r.netInfo.textContent = `Partition: ${groupsText(snap.partition)} · Cuts: ${cutsText(snap.cuts)}`;
  if (r.nodeTitle) nodePanel(v, snap);
  momentPanel(v);
  if (r.msgTitle) messagePanel(v, snap);
  if (r.ops) { opsPanel(v, snap); kvPanel(v, snap); }
  feedPanel(v);
  scenarioPanel(v);
  v.debug.refresh();
}
