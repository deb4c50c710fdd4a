// A seeded moment of a fixed scenario draws the same cluster picture as the
// committed baseline (tests/e2e/baseline/cluster.png), within a small threshold.
// UPDATE_BASELINE=1 rewrites the baseline. The run also writes a picture of
// the whole page at a moment of a lesson to docs/screenshot.png, which
// README shows, so that picture is always the page as it is.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { PNG } from 'pngjs';
import { openPage } from './helpers.mjs';

const BASELINE = new URL('./baseline/cluster.png', import.meta.url);
const PAGE_PICTURE = new URL('../../docs/screenshot.png', import.meta.url);
const LESSON = new URL('../../www/scenarios/partition-3-4.txt', import.meta.url);
const OUT = new URL('./output/', import.meta.url);
const SCENARIO = `# screenshot baseline
cluster 5 seed=42
run until leader
put x 1
put y 2
crash 5
`;
const AT_MS = 1528; // heartbeats and their replies in flight
const CHANNEL_TOLERANCE = 48; // a pixel differs when a channel moves more than this
const MAX_DIFF_FRACTION = 0.005; // at most 0.5% of the pixels may differ

let env;
before(async () => {
  env = await openPage({
    query: 'paused',
    viewport: { width: 1200, height: 860 },
    media: { reducedMotion: 'reduce', colorScheme: 'light' },
  });
});
after(async () => { await env?.close(); });

function diff(a, b) {
  if (a.width !== b.width || a.height !== b.height) return { size: false, fraction: 1 };
  const out = new PNG({ width: a.width, height: a.height });
  let bad = 0;
  for (let i = 0; i < a.data.length; i += 4) {
    let d = 0;
    for (let c = 0; c < 4; c++) d = Math.max(d, Math.abs(a.data[i + c] - b.data[i + c]));
    const off = d > CHANNEL_TOLERANCE;
    if (off) bad++;
    out.data[i] = off ? 255 : a.data[i] >> 2;
    out.data[i + 1] = off ? 0 : a.data[i + 1] >> 2;
    out.data[i + 2] = off ? 0 : a.data[i + 2] >> 2;
    out.data[i + 3] = 255;
  }
  return { size: true, fraction: bad / (a.width * a.height), image: out };
}

test('the cluster canvas at a seeded moment matches the baseline', async () => {
  const { page, errors } = env;
  const state = await page.evaluate(({ text, at }) => {
    document.getElementById('scenario').value = text;
    document.getElementById('loadScenario').click();
    window.raftlabUI.setPlaying(false); // same task as the load: no frame runs between
    const err = document.getElementById('scenarioError').textContent;
    window.raftlab.advance(at);
    window.raftlabUI.redraw();
    const c = document.getElementById('cluster');
    return { err, timeMs: window.raftlab.nowMs(), w: c.width, h: c.height, events: window.raftlab.eventCount() };
  }, { text: SCENARIO, at: AT_MS });
  assert.equal(state.err, '');
  assert.equal(state.timeMs, AT_MS);
  await page.waitForTimeout(200); // a few (paused) frames: the picture must not move
  const shot = await page.locator('#cluster').screenshot();
  const actual = PNG.sync.read(shot);
  if (process.env.UPDATE_BASELINE === '1' || !fs.existsSync(BASELINE)) {
    if (process.env.CI && !fs.existsSync(BASELINE)) assert.fail('no baseline committed: run UPDATE_BASELINE=1');
    fs.writeFileSync(BASELINE, shot);
    console.log(`baseline written: ${BASELINE.pathname} (${actual.width}x${actual.height}, ${state.events} events)`);
    return;
  }
  const expected = PNG.sync.read(fs.readFileSync(BASELINE));
  const d = diff(actual, expected);
  if (!d.size || d.fraction > MAX_DIFF_FRACTION) {
    fs.mkdirSync(OUT, { recursive: true });
    fs.writeFileSync(new URL('cluster.actual.png', OUT), shot);
    if (d.image) fs.writeFileSync(new URL('cluster.diff.png', OUT), PNG.sync.write(d.image));
  }
  assert.ok(d.size, `size ${actual.width}x${actual.height} vs baseline ${expected.width}x${expected.height}`);
  assert.ok(d.fraction <= MAX_DIFF_FRACTION,
    `${(d.fraction * 100).toFixed(2)}% of pixels differ (limit ${MAX_DIFF_FRACTION * 100}%); see tests/e2e/output/`);
  assert.deepEqual(errors, []);
});

test('a picture of the whole page during a lesson goes to docs/screenshot.png', async () => {
  const whole = await openPage({ viewport: { width: 1280, height: 800 }, media: { colorScheme: 'light' } });
  const { page, errors } = whole;
  try {
    const text = fs.readFileSync(LESSON, 'utf8');
    const state = await page.evaluate((t) => {
      const v = window.raftlabUI.view;
      document.getElementById('scenario').value = t;
      const ok = v.loadScenario(t);
      window.raftlabUI.setPlaying(false);
      // Just after the old leader took b=2 it cannot commit: two leaders, a
      // caption, messages in flight, the quorum line in red.
      window.raftlab.advance(1010);
      window.raftlabUI.redraw();
      return { ok, leaders: window.raftlab.snapshot().quorum.leaders.length };
    }, text);
    assert.ok(state.ok);
    assert.equal(state.leaders, 2, 'two leaders at once');
    await page.waitForTimeout(300);
    const shot = await page.screenshot();
    const picture = PNG.sync.read(shot);
    assert.deepEqual([picture.width, picture.height], [1280, 800]);
    fs.mkdirSync(new URL('.', PAGE_PICTURE), { recursive: true });
    if (!fs.existsSync(PAGE_PICTURE) || !fs.readFileSync(PAGE_PICTURE).equals(shot)) fs.writeFileSync(PAGE_PICTURE, shot);
    assert.deepEqual(errors, []);
  } finally {
    await whole.close();
  }
});
