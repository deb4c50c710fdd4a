// lessons.html (docs/lessons.md): a lesson completed with the keyboard
// alone; a wrong prediction gets its feedback and the right one moves on; a
// goal solved through the page's own controls is graded as solved; a
// refused vote's reason names §5.4.1 in the event panel and opens its rule;
// progress is remembered and the address reopens the same step; the lesson
// waits for its learner at a pause; the Korean page; axe finds no
// violation.
import { test, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { openPage, waitFor } from './helpers.mjs';

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

let envs = [];
// Each test closes its browsers: a page left running slows every later test.
afterEach(async () => { for (const e of envs.splice(0)) await e.close(); });
const open = async (hash, opts = {}) => {
  const e = await openPage({ path: 'lessons.html', hash, ready: () => window.raftlab && window.raftlab.lessonState && window.raftlab.lessonState(), ...opts });
  envs.push(e);
  return e;
};
const state = (page) => page.evaluate(() => window.raftlab.lessonState());
/** Waits until the keyboard focus is on a button whose text starts with `text`. */
const focusedOn = (page, text, timeout = 60_000) => waitFor(page, (x) => {
  const a = document.activeElement;
  return !!a && a.tagName === 'BUTTON' && a.textContent.startsWith(x);
}, text, timeout);

test('a lesson completed with the keyboard alone, its progress remembered and its address the link to the step', async () => {
  const { page, errors } = await open('lesson=roles-and-terms&speed=1');
  // Step 1: the focus is on Continue.
  await focusedOn(page, 'Continue');
  await page.keyboard.press('Enter');
  // Step 2: a question; the focus on its first choice. S3 is the third.
  await focusedOn(page, 'S1');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  assert.equal((await state(page)).step, 3);
  await focusedOn(page, 'Continue');
  await page.keyboard.press('Enter');
  await waitFor(page, () => window.raftlab.lessonState().step === 4);
  await focusedOn(page, 'Continue');
  await page.keyboard.press('Enter');
  // Step 5: act. The keyboard shortcuts of the view: select S1, force its timeout.
  await waitFor(page, () => window.raftlab.lessonState().kind === 'act');
  await page.keyboard.press('1');
  await page.keyboard.press('t');
  await focusedOn(page, 'It refuses');
  assert.equal((await state(page)).solved, 5);
  assert.match(await page.locator('.lesson-solved').textContent(), /Well done/);
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  await waitFor(page, () => window.raftlab.lessonState().kind === 'end', undefined, 60_000);
  await focusedOn(page, 'Next lesson: Leader election');
  assert.match(await page.locator('.lesson').textContent(), /Lesson complete/);
  const progress = JSON.parse(await page.evaluate(() => localStorage.getItem('raftlab-lessons')));
  assert.deepEqual(progress['roles-and-terms'], { step: 7, steps: 7, done: true });
  assert.match(page.url(), /#lesson=roles-and-terms&step=7&lang=en$/);
  // The list shows it done; Enter on "Next lesson" opens the next one.
  await waitFor(page, () => /✓|done/.test(document.querySelector('.lesson-list li').textContent));
  await page.keyboard.press('Enter');
  await waitFor(page, () => /lesson=leader-election&step=1/.test(location.hash) && window.raftlab.lessonState().steps === 9);
  assert.deepEqual(errors, []);
});

test('a wrong prediction gets its feedback and another try; the right one moves on', async () => {
  const { page, errors } = await open('lesson=leader-election&speed=1');
  await waitFor(page, () => window.raftlab.lessonState().kind === 'predict' && document.querySelectorAll('.lesson-choices button').length === 3);
  const before = await page.evaluate(() => [window.raftlab.eventCount(), window.raftlab.nowMs()]);
  await page.click('.lesson-choices button >> nth=0');
  await waitFor(page, () => document.querySelector('.lesson-feedback.wrong'));
  assert.match(await page.locator('.lesson-feedback').textContent(), /^Not quite\. No: with 2 votes another candidate could get 2 as well/);
  assert.ok(await page.locator('.lesson-choices button >> nth=0').isDisabled());
  let st = await state(page);
  assert.deepEqual([st.step, st.kind, st.choices[0].correct], [1, 'predict', false]);
  // The question holds the world still.
  await page.waitForTimeout(400);
  assert.deepEqual(await page.evaluate(() => [window.raftlab.eventCount(), window.raftlab.nowMs()]), before);
  await page.click('.lesson-choices button >> nth=1');
  await waitFor(page, () => window.raftlab.lessonState().step === 2);
  assert.match(await page.locator('.lesson-feedback.right').textContent(), /^Right\. Yes: a majority/);
  await waitFor(page, () => window.raftlab.nowMs() > 100);
  st = await state(page);
  assert.equal(st.feedback.correct, true);
  assert.deepEqual(errors, []);
});

test('a goal solved with the page\'s own controls is graded as solved; acting while the lesson plays by itself is refused', async () => {
  const { page, errors } = await open('lesson=partitions&speed=1');
  // Step 1 is a pause: the view's faults wait for their turn.
  await waitFor(page, () => window.raftlab.lessonState().kind === 'pause', undefined, 60_000);
  await page.keyboard.press('3');
  await page.click('#crash');
  await waitFor(page, () => /plays this part by itself/.test(document.getElementById('status').textContent));
  assert.equal((await page.evaluate(() => window.raftlab.snapshot().nodes.filter((n) => !n.alive).length)), 0);
  await page.click('.lesson button.lesson-primary');
  await waitFor(page, () => window.raftlab.lessonState().kind === 'goal');
  assert.match(await page.locator('.lesson-kind').textContent(), /Puzzle/);
  // The learner isolates the leader with the Network panel's button.
  await page.click('#isolate');
  await waitFor(page, () => window.raftlab.lessonState().solved === 2, undefined, 30_000);
  const st = await state(page);
  assert.deepEqual([st.step, st.kind], [3, 'predict']);
  assert.ok(await page.evaluate(() => window.raftlab.snapshot().nodes.filter((n) => n.role === 'leader' && n.alive).length >= 2));
  assert.match(await page.locator('.lesson-solved').textContent(), /Well done/);
  assert.deepEqual(errors, []);
});

test('a refused vote\'s reason names §5.4.1 in the event panel, and opens the rule', async () => {
  // Paused: S3's own timer would otherwise run out before the keys are pressed.
  const { page, errors } = await open('lesson=election-restriction&step=3&speed=1&paused');
  await waitFor(page, () => window.raftlab.lessonState().kind === 'act', undefined, 60_000);
  await page.keyboard.press('3');
  await page.keyboard.press('t');
  await page.keyboard.press(' ');
  await waitFor(page, () => window.raftlab.lessonState().step === 4, undefined, 30_000);
  // The question holds the world at the refusal: the event panel shows it.
  await waitFor(page, () => /§5\.4\.1/.test(document.getElementById('moment').textContent));
  const why = page.locator('#moment button.why').filter({ hasText: '§5.4.1' }).first();
  assert.match(await why.textContent(), /^S1 refused its vote to S3: both logs end in term 1, but S3’s at index 1, before S1’s 3 \(§5\.4\.1, election restriction\)$/);
  assert.match(await page.locator('.lesson-why').textContent(), /§5\.4\.1/);
  await why.click();
  await page.waitForSelector('dialog.rule[open]');
  const dialog = await page.locator('dialog.rule').textContent();
  assert.match(dialog, /Election restriction/);
  assert.match(dialog, /§5\.4\.1/);
  assert.match(dialog, /at least as up-to-date as its own/);
  await page.keyboard.press('Escape');
  assert.deepEqual(errors, []);
});

test('the address reopens the same step; the list shows where the learner is', async () => {
  const first = await open('lesson=log-replication&step=4&speed=1');
  const a = await waitFor(first.page, () => { const s = window.raftlab.lessonState(); return s.kind === 'predict' && s.step === 4 && [window.raftlab.eventCount(), window.raftlab.snapshot().nodes.map((n) => [n.term, n.logLength, n.commitIndex])]; }, undefined, 60_000);
  assert.match(first.page.url(), /#lesson=log-replication&step=4&lang=en$/);
  // The same link in another browser: the same state at the same step.
  const second = await open('lesson=log-replication&step=4&speed=1');
  const b = await waitFor(second.page, () => { const s = window.raftlab.lessonState(); return s.kind === 'predict' && s.step === 4 && [window.raftlab.eventCount(), window.raftlab.snapshot().nodes.map((n) => [n.term, n.logLength, n.commitIndex])]; }, undefined, 60_000);
  assert.deepEqual(b, a);
  // Without a step the page opens where the learner left off.
  await first.page.goto(first.page.url().replace(/#.*$/, '#lesson=log-replication'));
  await waitFor(first.page, () => window.raftlab && window.raftlab.lessonState && window.raftlab.lessonState()?.step === 4);
  await waitFor(first.page, () => /step 4 of 7/.test(document.getElementById('list').textContent));
  // "Previous step" replays to the start of step 3.
  await first.page.click('text=Previous step');
  await waitFor(first.page, () => window.raftlab.lessonState().step === 3 && /step=3/.test(location.hash));
  // No lesson in the address: the intro offers to go on.
  await first.page.goto(first.page.url().replace(/#.*$/, ''));
  await waitFor(first.page, () => /Go on with “Log replication and commit”/.test(document.getElementById('intro').textContent));
  for (const e of [first, second]) assert.deepEqual(e.errors, []);
});

test('the lessons page in Korean', async () => {
  const { page, errors } = await open('lesson=leader-election&lang=ko&speed=1');
  await waitFor(page, () => document.querySelectorAll('.lesson-choices button').length === 3);
  assert.equal(await page.getAttribute('html', 'lang'), 'ko');
  const text = await page.locator('.lesson').textContent();
  assert.match(text, /리더 선출/);
  assert.match(text, /9단계 중 1단계/);
  assert.match(text, /후보자/);
  const english = text.split(/[^A-Za-z]+/).filter((w) => w.length > 2 && !['RequestVote', 'AppendEntries'].includes(w));
  assert.deepEqual(english, []);
  assert.match(await page.locator('#nav').textContent(), /역할과 임기\(term\)/);
  await page.click('.lesson-choices button >> nth=0');
  await waitFor(page, () => /^아닙니다\./.test(document.querySelector('.lesson-feedback')?.textContent || ''));
  assert.deepEqual(errors, []);
});

test('axe finds no violation on lessons.html: a lesson open (light and dark), the rule dialog, the intro', async () => {
  for (const [hash, media] of [['lesson=election-restriction&step=3&speed=1', { colorScheme: 'light' }], ['lesson=split-votes&step=2&lang=ko', { colorScheme: 'dark' }]]) {
    const { page, errors } = await open(hash, { media });
    await waitFor(page, () => ['act', 'goal', 'pause', 'predict'].includes(window.raftlab.lessonState().kind) && document.querySelector('.lesson-act').children.length > 0, undefined, 60_000);
    await page.addScriptTag({ path: AXE });
    const run = async (ctx) => (await page.evaluate(async (c) => (await window.axe.run(c ? { include: [[c]] } : document, { resultTypes: ['violations'] })).violations
      .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`), ctx));
    assert.deepEqual(await run(), [], hash);
    await page.evaluate(() => { window.raftlabView.setPlaying(false); });
    const why = page.locator('#feed button.why').first();
    if (await why.count()) {
      await why.click();
      await page.waitForSelector('dialog.rule[open]');
      assert.deepEqual(await run('dialog.rule'), [], `${hash} rule dialog`);
      await page.keyboard.press('Escape');
    }
    assert.deepEqual(errors, []);
  }
  const intro = await openPage({ path: 'lessons.html', ready: () => document.querySelectorAll('.lesson-list li').length >= 12 });
  envs.push(intro);
  await intro.page.addScriptTag({ path: AXE });
  const v = await intro.page.evaluate(async () => (await window.axe.run(document, { resultTypes: ['violations'] })).violations.map((x) => x.id));
  assert.deepEqual(v, []);
  assert.deepEqual(intro.errors, []);
});
