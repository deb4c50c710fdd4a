// PreVote, CheckQuorum and leadership transfer on the page (thesis §9.6,
// §4.2.3, §3.10): the toggles start a cluster with the options and links
// carry them on the cluster line; a leader cut off one way steps down with
// its reason in the feed; "Transfer leadership here" moves leadership and is
// recorded as `transfer leader to N`; the legend shows the new shapes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openPage, waitLeader, waitFor, snapshot } from './helpers.mjs';

let env;
before(async () => { env = await openPage({ query: 'speed=1&nodes=3&seed=4' }); });
after(async () => { await env?.close(); });

const recorded = (page) => page.evaluate(() => window.raftlab.recordedScenario());
const clusterLine = async (page) => (await recorded(page)).split('\n').find((l) => l.startsWith('cluster '));

test('the toggles start a cluster with PreVote and CheckQuorum, recorded on the cluster line', async () => {
  const { page, errors } = env;
  assert.equal(await page.isChecked('#prevote'), false);
  assert.equal(await page.isChecked('#checkQuorum'), false);
  assert.match(await clusterLine(page), /^cluster 3 seed=4 .*loss=0%$/, 'off by default: the version-1 line');
  await page.check('#checkQuorum');
  await waitFor(page, () => window.raftlab.snapshot().config.checkQuorum);
  await page.check('#prevote');
  await waitFor(page, () => window.raftlab.snapshot().config.prevote && window.raftlab.snapshot().config.checkQuorum);
  assert.match(await clusterLine(page), / prevote=on checkquorum=on$/);
  assert.deepEqual(errors, []);
});

test('a leader cut off one way steps down for lack of quorum, with its reason in the feed', async () => {
  const { page, errors } = env;
  const leader = await waitLeader(page);
  await waitFor(page, (l) => {
    const s = window.raftlab.snapshot();
    const c = s.nodes.find((n) => n.id === l).commitIndex;
    return c > 0 && s.nodes.every((n) => n.commitIndex === c);
  }, leader);
  const others = [1, 2, 3].filter((id) => id !== leader);
  await page.evaluate(([l, ids]) => { for (const id of ids) window.raftlab.cut(id, l); }, [leader, others]);
  await waitFor(page, (l) => window.raftlab.snapshot().nodes.find((n) => n.id === l).role !== 'leader', leader);
  const feed = await waitFor(page, () => {
    const text = document.getElementById('feed').textContent;
    return text.includes('stepped down as leader') ? text : false;
  });
  assert.match(feed, /within an election timeout it heard only from S\d, not a majority of 3 \(§4\.2\.3, CheckQuorum\)/);
  // The others elect a leader the old one cannot reach, and keep it.
  const next = await waitFor(page, (l) => {
    const s = window.raftlab.snapshot();
    return s.leader != null && s.leader !== l ? s.leader : false;
  }, leader);
  assert.ok(others.includes(next));
  await page.evaluate(() => window.raftlab.heal());
  assert.deepEqual((await snapshot(page)).violations, []);
  assert.deepEqual(errors, []);
});

test('"Transfer leadership here" moves leadership and is recorded as transfer leader to N', async () => {
  const { page, errors } = env;
  const leader = await waitLeader(page);
  // Every node up to date, so the transfer is quick.
  await waitFor(page, () => {
    const s = window.raftlab.snapshot();
    const c = s.nodes.find((n) => n.id === s.leader).commitIndex;
    return s.nodes.every((n) => n.alive && n.commitIndex === c);
  });
  // Keys select nodes unless a form field has the focus (the toggles had it).
  await page.evaluate(() => document.activeElement?.blur());
  await page.locator('body').press(String(leader));
  assert.equal(await page.isDisabled('#transfer'), true, 'not to the leader itself');
  const target = [1, 2, 3].find((id) => id !== leader);
  await page.locator('body').press(String(target));
  await waitFor(page, (id) => document.getElementById('nodeTitle').textContent === `Node ${id}`, target);
  await page.click('#transfer');
  await waitFor(page, (t) => window.raftlab.snapshot().leader === t, target);
  assert.ok((await recorded(page)).includes(`transfer leader to ${target}`));
  // The feed says why the target campaigned at once.
  await waitFor(page, () => document.getElementById('feed').textContent.includes('sent TimeoutNow to hand over leadership'));
  assert.deepEqual((await snapshot(page)).violations, []);
  assert.deepEqual(errors, []);
});

test('the legend explains the pre-candidate, PreVote and TimeoutNow', async () => {
  const { page, errors } = env;
  await page.click('#legendBtn');
  await page.waitForSelector('#legend[open]');
  const text = await page.locator('#legend').textContent();
  for (const word of ['Pre-candidate', 'PreVote:', 'PreVote reply, granted', 'PreVote reply, refused', 'TimeoutNow']) {
    assert.ok(text.includes(word), `the legend explains ${word}`);
  }
  await page.keyboard.press('Escape');
  assert.deepEqual(errors, []);
});
