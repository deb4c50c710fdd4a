// Keyboard shortcuts, the help overlay, the theme toggle, message drop and link cuts.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openPage, waitLeader, waitFor, snapshot } from './helpers.mjs';

let env;
before(async () => { env = await openPage({ query: 'speed=1', media: { colorScheme: 'light' } }); });
after(async () => { await env?.close(); });

// Presses a shortcut with nothing focused (Space on a focused button
// activates the button, as it should).
const key = async (k) => {
  await env.page.evaluate(() => document.activeElement && document.activeElement.blur());
  await env.page.keyboard.press(k);
};

test('space pauses, s steps one event, +/- change the speed', async () => {
  const { page } = env;
  await waitLeader(page);
  await key(' ');
  assert.equal(await page.getAttribute('#play', 'aria-pressed'), 'false');
  const t0 = await page.evaluate(() => window.raftlab.eventCount());
  await page.waitForTimeout(300);
  assert.equal(await page.evaluate(() => window.raftlab.eventCount()), t0, 'paused: no events');
  await key('s');
  assert.equal(await page.evaluate(() => window.raftlab.eventCount()), t0 + 1);
  const speed0 = await page.locator('#speedOut').textContent();
  await key('-');
  assert.notEqual(await page.locator('#speedOut').textContent(), speed0);
  await key('+');
  assert.equal(await page.locator('#speedOut').textContent(), speed0);
  await key(' ');
  assert.equal(await page.getAttribute('#play', 'aria-pressed'), 'true');
});

test('? opens the help overlay and Esc closes it', async () => {
  const { page } = env;
  await key('?');
  await page.waitForSelector('#help[open]');
  assert.match(await page.locator('#help').textContent(), /isolate the leader/);
  await page.keyboard.press('Escape');
  await page.waitForSelector('#help:not([open])', { state: 'attached' });
});

test('the theme toggle switches light and dark', async () => {
  const { page } = env;
  assert.equal(await page.getAttribute('html', 'data-theme'), 'light');
  await page.click('#theme');
  assert.equal(await page.getAttribute('html', 'data-theme'), 'dark');
  await page.click('#theme');
  assert.equal(await page.getAttribute('html', 'data-theme'), 'light');
});

test('p isolates the leader and h heals', async () => {
  const { page } = env;
  const leader = await waitLeader(page);
  await key('p');
  const part = (await snapshot(page)).partition;
  assert.equal(part.filter((g) => g === part[leader - 1]).length, 1, `leader alone: ${part}`);
  await key('h');
  const healed = (await snapshot(page)).partition;
  assert.ok(healed.every((g) => g === healed[0]), `healed: ${healed}`);
});

// Finds a page point (whole CSS pixels, as a click reports them) over
// something of `kind`: the middle of the first such thing found.
const find = (page, kind) => page.evaluate((k) => {
  const r = document.getElementById('cluster').getBoundingClientRect();
  const at = (x, y) => window.raftlab.hitTest(x - r.left, y - r.top);
  for (let y = Math.ceil(r.top); y < r.bottom; y += 2) {
    for (let x = Math.ceil(r.left); x < r.right; x += 2) {
      const h = at(x, y);
      if (!h || h.kind !== k) continue;
      const key = JSON.stringify(h);
      const pts = [];
      for (let dy = -12; dy <= 12; dy++) {
        for (let dx = -12; dx <= 12; dx++) if (JSON.stringify(at(x + dx, y + dy)) === key) pts.push([x + dx, y + dy]);
      }
      const cx = Math.round(pts.reduce((a, p) => a + p[0], 0) / pts.length);
      const cy = Math.round(pts.reduce((a, p) => a + p[1], 0) / pts.length);
      const hit = at(cx, cy);
      if (JSON.stringify(hit) === key) return { x: cx, y: cy, hit };
    }
  }
  return null;
}, kind);

test('clicking a message selects it and Drop removes it; clicking a link cuts it', async () => {
  const { page, errors } = env;
  await waitLeader(page);
  await key(' '); // pause with messages in flight
  let m = await find(page, 'message');
  for (let i = 0; !m && i < 50; i++) { await key('s'); m = await find(page, 'message'); }
  assert.ok(m, 'a message in flight');
  // Hovering shows the message's fields as the canvas tooltip.
  await page.mouse.move(m.x, m.y);
  const kind = await page.evaluate((id) => window.raftlab.snapshot().messages.find((x) => x.id === id).kind, m.hit.id);
  await waitFor(page, (k) => document.getElementById('cluster').title.includes(k), kind);
  await page.mouse.click(m.x, m.y);
  await waitFor(page, (id) => document.getElementById('msgInfo').textContent.includes(String(id)), m.hit.id);
  assert.equal(await page.locator('#drop').isEnabled(), true);
  await page.click('#drop');
  const gone = await page.evaluate((id) => !window.raftlab.snapshot().messages.some((x) => x.id === id), m.hit.id);
  assert.ok(gone, 'the dropped message is no longer in flight');

  const l = await find(page, 'link');
  assert.ok(l, 'a link');
  await page.mouse.click(l.x, l.y);
  assert.deepEqual((await snapshot(page)).cuts, [[l.hit.from, l.hit.to]]);
  await page.mouse.click(l.x, l.y);
  assert.deepEqual((await snapshot(page)).cuts, []);
  await page.keyboard.down('Shift'); // shift-click: both directions
  await page.mouse.click(l.x, l.y);
  await page.keyboard.up('Shift');
  assert.equal((await snapshot(page)).cuts.length, 2);
  assert.deepEqual(errors, []);
});
