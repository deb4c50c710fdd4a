// The step debugger on index.html: step back and forward, breakpoints, run
// to next, the timeline, acting in the past, the shared link, trace export.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import { openPage, waitLeader, waitFor, snapshot } from './helpers.mjs';

let env;
before(async () => { env = await openPage({ query: 'speed=1', media: { colorScheme: 'light' } }); });
after(async () => { await env?.close(); });

const count = (page) => page.evaluate(() => window.raftlab.eventCount());
const pause = async (page) => {
  if (await page.getAttribute('#play', 'aria-pressed') === 'true') await page.click('#play');
};

test('stepping back then forward reproduces identical snapshots', async () => {
  const { page, errors } = env;
  await waitLeader(page);
  await pause(page);
  // At an event: the clock of a paused run stands between events.
  await page.click('#stepBack');
  const n = await count(page);
  const s0 = await snapshot(page);
  const seen = [];
  for (let i = 0; i < 6; i++) {
    if (i === 5) { // the shortcut, with nothing focused
      await page.evaluate(() => document.activeElement && document.activeElement.blur());
      await page.keyboard.press('b');
    } else await page.click('#stepBack');
    seen.push(await snapshot(page));
  }
  assert.equal(await count(page), n - 6);
  assert.notDeepEqual(seen[5], s0);
  // The panels follow the moment on screen.
  await waitFor(page, (e) => document.getElementById('clock').textContent.includes(`${e} events`), n - 6);
  for (let i = 4; i >= 0; i--) {
    await page.click('#step');
    assert.deepEqual(await snapshot(page), seen[i], `forward to event ${n - 1 - i}`);
  }
  await page.click('#step');
  assert.deepEqual(await snapshot(page), s0);
  assert.equal(await page.evaluate(() => window.raftlab.atEnd()), false);
  await page.click('#step');
  assert.equal(await page.evaluate(() => window.raftlab.atEnd()), true);
  assert.deepEqual(errors, []);
});

test('a breakpoint on "leader elected" stops the run there and says why', async () => {
  const { page, errors } = env;
  await page.click('#reset'); // a new run: its first election is ahead
  await pause(page);
  await page.check('[data-bp="leader-elected"]');
  assert.deepEqual(await page.evaluate(() => window.raftlab.breakpoints()), ['leader-elected']);
  await page.click('#play');
  await waitFor(page, () => document.getElementById('play').getAttribute('aria-pressed') === 'false');
  const text = await page.locator('#stopText').textContent();
  assert.match(text, /^Stopped at event \d+, leader-elected: node \d became leader of term \d+/);
  const stopEvent = Number(/event (\d+)/.exec(text)[1]);
  assert.equal(await count(page), stopEvent);
  const last = await page.evaluate(() => window.raftlab.lastEvent());
  assert.ok(last.effects.some((e) => /became leader/.test(e)), JSON.stringify(last));
  // The event panel names the event that produced this state.
  assert.match(await page.locator('#moment').textContent(), new RegExp(`#${stopEvent} `));
  // The node that became leader is selected and ringed on the canvas.
  const who = Number(/node (\d) became leader/.exec(text)[1]);
  assert.deepEqual(await page.evaluate(() => [window.raftlabUI.state.selectedNode, window.raftlabUI.state.renderStyle().highlightNodes]), [who, [who]]);
  await page.waitForTimeout(300);
  assert.equal(await count(page), stopEvent, 'it stays paused');
  await page.click('#step'); // moving on clears the stop
  assert.equal(await page.locator('#stop').isHidden(), true);
  assert.equal(await page.evaluate(() => window.raftlabUI.state.renderStyle().highlightNodes), undefined);
  await page.uncheck('[data-bp="leader-elected"]');
  assert.deepEqual(await page.evaluate(() => window.raftlab.breakpoints()), []);
  assert.deepEqual(errors, []);
});

test('run to next stops at the next event of the chosen kind', async () => {
  const { page, errors } = env;
  await pause(page);
  await page.selectOption('#runKind', 'timeout');
  const before = await count(page);
  await page.click('#runNext');
  const text = await page.locator('#stopText').textContent();
  assert.match(text, /^Stopped at event \d+, timeout: /);
  assert.ok((await count(page)) > before);
  assert.match((await page.evaluate(() => window.raftlab.lastEvent())).text, /timeout/);
  assert.deepEqual(errors, []);
});

