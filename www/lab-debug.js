// The step debugger of a view: step back, run to the next event of a kind,
// breakpoints, the pause on a stop (a breakpoint or a safety violation) and
// the timeline bar. Every engine method is feature-detected, so a build of
// the engine without the debugger API still runs the rest of the page.
import { BREAKPOINTS } from './lab-template.js';
import { el } from './lab-panels.js';
import { phrase } from './i18n.js';

const PAD = 8; // px left and right of the timeline
const MIN_SPAN = 20; // events: the closest zoom
const JUMP_AHEAD_MAX = 2_000_000; // new events one seek plays at most (the engine's bound)
const ZOOM_STEP = 2; // + and - on the focused timeline
const TIME_TRAVEL = ['stepBack', 'seek', 'timeline', 'runToNext'];
const MARKER_COLOURS = {
  election: '#d4a017', leader: '#1d9a4a', crash: '#6b7280', restart: '#2f7dd1', partition: '#8e44ad',
  heal: '#16a3a3', action: '#2458c6', violation: '#d93025', breakpoint: '#e07b00',
};

// The log grid's colour for a term (src/web/render_log.rs: golden-angle hues).
const termColour = (term, dark) => `hsl(${Math.floor((200 + term * 137.508) % 360)},${dark ? '60%,62%' : '65%,42%'})`;

export class Debugger {
  constructor(v) {
    this.v = v;
    this.pendingSeek = null; // where a timeline drag wants to go; one seek per frame
    this.dragging = false;
    this.tl = null; // the timeline canvas: {canvas, ctx, w, h, dpr}
    this.data = null; // the last timeline()
    this.zoom = null; // the part of the run the bar shows, {from, to} in events; null: all of it
    const r = v.r;
    const on = (name, type, fn) => { if (r[name]) v.on(r[name], type, fn); };
    on('stepBack', 'click', () => this.stepBack());
    on('runNext', 'click', () => this.runToNext());
    on('stopClose', 'click', () => this.clearStop());
    on('bpAdd', 'click', () => this.addMessageBreakpoint());
    if (r.debugPanel) {
      for (const box of r.debugPanel.querySelectorAll('[data-bp]')) v.on(box, 'change', () => this.applyBreakpoints());
    }
    if (r.timeline) {
      const c = r.timeline;
      // Pointers on the timeline: one drags the current event, two pinch to
      // zoom. A finger waits until it moves (a drag) or lifts (a tap) before
      // going anywhere: it may be the first of two that pinch.
      this.pointers = new Map();
      this.pinch = null;
      this.touch = null; // a finger down, not yet a drag or a tap: {id, x}
      const grab = (x) => {
        this.dragging = true;
        this.warnedForgotten = false;
        this.v.setPlaying(false);
        this.pendingSeek = this.eventAt(x);
      };
      on('timeline', 'pointerdown', (e) => {
        if (e.button !== 0 || !this.fresh()) return;
        c.setPointerCapture(e.pointerId);
        this.pointers.set(e.pointerId, e.offsetX);
        if (this.pointers.size === 2) { this.touch = null; this.startPinch(); return; }
        if (e.pointerType === 'touch') this.touch = { id: e.pointerId, x: e.offsetX };
        else grab(e.offsetX);
      });
      on('timeline', 'pointermove', (e) => {
        if (this.pointers.has(e.pointerId)) this.pointers.set(e.pointerId, e.offsetX);
        if (this.touch && this.touch.id === e.pointerId && Math.abs(e.offsetX - this.touch.x) > 4) {
          this.touch = null;
          grab(e.offsetX);
        }
        if (this.pinch) this.movePinch();
        else if (this.dragging) this.pendingSeek = this.eventAt(e.offsetX);
        else if (!this.touch) c.title = this.tooltip(e.offsetX);
      });
      const end = (e) => {
        if (this.touch && this.touch.id === e.pointerId && e.type === 'pointerup') grab(this.touch.x); // a tap
        this.touch = null;
        this.pointers.delete(e.pointerId);
        if (this.pointers.size < 2) this.pinch = null;
        if (this.pointers.size === 0) this.dragging = false;
      };
      on('timeline', 'pointerup', end);
      on('timeline', 'pointercancel', end);
      // The wheel zooms around the pointer; sideways (or with shift) it pans.
      c.addEventListener('wheel', (e) => {
        if (!this.data || !this.tl) return;
        e.preventDefault();
        const [from, to] = this.window();
        const sideways = e.shiftKey || Math.abs(e.deltaX) > Math.abs(e.deltaY);
        if (sideways) this.setWindow(from, to, ((e.deltaX || e.deltaY) / this.tl.w) * (to - from));
        else this.zoomAt(this.eventAtX(e.offsetX), Math.exp(e.deltaY * 0.002));
      }, { passive: false, signal: v.ac.signal });
    }
  }

