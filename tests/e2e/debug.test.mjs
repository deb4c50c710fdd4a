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
  // The share code loads on first use (lab-features.js): the link follows the click.
  const link = await waitFor(page, () => document.getElementById('link').value);
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

test('run to next that finds nothing stays where it is and says so', async () => {
  const { page, errors } = env;
  await pause(page);
  await page.evaluate(() => window.raftlab.seek(window.raftlab.endEvent()));
  const before = await page.evaluate(() => [window.raftlab.eventCount(), window.raftlab.nowMs()]);
  // No safety violation ever happens in a correct run.
  await page.selectOption('#runKind', 'violation');
  await page.click('#runNext');
  await waitFor(page, () => /^No “invariant violated” event in the next 60 s of virtual time/.test(document.getElementById('status').textContent));
  assert.match(await page.locator('#status').textContent(), new RegExp(`the run stays at event ${before[0]}\\.$`));
  assert.deepEqual(await page.evaluate(() => [window.raftlab.eventCount(), window.raftlab.nowMs()]), before);
  assert.ok(await page.evaluate(() => window.raftlab.endEvent()) > before[0], 'what it looked at is the recorded future');
  assert.deepEqual(errors, []);
});

test('the timeline zooms (keys, wheel, pinch) so the first events of a long run stay reachable', async () => {
  const { page, errors } = env;
  await pause(page);
  await page.evaluate(() => { while (window.raftlab.eventCount() < 3_000) window.raftlab.advance(1_000); });
  const end = await page.evaluate(() => window.raftlab.endEvent());
  const label = () => page.getAttribute('#timeline', 'aria-valuetext');
  const shown = async () => {
    const m = /showing events (\d+)–(\d+)/.exec(await label());
    return m ? [Number(m[1]), Number(m[2])] : null;
  };
  await page.focus('#timeline');
  await page.keyboard.press('Home');
  await waitFor(page, () => window.raftlab.eventCount() === 0);
  for (let i = 0; i < 6; i++) await page.keyboard.press('+');
  const [from, to] = await shown();
  assert.equal(from, 0);
  assert.ok(to - from <= end / 32, `zoomed to ${from}–${to} of ${end}`);
  // A click in the middle of the zoomed bar lands among the first events.
  const box = await page.locator('#timeline').boundingBox();
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  const near = await count(page);
  assert.ok(near > 0 && near <= to && Math.abs(near - (from + to) / 2) <= (to - from) / 8 + 2, `${near} in ${from}–${to}`);
  // The wheel zooms out around the pointer; - zooms out to the whole run.
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.wheel(0, 400);
  const [from2, to2] = await shown();
  assert.ok(to2 - from2 > to - from, `the wheel zoomed out: ${from2}–${to2}`);
  await page.focus('#timeline');
  for (let i = 0; i < 12; i++) await page.keyboard.press('-');
  assert.equal(await shown(), null, 'the whole run again');
  // Two fingers spreading apart zoom in (touch, through the browser's own input).
  const cdp = await page.context().newCDPSession(page);
  const y = box.y + box.height / 2;
  const touch = (type, a, b) => cdp.send('Input.dispatchTouchEvent', {
    type, touchPoints: type === 'touchEnd' ? [] : [{ x: a, y, id: 1 }, { x: b, y, id: 2 }],
  });
  const mid = box.x + box.width / 2;
  await touch('touchStart', mid - 20, mid + 20);
  for (let i = 1; i <= 5; i++) await touch('touchMove', mid - 20 - 30 * i, mid + 20 + 30 * i);
  await touch('touchEnd');
  const pinched = await shown();
  assert.ok(pinched && pinched[1] - pinched[0] < end / 3, `pinched to ${pinched}`);
  assert.equal(await count(page), near, 'zooming does not move in time');
  assert.deepEqual(errors, []);
});

test('a long run keeps its reachable past within a budget, and the bar shows where it begins', async () => {
  const { page, errors } = env;
  await page.click('#reset');
  await pause(page);
  // A small budget for the checkpoints (each is charged a few hundred KB
  // here: its tables and the client operations it alone will hold), and enough
  // events to go over it.
  const reachable = await page.evaluate(() => {
    const lab = window.raftlab;
    lab.setCheckpointBudget(2_000_000);
    lab.setClientLoad(1);
    while (lab.timeline().reachable === 0 && lab.nowMs() < 600_000) lab.advance(1_000);
    return lab.timeline().reachable;
  });
  assert.ok(reachable > 0);
  const m = await page.evaluate(() => window.raftlab.memory());
  assert.ok(m.checkpointBytes <= 2_000_000 && m.reachable === reachable, JSON.stringify(m));
  await page.evaluate(() => window.raftlabUI.redraw());
  // Home goes to the first reachable event; a drag to the far left stays there and says why.
  await page.focus('#timeline');
  await page.keyboard.press('Home');
  await waitFor(page, (r) => window.raftlab.eventCount() === r, reachable);
  assert.match(await page.getAttribute('#timeline', 'aria-valuetext'), new RegExp(`reachable from event ${reachable}`));
  await page.keyboard.press('End');
  const box = await page.locator('#timeline').boundingBox();
  await page.mouse.click(box.x + 3, box.y + box.height / 2);
  await waitFor(page, (r) => window.raftlab.eventCount() === r, reachable);
  assert.match(await page.locator('#status').textContent(), new RegExp(`^The run before event ${reachable} was dropped to keep memory bounded`));
  await page.click('#stepBack');
  assert.match(await page.locator('#status').textContent(), /^This is the start of the reachable past/);
  // The API refuses a jump there, with the reason.
  const refused = await page.evaluate(() => { try { window.raftlab.seek(1); return null; } catch (e) { return `${e.name}: ${e.message}`; } });
  assert.match(refused, /^RangeError: seek: event 1 is no longer reachable: the run before event [\d,]+ was dropped/);
  assert.deepEqual(errors, []);
});
