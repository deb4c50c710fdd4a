// Raft Lab page: wires the wasm simulator (./pkg/raftlab.js) to the DOM.
// The simulator owns all Raft state and draws both canvases; this file only
// runs the clock, forwards input and shows snapshots in the side panels.
import init, { RaftLab } from './pkg/raftlab.js';

const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);
const PANEL_INTERVAL_MS = 100; // DOM panels refresh at most ~10 times a second
const MAX_FRAME_MS = 100; // a long pause (tab hidden) never becomes a huge jump
const FEED_LINES = 50;

const ui = {
  sim: null,
  playing: !params.has('paused'),
  speedExp: 1.3, // speed = 10^-speedExp: 0 is real time, 3 is 1000x slower
  selectedNode: null,
  selectedMessage: null,
  hoverMessage: null,
  snap: null,
  feedCursor: 0,
  fatal: false,
  lastFrame: 0,
  lastPanels: -Infinity,
  panelKeys: {},
  nodeCount: 0,
  dark: false,
  reducedMotion: false,
  canvases: [],
  frameTimes: null, // arrays while a benchmark measures frames and panel refreshes
  panelTimes: null,
  firstFrameMs: null,
  drag: null, // a node being dragged: {id, x0, y0, moved}
  suppressClick: false, // the click that ends a drag is not a selection
  groupKey: false, // 'g' was pressed: the next digit picks a group
};
const DRAG_THRESHOLD_PX = 5;

// ---------- errors ----------

const message = (e) => (e && e.message) || String(e);

// A Rust panic aborts the wasm instance (console_error_panic_hook has logged
// it); after that the instance must not be used again.
function isPanic(e) {
  return e instanceof WebAssembly.RuntimeError ||
    /unreachable|recursive use of an object|already (mutably )?borrowed|null pointer passed to rust/i.test(message(e));
}

function fatal(e) {
  if (ui.fatal) return;
  ui.fatal = true;
  ui.playing = false;
  $('fatalText').textContent = `internal error: ${message(e)}. The simulation stopped; Reset starts a new one.`;
  $('fatal').hidden = false;
  syncPlay();
}

let statusTimer = 0;
function status(text, isError = false) {
  const el = $('status');
  el.textContent = text;
  el.classList.toggle('is-error', isError);
  el.hidden = false;
  clearTimeout(statusTimer);
  statusTimer = setTimeout(() => { el.hidden = true; }, isError ? 6000 : 3000);
}

// Every call into wasm goes through here: a readable error for bad input,
// the internal-error banner for a panic.
function call(fn) {
  if (ui.fatal || !ui.sim) return undefined;
  try {
    return fn(ui.sim);
  } catch (e) {
    if (isPanic(e)) fatal(e); else status(message(e), true);
    return undefined;
  }
}

window.addEventListener('error', (e) => { if (e.error && isPanic(e.error)) fatal(e.error); });
window.addEventListener('unhandledrejection', (e) => status(message(e.reason), true));

// ---------- the simulation instance ----------

function setSim(sim) {
  const old = ui.sim;
  ui.sim = sim;
  window.raftlab = sim;
  ui.feedCursor = 0;
  ui.selectedMessage = null;
  ui.hoverMessage = null;
  ui.panelKeys = {};
  $('feed').replaceChildren();
  if (old && old !== sim) { try { old.free(); } catch { /* already gone */ } }
  refreshPanels();
  draw();
}

function createSim() {
  const nodes = Number($('nodes').value);
  const seed = Number($('seed').value) || 0;
  return RaftLab.create({ nodes, seed });
}

function reset() {
  try {
    const sim = createSim();
    if (ui.fatal) { ui.fatal = false; ui.playing = true; syncPlay(); }
    $('fatal').hidden = true;
    ui.selectedNode = null;
    setSim(sim);
    applyLoad();
  } catch (e) {
    if (ui.fatal || isPanic(e)) location.reload(); // the instance is gone: start afresh
    else status(message(e), true);
  }
}

