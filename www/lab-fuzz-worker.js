// A Web Worker of the counterexample search (lab-rules.js starts one per
// core): its own instance of the wasm engine, running one fuzz seed or one
// shrink per message, as `raftlab search` does (src/web/api_fuzz.rs).
// ./build.sh pkg bundles this file with the engine's glue into
// www/pkg/lab-fuzz-worker.js, which the bundled page starts; the modules
// in www/ start this file as it is. Both find the wasm in pkg/.
//
// In:  {type: 'fuzz' | 'shrink', seed, nodes, rules}
// Out: {type: 'fuzz', run} | {type: 'shrink', found} | {type: 'error', seed, message}
import init, { fuzzSeed, shrinkSeed } from './pkg/raftlab.js';

const ready = init();

self.onmessage = async (e) => {
  const { type, seed, nodes, rules } = e.data || {};
  try {
    await ready;
    if (type === 'fuzz') self.postMessage({ type, run: fuzzSeed(seed, nodes, rules) });
    else if (type === 'shrink') self.postMessage({ type, found: shrinkSeed(seed, nodes, rules) });
    else throw new Error(`unknown request ${JSON.stringify(type)}`);
  } catch (err) {
    self.postMessage({ type: 'error', seed, message: err && err.message ? err.message : String(err) });
  }
};