  has(name) {
    // A lesson's view has no time travel: its steps follow the run's end.
    if (this.v.o.timeTravel === false && TIME_TRAVEL.includes(name)) return false;
    return !!this.v.sim && typeof this.v.sim[name] === 'function';
  }

  /** The current event is behind the end of the recorded run. */
  inPast() {
    if (!this.has('atEnd')) return false;
    return this.v.call((s) => s.atEnd()) === false;
  }

  /** A new simulation: show what its engine supports. */
  onSim() {
    const r = this.v.r;
    if (r.stepBack) r.stepBack.hidden = !this.has('stepBack');
    if (r.debugPanel) r.debugPanel.hidden = !(this.has('runToNext') && this.has('setBreakpoints'));
    if (r.saveRun) r.saveRun.hidden = r.recordRun.hidden = !this.has('recordedScenario');
    if (r.copyLink) r.copyLink.hidden = !this.has('recordedScenario');
    if (r.trace) r.trace.hidden = !this.has('traceJson');
    if (r.timelineWrap) {
      const show = this.has('timeline') && this.has('seek');
      r.timelineWrap.hidden = !show;
      if (show && !this.tl) this.setupTimeline();
    }
    if (r.stop) r.stop.hidden = true;
    this.bpKey = null;
    this.syncBreakpoints(); // a scenario's `break` lines set some
    this.data = null;
    this.zoom = null; // a new run is shown whole
  }

  // ---------- stepping and stops ----------

  /** Takes the engine's stop, if any: pause there and say why. */
  checkStop() {
    if (!this.has('takeStop')) return null;
    const st = this.v.call((s) => s.takeStop());
    if (st) this.onStop(st);
    return st || null;
  }

  onStop(st) {
    const v = this.v;
    v.setPlaying(false);
    const t = v.t;
    const nodes = st.nodes && st.nodes.length ? t('stop.nodes', { count: st.nodes.length, nodes: st.nodes.join(', ') }) : '';
    const cause = st.phrase ? t.text(st.phrase) : st.cause || '';
    const kindName = BREAKPOINTS.some(([n]) => n === st.kind) || st.kind === 'violation' ? t(`bp.${st.kind}`) : st.kind;
    const severe = st.kind === 'violation' || st.kind === 'budget';
    // Over its budget the run goes no further; the past stays reachable.
    const text = st.kind === 'violation' ? t('stop.violation', { event: st.event, cause, nodes })
      : st.kind === 'budget' ? t('stop.budget', { cause: st.phrase ? cause : (st.cause || '').replace(/^the run /, '') })
        : t('stop.at', { event: st.event, kind: st.kind, kindName, cause, nodes });
    if (v.r.stop) {
      v.r.stopText.textContent = text;
      v.r.stop.classList.toggle('violation', severe);
      v.r.stop.hidden = false;
    } else {
      v.status(text, severe);
    }
    if (st.nodes && st.nodes.length) {
      v.selectedNode = st.nodes[0];
      v.highlight = st.nodes;
    }
    v.refresh();
  }

  /** The stop's banner and highlight go once the run moves on or the user dismisses them. */
  clearStop() {
    const v = this.v;
    if (v.r.stop) v.r.stop.hidden = true;
    if (v.highlight) { v.highlight = null; v.draw(); }
  }