function loadScenario() {
  const out = $('scenarioError');
  if (ui.fatal) { out.textContent = 'Reset first: the simulation stopped on an internal error.'; return; }
  let sim;
  try {
    sim = RaftLab.fromScenario($('scenario').value);
  } catch (e) {
    if (isPanic(e)) { fatal(e); return; }
    out.textContent = message(e); // the previous simulation keeps running
    return;
  }
  out.textContent = '';
  ui.selectedNode = null;
  setSim(sim);
  const n = ui.snap ? ui.snap.nodes.length : 0;
  if (n) $('nodes').value = String(n);
  ui.playing = true;
  syncPlay();
}

// ---------- clock and speed ----------

const speed = () => 10 ** -ui.speedExp;

function syncSpeed() {
  $('speed').value = String(ui.speedExp);
  const s = speed();
  const label = ui.speedExp < 0.005 ? '1×' : `1/${Math.round(1 / s)}×`;
  const perSec = 1000 * s;
  const virt = perSec >= 10 ? `${Math.round(perSec)} ms` : `${perSec.toFixed(perSec >= 1 ? 1 : 2)} ms`;
  $('speedOut').textContent = `${label} · ${virt} virtual per s`;
}

function setSpeedExp(v) {
  ui.speedExp = Math.min(3, Math.max(0, v));
  syncSpeed();
}

function syncPlay() {
  const b = $('play');
  b.textContent = ui.playing ? 'Pause' : 'Play';
  b.setAttribute('aria-pressed', String(ui.playing));
}

function togglePlay() {
  if (ui.fatal) return;
  ui.playing = !ui.playing;
  syncPlay();
}

function stepOne() {
  ui.playing = false;
  syncPlay();
  const ev = call((s) => s.stepEvent());
  status(ev === undefined || ev === null ? 'nothing left to happen' : String(ev));
  refreshPanels();
  draw();
}

// ---------- canvases ----------

function setupCanvas(wrapId, canvasId, paint) {
  const canvas = $(canvasId);
  const c = { canvas, ctx: canvas.getContext('2d'), w: 0, h: 0, dpr: 1, paint };
  const resize = () => {
    const r = $(wrapId).getBoundingClientRect();
    c.dpr = window.devicePixelRatio || 1;
    c.w = Math.max(1, Math.floor(r.width));
    c.h = Math.max(1, Math.floor(r.height));
    canvas.width = Math.round(c.w * c.dpr);
    canvas.height = Math.round(c.h * c.dpr);
    draw();
  };
  new ResizeObserver(resize).observe($(wrapId));
  resize();
  ui.canvases.push(c);
  return c;
}

function renderStyle() {
  const s = { dark: ui.dark, reducedMotion: ui.reducedMotion };
  if (ui.selectedNode != null) s.selectedNode = ui.selectedNode;
  if (ui.selectedMessage != null) s.selectedMessage = ui.selectedMessage;
  if (ui.hoverMessage != null) s.hoverMessage = ui.hoverMessage;
  return s;
}

function draw() {
  if (!ui.sim || ui.fatal) return;
  const style = renderStyle();
  for (const c of ui.canvases) {
    if (!c.w || !c.h) continue;
    c.ctx.setTransform(1, 0, 0, 1, 0, 0);
    call((s) => c.paint(s, c.ctx, c.w, c.h, c.dpr, style));
  }
}

function frame(now) {
  const dt = Math.min(Math.max(now - ui.lastFrame, 0), MAX_FRAME_MS);
  ui.lastFrame = now;
  if (ui.sim && !ui.fatal) {
    const t0 = performance.now();
    if (ui.playing) call((s) => s.advance(dt * speed()));
    draw();
    const t1 = performance.now();
    if (ui.frameTimes) ui.frameTimes.push(t1 - t0);
    if (ui.firstFrameMs === null) ui.firstFrameMs = t1;
    if (now - ui.lastPanels >= PANEL_INTERVAL_MS) {
      refreshPanels(now);
      if (ui.panelTimes) ui.panelTimes.push(performance.now() - t1);
    }
  }
  requestAnimationFrame(frame);
}

