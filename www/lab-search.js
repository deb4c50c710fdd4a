// The counterexample search, run in Web Workers: what `raftlab search
// --rule NAME=off --nodes K` does natively (src/bin/raftlab.rs), in the
// background of the page. Seeds go out in order, one at a time to whichever
// worker is free (disjoint by construction: each seed is sent once). When a
// seed breaks a safety invariant no new seed goes out; once every lower seed
// still running has answered, the lowest breaking seed is the one the CLI
// reports, and it is shrunk in a worker. Every worker is terminated when the
// search ends, however it ends (found, none, cancelled, an error).

/** The seeds a search tries: the CLI's defaults (`--start 1 --seeds 2000`). */
export const SEARCH_START = 1;
export const SEARCH_SEEDS = 2000;
/** At most this many workers, whatever the number of cores. */
export const MAX_WORKERS = 4;

/** Workers for this machine: one per core, at least 1, at most MAX_WORKERS. */
export function workerCount(cores = globalThis.navigator?.hardwareConcurrency) {
  const n = Number.isFinite(cores) ? Math.floor(cores) : 1;
  return Math.min(MAX_WORKERS, Math.max(1, n));
}

/**
 * The worker module next to this one, right for www/lab-search.js itself;
 * a view passes its own (RaftLabView's workerUrl), since this module's
 * bundled chunk lives in www/pkg/chunks/ and the worker in www/pkg/.
 */
export const WORKER_URL = new URL('./lab-fuzz-worker.js', import.meta.url);

export class CounterexampleSearch {
  /**
   * nodes: the cluster size; rules: the names of the rules off; url: the
   * worker module; on:
   * {progress(tried, total), shrinking(seed, tried), found(result), none(tried, ms), failed(message)}.
   * Exactly one of found, none and failed is called, unless cancel() comes first.
   */
  constructor({ nodes, rules, start = SEARCH_START, seeds = SEARCH_SEEDS, workers = workerCount(), url = WORKER_URL, on }) {
    this.nodes = nodes;
    this.rules = [...rules];
    this.start = start;
    this.end = start + seeds;
    this.total = seeds;
    this.on = on;
    this.next = start;
    this.tried = 0;
    this.best = Infinity; // the lowest seed found breaking an invariant
    this.busy = new Map(); // worker -> the seed it runs
    this.done = false;
    this.began = performance.now();
    this.workers = [];
    try {
      for (let i = 0; i < workers; i++) {
        const w = new Worker(url, { type: 'module' });
        w.onmessage = (e) => this.answer(w, e.data);
        w.onerror = (e) => { e.preventDefault(); this.fail(e.message || 'a worker could not start'); };
        w.onmessageerror = () => this.fail('a worker sent a message that could not be read');
        this.workers.push(w);
      }
    } catch (e) {
      this.finish(); // the workers started before the one refused go too
      throw e;
    }
    for (const w of this.workers) this.dispatch(w);
  }

  get workerCount() { return this.workers.length; }

  /** Sends `w` the next seed, if the search still needs one. */
  dispatch(w) {
    if (this.done || this.best !== Infinity || this.next >= this.end) return;
    const seed = this.next++;
    this.busy.set(w, seed);
    w.postMessage({ type: 'fuzz', seed, nodes: this.nodes, rules: this.rules });
  }

  answer(w, msg) {
    if (this.done || !msg) return;
    if (msg.type === 'error') { this.fail(msg.seed != null ? `seed ${msg.seed}: ${msg.message}` : msg.message); return; }
    if (msg.type === 'shrink') { this.finish(); this.on.found({ ...msg.found, tried: this.tried }); return; }
    if (msg.type !== 'fuzz') return;
    this.busy.delete(w);
    this.tried++;
    if (msg.run.verdict === 'violation' && msg.run.seed < this.best) this.best = msg.run.seed;
    this.on.progress(this.tried, this.total);
    if (this.best !== Infinity) {
      // Lower seeds still running may break an invariant too: wait for them.
      if ([...this.busy.values()].some((s) => s < this.best)) return;
      this.shrink(w);
      return;
    }
    this.dispatch(w);
    if (this.busy.size === 0) { this.finish(); this.on.none(this.tried, performance.now() - this.began); }
  }

  /** Shrinks the lowest breaking seed in `w`; the other workers stop now. */
  shrink(w) {
    for (const other of this.workers) if (other !== w) other.terminate();
    this.workers = [w];
    this.busy.clear();
    // Seeds tried: those below the find, and the find itself (as the CLI counts).
    this.tried = this.best - this.start + 1;
    this.on.shrinking(this.best, this.tried);
    w.postMessage({ type: 'shrink', seed: this.best, nodes: this.nodes, rules: this.rules });
  }

  fail(message) {
    if (this.done) return;
    this.finish();
    this.on.failed(message);
  }

  /** Stops every worker; no callback comes after this. */
  cancel() { this.finish(); }

  finish() {
    this.done = true;
    for (const w of this.workers) w.terminate();
    this.workers = [];
    this.busy.clear();
  }
}
