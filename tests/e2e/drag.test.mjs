// Partitioning by dragging nodes: onto another node joins its group, onto
// empty space isolates; a click without movement still selects; g + digit
// does the same from the keyboard.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openPage, waitLeader, snapshot } from './helpers.mjs';

let env;
before(async () => { env = await openPage({ query: 'speed=1&nodes=5', media: { colorScheme: 'light' } }); });
after(async () => { await env?.close(); });

// Groups from snapshot().partition, as sorted lists of ids.
const groupsOf = (partition) => {
  const m = new Map();
  partition.forEach((g, i) => m.set(g, [...(m.get(g) || []), i + 1]));
  return [...m.values()].map((g) => g.sort((a, b) => a - b)).sort((a, b) => a[0] - b[0]);
};

// The page point at the centre of node `id`, found with hitTest.
const nodeCentre = (page, id) => page.evaluate((want) => {
  const r = document.getElementById('cluster').getBoundingClientRect();
  const pts = [];
  for (let y = 0; y < r.height; y += 2) {
    for (let x = 0; x < r.width; x += 2) {
      const h = window.raftlab.hitTest(x, y);
      if (h && h.kind === 'node' && h.id === want) pts.push([x, y]);
    }
  }
  if (!pts.length) return null;
  const cx = pts.reduce((a, p) => a + p[0], 0) / pts.length;
  const cy = pts.reduce((a, p) => a + p[1], 0) / pts.length;
  return { x: Math.round(r.left + cx), y: Math.round(r.top + cy) };
}, id);

// A point on the canvas over nothing at all.
const emptySpot = (page) => page.evaluate(() => {
  const r = document.getElementById('cluster').getBoundingClientRect();
  const clear = (x, y) => {
    for (let dy = -6; dy <= 6; dy += 3) for (let dx = -6; dx <= 6; dx += 3) if (window.raftlab.hitTest(x + dx, y + dy)) return false;
    return true;
  };
  for (let y = 20; y < r.height - 20; y += 10) {
    for (let x = 20; x < r.width - 20; x += 10) if (clear(x, y)) return { x: Math.round(r.left + x), y: Math.round(r.top + y) };
  }
  return null;
}, undefined);

async function drag(page, from, to) {
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  for (let i = 1; i <= 8; i++) {
    await page.mouse.move(from.x + ((to.x - from.x) * i) / 8, from.y + ((to.y - from.y) * i) / 8);
  }
  assert.equal(await page.locator('#dragGhost').isVisible(), true, 'a ghost follows the pointer');
  await page.mouse.up();
  assert.equal(await page.locator('#dragGhost').isVisible(), false, 'the ghost is gone after the drop');
}

test('the hint sits next to the partition presets', async () => {
  const { page } = env;
  assert.match(await page.locator('#dragHint').textContent(), /Drag a node onto another to group them; onto empty space to isolate it/);
});

test('dragging node 1 onto node 2 groups them; dragging node 3 to empty space isolates it; heal', async () => {
  const { page, errors } = env;
  await waitLeader(page);
  await page.evaluate(() => window.raftlabUI.setPlaying(false)); // nodes hold still
  const n1 = await nodeCentre(page, 1);
  const n2 = await nodeCentre(page, 2);
  const n3 = await nodeCentre(page, 3);
  assert.ok(n1 && n2 && n3, 'nodes 1, 2 and 3 on the canvas');
  const selected = await page.evaluate(() => window.raftlabUI.state.selectedNode);

  await drag(page, n1, n2);
  assert.deepEqual(groupsOf((await snapshot(page)).partition), [[1, 2], [3, 4, 5]]);
  assert.equal(await page.evaluate(() => window.raftlabUI.state.selectedNode), selected, 'a drag does not select');

  const spot = await emptySpot(page);
  assert.ok(spot, 'an empty spot on the canvas');
  await drag(page, n3, spot);
  assert.deepEqual(groupsOf((await snapshot(page)).partition), [[1, 2], [3], [4, 5]]);

  await page.click('#heal');
  assert.deepEqual(groupsOf((await snapshot(page)).partition), [[1, 2, 3, 4, 5]]);
  assert.deepEqual(errors, []);
});

test('a click without movement still selects the node', async () => {
  const { page } = env;
  const n4 = await nodeCentre(page, 4);
  await page.evaluate(() => window.raftlabUI.selectNode(5)); // start from node 5 selected
  await page.mouse.move(n4.x, n4.y);
  await page.mouse.down();
  await page.mouse.move(n4.x + 2, n4.y + 1); // under the drag threshold
  await page.mouse.up();
  assert.equal(await page.evaluate(() => window.raftlabUI.state.selectedNode), 4);
  assert.equal(await page.locator('#nodeTitle').textContent(), 'Node 4');
  assert.deepEqual(groupsOf((await snapshot(page)).partition), [[1, 2, 3, 4, 5]], 'no partition from a click');
});

test('keyboard: g then a node number joins its group, g then 0 isolates', async () => {
  const { page, errors } = env;
  const key = async (k) => {
    await page.evaluate(() => document.activeElement && document.activeElement.blur());
    await page.keyboard.press(k);
  };
  await key('Escape');
  await key('3');
  await key('g');
  await key('5');
  assert.deepEqual(groupsOf((await snapshot(page)).partition), [[1, 2, 4], [3, 5]]);
  await key('g');
  await key('0');
  assert.deepEqual(groupsOf((await snapshot(page)).partition), [[1, 2, 4], [3], [5]]);
  await key('?');
  await page.waitForSelector('#help[open]');
  assert.match(await page.locator('#help').textContent(), /g, then 1 – 9/);
  await page.keyboard.press('Escape');
  await key('h');
  assert.deepEqual(groupsOf((await snapshot(page)).partition), [[1, 2, 3, 4, 5]]);
  assert.deepEqual(errors, []);
});