  stepBack() {
    const v = this.v;
    if (!this.has('stepBack')) return;
    v.setPlaying(false);
    this.clearStop();
    const moved = v.call((s) => s.stepBack());
    const tl = moved === false && this.has('timeline') ? v.call((s) => s.timeline()) : null;
    if (moved === false && tl && tl.reachable > tl.start) v.status(v.t('status.reachableStart', { event: tl.reachable }));
    else if (moved === false) v.status(v.t('status.start'));
    else if (moved !== undefined) v.status(v.t('status.back', { event: v.call((s) => s.eventCount()) }));
    v.refresh();
  }

  runToNext(kind = this.v.r.runKind && this.v.r.runKind.value) {
    const v = this.v;
    if (!this.has('runToNext') || !kind) return;
    v.setPlaying(false);
    this.clearStop();
    let failed = false;
    const st = v.call((s) => s.runToNext(kind), () => { failed = true; });
    if (st) this.onStop(st);
    else if (!failed && !this.checkStop()) {
      // Nothing found: the engine has gone back to where the search began.
      v.status(v.t('status.noNext', { kind: v.t(`bp.${kind}`), event: v.call((s) => s.eventCount()) }));
    }
    v.refresh();
  }

  /**
   * Goes to event `at` (a link's starting point), then moves the clock on to
   * `t` ms if the link's clock stood between events; problems go to `errors`.
   */
  jump(at, errors, t) {
    const v = this.v;
    if (!this.has('seek')) { errors.push(phrase('link.noSeek', { event: at })); return; }
    let failed = false;
    const from = v.call((s) => s.eventCount());
    v.call((s) => s.seek(at), (e) => { failed = true; errors.push(phrase('link.cannotSeek', { event: at, error: e ? e.message : 'internal error' })); });
    if (failed) return;
    const st = this.has('takeStop') ? v.call((s) => s.takeStop()) : null;
    const now = v.call((s) => s.eventCount());
    if (st && now < at) this.onStop(st);
    else if (now < at && at - from > JUMP_AHEAD_MAX) {
      errors.push(phrase('link.tooFar', { event: at, max: JUMP_AHEAD_MAX, now }));
    } else if (now < at) errors.push(phrase('link.runEnds', { now, event: at }));
    const ms = v.call((s) => s.nowMs());
    if (t != null && now === at && t > ms) {
      v.call((s) => s.advance(t - ms));
      // Events inside that span mean the link's time does not belong to its event.
      if (v.call((s) => s.eventCount()) !== at) {
        errors.push(phrase('link.badTime', { t, event: at }));
        v.call((s) => s.seek(at));
      }
      if (this.has('takeStop')) v.call((s) => s.takeStop());
    }
    v.refresh();
  }

  // ---------- breakpoints ----------

  syncBreakpoints() {
    const r = this.v.r;
    if (!r.debugPanel || !this.has('breakpoints')) return;
    const bps = this.v.call((s) => s.breakpoints()) || [];
    // Scripts and scenarios set breakpoints too: redraw only on a change.
    const key = JSON.stringify(bps);
    if (key === this.bpKey) return;
    this.bpKey = key;
    for (const box of r.debugPanel.querySelectorAll('[data-bp]')) box.checked = bps.includes(box.dataset.bp);
    r.bpList.replaceChildren(...bps.filter((b) => !BREAKPOINTS.some(([n]) => n === b)).map((b) => {
      const x = el('button', { type: 'button', 'aria-label': this.v.t('debug.remove', { name: b }) }, '✕');
      x.addEventListener('click', () => this.applyBreakpoints(b));
      return el('li', null, el('span', { class: 'mono' }, b), ' ', x);
    }));
  }

