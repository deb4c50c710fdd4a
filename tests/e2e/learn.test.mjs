// What helps a newcomer: the legend names every glyph the canvas draws; the
// first-visit tour (skippable, remembered, keyboard-accessible); the quorum
// line and the mark on a leader without a reachable quorum; client retries in
// the operations list and the feed; the log grid sized to its rows.
import { test, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { openPage, waitFor, waitLeader, snapshot } from './helpers.mjs';
import { LEGEND } from '../../www/lab-learn.js';

let envs = [];
// Each test closes its browsers: a page left running slows every later test.
afterEach(async () => { for (const e of envs.splice(0)) await e.close(); });
const open = async (opts) => { const e = await openPage(opts); envs.push(e); return e; };

test('"What am I looking at?" names and draws every glyph, RequestVote included', async () => {
  const { page, errors } = await open({ viewport: { width: 1280, height: 900 } });
  const names = await page.evaluate(() => window.raftlabUI.RaftLab.glyphNames());
  const inLegend = LEGEND.flatMap(([, rows]) => rows.map(([g]) => g)).filter(Boolean);
  assert.deepEqual([...inLegend].sort(), [...names].sort(), 'the legend shows every glyph the engine draws');
  await page.click('#legendBtn');
  await page.waitForSelector('#legend[open]');
  const drawn = await page.evaluate(() => [...document.querySelectorAll('#legend canvas')].map((c) => {
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let ink = 0;
    for (let i = 3; i < d.length; i += 4) if (d[i] > 0) ink++;
    return ink;
  }));
  assert.equal(drawn.length, names.length);
  assert.ok(drawn.every((ink) => ink > 20), `every glyph is drawn: ${drawn}`);
  const text = await page.locator('#legend').textContent();
  for (const word of ['RequestVote', 'AppendEntries', 'Follower', 'Candidate', 'Leader', 'No quorum', 'Election timer', 'Commit index', 'matchIndex']) {
    assert.ok(text.includes(word), `the legend explains ${word}`);
  }
  await page.keyboard.press('Escape');
  assert.deepEqual(errors, []);
});

test('the first-visit tour: keyboard-accessible, skippable, remembered, and shown again from the help', async () => {
  const { page, errors } = await open({ tour: true });
  await page.waitForSelector('#tour[open]');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'tourNext', 'the focus is on Next');
  assert.match(await page.locator('#tourStep').textContent(), /^Tour 1 of \d/);
  await page.keyboard.press('Enter');
  assert.match(await page.locator('#tourStep').textContent(), /^Tour 2 of/);
  assert.equal(await page.evaluate(() => document.querySelectorAll('.tour-target').length), 1, 'the step points at one control');
  await page.keyboard.press('Escape');
  await page.waitForSelector('#tour:not([open])', { state: 'attached' });
  assert.equal(await page.evaluate(() => localStorage.getItem('raftlab-tour')), 'done');
  assert.equal(await page.evaluate(() => document.querySelectorAll('.tour-target').length), 0);
  await page.reload();
  await waitFor(page, () => window.raftlab && window.raftlab.snapshot);
  await page.waitForTimeout(300);
  assert.equal(await page.locator('#tour').isVisible(), false, 'not shown again');
  await page.click('#helpBtn');
  await page.click('#tourAgain');
  await page.waitForSelector('#tour[open]');
  await page.click('#tourSkip');
  await page.waitForSelector('#tour:not([open])', { state: 'attached' });
  assert.deepEqual(errors, []);
});

// Red pixels in the band under node `id`, where "no quorum" is written.
const redUnder = (page, id) => page.evaluate((want) => {
  const c = document.getElementById('cluster');
  const pts = [];
  for (let y = 0; y < c.clientHeight; y += 2) for (let x = 0; x < c.clientWidth; x += 2) {
    const h = window.raftlab.hitTest(x, y);
    if (h && h.kind === 'node' && h.id === want) pts.push([x, y]);
  }
  const cx = pts.reduce((a, p) => a + p[0], 0) / pts.length;
  const cy = pts.reduce((a, p) => a + p[1], 0) / pts.length;
  const r = Math.sqrt(pts.length * 4 / Math.PI);
  const d = c.getContext('2d').getImageData(Math.round(cx - 2 * r), Math.round(cy + 1.3 * r), Math.round(4 * r), Math.round(1.6 * r)).data;
  let red = 0;
  for (let i = 0; i < d.length; i += 4) if (d[i] > 180 && d[i + 1] < 90 && d[i + 2] < 90) red++;
  return red;
}, id);

test('the quorum line, a leader cut off from a quorum marked on the canvas, and a client retry shown', async () => {
  const { page, errors } = await open({ query: 'speed=1&nodes=5&seed=4', media: { colorScheme: 'light' } });
  const old = await waitLeader(page);
  await waitFor(page, () => /5 servers, quorum 3, 5 up · leader S\d can commit/.test(document.getElementById('quorum').textContent));
  await page.evaluate(() => window.raftlabUI.setPlaying(false));
  assert.equal(await redUnder(page, old), 0, 'no mark while it reaches everyone');
  // The leader and one follower on the small side of a 2 | 3 split, a put sent to the old leader.
  const buddy = old % 5 + 1;
  await page.evaluate(([a, b]) => {
    const rest = [1, 2, 3, 4, 5].filter((id) => id !== a && id !== b);
    window.raftlab.partition([[a, b], rest]);
    window.raftlab.submit('put', 'late', '1', a);
    window.raftlabUI.redraw();
  }, [old, buddy]);
  assert.match(await page.locator('#quorum').textContent(), new RegExp(`leader S${old} cannot commit: it reaches 2 of the 3 needed`));
  assert.ok(await page.evaluate(() => document.getElementById('quorum').classList.contains('cannot')));
  assert.ok(await redUnder(page, old) > 30, '"no quorum" in red under the cut-off leader');
  const q = (await snapshot(page)).quorum;
  assert.deepEqual(q.leaders.map((l) => [l.id, l.reachable, l.canCommit]), [[old, 2, false]]);
  // The client times out on the old leader and retries, in the feed and the
  // operations list; once the network heals, a retry commits the write.
  await page.evaluate(() => window.raftlabUI.setPlaying(true));
  await waitFor(page, () => [...document.querySelectorAll('#feed li')].some((li) => /client retries #1 \(attempt \d+\) at node \d/.test(li.textContent)));
  await waitFor(page, () => /#1 put\(late=1\) → \d: pending \(retried (once|\d+ times)/.test(document.getElementById('ops').textContent));
  await page.click('#heal');
  await waitFor(page, () => [...document.querySelectorAll('#ops li.done')].some((li) => /put\(late=1\).*: ok at .*retried/.test(li.textContent)));
  assert.deepEqual(errors, []);
});

test('the log grid is as tall as its rows: more nodes, more height; larger in presentation mode', async () => {
  const { page, errors } = await open({ query: 'nodes=3' });
  const height = () => page.evaluate(() => document.getElementById('logWrap').getBoundingClientRect().height);
  const want = (n, s) => page.evaluate(([nodes, scale]) => window.raftlabUI.RaftLab.logGridHeight(nodes, scale), [n, s]);
  assert.equal(await height(), await want(3, 1));
  await page.selectOption('#nodes', '9');
  await waitFor(page, (h) => document.getElementById('logWrap').getBoundingClientRect().height === h, await want(9, 1));
  assert.ok(await want(9, 1) > (await want(3, 1)) * 2);
  await page.click('#present');
  await waitFor(page, (h) => document.getElementById('logWrap').getBoundingClientRect().height === h, await want(9, 1.6));
  assert.deepEqual(errors, []);
});
