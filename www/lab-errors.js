// How a page tells a readable error from a panic. Kept apart from
// lab-runtime.js, which imports the main package, so that kubernetes.html
// (which loads pkg-kube/ instead) does not load the main package's glue.

export const message = (e) => (e && e.message) || String(e);

// A Rust panic aborts the wasm instance (console_error_panic_hook has logged
// it); after that the instance must not be used again.
export function isPanic(e) {
  return e instanceof WebAssembly.RuntimeError ||
    /unreachable|recursive use of an object|already (mutably )?borrowed|null pointer passed to rust/i.test(message(e));
}
