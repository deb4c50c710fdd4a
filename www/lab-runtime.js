// What every view on a page shares: the wasm module, instantiated once, and
// one requestAnimationFrame loop that drives every running view; and how a
// view tells a readable error from a panic.
import init from './pkg/raftlab.js';

let initOnce = null;
/** Instantiates the wasm module, once for the whole page. */
export const ready = () => (initOnce ||= init());

const running = new Set();
let rafId = 0;
function tick(now) {
  rafId = 0;
  for (const v of running) v.frame(now);
  if (running.size) rafId = requestAnimationFrame(tick);
}

/** `view.frame(now)` on every animation frame from now on. */
export function startLoop(view) {
  running.add(view);
  if (!rafId) rafId = requestAnimationFrame(tick);
}

export function stopLoop(view) {
  running.delete(view);
}

export { isPanic, message, described, isEngineError } from './lab-errors.js';