  /** Sends the checked boxes and the listed message breakpoints (minus `removed`, plus `added`) to the engine. */
  applyBreakpoints(removed, added) {
    const r = this.v.r;
    const names = [...r.debugPanel.querySelectorAll('[data-bp]')].filter((b) => b.checked).map((b) => b.dataset.bp);
    const old = this.v.call((s) => s.breakpoints()) || [];
    for (const b of old) if (!BREAKPOINTS.some(([n]) => n === b) && b !== removed) names.push(b);
    if (added && !names.includes(added)) names.push(added);
    this.v.call((s) => s.setBreakpoints(names));
    this.bpKey = null; // a refused name leaves the engine's list: show that
    this.syncBreakpoints();
  }

  addMessageBreakpoint() {
    const r = this.v.r;
    if (r.bpFrom.value === r.bpTo.value) { this.v.status(this.v.t('status.twoNodes'), true); return; }
    this.applyBreakpoints(null, `message ${r.bpType.value} ${r.bpFrom.value}->${r.bpTo.value}`);
  }

  // ---------- the timeline ----------

  setupTimeline() {
    const canvas = this.v.r.timeline;
    const wrap = this.v.r.timelineWrap;
    this.tl = { canvas, ctx: canvas.getContext('2d'), w: 0, h: 0, dpr: 1 };
    const resize = () => {
      const r = wrap.getBoundingClientRect();
      const c = this.tl;
      c.dpr = window.devicePixelRatio || 1;
      c.w = Math.max(1, Math.floor(r.width));
      c.h = Math.max(1, Math.floor(r.height));
      canvas.width = Math.round(c.w * c.dpr);
      canvas.height = Math.round(c.h * c.dpr);
      this.draw(true);
    };
    const ro = new ResizeObserver(resize);
    ro.observe(wrap);
    this.v.observers.push(ro);
  }

  // ---------- zoom ----------

  /** The bar's data as the engine has it now (a key or a click must not act on a stale picture). */
  fresh() {
    if (this.has('timeline')) this.data = this.v.call((s) => s.timeline()) || this.data;
    return this.data;
  }

  /** The events the bar shows, [from, to]: the whole run, or the zoomed part of it. */
  window() {
    const t = this.data;
    if (!this.zoom) return [t.start, Math.max(t.end, t.start + 1)];
    return [this.zoom.from, this.zoom.to];
  }

  /** Shows [from, to] moved by `shift` events, kept inside the run; the whole run ends the zoom. */
  setWindow(from, to, shift = 0) {
    const t = this.data;
    const whole = Math.max(1, t.end - t.start);
    const span = Math.max(Math.min(to - from, whole), Math.min(MIN_SPAN, whole));
    if (span >= whole) { this.zoom = null; this.draw(); return; }
    const lo = Math.min(Math.max(from + shift, t.start), t.end - span);
    this.zoom = { from: lo, to: lo + span };
    this.draw();
  }

  /** Zooms by `factor` (below 1: closer) keeping event `at` where it is on the bar. */
  zoomAt(at, factor) {
    const [from, to] = this.window();
    const f = (at - from) / Math.max(1e-9, to - from);
    const span = (to - from) * factor;
    this.setWindow(at - f * span, at - f * span + span);
  }

  startPinch() {
    const [a, b] = [...this.pointers.values()];
    this.dragging = false;
    this.pendingSeek = null;
    const [from, to] = this.window();
    this.pinch = { d0: Math.max(8, Math.abs(a - b)), from, to, mid: this.eventAtX((a + b) / 2) };
  }

  movePinch() {
    const [a, b] = [...this.pointers.values()];
    const p = this.pinch;
    const span = (p.to - p.from) * (p.d0 / Math.max(8, Math.abs(a - b)));
    // The event under the fingers' midpoint stays under it.
    const f = ((a + b) / 2 - PAD) / Math.max(1, this.tl.w - 2 * PAD);
    this.setWindow(p.mid - f * span, p.mid - f * span + span);
  }

  // ---------- the timeline ----------

  /** The event at x px, unclamped (zoom anchors). */
  eventAtX(x) {
    const [from, to] = this.window();
    return from + ((x - PAD) / Math.max(1, this.tl.w - 2 * PAD)) * (to - from);
  }

