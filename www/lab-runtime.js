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

export const message = (e) => (e && e.message) || String(e);

// A Rust panic aborts the wasm instance (console_error_panic_hook has logged
// it); after that the instance must not be used again.
export function isPanic(e) {
  return e instanceof WebAssembly.RuntimeError ||
    /unreachable|recursive use of an object|already (mutably )?borrowed|null pointer passed to rust/i.test(message(e));
}
