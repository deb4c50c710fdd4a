// How a page tells a readable error from a panic. Kept apart from
// lab-runtime.js, which imports the main package, so that kubernetes.html
// (which loads pkg-kube/ instead) does not load the main package's glue.

export const message = (e) => (e && e.message) || String(e);

// What went wrong, for a translator's `t.text` or as a catalogue argument:
// the phrase an Error carries (a parse error's `LINE:COLUMN` sentence from the
// engine, a lesson's "not your turn"), which the page words in its language;
// else its English message. The phrase keeps the English message too, shown
// while the catalogue that words it is still loading (www/i18n.js).
export const described = (e) => (e && e.key ? { key: e.key, args: e.args, text: message(e) } : message(e));

// Whether `e` is a sentence of the engine that needs an introduction (a
// parse error: "the lesson has an error: ..."), rather than a whole one.
export const isEngineError = (e) => Boolean(e && typeof e.key === 'string' && e.key.startsWith('parse.'));

// A Rust panic aborts the wasm instance (console_error_panic_hook has logged
// it); after that the instance must not be used again.
export function isPanic(e) {
  return e instanceof WebAssembly.RuntimeError ||
    /unreachable|recursive use of an object|already (mutably )?borrowed|null pointer passed to rust/i.test(message(e));
}