  /** The event a click or drag at x px goes to: inside the bar and the reachable past. */
  eventAt(x) {
    const t = this.data;
    const [from, to] = this.window();
    const e = Math.round(Math.min(to, Math.max(from, this.eventAtX(x))));
    const reachable = t.reachable ?? t.start;
    if (e < reachable && this.dragging && !this.warnedForgotten) {
      this.warnedForgotten = true;
      this.v.status(this.v.t('timeline.droppedDrag', { event: reachable }));
    }
    return Math.min(t.end, Math.max(reachable, e));
  }

  tooltip(x) {
    const t = this.data;
    if (!t) return '';
    const [from, to] = this.window();
    const px = (e) => PAD + ((e - from) / Math.max(1, to - from)) * (this.tl.w - 2 * PAD);
    let best = null;
    for (const m of t.markers || []) if (Math.abs(px(m.event) - x) <= 5 && (!best || Math.abs(px(m.event) - x) < Math.abs(px(best.event) - x))) best = m;
    const tr = this.v.t;
    if (best) return tr('timeline.marker', { event: best.event, label: tr.text(best.label) });
    const e = Math.round(this.eventAtX(x));
    if (e < (t.reachable ?? t.start)) return tr('timeline.dropped', { event: t.reachable });
    return tr('timeline.at', { event: this.eventAt(x) });
  }

  /** Called by the frame loop: at most one seek per animation frame. */
  beforeFrame() {
    if (this.pendingSeek == null) return;
    const to = this.pendingSeek;
    this.pendingSeek = null;
    const v = this.v;
    this.clearStop();
    if (v.call((s) => s.eventCount()) !== to) {
      v.call((s) => s.seek(to));
      if (this.has('takeStop')) v.call((s) => s.takeStop()); // scrubbing is not running: no pause
    }
    v.refresh();
  }

  /** Something changed the run (an action, a new breakpoint): redraw now. */
  changed() { this.draw(true); }

  /** Called with each panel refresh. */
  refresh() {
    this.syncBreakpoints();
    this.draw(true);
  }