function canvasPoint(e) {
  const r = $('cluster').getBoundingClientRect();
  return [e.clientX - r.left, e.clientY - r.top];
}

function isCut(snap, from, to) {
  for (const c of (snap && snap.cuts) || []) {
    const [a, b] = Array.isArray(c) ? c : [c.from, c.to];
    if (a === from && b === to) return true;
    if (!Array.isArray(c) && c.both && a === to && b === from) return true;
  }
  return false;
}

function onCanvasClick(e) {
  if (ui.suppressClick) { ui.suppressClick = false; return; }
  const [x, y] = canvasPoint(e);
  const hit = call((s) => s.hitTest(x, y));
  if (!hit) { ui.selectedMessage = null; refreshPanels(); draw(); return; }
  if (hit.kind === 'node') selectNode(hit.id);
  else if (hit.kind === 'message') { ui.selectedMessage = hit.id; refreshPanels(); }
  else if (hit.kind === 'link') {
    const snap = call((s) => s.snapshot());
    const both = e.shiftKey;
    if (isCut(snap, hit.from, hit.to) || (both && isCut(snap, hit.to, hit.from))) {
      call((s) => s.uncut(hit.from, hit.to, both));
      status(`repaired ${hit.from} ${both ? '↔' : '→'} ${hit.to}`);
    } else {
      call((s) => s.cut(hit.from, hit.to, both));
      status(`cut ${hit.from} ${both ? '↔' : '→'} ${hit.to}`);
    }
    refreshPanels();
  }
  draw();
}

function onCanvasMove(e) {
  const [x, y] = canvasPoint(e);
  const hit = call((s) => s.hitTest(x, y));
  const m = hit && hit.kind === 'message' ? hit.id : null;
  if (m !== ui.hoverMessage) {
    ui.hoverMessage = m;
    // The hovered message's fields as a tooltip; selecting it shows them in
    // the inspector. Looked up only when the hovered message changes.
    const msg = m == null ? null : call((s) => s.snapshot().messages.find((x) => x.id === m));
    e.currentTarget.title = msg ? `${msg.from}→${msg.to} ${msg.text}` : "";
    draw();
  }
}

// ---------- dragging nodes into partition groups ----------

// The groups after moving node `id` into the group of node `target` (or into
// a group of its own when `target` is null). Group 0 of snapshot().partition
// is the default group (nodes not listed); dropping onto a node of the
// default group forms a new group of the two. Returns null when nothing changes.
function regroup(partition, id, target) {
  const part = [...partition];
  const before = JSON.stringify(partitionGroups(part).map((g) => [...g].sort()).sort());
  if (target == null) {
    part[id - 1] = Math.max(...part) + 1;
  } else if (part[target - 1] === 0) {
    const g = Math.max(...part) + 1;
    part[id - 1] = g;
    part[target - 1] = g;
  } else {
    part[id - 1] = part[target - 1];
  }
  const groups = partitionGroups(part);
  const after = JSON.stringify(groups.map((g) => [...g].sort()).sort());
  if (after === before) return null;
  // Keep the default group unlisted; one group in all means no partition.
  if (groups.length < 2) return [];
  return groups.filter((g) => part[g[0] - 1] !== 0);
}

