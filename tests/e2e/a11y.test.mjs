// Accessibility: axe-core finds no violation on index.html, embed.html and
// demo.html (light and dark, English and Korean, dialogs open); both
// canvases show a focus ring; messages and links can be chosen and acted on
// from the keyboard; the canvas has a text summary for screen readers; the
// spoken feed says at most one thing a second.
import { test, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { openPage, waitFor, waitLeader, snapshot } from './helpers.mjs';

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

let envs = [];
// Each test closes its browsers: a page left running slows every later test.
afterEach(async () => { for (const e of envs.splice(0)) await e.close(); });
const open = async (opts) => { const e = await openPage(opts); envs.push(e); return e; };

/** axe-core's violations on the page as "rule: targets" lines. */
async function violations(page, context) {
  if (!(await page.evaluate(() => !!window.axe))) await page.addScriptTag({ path: AXE });
  const result = await page.evaluate(async (ctx) => window.axe.run(ctx ? { include: [[ctx]] } : document, {
    resultTypes: ['violations'],
  }), context);
  return result.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).slice(0, 4).join(', ')}`);
}

for (const [query, media] of [['speed=1', { colorScheme: 'light' }], ['speed=1&lang=ko', { colorScheme: 'dark' }]]) {
  test(`axe finds no violation on index.html (${query}, ${media.colorScheme})`, async () => {
    const { page, errors } = await open({ query, media, viewport: { width: 1280, height: 900 } });
    await waitLeader(page);
    await waitFor(page, () => document.getElementById('feed').children.length > 2);
    await page.evaluate(() => { window.raftlabUI.setPlaying(false); window.raftlabUI.selectNode(1); });
    assert.deepEqual(await violations(page), []);
    for (const [button, dialog] of [['#legendBtn', '#legend'], ['#helpBtn', '#help']]) {
      await page.click(button);
      await page.waitForSelector(`${dialog}[open]`);
      assert.deepEqual(await violations(page, dialog), [], dialog);
      await page.keyboard.press('Escape');
    }
    assert.deepEqual(errors, []);
  });
}

test('axe finds no violation with the tour open, on embed.html and on demo.html', async () => {
  const tour = await open({ tour: true });
  await tour.page.waitForSelector('#tour[open]');
  assert.deepEqual(await violations(tour.page), []);
  const embed = await open({ path: 'embed.html', hash: 'controls=play,step,faults&s=cluster%205%20seed%3D7%0Arun%20until%20leader', viewport: { width: 720, height: 480 } });
  await embed.page.waitForTimeout(500);
  assert.deepEqual(await violations(embed.page), []);
  const demo = await open({ path: 'demo.html', ready: () => ['lab-crash', 'lab-partition', 'lab-catchup'].every((id) => document.getElementById(id)?.sim) });
  await demo.page.waitForTimeout(500);
  assert.deepEqual(await violations(demo.page), []);
  for (const e of [tour, embed, demo]) assert.deepEqual(e.errors, []);
});

test('both canvases show a focus ring', async () => {
  const { page } = await open({ query: 'paused' });
  for (const id of ['cluster', 'timeline', 'logs']) {
    await page.focus(`#${id}`);
    const ring = await page.evaluate((x) => {
      const e = document.getElementById(x);
      const s = getComputedStyle(e);
      return { matches: e.matches(':focus-visible'), style: s.outlineStyle, width: parseFloat(s.outlineWidth), offset: parseFloat(s.outlineOffset) };
    }, id);
    // Keyboard focus (page.focus is not a mouse click) shows a 3 px ring inside the canvas, so its box cannot clip it.
    assert.ok(ring.style !== 'none' && ring.width >= 3 && ring.offset <= -ring.width, `${id}: ${JSON.stringify(ring)}`);
  }
});