  draw(fetch = false) {
    const c = this.tl;
    const v = this.v;
    if (!c || !c.w || !v.sim || v.fatalState || v.r.timelineWrap.hidden) return;
    if (fetch || !this.data) this.data = v.call((s) => s.timeline()) || null;
    const t = this.data;
    if (!t) return;
    const reachable = t.reachable ?? t.start;
    // Zoomed in, the bar keeps the current event in view as the run moves.
    if (this.zoom && (t.current < this.zoom.from || t.current > this.zoom.to)) {
      const span = this.zoom.to - this.zoom.from;
      this.zoom = null; // setWindow clamps from the whole run
      this.setWindow(t.current - span * 0.8, t.current + span * 0.2);
      return;
    }
    const [from, to] = this.window();
    const { ctx, w, h, dpr } = c;
    const css = getComputedStyle(v.root);
    const colour = (name) => css.getPropertyValue(name).trim();
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.fillStyle = colour('--panel');
    ctx.fillRect(0, 0, w, h);
    const span = Math.max(1e-9, to - from);
    const X = (e) => PAD + ((Math.min(Math.max(e, from), to) - from) / span) * (w - 2 * PAD);
    const y0 = Math.round(h * 0.35);
    const bh = Math.max(6, Math.round(h * 0.35));
    // The band: one colour per term, from each change point to the next.
    const terms = t.terms && t.terms.length ? t.terms : [[t.start, 0]];
    for (let i = 0; i < terms.length; i++) {
      const [a, term] = terms[i];
      const b = i + 1 < terms.length ? terms[i + 1][0] : t.end;
      if (b < from || a > to) continue;
      ctx.fillStyle = term ? termColour(term, v.dark) : colour('--line');
      ctx.fillRect(X(a), y0, Math.max(1, X(b) - X(a)), bh);
    }
    // The part of a long run dropped to keep memory bounded: hatched, out of reach.
    if (reachable > from) {
      const xr = X(reachable);
      ctx.fillStyle = colour('--panel');
      ctx.fillRect(PAD, y0, xr - PAD, bh);
      ctx.save();
      ctx.beginPath();
      ctx.rect(PAD, y0, xr - PAD, bh);
      ctx.clip();
      ctx.strokeStyle = colour('--line');
      ctx.lineWidth = 1;
      ctx.beginPath();
      for (let x = PAD - bh; x < xr; x += 5) { ctx.moveTo(x, y0 + bh); ctx.lineTo(x + bh, y0); }
      ctx.stroke();
      ctx.restore();
      ctx.fillStyle = colour('--fg');
      ctx.fillRect(Math.round(xr) - 1, y0 - 3, 2, bh + 6);
    }
    // The recorded future, ahead of the current event, is veiled.
    const xc = X(t.current);
    if (t.current < t.end) {
      ctx.fillStyle = colour('--panel');
      ctx.globalAlpha = 0.6;
      ctx.fillRect(xc, y0, X(t.end) - xc, bh);
      ctx.globalAlpha = 1;
    }
    for (const m of t.markers || []) {
      if (m.event < from || m.event > to) continue;
      const x = Math.round(X(m.event)) + 0.5;
      ctx.strokeStyle = MARKER_COLOURS[m.kind] || colour('--fg');
      ctx.lineWidth = m.kind === 'violation' ? 3 : 2;
      ctx.beginPath();
      ctx.moveTo(x, m.kind === 'violation' ? 1 : 2);
      ctx.lineTo(x, y0 - 1);
      ctx.stroke();
    }
    if (t.current >= from && t.current <= to) {
      ctx.fillStyle = colour('--fg');
      ctx.fillRect(Math.round(xc) - 1, 1, 2, h - 2);
      ctx.beginPath();
      ctx.moveTo(xc - 5, h - 1);
      ctx.lineTo(xc + 5, h - 1);
      ctx.lineTo(xc, h - 7);
      ctx.fill();
    }
    // Zoomed: where the shown part lies in the whole run, a thin line at the bottom.
    const zoomText = this.zoom ? v.t('timeline.zoomed', { from: Math.round(from), to: Math.round(to) }) : '';
    if (this.zoom) {
      const whole = Math.max(1, t.end - t.start);
      const a = PAD + ((from - t.start) / whole) * (w - 2 * PAD);
      const b = PAD + ((to - t.start) / whole) * (w - 2 * PAD);
      ctx.fillStyle = colour('--line');
      ctx.fillRect(PAD, h - 2, w - 2 * PAD, 2);
      ctx.fillStyle = colour('--fg');
      ctx.fillRect(a, h - 2, Math.max(2, b - a), 2);
    }
    const tl = v.r.timeline;
    tl.setAttribute('aria-valuemin', String(reachable));
    tl.setAttribute('aria-valuemax', String(t.end));
    tl.setAttribute('aria-valuenow', String(t.current));
    const past = reachable > t.start ? v.t('timeline.reachable', { event: reachable }) : '';
    tl.setAttribute('aria-valuetext', v.t('timeline.value', { current: t.current, end: t.end }) + past + zoomText);
  }

  /** Keys on the focused timeline; true when handled. */
  onTimelineKey(e) {
    const t = this.fresh();
    if (!t) return false;
    const reachable = t.reachable ?? t.start;
    const [from, to] = this.window();
    const big = Math.max(1, Math.round((to - from) / 20));
    const go = { Home: reachable, End: t.end, PageUp: t.current - big, PageDown: t.current + big }[e.key];
    if (e.key === 'ArrowLeft') this.stepBack();
    else if (e.key === 'ArrowRight') this.v.stepOne();
    else if (e.key === '+' || e.key === '=') this.zoomAt(t.current, 1 / ZOOM_STEP);
    else if (e.key === '-' || e.key === '_') this.zoomAt(t.current, ZOOM_STEP);
    else if (go !== undefined) {
      this.v.setPlaying(false);
      this.pendingSeek = Math.min(Math.max(go, reachable), t.end);
    } else return false;
    e.preventDefault();
    return true;
  }
}
