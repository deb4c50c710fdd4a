// The URL hash of index.html: a good link starts its scenario; a bad one
// shows what is wrong, as text, and a default simulation that works.
import { test, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { openPage, waitLeader, waitFor } from './helpers.mjs';

const envs = [];
// Each test closes its browsers: a page left running slows every later test.
afterEach(async () => { for (const e of envs.splice(0)) await e.close(); });

async function open(hash, query = 'speed=1') {
  const env = await openPage({ query, hash });
  envs.push(env);
  return env;
}

// The error banner's text once shown, and a default cluster (5 nodes, seed 1) electing a leader.
async function expectDefault(page) {
  await page.waitForSelector('#startError', { state: 'visible' });
  const text = await page.locator('#startErrorText').textContent();
  const snap = await page.evaluate(() => window.raftlab.snapshot());
  assert.equal(snap.nodes.length, 5);
  assert.equal(snap.config.seed, '1');
  assert.equal(await page.locator('#fatal').isHidden(), true);
  await waitLeader(page);
  return text;
}

const BAD = [
  ['truncated %-encoding', 'v=1&s=%E0%A4%A', /the value of 's' is not valid %-encoding/],
  ['a scenario with an error', 'v=1&s=cluster%2099', /the scenario has an error: 1:9: /],
  ['an unknown version', 'v=7&s=cluster%203', /unknown link version v=7/],
  ['at not a number', 'v=1&at=soon&s=cluster%203', /at \(an event number\) must be a whole number/],
  ['an unknown parameter', 'v=1&zap=1&s=cluster%203', /unknown parameter 'zap'/],
];

for (const [what, hash, expected] of BAD) {
  test(`a link with ${what} shows the error and a working default simulation`, async () => {
    const { page, errors } = await open(hash);
    const text = await expectDefault(page);
    assert.match(text, /^This link could not be opened: /);
    assert.match(text, expected);
    assert.match(text, /A default simulation started instead\.$/);
    assert.deepEqual(errors, []);
  });
}

test('markup in a link stays text', async () => {
  const evil = 'cluster 3\n<img src=x onerror="window.__owned=1">\n';
  const { page, errors } = await open(`v=1&s=${encodeURIComponent(evil)}`);
  const text = await expectDefault(page);
  assert.match(text, /2:1: /);
  assert.match(text, /'<img'/);
  // The text is in the scenario box, to be mended and loaded.
  assert.equal(await page.locator('#scenario').inputValue(), evil);
  assert.equal(await page.locator('img').count(), 0);
  assert.equal(await page.evaluate(() => window.__owned), undefined);
  assert.deepEqual(errors, []);
});

test('a good link starts its scenario, paused when it says so', async () => {
  const text = 'cluster 3 seed=4\nrun until leader\nput a 1\n';
  const { page, errors } = await open(`v=1&paused=1&s=${encodeURIComponent(text)}`);
  assert.equal(await page.locator('#startError').isHidden(), true);
  assert.equal(await page.evaluate(() => window.raftlab.snapshot().nodes.length), 3);
  assert.equal(await page.getAttribute('#play', 'aria-pressed'), 'false');
  await page.waitForTimeout(300);
  assert.equal(await page.evaluate(() => window.raftlab.eventCount()), 0, 'paused');
  assert.equal(await page.locator('#scenario').inputValue(), text);
  await page.click('#play');
  await waitFor(page, () => window.raftlab.scenarioStatus()?.done);
  // Reset starts the link's scenario again, not a plain cluster.
  const after = await page.evaluate(() => {
    document.getElementById('reset').click(); // in the same task as the checks: no frame runs between
    return { nodes: window.raftlab.snapshot().nodes.length, events: window.raftlab.eventCount(), done: window.raftlab.scenarioStatus().done };
  });
  assert.deepEqual(after, { nodes: 3, events: 0, done: false });
  assert.deepEqual(errors, []);
});

test('a link whose event cannot be reached says so and keeps its run', async () => {
  // Every node crashed: nothing is left to happen after event 3.
  const text = 'cluster 3 seed=4\ncrash 1\ncrash 2\ncrash 3\n';
  const { page, errors } = await open(`v=1&at=100&paused=1&s=${encodeURIComponent(text)}`);
  await page.waitForSelector('#startError', { state: 'visible' });
  const banner = await page.locator('#startErrorText').textContent();
  assert.match(banner, /^This link’s moment could not be reached: the run ends at event 3 \(nothing more happens\), before event 100; it stays there\.$/);
  assert.doesNotMatch(banner, /default simulation/);
  const snap = await page.evaluate(() => window.raftlab.snapshot());
  assert.equal(snap.nodes.length, 3, 'the link\'s own run, not a default one');
  assert.deepEqual(snap.nodes.map((n) => n.role), ['crashed', 'crashed', 'crashed']);
  assert.equal(await page.locator('#scenario').inputValue(), text);
  assert.deepEqual(errors, []);
});

test('a link to a run over its budget stops there and names the limit', async () => {
  // A heartbeat every microsecond with milliseconds of latency: once there is
  // a leader (within 30 ms of virtual time), messages pile up.
  const text = 'cluster 9 seed=3 election=20ms..30ms heartbeat=1us latency=2ms..3ms\nrun 60s\n';
  const { page, errors } = await open(`v=1&s=${encodeURIComponent(text)}`);
  await waitFor(page, () => document.getElementById('play').getAttribute('aria-pressed') === 'false', undefined, 60_000);
  const banner = await page.locator('#stopText').textContent();
  assert.match(banner, /^The run stopped at event [\d,]+: [\d,]+ messages are in flight, more than the 10,000 one run may hold/);
  assert.ok(await page.locator('#stop').evaluate((e) => e.classList.contains('violation')));
  const at = await page.evaluate(() => window.raftlab.eventCount());
  await page.click('#play');
  await page.waitForTimeout(300);
  assert.equal(await page.evaluate(() => window.raftlab.eventCount()), at, 'it goes no further');
  assert.deepEqual(errors, []);
});

test('seed=random picks a fresh seed, shows it and carries it in the link; New seed picks another', async () => {
  const { page, errors } = await open('seed=random&nodes=3', 'paused');
  const seed = await page.inputValue('#seed');
  assert.match(seed, /^\d+$/);
  const snap = await page.evaluate(() => window.raftlab.snapshot());
  assert.equal(snap.config.seed, seed);
  assert.equal(snap.nodes.length, 3);
  await waitFor(page, (s) => document.getElementById('clock').textContent.includes(`seed ${s}`), seed);
  assert.match(await page.evaluate(() => window.raftlab.recordedScenario()), new RegExp(`^cluster 3 seed=${seed} `, 'm'));
  await page.click('#newSeed');
  const next = await page.inputValue('#seed');
  assert.notEqual(next, seed);
  assert.equal(await page.evaluate(() => window.raftlab.snapshot().config.seed), next);
  assert.deepEqual(errors, []);
});

test('embed.html takes seed=random too, and shows the seed it chose', async () => {
  const env = await openPage({ path: 'embed.html', hash: 'seed=random&controls=play,clock&paused' });
  envs.push(env);
  const { page, errors } = env;
  const seed = await page.evaluate(() => window.raftlab.snapshot().config.seed);
  assert.match(seed, /^\d+$/);
  await waitFor(page, (s) => document.getElementById('clock').textContent.includes(`seed ${s}`), seed);
  assert.deepEqual(errors, []);
});
