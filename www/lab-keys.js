// Keyboard shortcuts of a view. On the main page they listen on the whole
// document; in an embed only while focus is inside it, so two embeds on one
// page never both react to one key. A shortcut works only when its control
// is shown.
import { moveToGroup, isolateLeader, heal, startGroupKey, endDrag, cycleMessage, cycleLink, toggleSelectedLink } from './lab-input.js';

export function onKey(v, e) {
  if (e.ctrlKey || e.metaKey || e.altKey) return;
  const t = e.composedPath()[0] || e.target;
  const typing = t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName));
  if (e.key === 'Escape') {
    if (typing) t.blur();
    if (v.drag) { endDrag(v); v.suppressClick = true; v.status(v.t('status.dragCancelled')); return; }
    v.groupKey = false;
    v.selectedNode = null;
    v.selectedMessage = null;
    v.selectedLink = null;
    v.refresh();
    return;
  }
  if (typing || (v.r.help && v.r.help.open)) return;
  const has = (c) => v.show.has(c);
  if (v.groupKey) {
    v.groupKey = false;
    if (/^[0-9]$/.test(e.key)) {
      e.preventDefault();
      if (v.selectedNode == null) return;
      const k = Number(e.key);
      moveToGroup(v, v.selectedNode, k === 0 ? null : k);
      return;
    }
  }
  if (t && t.tagName === 'BUTTON' && (e.key === ' ' || e.key === 'Enter')) return;
  if (t === v.r.timeline && v.debug.onTimelineKey(e)) return;
  const k = e.key;
  const r = v.r;
  const actions = {};
  if (has('play')) actions[' '] = () => v.togglePlay();
  if (has('step')) {
    actions.s = () => v.stepOne();
    actions.b = () => v.debug.stepBack();
  }
  if (has('debug')) actions.n = () => v.debug.runToNext();
  if (has('speed')) {
    actions['+'] = () => v.setSpeedExp(v.speedExp - 0.25);
    actions['='] = actions['+'];
    actions['-'] = () => v.setSpeedExp(v.speedExp + 0.25);
  }
  // Messages and links, chosen from the keyboard as a click would.
  actions.m = () => cycleMessage(v, false);
  actions.M = () => cycleMessage(v, true);
  if (has('faults')) {
    Object.assign(actions, {
      l: () => cycleLink(v, false),
      L: () => cycleLink(v, true),
      Enter: () => { if (v.selectedLink) toggleSelectedLink(v); },
      Delete: () => { if (v.selectedMessage != null) v.messageAction('dropMessage'); },
      c: () => v.nodeAction('crash'),
      r: () => v.nodeAction('restart'),
      t: () => v.nodeAction('timeout'),
      h: () => heal(v),
      g: () => startGroupKey(v),
      p: () => isolateLeader(v),
    });
  }
  if (has('client')) actions.w = () => v.submitOp('put', r.key.value.trim() || 'x', r.value.value, r.via.value);
  if (has('help')) actions['?'] = () => v.showHelp();
  if (/^[1-9]$/.test(k)) { e.preventDefault(); v.selectNode(Number(k)); return; }
  if (actions[k]) { e.preventDefault(); actions[k](); }
}