test('a message breakpoint is added from the menus and removed again', async () => {
  const { page, errors } = env;
  await page.selectOption('#bpType', 'RequestVote');
  await page.selectOption('#bpFrom', '2');
  await page.selectOption('#bpTo', '3');
  await page.click('#bpAdd');
  assert.deepEqual(await page.evaluate(() => window.raftlab.breakpoints()), ['message RequestVote 2->3']);
  assert.match(await page.locator('#bpList').textContent(), /message RequestVote 2->3/);
  await page.locator('#bpList button').click();
  assert.deepEqual(await page.evaluate(() => window.raftlab.breakpoints()), []);
  assert.deepEqual(errors, []);
});

test('dragging along the timeline travels in time; the canvas and panels follow', async () => {
  const { page, errors } = env;
  await page.click('#play');
  await waitFor(page, () => window.raftlab.eventCount() > 150);
  await pause(page);
  const end = await count(page);
  const box = await page.locator('#timeline').boundingBox();
  const y = box.y + box.height / 2;
  await page.mouse.move(box.x + box.width - 2, y);
  await page.mouse.down();
  for (let i = 1; i <= 10; i++) await page.mouse.move(box.x + box.width - 2 - (box.width / 2) * (i / 10), y);
  await page.mouse.up();
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))); // the last seek
  const mid = await count(page);
  assert.ok(Math.abs(mid - end / 2) <= end * 0.05 + 2, `${mid} is about half of ${end}`);
  await waitFor(page, (m) => document.getElementById('clock').textContent.includes(`${m} events`), mid);
  assert.equal(await page.evaluate(() => window.raftlab.endEvent()), end, 'the future is kept');
  assert.equal(await page.getAttribute('#timeline', 'aria-valuenow'), String(mid));
  // Keys on the focused timeline: End returns to the end, Home to the start.
  await page.focus('#timeline');
  await page.keyboard.press('End');
  await waitFor(page, (e) => window.raftlab.eventCount() === e, end);
  await page.keyboard.press('Home');
  await waitFor(page, () => window.raftlab.eventCount() === 0);
  await page.keyboard.press('ArrowRight');
  assert.equal(await count(page), 1);
  assert.deepEqual(errors, []);
});

test('acting in the past forks the run and says so', async () => {
  const { page, errors } = env;
  await pause(page);
  assert.ok(await page.evaluate(() => window.raftlab.endEvent()) > 100);
  await page.evaluate(() => window.raftlab.seek(60));
  await page.evaluate(() => window.raftlabUI.redraw());
  assert.equal(await page.evaluate(() => window.raftlab.atEnd()), false);
  await page.evaluate(() => window.raftlabUI.selectNode(4));
  await page.click('#crash');
  await waitFor(page, () => /the run forks here/.test(document.getElementById('status').textContent));
  assert.equal(await page.evaluate(() => window.raftlab.atEnd()), true);
  assert.equal(await page.evaluate(() => window.raftlab.endEvent()), 61, 'the old future is gone');
  assert.deepEqual(errors, []);
});

test('a copied link reproduces the same state at the same event', async () => {
  const { page, errors } = env;
  // Some history made through the UI: a crash (above), a put, a partition.
  await page.click('#play');
  await waitFor(page, () => window.raftlab.snapshot().leader != null);
  await page.fill('#key', 'color');
  await page.fill('#value', 'green');
  await page.click('#submit');
  await page.click('#split');
  await page.waitForTimeout(400);
  await pause(page);
  await page.click('#copyLink');
  const link = await page.locator('#link').inputValue();
  assert.match(link, /#v=1&at=\d+&t=[\d.]+&paused=1&s=/);
  assert.equal(await page.evaluate(() => location.hash), link.slice(link.indexOf('#')), 'the address bar has it');
  const want = await snapshot(page);

  const page2 = await page.context().newPage();
  const errors2 = [];
  page2.on('pageerror', (e) => errors2.push(e.message));
  page2.on('console', (m) => { if (m.type() === 'error') errors2.push(m.text()); });
  await page2.goto(link);
  await page2.waitForFunction(() => window.raftlab && window.raftlab.snapshot);
  assert.equal(await page2.locator('#startError').isHidden(), true);
  assert.deepEqual(await snapshot(page2), want);
  assert.equal(await page2.getAttribute('#play', 'aria-pressed'), 'false');
  await page2.close();
  assert.deepEqual(errors2, []);
  assert.deepEqual(errors, []);
});

test('export trace downloads the events so far as JSON', async () => {
  const { page, errors } = env;
  await pause(page);
  const n = await count(page);
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click('#trace')]);
  assert.equal(dl.suggestedFilename(), 'raftlab-trace.json');
  const trace = JSON.parse(await fs.readFile(await dl.path(), 'utf8'));
  assert.equal(trace.events.length, n);
  assert.equal(trace.events[n - 1].number, n);
  assert.deepEqual(errors, []);
});
