// Read modes in the page: a stale local read planted from the client form
// is shown in the history view as not linearizable, with the operations
// that make it so named and highlighted; the read mode is recorded in the
// run as the scenario language's `read=` word.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openPage, waitFor } from './helpers.mjs';

let env;
before(async () => { env = await openPage({ query: 'speed=1' }); });
after(async () => { await env?.close(); });

// Node 3 leads and takes x = 1, is cut off, and the others elect node 1,
// which takes x = 2 (as www/scenarios/stale-read-local.txt).
const SETUP = `cluster 5 seed=3
run until leader
put x 1
run 200ms
partition 3
run 1s
put x 2
run 300ms
`;

test('a local read on a cut-off leader is stale, and the history view names the operations', async () => {
  const { page, errors } = env;
  await page.fill('#scenario', SETUP);
  await page.click('#loadScenario');
  await waitFor(page, () => { const s = window.raftlab.scenarioStatus(); return s && s.done; });
  await page.evaluate(() => window.raftlabUI.setPlaying(false));
  // The read, from the client form: get x via node 3, read=local.
  await page.selectOption('#op', 'get');
  await page.fill('#key', 'x');
  await page.selectOption('#via', '3');
  await page.selectOption('#read', 'local');
  await page.click('#submit');
  await page.evaluate(() => window.raftlabUI.setPlaying(true));
  const op = await waitFor(page, () => window.raftlab.snapshot().clientOps.find((o) => o.id === 3 && o.completedAtMs != null) || false);
  assert.equal(op.read, 'local');
  assert.equal(op.result, 'value 1', 'the stale value');
  assert.deepEqual(op.readAt, [2, 1], 'read at index 2, term 1');
  await waitFor(page, () => [...document.querySelectorAll('#ops li.done')].some((li) => /#3 get\(x\) read=local .*read at index 2 term 1/.test(li.textContent)));
  // No invariant stops the run: a local read promises nothing.
  assert.deepEqual(await page.evaluate(() => window.raftlab.snapshot().violations), []);

  // The history view: closed, it checks nothing; opened, it draws.
  await page.click('#historyPanel summary');
  await waitFor(page, () => /Not linearizable/.test(document.getElementById('historyVerdict').textContent));
  const why = await page.locator('#historyWhy').textContent();
  assert.match(why, /The operations that break it: #3, #1, #2\./);
  assert.match(why, /#3 get\(x\) → value 1 .* cannot be linearized: when it had to take effect, x = 2/);
  const rows = await page.$$eval('#history .hop', (hs) => hs.map((h) => ({ op: h.dataset.op, cls: h.className, text: h.textContent })));
  assert.equal(rows.length, 3);
  const read = rows.find((r) => r.op === '3');
  assert.match(read.cls, /culprit/);
  assert.match(read.cls, /unpromised/, 'a local read is drawn as promising nothing');
  assert.match(read.text, /#3 get\(x\) read=local → value 1 \(node 3 read at index 2 term 1\)/);
  for (const r of rows) assert.match(r.cls, /culprit/, `#${r.op} is named`);
  // Every bar runs from request to answer, inside the track.
  const bars = await page.$$eval('#history .hbar', (bs) => bs.map((b) => b.getBoundingClientRect().width));
  assert.ok(bars.every((w) => w >= 2), `${bars}`);

  // The run records the read with its mode.
  const recorded = await page.evaluate(() => window.raftlab.recordedScenario());
  assert.match(recorded, /^get x via 3 read=local$/m);
  assert.deepEqual(errors, []);
});

test('in Korean the read modes and the history view speak Korean', async () => {
  const { page } = env;
  await page.selectOption('#lang', 'ko');
  await waitFor(page, () => document.documentElement.lang === 'ko');
  await waitFor(page, () => /선형화 불가능/.test(document.getElementById('historyVerdict').textContent));
  assert.match(await page.locator('#historyWhy').textContent(), /선형화 가능성을 깨는 연산: #3, #1, #2\./);
  assert.match(await page.locator('#historyTitle').textContent(), /이력/);
  assert.match(await page.locator('#ops').textContent(), /인덱스 2 임기 1에서 읽음/);
});