function moveToGroup(id, target) {
  const snap = call((s) => s.snapshot());
  if (!snap) return;
  const n = snap.nodes.length;
  if (id < 1 || id > n || (target != null && (target < 1 || target > n))) { status(`No node ${target ?? id}.`, true); return; }
  if (target === id) target = null;
  const groups = regroup(snap.partition, id, target);
  if (!groups) { status(`node ${id} is already ${target == null ? 'in a group of its own' : `in node ${target}'s group`}`); return; }
  call((s) => s.partition(groups));
  refreshPanels();
  status(`partition: ${groupsText(ui.snap && ui.snap.partition)}`);
  draw();
}

function dragGhost(x, y, label, target) {
  const g = $('dragGhost');
  g.hidden = false;
  g.style.left = `${x}px`;
  g.style.top = `${y}px`;
  g.querySelector('.node').textContent = label;
  g.querySelector('.hint').textContent = target;
}

function dropTarget(x, y, id) {
  const r = $('cluster').getBoundingClientRect();
  const lx = x - r.left;
  const ly = y - r.top;
  if (lx < 0 || ly < 0 || lx > r.width || ly > r.height) return { outside: true };
  const hit = call((s) => s.hitTest(lx, ly));
  if (hit && hit.kind === 'node' && hit.id !== id) return { node: hit.id };
  if (hit && hit.kind === 'node') return { self: true };
  return {};
}

function dropText(t) {
  if (t.outside) return 'release to cancel';
  if (t.self) return 'drag it away';
  if (t.node != null) return `join S${t.node}'s group`;
  return 'group of its own';
}

function onCanvasPointerDown(e) {
  if (e.button !== 0 || ui.drag) return;
  ui.suppressClick = false;
  const [x, y] = canvasPoint(e);
  const hit = call((s) => s.hitTest(x, y));
  if (!hit || hit.kind !== 'node') return;
  ui.drag = { id: hit.id, x0: e.clientX, y0: e.clientY, moved: false, pointer: e.pointerId };
}

function onDragMove(e) {
  const d = ui.drag;
  if (!d || e.pointerId !== d.pointer) return;
  if (!d.moved && Math.hypot(e.clientX - d.x0, e.clientY - d.y0) < DRAG_THRESHOLD_PX) return;
  if (!d.moved) { d.moved = true; document.body.classList.add('dragging-node'); }
  e.preventDefault();
  const r = $('clusterWrap').getBoundingClientRect();
  dragGhost(e.clientX - r.left, e.clientY - r.top, `S${d.id}`, dropText(dropTarget(e.clientX, e.clientY, d.id)));
}

function endDrag() {
  const d = ui.drag;
  ui.drag = null;
  $('dragGhost').hidden = true;
  document.body.classList.remove('dragging-node');
  return d;
}

function onDragUp(e) {
  const d = ui.drag;
  if (!d || e.pointerId !== d.pointer) return;
  endDrag();
  if (!d.moved) return; // a plain click: the click handler selects the node
  ui.suppressClick = true;
  setTimeout(() => { ui.suppressClick = false; }, 0); // released off the canvas: no click follows
  const t = dropTarget(e.clientX, e.clientY, d.id);
  if (t.outside || t.self) return;
  moveToGroup(d.id, t.node ?? null);
}

// ---------- actions ----------

function selectNode(id) {
  const n = ui.snap ? ui.snap.nodes.length : 0;
  if (id < 1 || id > n) return;
  ui.selectedNode = ui.selectedNode === id ? null : id;
  refreshPanels();
  draw();
}

function nodeAction(name) {
  const id = ui.selectedNode;
  if (id == null) { status('Select a node first: click it or press 1–9.', true); return; }
  call((s) => s[name](id));
  refreshPanels();
  draw();
}

function isolateLeader() {
  const snap = call((s) => s.snapshot());
  if (!snap) return;
  if (snap.leader == null) { status('No leader to isolate.', true); return; }
  const others = snap.nodes.map((n) => n.id).filter((id) => id !== snap.leader);
  call((s) => s.partition([[snap.leader], others]));
  status(`isolated node ${snap.leader}`);
  refreshPanels();
}

// The leader (if any) goes to the minority side: it keeps its role for a
// while but can no longer commit, while the majority elects a new leader.
function splitMinority() {
  const snap = call((s) => s.snapshot());
  if (!snap) return;
  const ids = snap.nodes.map((n) => n.id);
  const m = Math.floor((ids.length - 1) / 2);
  if (m < 1) { status('Too few nodes to split.', true); return; }
  const order = snap.leader != null ? [snap.leader, ...ids.filter((i) => i !== snap.leader)] : ids;
  const minority = order.slice(0, m).sort((a, b) => a - b);
  const majority = ids.filter((i) => !minority.includes(i));
  call((s) => s.partition([minority, majority]));
  status(`partition ${minority.join(',')} | ${majority.join(',')}`);
  refreshPanels();
}

function startGroupKey() {
  if (ui.selectedNode == null) { status('Select a node first: click it or press 1–9, then g and a node number.', true); return; }
  ui.groupKey = true;
  status(`Move node ${ui.selectedNode}: press the number of the node whose group it joins (0: a group of its own).`);
}

function heal() {
  call((s) => s.heal());
  status('network healed');
  refreshPanels();
}

function submitOp(op, key, value, viaText) {
  if (!key) { status('Enter a key.', true); return; }
  const via = viaText ? Number(viaText) : undefined;
  const v = op === 'put' ? value : undefined;
  const id = call((s) => s.submit(op, key, v, via));
  if (id !== undefined) status(`request ${id}: ${op} ${key}${op === 'put' ? ` ${value}` : ''} → ${via ? `node ${via}` : 'leader'}`);
  refreshPanels();
}

function submitForm(e) {
  e.preventDefault();
  submitOp($('op').value, $('key').value.trim(), $('value').value, $('via').value);
}

function applyLoad() {
  const ms = Number($('load').value);
  call((s) => s.setClientLoad(ms));
}

function messageAction(name) {
  if (ui.selectedMessage == null) return;
  call((s) => s[name](ui.selectedMessage));
  refreshPanels();
  draw();
}

// ---------- panels ----------

function el(tag, props, ...children) {
  const e = document.createElement(tag);
  if (props) for (const [k, v] of Object.entries(props)) {
    if (k === 'class') e.className = v; else e.setAttribute(k, v);
  }
  for (const c of children) e.append(c instanceof Node ? c : String(c ?? ''));
  return e;
}

const fmtValue = (v) => (v === null || v === undefined ? '—' : typeof v === 'object' ? JSON.stringify(v) : String(v));
const fmtMs = (v) => (typeof v === 'number' ? `${Math.round(v * 10) / 10} ms` : fmtValue(v));

// `partition` holds each node's group (index id - 1); one group: no partition.
function partitionGroups(partition) {
  const groups = new Map();
  (partition || []).forEach((g, i) => { if (!groups.has(g)) groups.set(g, []); groups.get(g).push(i + 1); });
  return [...groups.values()];
}

function groupsText(partition) {
  const groups = partitionGroups(partition);
  return groups.length < 2 ? 'none' : groups.map((g) => g.join(',')).join(' | ');
}

function cutsText(cuts) {
  if (!cuts || cuts.length === 0) return 'none';
  return cuts.map((c) => (Array.isArray(c) ? `${c[0]}→${c[1]}` : `${c.from}${c.both ? '↔' : '→'}${c.to}`)).join(' ');
}

// Rebuild a panel only when what it shows changed.
function panel(name, data, build) {
  const key = JSON.stringify(data);
  if (ui.panelKeys[name] === key) return;
  ui.panelKeys[name] = key;
  build();
}

function nodePanel(snap) {
  const node = ui.selectedNode != null ? snap.nodes.find((n) => n.id === ui.selectedNode) : null;
  $('nodeTitle').textContent = node ? `Node ${node.id}` : 'Node';
  for (const b of ['crash', 'restart', 'timeout']) $(b).disabled = !node;
  if (node) {
    $('crash').disabled = !node.alive;
    $('restart').disabled = node.alive;
    $('timeout').disabled = !node.alive;
  }
  panel('node', node, () => {
    const box = $('nodeInfo');
    if (!node) { box.replaceChildren(el('p', { class: 'muted' }, 'Click a node (or press 1–9).')); return; }
    const dl = el('dl');
    for (const [k, v] of Object.entries(node)) {
      if (['log', 'kv', 'progress'].includes(k) || (v !== null && typeof v === 'object')) continue;
      dl.append(el('dt', null, k), el('dd', null, /Ms$/.test(k) ? fmtMs(v) : fmtValue(v)));
    }
    const parts = [dl];
    if (node.progress && node.progress.length) {
      const t = el('table', null, el('tr', null, el('th', null, 'peer'), el('th', null, 'next'), el('th', null, 'match')));
      for (const p of node.progress) t.append(el('tr', null, el('td', null, p.peer), el('td', null, p.nextIndex), el('td', null, p.matchIndex)));
      parts.push(el('h2', null, 'Replication'), t);
    }
    const log = node.log || [];
    const t = el('table', null, el('tr', null, el('th', null, '#'), el('th', null, 'term'), el('th', null, 'command')));
    for (const e of log.slice(-10)) {
      t.append(el('tr', { class: e.committed ? '' : 'muted' }, el('td', null, e.index), el('td', null, e.term),
        el('td', null, `${e.command}${e.committed ? '' : ' (uncommitted)'}`)));
    }
    parts.push(el('h2', null, `Log (${log.length ? `last ${Math.min(10, log.length)} of ${log.length}` : 'empty'})`), t);
    box.replaceChildren(...parts);
  });
}

function messagePanel(snap) {
  const msg = ui.selectedMessage != null ? snap.messages.find((m) => m.id === ui.selectedMessage) : null;
  $('drop').disabled = !msg;
  $('dup').disabled = !msg;
  panel('msg', [ui.selectedMessage, msg], () => {
    const box = $('msgInfo');
    if (!msg) {
      box.replaceChildren(el('p', { class: 'muted' }, ui.selectedMessage != null
        ? `Message ${ui.selectedMessage} is no longer in flight.` : 'Click a message in flight.'));
      return;
    }
    const dl = el('dl');
    for (const [k, v] of Object.entries(msg)) dl.append(el('dt', null, k), el('dd', null, /Ms$/.test(k) ? fmtMs(v) : fmtValue(v)));
    box.replaceChildren(dl);
  });
}

function opsPanel(snap) {
  const ops = (snap.clientOps || []).slice(-12).reverse();
  panel('ops', ops, () => {
    $('ops').replaceChildren(...ops.map((o) => {
      const done = o.completedAtMs !== null && o.completedAtMs !== undefined;
      return el('li', { class: done ? 'done' : 'pending' },
        `#${o.id} ${o.command} → ${o.target ?? '?'}: ${done ? `${fmtValue(o.result)} at ${fmtMs(o.completedAtMs)}` : `${o.result ? `${fmtValue(o.result)} · ` : ''}pending`}`);
    }));
  });
}

function kvPanel(snap) {
  const rows = snap.nodes.map((n) => [n.id, n.alive, n.lastApplied, n.kv]);
  panel('kv', rows, () => {
    const t = $('kv');
    t.replaceChildren(el('tr', null, el('th', null, 'node'), el('th', null, 'applied'), el('th', null, 'keys')));
    for (const [id, alive, applied, kv] of rows) {
      const pairs = (kv || []).map(([k, v]) => `${k}=${v}`);
      const text = pairs.length > 16 ? `${pairs.slice(0, 16).join(' ')} … (+${pairs.length - 16})` : pairs.join(' ');
      t.append(el('tr', { class: alive ? '' : 'muted' }, el('td', null, `${id}${alive ? '' : ' ✕'}`), el('td', null, applied ?? ''), el('td', null, text || '—')));
    }
  });
}

function feedPanel() {
  const lines = call((s) => s.feed(ui.feedCursor));
  const count = call((s) => s.eventCount());
  if (typeof count === 'number') ui.feedCursor = count;
  if (!lines || !lines.length) return;
  const list = $('feed');
  for (const l of lines.slice(-FEED_LINES)) {
    list.append(el('li', null, el('span', { class: 't' }, fmtMs(l.timeMs)), l.text));
  }
  while (list.children.length > FEED_LINES) list.firstElementChild.remove();
  list.scrollTop = list.scrollHeight;
}

function viaOptions(n) {
  if (n === ui.nodeCount) return;
  ui.nodeCount = n;
  const sel = $('via');
  const keep = sel.value;
  sel.replaceChildren(el('option', { value: '' }, 'leader'));
  for (let i = 1; i <= n; i++) sel.append(el('option', { value: String(i) }, `node ${i}`));
  sel.value = Number(keep) <= n ? keep : '';
}

function refreshPanels(now = performance.now()) {
  ui.lastPanels = now;
  const snap = call((s) => s.snapshot());
  if (!snap) return;
  ui.snap = snap;
  viaOptions(snap.nodes.length);
  const leader = snap.leader != null ? `leader ${snap.leader}` : 'no leader';
  const v = snap.violations && snap.violations.length ? ` · ${snap.violations.length} VIOLATION(S)` : '';
  $('clock').textContent = `t = ${fmtMs(snap.timeMs)} · ${snap.events} events · ${leader}${v}`;
  $('netInfo').textContent = `Partition: ${groupsText(snap.partition)} · Cuts: ${cutsText(snap.cuts)}`;
  nodePanel(snap);
  messagePanel(snap);
  opsPanel(snap);
  kvPanel(snap);
  feedPanel();
  const st = call((s) => s.scenarioStatus());
  const stEl = $('scenarioStatus');
  if (!st) stEl.textContent = '';
  else {
    stEl.textContent = `${st.done ? 'Done' : 'Running'}: step ${st.step} of ${st.total}${st.line ? ` (line ${st.line})` : ''}`;
    if (st.failure) stEl.textContent += ` · failed: ${st.failure}`;
  }
  stEl.classList.toggle('error', !!(st && st.failure));
}

// ---------- theme, motion, keyboard ----------

function setTheme(dark, remember) {
  ui.dark = dark;
  document.documentElement.dataset.theme = dark ? 'dark' : 'light';
  $('theme').textContent = dark ? 'Light' : 'Dark';
  $('theme').setAttribute('aria-pressed', String(dark));
  if (remember) { try { localStorage.setItem('raftlab-theme', dark ? 'dark' : 'light'); } catch { /* private mode */ } }
  draw();
}

function onKey(e) {
  if (e.ctrlKey || e.metaKey || e.altKey) return;
  const t = e.target;
  const typing = t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName));
  if (e.key === 'Escape') {
    if (typing) t.blur();
    if (ui.drag) { endDrag(); ui.suppressClick = true; status('drag cancelled'); return; }
    ui.groupKey = false;
    ui.selectedNode = null; ui.selectedMessage = null;
    refreshPanels(); draw();
    return;
  }
  if (typing || $('help').open) return;
  if (ui.groupKey) {
    ui.groupKey = false;
    if (/^[0-9]$/.test(e.key)) {
      e.preventDefault();
      if (ui.selectedNode == null) return;
      const k = Number(e.key);
      moveToGroup(ui.selectedNode, k === 0 ? null : k);
      return;
    }
  }
  if (t && t.tagName === 'BUTTON' && (e.key === ' ' || e.key === 'Enter')) return;
  const k = e.key;
  const actions = {
    ' ': togglePlay,
    s: stepOne,
    '+': () => setSpeedExp(ui.speedExp - 0.25),
    '=': () => setSpeedExp(ui.speedExp - 0.25),
    '-': () => setSpeedExp(ui.speedExp + 0.25),
    c: () => nodeAction('crash'),
    r: () => nodeAction('restart'),
    t: () => nodeAction('timeout'),
    h: heal,
    g: startGroupKey,
    p: isolateLeader,
    w: () => submitOp('put', $('key').value.trim() || 'x', $('value').value, $('via').value),
    '?': () => $('help').showModal(),
  };
  if (/^[1-9]$/.test(k)) { e.preventDefault(); selectNode(Number(k)); return; }
  if (actions[k]) { e.preventDefault(); actions[k](); }
}

