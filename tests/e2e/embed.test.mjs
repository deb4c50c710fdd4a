// Embedding: <raft-lab> elements on demo.html run independent simulations;
// embed.html takes its options from the hash.
import { test, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { openPage, waitFor } from './helpers.mjs';

const envs = [];
// Each test closes its browsers: a page left running slows every later test.
afterEach(async () => { for (const e of envs.splice(0)) await e.close(); });

async function open(opts) {
  const env = await openPage(opts);
  envs.push(env);
  return env;
}

// The page point at the centre of node `id` in the cluster canvas of the
// <raft-lab> with DOM id `lab`, found with that element's own hitTest.
const nodeCentre = (page, lab, id) => page.evaluate(([labId, want]) => {
  const host = document.getElementById(labId);
  const c = host.shadowRoot.querySelector('#cluster');
  const r = c.getBoundingClientRect();
  const pts = [];
  for (let y = 0; y < r.height; y += 2) {
    for (let x = 0; x < r.width; x += 2) {
      const h = host.sim.hitTest(x, y);
      if (h && h.kind === 'node' && h.id === want) pts.push([x, y]);
    }
  }
  if (!pts.length) return null;
  return {
    x: Math.round(r.left + pts.reduce((a, p) => a + p[0], 0) / pts.length),
    y: Math.round(r.top + pts.reduce((a, p) => a + p[1], 0) / pts.length),
  };
}, [lab, id]);

const labSnap = (page, lab) => page.evaluate((id) => document.getElementById(id).sim.snapshot(), lab);

test('two <raft-lab> elements on demo.html run independent simulations', async () => {
  const { page, errors } = await open({
    path: 'demo.html',
    viewport: { width: 1000, height: 3200 }, // every embed on screen: off-screen ones pause
    ready: () => ['lab-crash', 'lab-partition', 'lab-catchup'].every((id) => document.getElementById(id)?.sim),
  });
  // Each element has its own RaftLab object, created from its own scenario and seed.
  const ids = await page.evaluate(() => {
    const sims = ['lab-crash', 'lab-partition', 'lab-catchup'].map((id) => document.getElementById(id).sim);
    return { distinct: new Set(sims).size, seeds: sims.map((s) => s.snapshot().config.seed), nodes: sims.map((s) => s.snapshot().nodes.length) };
  });
  assert.equal(ids.distinct, 3);
  assert.deepEqual(ids.seeds, ['7', '3', '5']);
  assert.deepEqual(ids.nodes, [5, 7, 3]);

  // The first scenario ends with a re-elected leader; the third with a caught-up follower.
  await waitFor(page, () => document.getElementById('lab-crash').sim.scenarioStatus()?.done);
  await waitFor(page, () => document.getElementById('lab-catchup').sim.scenarioStatus()?.done);
  const a0 = await labSnap(page, 'lab-crash');
  const c0 = await labSnap(page, 'lab-catchup');
  assert.notEqual(a0.leader, null);
  assert.ok(c0.nodes.every((n) => n.alive));

  // Crash the leader of the first through its own UI: click it on its canvas, then its Crash button.
  const lead = a0.leader;
  const at = await nodeCentre(page, 'lab-crash', lead);
  assert.ok(at, `node ${lead} on the first canvas`);
  await page.mouse.click(at.x, at.y);
  await waitFor(page, (id) => document.getElementById('lab-crash').shadowRoot.querySelector('#nodeTitle').textContent === `Node ${id}`, lead);
  await page.locator('#lab-crash').locator('button#crash').click();
  const a1 = await labSnap(page, 'lab-crash');
  assert.equal(a1.nodes.find((n) => n.id === lead).alive, false, 'crashed in the first embed');

  // The third embed is untouched: all its nodes alive, its own clock running.
  const c1 = await labSnap(page, 'lab-catchup');
  assert.ok(c1.nodes.every((n) => n.alive), 'no node crashed in the third embed');
  assert.equal(await page.locator('#lab-catchup').locator('#nodeTitle').count(), 0, 'the third has no node panel');
  await waitFor(page, (e) => document.getElementById('lab-catchup').sim.eventCount() > e, c1.events);

  // The second starts paused (its attribute): no events until its Play is pressed.
  assert.equal(await page.evaluate(() => document.getElementById('lab-partition').sim.eventCount()), 0);
  assert.equal(await page.locator('#lab-partition').locator('button#play').getAttribute('aria-pressed'), 'false');
  await page.locator('#lab-partition').locator('button#play').click();
  await waitFor(page, () => document.getElementById('lab-partition').sim.eventCount() > 0);
  // Pausing the third does not pause the others.
  await page.locator('#lab-catchup').locator('button#play').click();
  const frozen = await page.evaluate(() => document.getElementById('lab-catchup').sim.eventCount());
  const p0 = await page.evaluate(() => document.getElementById('lab-partition').sim.eventCount());
  await waitFor(page, (e) => document.getElementById('lab-partition').sim.eventCount() > e + 20, p0);
  assert.equal(await page.evaluate(() => document.getElementById('lab-catchup').sim.eventCount()), frozen);

  // A key pressed in one embed acts on that embed only.
  await page.locator('#lab-crash').locator('#cluster').focus();
  await page.keyboard.press('2');
  const selected = await page.evaluate(() => ['lab-crash', 'lab-partition', 'lab-catchup'].map((id) => document.getElementById(id).view.selectedNode));
  assert.deepEqual(selected, [lead === 2 ? null : 2, null, null]);

  // The page's `button { background: hotpink }` stops at the shadow root.
  const bg = await page.locator('#lab-crash').locator('button#play').evaluate((b) => getComputedStyle(b).backgroundColor);
  assert.notEqual(bg, 'rgb(255, 105, 180)');
  assert.deepEqual(errors, []);
});

test('same seed, same run; another seed, another run: instances share nothing', async () => {
  const { page, errors } = await open({
    path: 'demo.html',
    viewport: { width: 1000, height: 1200 },
    ready: () => document.getElementById('lab-crash')?.sim,
  });
  await page.evaluate(() => {
    for (const [id, seed] of [['s1', 1], ['s1b', 1], ['s2', 2]]) {
      const e = document.createElement('raft-lab');
      e.id = id;
      e.setAttribute('seed', String(seed));
      e.setAttribute('paused', '');
      e.setAttribute('controls', 'none');
      document.querySelector('main').prepend(e);
    }
  });
  await waitFor(page, () => ['s1', 's1b', 's2'].every((id) => document.getElementById(id).sim));
  const states = await page.evaluate(() => {
    const sims = ['s1', 's1b', 's2'].map((id) => document.getElementById(id).sim);
    // Interleaved: each instance's own clock and random stream.
    const view = (s) => { const x = s.snapshot(); return { events: x.events, leader: x.leader, nodes: x.nodes.map((n) => [n.role, n.term, n.votedFor, n.commitIndex]) }; };
    for (let i = 0; i < 40; i++) for (const s of sims) s.advance(25);
    const first = sims.map(view);
    sims[0].crash(1); // acts on s1 only
    for (const s of sims) s.advance(500);
    return { first, then: sims.map(view) };
  });
  assert.deepEqual(states.first[0], states.first[1], 'seed 1 twice: the same run');
  assert.notDeepEqual(states.first[0], states.first[2], 'seeds 1 and 2 differ');
  assert.ok(states.first[0].leader != null);
  assert.equal(states.then[0].nodes[0][0], 'crashed');
  assert.notEqual(states.then[1].nodes[0][0], 'crashed', 'the same seed elsewhere is not crashed');
  // Controls "none": just the canvas.
  assert.equal(await page.locator('#s1').locator('button:visible').count(), 0);
  assert.equal(await page.locator('#s1').locator('canvas').count(), 1);
  assert.deepEqual(errors, []);
});

test('a <raft-lab> rebuilds when its attributes change, and reports bad ones as text', async () => {
  const { page, errors } = await open({
    path: 'demo.html',
    viewport: { width: 1000, height: 3200 },
    ready: () => document.getElementById('lab-partition')?.sim,
  });
  const el = await page.evaluateHandle(() => {
    const e = document.createElement('raft-lab');
    e.id = 'extra';
    e.setAttribute('nodes', '3');
    e.setAttribute('seed', '11');
    e.setAttribute('controls', 'play,bogus');
    document.querySelector('main').prepend(e);
    return e;
  });
  await waitFor(page, () => document.getElementById('extra').sim);
  assert.equal(await page.evaluate(() => document.getElementById('extra').sim.snapshot().nodes.length), 3);
  const err = await page.locator('#extra').locator('#startError').textContent();
  assert.match(err, /unknown control 'bogus'/);
  // Attributes set together rebuild once, with a new simulation.
  const before = await page.evaluate(() => document.getElementById('extra').sim);
  await el.evaluate((e) => { e.setAttribute('nodes', '4'); e.setAttribute('scenario', 'cluster 6 seed=2\n<b>run</b> until leader'); });
  await waitFor(page, () => document.getElementById('extra').view?.r.startError && !document.getElementById('extra').view.r.startError.hidden);
  // The scenario's parse error is named; as text, not markup; a default 4-node cluster runs.
  const err2 = await page.locator('#extra').locator('#startError').textContent();
  assert.match(err2, /the scenario has an error: 2:1: /);
  assert.equal(await page.locator('#extra').locator('#startError b').count(), 0);
  assert.equal(await page.evaluate(() => document.getElementById('extra').sim.snapshot().nodes.length), 4);
  assert.notEqual(await page.evaluate(() => document.getElementById('extra').sim), before);
  // The element's own text is its scenario when it has no scenario or src.
  await page.evaluate(() => {
    const e = document.createElement('raft-lab');
    e.id = 'inline';
    e.setAttribute('controls', 'none');
    e.textContent = '\n  cluster 3 seed=4\n  run until leader\n';
    document.querySelector('main').prepend(e);
  });
  await waitFor(page, () => document.getElementById('inline').sim);
  assert.equal(await page.evaluate(() => document.getElementById('inline').sim.snapshot().config.seed), '4');
  assert.equal(await page.evaluate(() => document.getElementById('inline').sim.scenarioStatus().total), 1);
  // Removing the element stops its simulation.
  await page.evaluate(() => { window.__extraView = document.getElementById('extra').view; document.getElementById('extra').remove(); });
  assert.equal(await page.evaluate(() => window.__extraView.sim), null);
  assert.deepEqual(errors, []);
});

test('embed.html honours nodes, seed, controls and paused from the hash', async () => {
  const { page, errors } = await open({ path: 'embed.html', hash: 'nodes=3&seed=9&paused&controls=play,step' });
  const snap = await page.evaluate(() => window.raftlab.snapshot());
  assert.equal(snap.nodes.length, 3);
  assert.equal(snap.config.seed, '9');
  // Only the chosen controls.
  assert.equal(await page.locator('#play').count(), 1);
  assert.equal(await page.locator('#step').count(), 1);
  for (const absent of ['#reset', '#speed', '#nodes', '#logs', '#feed', '#crash', '#scenario', '#clock', '.side']) {
    assert.equal(await page.locator(absent).count(), 0, `${absent} is not there`);
  }
  // Paused: nothing happens until Play (or Step).
  await page.waitForTimeout(400);
  assert.equal(await page.evaluate(() => window.raftlab.eventCount()), 0);
  assert.equal(await page.getAttribute('#play', 'aria-pressed'), 'false');
  await page.click('#step');
  assert.equal(await page.evaluate(() => window.raftlab.eventCount()), 1);
  await page.click('#play');
  await waitFor(page, () => window.raftlab.snapshot().leader != null);
  assert.deepEqual(errors, []);
});

test('embed.html plays a scenario from the hash and names options it cannot use', async () => {
  const text = 'cluster 4 seed=2\nrun until leader\nput k v\n';
  const { page, errors } = await open({
    path: 'embed.html',
    hash: `controls=all&speed=1&nodes=12&loss=150&s=${encodeURIComponent(text)}`,
  });
  assert.equal(await page.evaluate(() => window.raftlab.snapshot().nodes.length), 4);
  assert.equal(await page.locator('#scenario').inputValue(), text, 'the scenario box holds it');
  const err = await page.locator('#startError').textContent();
  assert.match(err, /nodes must be a whole number from 1 to 9, not '12'/);
  assert.match(err, /loss must be a percentage/);
  await waitFor(page, () => window.raftlab.scenarioStatus()?.done);
  assert.equal(await page.evaluate(() => window.raftlab.scenarioStatus().failure ?? null), null);
  assert.deepEqual(errors, []);
});
