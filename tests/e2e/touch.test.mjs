// A phone: a finger drags a node into another's partition group, taps a
// link to cut it, taps a node to select it and scrubs the timeline; a swipe
// on the canvas away from the nodes still scrolls the page. Touches are the
// browser's own (CDP Input.dispatchTouchEvent), so the browser's gesture
// handling (which would cancel a drag to scroll) is in play.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openPage, waitFor, waitLeader, snapshot } from './helpers.mjs';

let env;
let cdp;
before(async () => {
  env = await openPage({ query: 'speed=1&nodes=5', viewport: { width: 390, height: 844 }, context: { hasTouch: true, isMobile: true } });
  cdp = await env.page.context().newCDPSession(env.page);
});
after(async () => { await env?.close(); });

const touch = (type, x, y) => cdp.send('Input.dispatchTouchEvent', {
  type, touchPoints: type === 'touchEnd' ? [] : [{ x, y, id: 1, radiusX: 4, radiusY: 4, force: 1 }],
});

/** A finger from `a` to `b` in `steps` moves. */
async function swipe(a, b, steps = 10) {
  await touch('touchStart', a.x, a.y);
  for (let i = 1; i <= steps; i++) {
    await touch('touchMove', a.x + ((b.x - a.x) * i) / steps, a.y + ((b.y - a.y) * i) / steps);
    await env.page.waitForTimeout(16);
  }
  await touch('touchEnd');
}

async function tap(p) {
  await touch('touchStart', p.x, p.y);
  await touch('touchEnd');
  await env.page.waitForTimeout(100);
}

// The viewport point at the centre of what hitTest reports as `want`.
const centreOf = (want) => env.page.evaluate((w) => {
  const c = document.getElementById('cluster');
  const r = c.getBoundingClientRect();
  const pts = [];
  for (let y = 0; y < r.height; y += 2) {
    for (let x = 0; x < r.width; x += 2) {
      const h = window.raftlab.hitTest(x, y);
      if (h && h.kind === w.kind && (w.id == null || h.id === w.id)) pts.push([x, y, h]);
    }
  }
  if (!pts.length) return null;
  if (w.kind === 'link') { const [x, y, h] = pts[Math.floor(pts.length / 2)]; return { x: r.left + x, y: r.top + y, hit: h }; }
  return { x: Math.round(r.left + pts.reduce((a, p) => a + p[0], 0) / pts.length), y: Math.round(r.top + pts.reduce((a, p) => a + p[1], 0) / pts.length) };
}, want);

const groupsOf = (partition) => {
  const m = new Map();
  partition.forEach((g, i) => m.set(g, [...(m.get(g) || []), i + 1]));
  return [...m.values()].map((g) => g.sort((a, b) => a - b)).sort((a, b) => a[0] - b[0]);
};

test('a finger drags node 1 onto node 2: they form a group', async () => {
  const { page, errors } = env;
  await waitLeader(page);
  await page.evaluate(() => { window.scrollTo(0, 0); window.raftlabUI.setPlaying(false); });
  const [n1, n2] = [await centreOf({ kind: 'node', id: 1 }), await centreOf({ kind: 'node', id: 2 })];
  assert.ok(n1 && n2, 'nodes 1 and 2 on the canvas');
  const y0 = await page.evaluate(() => window.scrollY);
  await swipe(n1, n2, 12);
  await waitFor(page, () => window.raftlab.snapshot().partition.some((g) => g !== 0));
  assert.deepEqual(groupsOf((await snapshot(page)).partition), [[1, 2], [3, 4, 5]]);
  assert.equal(await page.evaluate(() => window.scrollY), y0, 'the page did not scroll under the finger');
  assert.equal(await page.locator('#dragGhost').isVisible(), false);
  await page.click('#heal');
  assert.deepEqual(errors, []);
});

test('a tap selects a node; a tap on a link cuts it', async () => {
  const { page, errors } = env;
  await page.evaluate(() => { window.scrollTo(0, 0); window.raftlabUI.state.selectedNode = null; });
  await tap(await centreOf({ kind: 'node', id: 3 }));
  assert.equal(await page.evaluate(() => window.raftlabUI.state.selectedNode), 3);
  const link = await centreOf({ kind: 'link' });
  assert.ok(link, 'a link');
  await tap(link);
  const cuts = (await snapshot(page)).cuts;
  assert.equal(cuts.length, 1, `one direction cut: ${JSON.stringify(cuts)}`);
  assert.deepEqual([...cuts[0]].sort(), [link.hit.from, link.hit.to].sort());
  await page.click('#heal');
  assert.deepEqual(errors, []);
});

test('a swipe on the canvas away from the nodes scrolls the page', async () => {
  const { page } = env;
  await page.evaluate(() => window.scrollTo(0, 0));
  const r = await page.evaluate(() => document.getElementById('cluster').getBoundingClientRect().toJSON());
  const spot = await page.evaluate(() => {
    const c = document.getElementById('cluster').getBoundingClientRect();
    for (let y = c.height - 12; y > 10; y -= 6) {
      for (const x of [10, c.width - 10]) if (!window.raftlab.hitTest(x, y)) return { x: c.left + x, y: c.top + y };
    }
    return null;
  });
  assert.ok(spot && spot.y < r.bottom, 'an empty spot');
  await swipe(spot, { x: spot.x, y: spot.y - 250 }, 10);
  await waitFor(page, () => window.scrollY > 50);
});

test('a finger scrubs the timeline', async () => {
  const { page, errors } = env;
  await page.evaluate(() => { window.raftlabUI.setPlaying(false); window.raftlab.advance(3000); window.raftlabUI.redraw(); });
  await page.locator('#timeline').scrollIntoViewIfNeeded();
  const end = await page.evaluate(() => window.raftlab.eventCount());
  assert.ok(end > 100, `${end} events`);
  const r = await page.evaluate(() => document.getElementById('timeline').getBoundingClientRect().toJSON());
  const y = r.top + r.height / 2;
  await swipe({ x: r.right - 10, y }, { x: r.left + r.width * 0.3, y }, 10);
  const mid = await waitFor(page, (e) => { const n = window.raftlab.eventCount(); return n < e * 0.5 && n > 0 ? n : false; }, end);
  assert.ok(mid < end * 0.5, `back to event ${mid} of ${end}`);
  assert.deepEqual(errors, []);
});
