// A malformed scenario shows its error; the previous simulation keeps running.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openPage, waitFor } from './helpers.mjs';

let env;
before(async () => { env = await openPage({ query: 'speed=1' }); });
after(async () => { await env?.close(); });

test('a malformed scenario shows LINE:COLUMN and the old simulation still runs', async () => {
  const { page, errors } = env;
  await page.evaluate(() => { window.raftlab.__marker = 'old'; });
  await page.fill('#scenario', 'cluster 3 seed=1\nrun until leader\nfrobnicate 7\n');
  await page.click('#loadScenario');
  const text = await page.locator('#scenarioError').textContent();
  assert.match(text, /^3:1: /);
  // The message is text, not markup.
  assert.equal(await page.locator('#scenarioError *').count(), 0);
  assert.equal(await page.evaluate(() => window.raftlab.__marker), 'old');
  const c1 = await page.evaluate(() => window.raftlab.eventCount());
  await waitFor(page, (c) => window.raftlab.eventCount() > c + 10, c1);
  assert.equal(await page.locator('#fatal').isHidden(), true);
  assert.deepEqual(errors, []);
});

test('markup in a scenario error stays text', async () => {
  const { page } = env;
  await page.fill('#scenario', 'cluster 3\n<img src=x onerror=alert(1)>\n');
  await page.click('#loadScenario');
  assert.match(await page.locator('#scenarioError').textContent(), /^2:1: /);
  assert.equal(await page.locator('#scenarioError img').count(), 0);
});

test('a good scenario replaces the simulation and reports its progress', async () => {
  const { page, errors } = env;
  await page.fill('#scenario', 'cluster 3 seed=4\nrun until leader\nput a 1\nrun until committed 2\nexpect value a 1\n');
  await page.click('#loadScenario');
  assert.equal(await page.locator('#scenarioError').textContent(), '');
  assert.equal(await page.evaluate(() => window.raftlab.__marker), undefined, 'window.raftlab is the new instance');
  assert.equal(await page.evaluate(() => window.raftlab.snapshot().nodes.length), 3);
  await waitFor(page, () => { const s = window.raftlab.scenarioStatus(); return s && s.done; });
  const st = await page.evaluate(() => window.raftlab.scenarioStatus());
  assert.equal(st.failure ?? null, null);
  await waitFor(page, () => /Done/.test(document.getElementById('scenarioStatus').textContent));
  assert.deepEqual(errors, []);
});
