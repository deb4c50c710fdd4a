// Lessons in course notes (docs/lessons.md): <raft-lab lesson="NAME"> and
// embed.html#lesson=NAME run a lesson with its panel; a name that is no
// lesson shows the list of lessons, never a blank embed; a malformed lesson
// file shows its FILE:LINE:COLUMN error, on lessons.html and in embeds.
import { test, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { openPage, waitFor } from './helpers.mjs';

let envs = [];
// Each test closes its browsers: a page left running slows every later test.
afterEach(async () => { for (const e of envs.splice(0)) await e.close(); });
const open = async (opts) => { const e = await openPage(opts); envs.push(e); return e; };

/** Adds a <raft-lab> with `attrs` to demo.html's main. */
const addElement = (page, id, attrs) => page.evaluate(([i, a]) => {
  const e = document.createElement('raft-lab');
  e.id = i;
  for (const [k, v] of Object.entries(a)) e.setAttribute(k, v);
  document.querySelector('main').prepend(e);
}, [id, attrs]);

test('<raft-lab lesson=...> runs a lesson in course notes, its panel in the shadow root', async () => {
  const { page, errors } = await open({ path: 'demo.html', ready: () => document.getElementById('lab-crash')?.sim });
  await addElement(page, 'lesson', { lesson: 'leader-election', speed: '1' });
  await waitFor(page, () => document.getElementById('lesson').sim?.lessonState()?.kind === 'predict');
  const panel = page.locator('#lesson .lesson');
  assert.match(await panel.textContent(), /Leader election/);
  assert.match(await panel.textContent(), /Step 1 of 9/);
  // The embed's own page keeps its focus: nothing was pulled into the lesson.
  assert.equal(await page.evaluate(() => document.activeElement === document.body), true);
  await page.locator('#lesson .lesson-choices button').nth(1).click();
  await waitFor(page, () => document.getElementById('lesson').sim.lessonState().step === 2);
  await waitFor(page, () => document.getElementById('lesson').sim.snapshot().leader === 3, undefined, 30_000);
  // The lesson's own view has no time travel; the page's other elements are untouched.
  assert.equal(await page.locator('#lesson #stepBack').isHidden(), true);
  assert.equal(await page.evaluate(() => document.getElementById('lab-crash').sim.lessonState()), null);
  // A step attribute opens that step.
  await addElement(page, 'lesson3', { lesson: 'leader-election', step: '3', speed: '1' });
  await waitFor(page, () => document.getElementById('lesson3').sim?.lessonState()?.step === 3 && document.getElementById('lesson3').sim.lessonState().kind === 'act', undefined, 30_000);
  assert.deepEqual(errors, []);
});

test('embed.html#lesson=... runs a lesson; its step and language come from the hash', async () => {
  const { page, errors } = await open({ path: 'embed.html', hash: 'lesson=partitions&step=2&lang=ko&speed=1', viewport: { width: 900, height: 700 },
    ready: () => window.raftlab && window.raftlab.lessonState && window.raftlab.lessonState()?.kind === 'goal' });
  assert.match(await page.locator('.lesson').textContent(), /퍼즐/);
  await page.click('#isolate');
  await waitFor(page, () => window.raftlab.lessonState().step === 3, undefined, 30_000);
  assert.match(await page.locator('.lesson-solved').textContent(), /잘했습니다/);
  assert.deepEqual(errors, []);
});

test('a lesson name that is no lesson shows the list of lessons, on every page', async () => {
  const embed = await open({ path: 'embed.html', hash: 'lesson=no-such-lesson', ready: () => document.querySelectorAll('.lesson-list li').length >= 12 });
  assert.match(await embed.page.locator('[role=alert]').textContent(), /There is no lesson named “no-such-lesson”/);
  const href = await embed.page.locator('.lesson-list a').first().getAttribute('href');
  assert.equal(href, '#lesson=roles-and-terms&lang=en');
  // Following the list opens a lesson in the same embed.
  await embed.page.click('.lesson-list a >> nth=1');
  await waitFor(embed.page, () => window.raftlab?.lessonState?.()?.steps === 9);

  const demo = await open({ path: 'demo.html', ready: () => document.getElementById('lab-crash')?.sim });
  await addElement(demo.page, 'bad', { lesson: '../scenarios/figure8' });
  await waitFor(demo.page, () => document.getElementById('bad').shadowRoot?.querySelectorAll('.lesson-list li').length >= 12);
  assert.match(await demo.page.locator('#bad [role=alert]').textContent(), /There is no lesson named “\.\.\/scenarios\/figure8”/);
  await demo.page.locator('#bad .lesson-list a').nth(2).click();
  await waitFor(demo.page, () => document.getElementById('bad').getAttribute('lesson') === 'split-votes' && document.getElementById('bad').sim?.lessonState()?.steps === 6);

  const page = await open({ path: 'lessons.html', hash: 'lesson=nope', ready: () => document.querySelectorAll('.lesson-list li').length >= 12 });
  assert.match(await page.page.locator('#intro [role=alert]').textContent(), /There is no lesson named “nope”/);
  assert.equal(await page.page.locator('#lesson').innerHTML(), '');
  for (const e of [embed, demo, page]) assert.deepEqual(e.errors, []);
});

test('a malformed lesson file shows its FILE:LINE:COLUMN error', async () => {
  const broken = 'title Broken\ncluster 3 seed=1\nsay Hello\nact leader crashd\ndo crash leader\n';
  const intercept = (page) => page.route('**/lessons/split-votes.txt', (route) => route.fulfill({ status: 200, contentType: 'text/plain', body: broken }));
  const expected = /lessons\/split-votes\.txt:4:12: unexpected 'crashd', expected a state \(follower/;

  const page = await open({ path: 'lessons.html', ready: () => document.querySelectorAll('.lesson-list li').length >= 12 });
  await intercept(page.page);
  await page.page.evaluate(() => { location.hash = 'lesson=split-votes'; });
  await waitFor(page.page, () => document.querySelector('#intro [role=alert]'));
  assert.match(await page.page.locator('#intro [role=alert]').textContent(), expected);

  const embed = await open({ path: 'demo.html', ready: () => document.getElementById('lab-crash')?.sim });
  await intercept(embed.page);
  await addElement(embed.page, 'broken', { lesson: 'split-votes' });
  await waitFor(embed.page, () => document.getElementById('broken').shadowRoot?.querySelector('[role=alert]'));
  assert.match(await embed.page.locator('#broken [role=alert]').textContent(), expected);
  for (const e of [page, embed]) assert.deepEqual(e.errors, []);
});
