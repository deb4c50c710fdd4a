// The page loads cleanly and the cluster elects a leader.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openPage, waitLeader, snapshot } from './helpers.mjs';

let env;
before(async () => { env = await openPage({ query: 'speed=1' }); });
after(async () => { await env?.close(); });

test('the page loads with no console error and no page error', async () => {
  const { page, errors } = env;
  assert.equal(await page.title(), 'Raft Lab');
  // Let a few frames and panel refreshes run before judging.
  await page.waitForFunction(() => window.raftlab.eventCount() > 0, null, { timeout: 10_000 });
  await page.waitForTimeout(500);
  const canvas = await page.evaluate(() => {
    const c = document.getElementById('cluster');
    return { w: c.width, h: c.height };
  });
  assert.ok(canvas.w > 100 && canvas.h > 100, `cluster canvas is sized: ${JSON.stringify(canvas)}`);
  assert.equal(await page.locator('#fatal').isHidden(), true);
  assert.deepEqual(errors, []);
});

test('a leader is elected', async () => {
  const { page } = env;
  const leader = await waitLeader(page);
  const snap = await snapshot(page);
  assert.equal(snap.nodes.find((n) => n.id === leader).role, 'leader');
  assert.deepEqual(snap.violations, []);
  // The clock panel names it too.
  await page.waitForFunction((l) => document.getElementById('clock').textContent.includes(`leader ${l}`), leader);
});

test('a broken instance shows "internal error" and Reset recovers', async () => {
  const { page } = env;
  // A freed instance fails inside wasm the way an aborted one does.
  await page.evaluate(() => window.raftlab.free());
  await page.waitForSelector('#fatal', { state: 'visible' });
  assert.match(await page.locator('#fatalText').textContent(), /internal error/);
  assert.equal(await page.locator('#cluster').isVisible(), true, 'the page is not blanked');
  await page.click('#fatalReset');
  await page.waitForSelector('#fatal', { state: 'hidden' });
  await waitLeader(page);
});
