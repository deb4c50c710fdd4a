// Time travel in the browser: how long `seek` takes in headless Chromium on a
// one-hour simulated run, the same run as `cargo bench --bench timeline`
// (5 nodes, a put every 100 ms, a leader crash, partition and heal every ten
// minutes). The step debugger's bound for a jump is 50 ms.
//   node scripts/bench-seek.mjs     (after ./build.sh serve or bench built www/pkg)
// Not part of the test run: timings belong in benchmarks, not in tests.

// playwright-core lives in tests/e2e/node_modules; the e2e helpers load it.
const { launch } = await import('../tests/e2e/helpers.mjs');
const { serve } = await import('../tests/e2e/serve.mjs');

const JUMPS = Number(process.env.JUMPS || 200);

const { url, close } = await serve();
const browser = await launch();
try {
  const page = await browser.newPage();
  await page.goto(`${url}?paused`);
  const r = await page.evaluate(async (jumps) => {
    const mod = await import(new URL('pkg/raftlab.js', location.href).href);
    await mod.default();
    const lab = mod.RaftLab.create({ nodes: 5, seed: 42 });
    const minute = 60_000;
    // advance() caps its work per call, so loop until the clock is there.
    const runUntil = (ms) => { while (lab.nowMs() < ms) lab.advance(Math.min(ms - lab.nowMs(), minute)); };
    const built = performance.now();
    lab.setClientLoad(100);
    for (let round = 0; round < 6; round++) {
      const start = round * 10 * minute;
      runUntil(start + minute);
      const leader = lab.snapshot().leader;
      if (leader != null) {
        lab.crash(leader);
        runUntil(start + 2 * minute);
        lab.restart(leader);
      }
      runUntil(start + 3 * minute);
      lab.partition([[1, 2], [3, 4, 5]]);
      lab.submit('put', 'round', String(round));
      runUntil(start + 4 * minute);
      lab.heal();
    }
    runUntil(60 * minute);
    const buildMs = performance.now() - built;
    const end = lab.endEvent();
    let x = 0x5eed;
    const next = () => { x ^= x << 13; x ^= x >>> 17; x ^= x << 5; return (x >>> 0) % (end + 1); };
    const times = [];
    for (let i = 0; i < jumps; i++) {
      const target = next();
      const t0 = performance.now();
      lab.seek(target);
      times.push(performance.now() - t0);
      if (lab.eventCount() !== target) throw new Error(`seek(${target}) landed at ${lab.eventCount()}`);
    }
    return { end, buildMs, times };
  }, JUMPS);
  const s = [...r.times].sort((a, b) => a - b);
  const q = (p) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  console.log(`one simulated hour in the browser: ${r.end} events, built in ${(r.buildMs / 1000).toFixed(1)} s`);
  console.log(`seek to a random event (${s.length} jumps): median ${q(0.5).toFixed(1)} ms, p95 ${q(0.95).toFixed(1)} ms, max ${s[s.length - 1].toFixed(1)} ms`);
} finally {
  await browser.close();
  await close();
}
