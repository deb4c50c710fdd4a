// What index.html transfers, gzipped as `gzip -9` does: every file the page
// asks for from its start until it has run 3 s (first paint and the run,
// nothing clicked), then what each on-demand feature adds when it is first
// used (the rules menu, the history panel, Copy link, the legend). Run after
// ./build.sh pkg: `node scripts/page-weight.mjs`. Not part of the test run.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { launch } from '../tests/e2e/helpers.mjs';
import { serve, WWW } from '../tests/e2e/serve.mjs';

// gzip -9 itself: zlib's level 9 gives other sizes than the figures in the docs.
const gz = (f) => execFileSync('gzip', ['-9', '-c', path.join(WWW, f)], { maxBuffer: 1 << 26 }).length;

const { url, close } = await serve();
const browser = await launch();
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
  await context.addInitScript(() => { try { localStorage.setItem('raftlab-tour', 'done'); } catch { /* opaque origin */ } });
  const page = await context.newPage();
  let files = [];
  page.on('response', (r) => { if (r.url().startsWith(url)) files.push(new URL(r.url()).pathname.slice(1) || 'index.html'); });
  const show = (title) => {
    const rows = [...new Set(files)].map((f) => ({ f, gz: gz(f) }));
    console.log(`\n${title}`);
    for (const { f, gz: n } of rows) console.log(`  ${f.padEnd(40)} ${String(n).padStart(8)} B`);
    console.log(`  ${'total'.padEnd(40)} ${String(rows.reduce((a, r) => a + r.gz, 0)).padStart(8)} B`);
    files = [];
  };
  await page.goto(`${url}index.html`);
  await page.waitForFunction(() => window.raftlabUI?.state.firstFrameMs != null, null, { timeout: 30_000 });
  await page.waitForTimeout(3000);
  show('index.html, first paint and 3 s of the run (gzip -9)');
  const step = async (title, act) => { await act(); await page.waitForTimeout(1000); show(title); };
  await step('+ opening "Break a rule"', () => page.locator('#rulesToggle').click());
  await step('+ opening the history view', () => page.locator('#historyPanel summary').click());
  await step('+ Copy link', () => page.locator('#copyLink').click());
  await step('+ the legend', () => page.locator('#legendBtn').click().catch(() => {}));
} finally {
  await browser.close();
  await close();
}
