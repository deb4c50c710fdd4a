// Pointer input on the cluster canvas (select, hover tooltip, cut a link,
// drag a node into a partition group, with a mouse or a finger), choosing
// messages and links from the keyboard, and the partition actions that the
// buttons and keys share.
import { partitionGroups, groupsText } from './lab-panels.js';

const DRAG_THRESHOLD_PX = 5;

function canvasPoint(v, e) {
  const r = v.r.cluster.getBoundingClientRect();
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

function onCanvasClick(v, e) {
  if (v.suppressClick) { v.suppressClick = false; return; }
  // A tap on a node was handled when the finger lifted.
  if (v.tapped) { v.tapped = false; return; }
  const [x, y] = canvasPoint(v, e);
  const hit = v.call((s) => s.hitTest(x, y));
  if (!hit) { v.selectedMessage = null; v.refresh(); return; }
  if (hit.kind === 'node') v.selectNode(hit.id);
  else if (hit.kind === 'message') { v.selectedMessage = hit.id; v.refresh(); }
  else if (hit.kind === 'link' && v.show.has('faults')) {
    const snap = v.call((s) => s.snapshot());
    const both = e.shiftKey;
    toggleLink(v, snap, hit.from, hit.to, both);
  }
}

/** Cuts the link a->b (both: and b->a), or repairs it if it is cut. */
function toggleLink(v, snap, a, b, both) {
  const link = `${a} ${both ? '↔' : '→'} ${b}`;
  if (isCut(snap, a, b) || (both && isCut(snap, b, a))) {
    v.act((s) => s.uncut(a, b, both));
    v.status(v.t('status.repaired', { link }));
  } else {
    v.act((s) => s.cut(a, b, both));
    v.status(v.t('status.cut', { link }));
  }
  v.refresh();
}

function onCanvasMove(v, e) {
  const [x, y] = canvasPoint(v, e);
  const hit = v.call((s) => s.hitTest(x, y));
  const m = hit && hit.kind === 'message' ? hit.id : null;
  if (m !== v.hoverMessage) {
    v.hoverMessage = m;
    // The hovered message's fields as a tooltip; selecting it shows them in
    // the inspector. Looked up only when the hovered message changes.
    const msg = m == null ? null : v.call((s) => s.snapshot().messages.find((x) => x.id === m));
    v.r.cluster.title = msg ? `${msg.from || v.t('word.client')}→${msg.to || v.t('word.client')} ${msg.text}` : '';
    v.draw();
  }
}

// ---------- partitions ----------

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

export function moveToGroup(v, id, target) {
  const snap = v.call((s) => s.snapshot());
  if (!snap) return;
  const n = snap.nodes.length;
  if (id < 1 || id > n || (target != null && (target < 1 || target > n))) { v.status(v.t('status.noNode', { node: target ?? id }), true); return; }
  if (target === id) target = null;
  const groups = regroup(snap.partition, id, target);
  if (!groups) { v.status(target == null ? v.t('status.alreadyAlone', { node: id }) : v.t('status.alreadyWith', { node: id, target })); return; }
  v.act((s) => s.partition(groups));
  v.refresh();
  v.status(v.t('status.partition', { groups: groupsText(v.snap && v.snap.partition) ?? v.t('net.none') }));
}

export function isolateLeader(v) {
  const snap = v.call((s) => s.snapshot());
  if (!snap) return;
  if (snap.leader == null) { v.status(v.t('status.noLeader'), true); return; }
  const others = snap.nodes.map((n) => n.id).filter((id) => id !== snap.leader);
  v.act((s) => s.partition([[snap.leader], others]));
  v.status(v.t('status.isolated', { node: snap.leader }));
  v.refresh();
}

// The leader (if any) goes to the minority side: it keeps its role for a
// while but can no longer commit, while the majority elects a new leader.
export function splitMinority(v) {
  const snap = v.call((s) => s.snapshot());
  if (!snap) return;
  const ids = snap.nodes.map((n) => n.id);
  const m = Math.floor((ids.length - 1) / 2);
  if (m < 1) { v.status(v.t('status.tooFew'), true); return; }
  const order = snap.leader != null ? [snap.leader, ...ids.filter((i) => i !== snap.leader)] : ids;
  const minority = order.slice(0, m).sort((a, b) => a - b);
  const majority = ids.filter((i) => !minority.includes(i));
  v.act((s) => s.partition([minority, majority]));
  v.status(v.t('status.partition', { groups: `${minority.join(',')} | ${majority.join(',')}` }));
  v.refresh();
}

export function heal(v) {
  v.act((s) => s.heal());
  v.status(v.t('status.healed'));
  v.refresh();
}

export function startGroupKey(v) {
  if (v.selectedNode == null) { v.status(v.t('status.selectForGroup'), true); return; }
  v.groupKey = true;
  v.status(v.t('status.groupKey', { node: v.selectedNode }));
}

// ---------- dragging nodes into partition groups ----------

function dragGhost(v, x, y, label, target) {
  const g = v.r.dragGhost;
  g.hidden = false;
  g.style.left = `${x}px`;
  g.style.top = `${y}px`;
  g.querySelector('.node').textContent = label;
  g.querySelector('.hint').textContent = target;
}

function dropTarget(v, x, y, id) {
  const r = v.r.cluster.getBoundingClientRect();
  const lx = x - r.left;
  const ly = y - r.top;
  if (lx < 0 || ly < 0 || lx > r.width || ly > r.height) return { outside: true };
  const hit = v.call((s) => s.hitTest(lx, ly));
  if (hit && hit.kind === 'node' && hit.id !== id) return { node: hit.id };
  if (hit && hit.kind === 'node') return { self: true };
  return {};
}

function dropText(v, t) {
  if (t.outside) return v.t('drag.cancel');
  if (t.self) return v.t('drag.away');
  if (t.node != null) return v.t('drag.join', { node: t.node });
  return v.t('drag.alone');
}

function onPointerDown(v, e) {
  if (e.button !== 0 || v.drag) return;
  v.suppressClick = false;
  v.tapped = false;
  const [x, y] = canvasPoint(v, e);
  const hit = v.call((s) => s.hitTest(x, y));
  if (!hit || hit.kind !== 'node') return;
  v.drag = { id: hit.id, x0: e.clientX, y0: e.clientY, moved: false, pointer: e.pointerId };
}

function onDragMove(v, e) {
  const d = v.drag;
  if (!d || e.pointerId !== d.pointer) return;
  if (!d.moved && Math.hypot(e.clientX - d.x0, e.clientY - d.y0) < DRAG_THRESHOLD_PX) return;
  if (!d.moved) { d.moved = true; v.root.classList.add('dragging-node'); }
  e.preventDefault();
  const r = v.r.clusterWrap.getBoundingClientRect();
  dragGhost(v, e.clientX - r.left, e.clientY - r.top, `S${d.id}`, dropText(v, dropTarget(v, e.clientX, e.clientY, d.id)));
}

export function endDrag(v) {
  const d = v.drag;
  v.drag = null;
  v.r.dragGhost.hidden = true;
  v.root.classList.remove('dragging-node');
  return d;
}

function onDragUp(v, e) {
  const d = v.drag;
  if (!d || e.pointerId !== d.pointer) return;
  endDrag(v);
  if (!d.moved) {
    // A plain click: the click handler selects the node. A tap may have no
    // click (the touch was kept from scrolling the page): select it here.
    if (e.pointerType === 'touch') { v.tapped = true; v.selectNode(d.id); }
    return;
  }
  v.suppressClick = true;
  setTimeout(() => { v.suppressClick = false; }, 0); // released off the canvas: no click follows
  const t = dropTarget(v, e.clientX, e.clientY, d.id);
  if (t.outside || t.self) return;
  moveToGroup(v, d.id, t.node ?? null);
}

// ---------- the keyboard: messages and links ----------

/** Selects the next (or previous) message in flight, in sending order. */
export function cycleMessage(v, back) {
  const msgs = (v.call((s) => s.snapshot()) || { messages: [] }).messages.map((m) => m.id).sort((a, b) => a - b);
  if (!msgs.length) { v.status(v.t('status.noMessages')); return; }
  const i = msgs.indexOf(v.selectedMessage);
  const next = i < 0 ? (back ? msgs.length - 1 : 0) : (i + (back ? msgs.length - 1 : 1)) % msgs.length;
  v.selectedMessage = msgs[next];
  v.refresh();
  const m = v.snap.messages.find((x) => x.id === v.selectedMessage);
  if (m) v.status(v.t('status.message', { id: m.id, kind: m.kind, from: m.from || v.t('word.client'), to: m.to || v.t('word.client') }));
}

/** Selects the next (or previous) link between two nodes. */
export function cycleLink(v, back) {
  const n = v.snap ? v.snap.nodes.length : 0;
  const links = [];
  for (let a = 1; a <= n; a++) for (let b = a + 1; b <= n; b++) links.push([a, b]);
  if (!links.length) return;
  const i = v.selectedLink ? links.findIndex(([a, b]) => a === v.selectedLink[0] && b === v.selectedLink[1]) : -1;
  selectLink(v, links[i < 0 ? (back ? links.length - 1 : 0) : (i + (back ? links.length - 1 : 1)) % links.length]);
}

function selectLink(v, link) {
  v.selectedLink = link;
  if (v.r.linkSel) v.r.linkSel.value = `${link[0]}-${link[1]}`;
  const [a, b] = link;
  const cut = [isCut(v.snap, a, b), isCut(v.snap, b, a)];
  v.status(v.t(cut[0] || cut[1] ? 'status.linkCut' : 'status.linkUp', { a, b }));
  v.draw();
}

/** The selected link, both ways: 'cut', 'repair', or (Enter) whichever it needs. */
export function toggleSelectedLink(v, want = 'toggle') {
  const r = v.r;
  if (!v.selectedLink && r.linkSel && r.linkSel.value) v.selectedLink = r.linkSel.value.split('-').map(Number);
  if (!v.selectedLink) { v.status(v.t('status.pickLink'), true); return; }
  const [a, b] = v.selectedLink;
  const snap = v.call((s) => s.snapshot());
  const down = isCut(snap, a, b) || isCut(snap, b, a);
  const cut = want === 'cut' || (want === 'toggle' && !down);
  if (!cut && !down) return;
  v.act((s) => (cut ? s.cut(a, b, true) : s.uncut(a, b, true)));
  v.status(v.t(cut ? 'status.cut' : 'status.repaired', { link: `${a} ↔ ${b}` }));
  v.refresh();
}

export function wireInput(v) {
  const c = v.r.cluster;
  const r = v.r;
  v.on(c, 'click', (e) => onCanvasClick(v, e));
  v.on(c, 'mousemove', (e) => onCanvasMove(v, e));
  v.on(c, 'mouseleave', () => { v.hoverMessage = null; v.draw(); });
  v.on(c, 'blur', () => { if (v.selectedLink && document.activeElement !== r.linkSel) { v.selectedLink = null; v.draw(); } });
  if (!v.show.has('faults')) return;
  v.on(r.isolate, 'click', () => isolateLeader(v));
  v.on(r.split, 'click', () => splitMinority(v));
  v.on(r.heal, 'click', () => heal(v));
  v.on(r.linkSel, 'change', () => selectLink(v, r.linkSel.value.split('-').map(Number)));
  v.on(r.linkSel, 'focus', () => { if (!v.selectedLink && r.linkSel.value) selectLink(v, r.linkSel.value.split('-').map(Number)); });
  v.on(r.linkCut, 'click', () => toggleSelectedLink(v, 'cut'));
  v.on(r.linkRepair, 'click', () => toggleSelectedLink(v, 'repair'));
  // A finger on a node drags it: the page must not scroll then. Elsewhere on
  // the canvas the finger scrolls the page as usual.
  v.on(c, 'touchstart', (e) => {
    if (e.touches.length !== 1) return;
    const t = e.touches[0];
    const rect = c.getBoundingClientRect();
    const hit = v.call((s) => s.hitTest(t.clientX - rect.left, t.clientY - rect.top));
    if (hit && hit.kind === 'node') e.preventDefault();
  }, { passive: false });
  v.on(c, 'pointerdown', (e) => onPointerDown(v, e));
  // On the window: a drag may end outside the canvas.
  v.on(window, 'pointermove', (e) => onDragMove(v, e));
  v.on(window, 'pointerup', (e) => onDragUp(v, e));
  v.on(window, 'pointercancel', (e) => { if (v.drag && e.pointerId === v.drag.pointer) endDrag(v); });
  v.on(window, 'blur', () => { if (v.drag) endDrag(v); });
}