// ---------- start ----------

function wire() {
  $('play').addEventListener('click', togglePlay);
  $('step').addEventListener('click', stepOne);
  $('speed').addEventListener('input', (e) => setSpeedExp(Number(e.target.value)));
  $('reset').addEventListener('click', reset);
  $('fatalReset').addEventListener('click', reset);
  $('nodes').addEventListener('change', reset);
  $('seed').addEventListener('change', reset);
  $('theme').addEventListener('click', () => setTheme(!ui.dark, true));
  $('helpBtn').addEventListener('click', () => $('help').showModal());
  $('crash').addEventListener('click', () => nodeAction('crash'));
  $('restart').addEventListener('click', () => nodeAction('restart'));
  $('timeout').addEventListener('click', () => nodeAction('timeout'));
  $('isolate').addEventListener('click', isolateLeader);
  $('split').addEventListener('click', splitMinority);
  $('heal').addEventListener('click', heal);
  $('drop').addEventListener('click', () => messageAction('dropMessage'));
  $('dup').addEventListener('click', () => messageAction('duplicateMessage'));
  $('clientForm').addEventListener('submit', submitForm);
  $('op').addEventListener('change', () => { $('value').disabled = $('op').value !== 'put'; });
  $('load').addEventListener('change', applyLoad);
  $('loadScenario').addEventListener('click', loadScenario);
  const cluster = $('cluster');
  cluster.addEventListener('click', onCanvasClick);
  cluster.addEventListener('pointerdown', onCanvasPointerDown);
  window.addEventListener('pointermove', onDragMove);
  window.addEventListener('pointerup', onDragUp);
  window.addEventListener('pointercancel', (e) => { if (ui.drag && e.pointerId === ui.drag.pointer) endDrag(); });
  window.addEventListener('blur', () => { if (ui.drag) endDrag(); });
  cluster.addEventListener('mousemove', onCanvasMove);
  cluster.addEventListener('mouseleave', () => { ui.hoverMessage = null; draw(); });
  document.addEventListener('keydown', onKey);

  const darkMq = matchMedia('(prefers-color-scheme: dark)');
  let saved = null;
  try { saved = localStorage.getItem('raftlab-theme'); } catch { /* private mode */ }
  setTheme(saved ? saved === 'dark' : darkMq.matches, false);
  darkMq.addEventListener('change', (e) => { if (!saved) setTheme(e.matches, false); });
  const motionMq = matchMedia('(prefers-reduced-motion: reduce)');
  ui.reducedMotion = motionMq.matches;
  motionMq.addEventListener('change', (e) => { ui.reducedMotion = e.matches; draw(); });
}

async function main() {
  if (params.has('nodes')) $('nodes').value = params.get('nodes');
  if (params.has('seed')) $('seed').value = params.get('seed');
  if (params.has('speed')) setSpeedExp(-Math.log10(Number(params.get('speed')) || 0.05));
  syncSpeed();
  syncPlay();
  wire();
  try {
    await init();
    setSim(createSim());
  } catch (e) {
    fatal(e);
    $('fatalText').textContent = `internal error: could not start the simulator: ${message(e)}`;
    return;
  }
  setupCanvas('clusterWrap', 'cluster', (s, ctx, w, h, dpr, style) => s.render(ctx, w, h, dpr, style));
  setupCanvas('logWrap', 'logs', (s, ctx, w, h, dpr, style) => s.renderLog(ctx, w, h, dpr, style));
  ui.lastFrame = performance.now();
  requestAnimationFrame(frame);
}

// For tests and the benchmark: drive the page without the mouse.
window.raftlabUI = {
  get state() { return ui; },
  setPlaying(p) { ui.playing = !!p; syncPlay(); },
  setSpeed(s) { setSpeedExp(-Math.log10(s)); },
  redraw() { refreshPanels(); draw(); },
  selectNode(id) { ui.selectedNode = null; selectNode(id); },
};

main();