test('from the keyboard: m picks a message and Delete drops it; l picks a link and Enter cuts and repairs it', async () => {
  const { page, errors } = await open({ query: 'speed=1' });
  await waitLeader(page);
  await page.evaluate(() => window.raftlabUI.setPlaying(false));
  await page.focus('#cluster');
  for (let i = 0; i < 50 && !(await snapshot(page)).messages.length; i++) await page.keyboard.press('s');
  await page.focus('#cluster');
  await page.keyboard.press('m');
  const picked = await page.evaluate(() => window.raftlabUI.state.selectedMessage);
  assert.ok(picked != null, 'a message is selected');
  await waitFor(page, (id) => document.getElementById('msgInfo').textContent.includes(String(id)), picked);
  await page.keyboard.press('Delete');
  assert.ok(!(await snapshot(page)).messages.some((m) => m.id === picked), 'dropped');
  await page.keyboard.press('l');
  await page.keyboard.press('l');
  assert.deepEqual(await page.evaluate(() => window.raftlabUI.state.selectedLink), [1, 3]);
  assert.equal(await page.locator('#linkSel').inputValue(), '1-3');
  await page.keyboard.press('Enter');
  assert.deepEqual((await snapshot(page)).cuts.sort(), [[1, 3], [3, 1]]);
  await page.keyboard.press('Enter');
  assert.deepEqual((await snapshot(page)).cuts, []);
  // The same from the Network panel's menu and buttons.
  await page.selectOption('#linkSel', '2-4');
  await page.click('#linkCut');
  assert.deepEqual((await snapshot(page)).cuts.sort(), [[2, 4], [4, 2]]);
  await page.click('#linkRepair');
  assert.deepEqual((await snapshot(page)).cuts, []);
  assert.deepEqual(errors, []);
});

test('a text summary describes the cluster to screen readers, and the spoken feed says at most one thing a second', async () => {
  const { page, errors } = await open({ query: 'speed=1' });
  await waitLeader(page);
  assert.equal(await page.getAttribute('#cluster', 'aria-describedby'), 'summary');
  await waitFor(page, () => /5 servers, quorum 3, 5 up\. Leader: S\d, term \d+, can commit\. S1: (follower|leader), term/.test(document.getElementById('summary').textContent));
  assert.equal(await page.getAttribute('#feed', 'aria-live'), null, 'the feed list itself is not live');
  assert.equal(await page.getAttribute('#announce', 'aria-live'), 'polite');
  // Count what the live region says for 5 s of a busy run: crashes, elections, a steady load.
  await page.evaluate(() => {
    window.spoken = [];
    window.spokenFrom = performance.now();
    new MutationObserver(() => window.spoken.push([performance.now(), document.getElementById('announce').textContent]))
      .observe(document.getElementById('announce'), { childList: true, characterData: true, subtree: true });
    window.raftlab.setClientLoad(10);
  });
  for (let i = 0; i < 4; i++) {
    await page.evaluate(() => { const l = window.raftlab.snapshot().leader; if (l) window.raftlab.crash(l); });
    await page.waitForTimeout(600);
    await page.evaluate(() => { for (const n of window.raftlab.snapshot().nodes) if (!n.alive) window.raftlab.restart(n.id); });
    await page.waitForTimeout(650);
  }
  const [spoken, span] = await page.evaluate(() => [window.spoken, performance.now() - window.spokenFrom]);
  // At most one a second (and something to say: crashes and elections every 1.25 s).
  assert.ok(spoken.length >= 2 && spoken.length <= Math.ceil(span / 1000) + 1, `${spoken.length} announcements in ${Math.round(span)} ms: ${JSON.stringify(spoken)}`);
  // A second apart; the observer sees each change a little after it is made, give or take a few ms under load.
  for (let i = 1; i < spoken.length; i++) assert.ok(spoken[i][0] - spoken[i - 1][0] >= 950, `${spoken[i][0] - spoken[i - 1][0]} ms apart`);
  assert.ok(spoken.some(([, text]) => /^\d+ events; /.test(text)), 'several events become one summary');
  assert.deepEqual(errors, []);
});

for (const [query, media] of [['nodes=3&speed=1', { colorScheme: 'light' }], ['nodes=3&speed=1&lang=ko', { colorScheme: 'dark' }]]) {
  test(`axe: "Break a rule" open, a rule off in the clock bar, a counterexample found (${query}, ${media.colorScheme})`, async () => {
    const { page, errors } = await open({ query, media, viewport: { width: 1280, height: 900 } });
    await page.click('#rulesToggle');
    assert.equal(await page.getAttribute('#rulesToggle', 'aria-expanded'), 'true');
    await page.check('#rulesList input[data-rule="vote-once"]');
    assert.deepEqual(await violations(page), []);
    await page.click('#cxFind');
    await page.waitForSelector('#stop', { state: 'visible', timeout: 120_000 });
    assert.deepEqual(await violations(page), []);
    assert.deepEqual(errors, []);
  });
}
