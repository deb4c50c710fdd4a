// Per-frame cost of the Raft Lab page in headless Chromium.
//   node scripts/bench-frame.mjs            (after ./build.sh serve or ./build.sh bench built www/pkg)
// Reports, for 5 and 9 nodes under steady client load: the median and p95 of
// one frame's work (advance + render of both canvases, timed inside the page
// with performance.now), the time to the first frame, and the gzipped size of
// everything the page transfers. Not part of the test run.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

// playwright-core lives in tests/e2e/node_modules; the e2e helpers load it.
const { launch } = await import('../tests/e2e/helpers.mjs');
const { serve, WWW } = await import('../tests/e2e/serve.mjs');

const FRAMES = Number(process.env.FRAMES || 300);
const SPEED = Number(process.env.SPEED || 0.05); // the page's default teaching speed, 1/20
const LOAD_MS = Number(process.env.LOAD_MS || 10); // a client put every 10 virtual ms

const quantile = (xs, q) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
};

async function measure(browser, url, nodes, speed) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1 });
  const started = Date.now();
  await page.goto(`${url}?nodes=${nodes}&seed=1&speed=${speed}`);
  await page.waitForFunction(() => window.raftlabUI.state.firstFrameMs !== null, null, { timeout: 30_000 });
  const firstFrame = await page.evaluate(() => window.raftlabUI.state.firstFrameMs);
  const loadWall = Date.now() - started;
  // Warm up until there is a leader and the load is flowing, then measure.
  await page.evaluate((ms) => window.raftlab.setClientLoad(ms), LOAD_MS);
  await page.waitForFunction(() => window.raftlab.snapshot().leader != null, null, { timeout: 30_000 });
  await page.waitForTimeout(1000);
  const r = await page.evaluate((n) => new Promise((resolve) => {
    const ui = window.raftlabUI.state;
    const e0 = window.raftlab.eventCount();
    const t0 = window.raftlab.nowMs();
    ui.frameTimes = [];
    ui.panelTimes = [];
    const tick = () => {
      if (ui.frameTimes.length >= n) {
        const times = ui.frameTimes;
        const panels = ui.panelTimes;
        ui.frameTimes = null;
        ui.panelTimes = null;
        resolve({ times, panels, events: window.raftlab.eventCount() - e0, virtualMs: window.raftlab.nowMs() - t0 });
      } else requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  }), FRAMES);
  const errors = await page.evaluate(() => !document.getElementById('fatal').hidden);
  await page.close();
  return {
    panelMedian: quantile(r.panels, 0.5), panelP95: quantile(r.panels, 0.95),
    nodes, speed, median: quantile(r.times, 0.5), p95: quantile(r.times, 0.95), max: Math.max(...r.times),
    frames: r.times.length, events: r.events, virtualMs: r.virtualMs, firstFrame, loadWall, fatal: errors,
  };
}

// Every file the page loads (whatever index.html and its modules ask for),
// gzipped as a server would send it.
async function transferSizes(browser, url) {
  const page = await browser.newPage();
  const files = new Set();
  page.on('response', (r) => { if (r.url().startsWith(url)) files.add(new URL(r.url()).pathname.slice(1) || 'index.html'); });
  await page.goto(url);
  await page.waitForFunction(() => window.raftlabUI && window.raftlabUI.state.firstFrameMs !== null, null, { timeout: 30_000 });
  await page.close();
  return [...files].map((f) => {
    const buf = fs.readFileSync(path.join(WWW, f));
    return { file: f, raw: buf.length, gzip: zlib.gzipSync(buf, { level: 9 }).length };
  });
}

const { url, close } = await serve();
const browser = await launch();
try {
  const rows = [];
  for (const nodes of [5, 9]) {
    for (const speed of [SPEED, 1]) rows.push(await measure(browser, url, nodes, speed));
  }
  const f = (x) => x.toFixed(2).padStart(7);
  console.log(`\nframe work (advance + both canvases), ${FRAMES} frames, a put every ${LOAD_MS} ms virtual`);
  console.log('nodes  speed   median ms   p95 ms   max ms   events/frame   first frame ms   panels median/p95 ms (10/s)');
  for (const r of rows) {
    console.log(`${String(r.nodes).padStart(5)}  ${String(r.speed).padEnd(5)} ${f(r.median)}    ${f(r.p95)}  ${f(r.max)}   ${(r.events / r.frames).toFixed(1).padStart(12)}   ${r.firstFrame.toFixed(0).padStart(14)}   ${f(r.panelMedian)} / ${f(r.panelP95)}${r.fatal ? '  INTERNAL ERROR' : ''}`);
  }
  const sizes = await transferSizes(browser, url);
  console.log('\ntransfer (gzip -9)');
  for (const s of sizes) console.log(`  ${s.file.padEnd(22)} ${String(s.raw).padStart(8)} B  ${String(s.gzip).padStart(8)} B gz`);
  const total = sizes.reduce((a, s) => a + s.gzip, 0);
  console.log(`  ${'total'.padEnd(22)} ${String(sizes.reduce((a, s) => a + s.raw, 0)).padStart(8)} B  ${String(total).padStart(8)} B gz (${(total / 1024).toFixed(1)} KiB)`);
} finally {
  await browser.close();
  await close();
}
