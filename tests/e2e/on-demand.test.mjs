// What index.html loads only on demand (www/lab-features.js): Break a rule
// with the search, the history view, the share buttons' work and the texts
// only they show (the *-more catalogues) are not transferred at first paint,
// load when first used and work then; a part that cannot be loaded is named
// in the status line, and the run goes on.
import { test, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { openPage, waitFor } from './helpers.mjs';

const envs = [];
afterEach(async () => { for (const e of envs.splice(0)) await e.close(); });

/** index.html, recording the path of every file it asks for. */
async function open() {
  const asked = [];
  const env = await openPage({
    query: 'nodes=3&seed=1&speed=1',
    ready: () => window.raftlabUI?.state.firstFrameMs != null,
  });
  envs.push(env);
  env.page.on('request', (r) => asked.push(new URL(r.url()).pathname));
  return { ...env, asked };
}

const ON_DEMAND = /\/(lab-rules|lab-history|lab-share|en-more)[-.]/;

test('the on-demand parts are not loaded at first paint, and load and work when first used', async () => {
  const { page, errors, asked } = await open();
  const first = await page.evaluate(() => performance.getEntriesByType('resource').map((e) => new URL(e.name).pathname));
  assert.ok(first.some((p) => p.endsWith('.wasm')), first.join(' '));
  assert.deepEqual(first.filter((p) => ON_DEMAND.test(p)), [], 'nothing on demand at first paint');
  await page.waitForTimeout(1000); // the run goes on: still nothing
  assert.deepEqual(asked.filter((p) => ON_DEMAND.test(p)), []);

  // Break a rule: the menu and its eight rules, each with its sentence.
  await page.locator('#rulesToggle').click();
  assert.equal(await page.getAttribute('#rulesToggle', 'aria-expanded'), 'true');
  await page.locator('#rulesList input[data-rule]').first().waitFor();
  const texts = await page.locator('#rulesList [data-rule-text]').allTextContents();
  assert.equal(texts.length, 8);
  for (const t of texts) assert.ok(t.length > 30 && !t.startsWith('rule.'), t);
  assert.ok(asked.some((p) => /\/lab-rules[-.]/.test(p)) && asked.some((p) => /\/en-more[-.]/.test(p)), asked.join(' '));

  // The history view: a verdict in words, not a key.
  await page.evaluate(() => window.raftlab.submit('put', 'x', '1'));
  await page.locator('#historyPanel summary').click();
  const verdict = await waitFor(page, () => document.getElementById('historyVerdict').textContent);
  assert.ok(!verdict.startsWith('hist.'), verdict);
  assert.ok(asked.some((p) => /\/lab-history[-.]/.test(p)));

  // Copy link: the field shows the link to this moment.
  await page.locator('#copyLink').click();
  const link = await waitFor(page, () => document.getElementById('link').value);
  assert.match(link, /#v=1&/);
  assert.ok(asked.some((p) => /\/lab-share[-.]/.test(p)));
  assert.deepEqual(errors, []);
});

test('a part that cannot be loaded says so, and the run goes on', async () => {
  const { page } = await open();
  await page.route(/\/lab-rules[-.][^/]*js$/, (r) => r.abort());
  await page.locator('#rulesToggle').click();
  await waitFor(page, () => !document.getElementById('status').hidden && document.getElementById('status').classList.contains('is-error'));
  assert.match(await page.locator('#status').textContent(), /^This part of the page could not be loaded \(.+\)\. The run goes on; reloading the page loads it again\.$/);
  assert.equal(await page.getAttribute('#rulesToggle', 'aria-expanded'), 'false', 'the menu closes again');
  assert.equal(await page.locator('#rulesBody').isHidden(), true);
  const before = await page.evaluate(() => window.raftlab.eventCount());
  await waitFor(page, (n) => window.raftlab.eventCount() > n, before);
  assert.equal(await page.locator('#fatal').isHidden(), true);
  // The other parts still load and work.
  await page.locator('#copyLink').click();
  assert.match(await waitFor(page, () => document.getElementById('link').value), /#v=1&/);
});
