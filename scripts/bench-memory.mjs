// Memory in the browser: the WebAssembly memory (`memory.buffer.byteLength`,
// which never shrinks: the high-water mark) of a page left running.
//   1. The page's heaviest load: 9 nodes, a put every 10 ms, for 24 simulated
//      hours or until the run's budget stops it. Every simulated hour it
//      prints the wasm memory and where it goes: the Raft logs (entries and
//      their digests, from the engine's type sizes), the time-travel
//      checkpoints (the engine's estimate against their 64 MiB budget), and
//      the client history kept.
//   2. A shared link asking for a put every microsecond (a million events a
//      simulated second): what it holds after each simulated minute. Its
//      growth is the Raft log's alone; the run's budget stops it at a
//      billion events (or 12 million log entries), far beyond this bench.
//   node scripts/bench-memory.mjs     (after ./build.sh serve or bench built www/pkg)
// Not part of the test run: figures belong in benchmarks, not in tests.
// HOURS=24 by default.

const { launch } = await import('../tests/e2e/helpers.mjs');
const { serve } = await import('../tests/e2e/serve.mjs');

const HOURS = Number(process.env.HOURS || 24);

const { url, close } = await serve();
const browser = await launch();
try {
  // Each run in a page of its own: wasm memory never shrinks, so a run
  // sharing an instance would measure the one before.
  const run = async (spec) => {
    const page = await browser.newPage();
    page.on('console', (m) => console.log(`  [page] ${m.text()}`));
    await page.goto(`${url}?paused`);
    const result = await measure(page, spec);
    await page.close();
    return result;
  };
  const measure = (page, spec) => page.evaluate(async ({ spec, hours }) => {
    const mod = await import(new URL('pkg/raftlab.js', location.href).href);
    const wasm = await mod.default();
    const mib = (b) => +(b / 2 ** 20).toFixed(1);
    const lab = spec.scenario ? mod.RaftLab.fromScenario(spec.scenario) : mod.RaftLab.create(spec.options);
    if (spec.loadMs) lab.setClientLoad(spec.loadMs);
    const rows = [];
    const sample = (label) => {
      const m = lab.memory();
      rows.push({
        at: label, events: m.events, wasmMiB: mib(wasm.memory.buffer.byteLength), logEntries: m.logEntries,
        logMiB: mib(m.logBytes), checkpoints: m.checkpoints, checkpointMiB: mib(m.checkpointBytes),
        reachable: m.reachable, clientOpsKept: m.clientOpsKept, clientOpsTotal: m.clientOpsTotal,
      });
    };
    const started = performance.now();
    const step = spec.sampleMs;
    const name = (ms) => (step >= 3_600_000 ? `${(ms / 3_600_000).toFixed(2)} h` : `${(ms / 1000).toFixed(0)} s`);
    let stop = null;
    sample('start');
    for (let k = 1; k <= spec.samples && !stop; k++) {
      // advance() caps its work per call: loop until the clock is there.
      while (lab.nowMs() < k * step) {
        const events = lab.advance(Math.min(k * step - lab.nowMs(), 60_000));
        const st = lab.takeStop();
        if (st && st.kind === 'budget') { stop = st; break; }
        if (events === 0 && lab.nowMs() < k * step) break;
      }
      sample(stop ? `${name(lab.nowMs())} (stopped)` : name(k * step));
    }
    return { rows, stop: stop && stop.cause, seconds: (performance.now() - started) / 1000 };
  }, { spec, hours: HOURS });

  const show = (title, r) => {
    console.log(title);
    console.table(r.rows);
    if (r.stop) console.log(`  budget stop: ${r.stop}`);
    console.log(`  (${r.seconds.toFixed(0)} s of real time)`);
  };
  show(`9 nodes, a put every 10 ms, up to ${HOURS} simulated hours:`,
    await run({ options: { nodes: 9, seed: 42, snapshot: 10_000 }, loadMs: 10, sampleMs: 3_600_000, samples: HOURS }));
  show('a link with `client load every 1us` (3 nodes), two simulated minutes:',
    await run({ scenario: 'cluster 3 seed=1\nrun until leader\nclient load every 1us\n', sampleMs: 15_000, samples: 8 }));
} finally {
  await browser.close();
  await close();
}
