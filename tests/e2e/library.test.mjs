// The scenario library on index.html: every teaching scenario in
// www/scenarios/ can be picked and played, and the comments above the
// command being played show as a caption, in Korean on the Korean page.
import { test, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { openPage, waitFor } from './helpers.mjs';
import { LIBRARY } from '../../www/lab-library.js';

let envs = [];
// Each test closes its browsers: a page left running slows every later test.
afterEach(async () => { for (const e of envs.splice(0)) await e.close(); });
const open = async (opts) => { const e = await openPage(opts); envs.push(e); return e; };

test('the library lists exactly the scenario files of www/scenarios, the course notes\' lessons among them', () => {
  const files = fs.readdirSync(new URL('../../www/scenarios/', import.meta.url)).filter((f) => f.endsWith('.txt')).map((f) => f.slice(0, -4));
  const listed = LIBRARY.flatMap(([, names]) => names);
  assert.deepEqual([...listed].sort(), [...files].sort());
  for (const lesson of ['quorum-table-1', 'quorum-table-7', 'quorum-3-3', 'quorum-3-4', 'two-nodes', 'availability-zones', 'figure8',
    'restart-keeps-term-and-vote', 'lossy-network', 'leader-crash', 'partition-3-4', 'catch-up']) assert.ok(listed.includes(lesson), lesson);
  // Every caption has its Korean lines.
  for (const name of files) {
    const text = fs.readFileSync(new URL(`../../www/scenarios/${name}.txt`, import.meta.url), 'utf8');
    assert.ok(/^#\[ko\] /m.test(text), `${name} has Korean captions`);
  }
});

test('picking a lesson plays it with its captions, which follow the command being played', async () => {
  const { page, errors } = await open({ query: 'speed=0.2' });
  await page.selectOption('#library', 'leader-crash');
  await waitFor(page, () => /new leader/.test(document.getElementById('libraryInfo').textContent));
  await page.click('#libraryLoad');
  await waitFor(page, () => document.getElementById('scenario').value.startsWith('# Leader crash and re-election.'));
  await waitFor(page, () => /Five servers elect a leader/.test(document.getElementById('caption').textContent));
  // The crash's caption comes when the scenario reaches it, and stays while `run until leader` plays.
  await waitFor(page, () => /The leader crashes/.test(document.getElementById('caption').textContent), undefined, 30_000);
  await waitFor(page, () => /A new leader/.test(document.getElementById('caption').textContent), undefined, 30_000);
  // Back in time, the caption of that time.
  await page.evaluate(() => { window.raftlabUI.setPlaying(false); window.raftlab.seek(3); window.raftlabUI.redraw(); });
  await waitFor(page, () => /Five servers elect a leader/.test(document.getElementById('caption').textContent));
  assert.deepEqual(errors, []);
});

test('on the Korean page the captions are the #[ko] lines', async () => {
  const { page, errors } = await open({ query: 'lang=ko&speed=1' });
  await page.selectOption('#library', 'quorum-table-3');
  await waitFor(page, () => /과반수 2/.test(document.getElementById('libraryInfo').textContent));
  await page.click('#libraryLoad');
  await waitFor(page, () => /클러스터가 리더를 선출하고/.test(document.getElementById('caption').textContent));
  await waitFor(page, () => /1번째 다운: 남은 2대는 여전히 과반수입니다/.test(document.getElementById('caption').textContent), undefined, 30_000);
  assert.doesNotMatch(await page.locator('#caption').textContent(), /[A-Za-z]{4,}/);
  assert.deepEqual(errors, []);
});

test('every lesson loads and plays on the page without an error', async () => {
  const { page, errors } = await open({ query: 'speed=1' });
  for (const name of LIBRARY.flatMap(([, names]) => names)) {
    await page.selectOption('#library', name);
    await page.click('#libraryLoad');
    await waitFor(page, (n) => document.getElementById('scenario').value.length > 100 && /Running|Done/.test(document.getElementById('scenarioStatus').textContent) && !document.getElementById('scenarioError').textContent, name);
    await page.evaluate(() => { window.raftlab.advance(5000); window.raftlabUI.redraw(); });
    assert.doesNotMatch(await page.locator('#scenarioStatus').textContent(), /failed/, name);
  }
  assert.deepEqual(errors, []);
});
