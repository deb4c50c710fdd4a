// A leader cut off in a minority cannot commit; the majority side can.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openPage, waitLeader, waitFor, snapshot } from './helpers.mjs';

let env;
before(async () => { env = await openPage({ query: 'speed=1&nodes=5' }); });
after(async () => { await env?.close(); });

test('minority-side leader cannot commit while the majority side can', async () => {
  const { page, errors } = env;
  const old = await waitLeader(page);
  // Let the leader's no-op commit everywhere first.
  await waitFor(page, (l) => {
    const s = window.raftlab.snapshot();
    const c = s.nodes.find((n) => n.id === l).commitIndex;
    return c > 0 && s.nodes.every((n) => n.commitIndex === c);
  }, old);
  await page.click('#split'); // the preset puts the leader on the minority side
  const snap = await snapshot(page);
  // snap.partition gives each node's group.
  const byGroup = new Map();
  snap.partition.forEach((g, i) => byGroup.set(g, [...(byGroup.get(g) || []), i + 1]));
  const groups = [...byGroup.values()];
  assert.equal(groups.length, 2, `partition: ${JSON.stringify(snap.partition)}`);
  const minority = groups.find((g) => g.includes(old));
  const majority = groups.find((g) => !g.includes(old));
  assert.equal(minority.length, 2);
  assert.equal(majority.length, 3);
  const before = snap.nodes.find((n) => n.id === old).commitIndex;

  // A write sent straight to the old leader: it appends but cannot commit.
  await page.evaluate((l) => window.raftlab.submit('put', 'minor', 'lost?', l), old);
  await waitFor(page, (l) => window.raftlab.snapshot().nodes.find((n) => n.id === l).log.some((e) => e.command.includes('minor')), old);

  // The majority elects its own leader ...
  const next = await waitFor(page, (maj) => {
    const s = window.raftlab.snapshot();
    const l = s.nodes.find((n) => maj.includes(n.id) && n.role === 'leader');
    return l ? l.id : false;
  }, majority);
  // ... and commits a write sent through the client form to it.
  await page.selectOption('#op', 'put');
  await page.fill('#key', 'major');
  await page.fill('#value', 'yes');
  await page.selectOption('#via', String(next));
  await page.click('#submit');
  await waitFor(page, (maj) => {
    const s = window.raftlab.snapshot();
    return maj.every((id) => s.nodes.find((n) => n.id === id).kv.some(([k, v]) => k === 'major' && v === 'yes'));
  }, majority);

  const after = await snapshot(page);
  const oldNode = after.nodes.find((n) => n.id === old);
  assert.equal(oldNode.commitIndex, before, 'the minority leader committed nothing');
  assert.ok(!oldNode.kv.some(([k]) => k === 'minor' || k === 'major'));
  assert.ok(oldNode.log.filter((e) => e.command.includes('minor')).every((e) => !e.committed));
  for (const id of majority) {
    assert.ok(after.nodes.find((n) => n.id === id).commitIndex > before, `node ${id} committed past ${before}`);
  }
  assert.deepEqual(after.violations, []);

  // Heal: the old leader steps down and catches up.
  await page.click('#heal');
  await waitFor(page, (l) => {
    const n = window.raftlab.snapshot().nodes.find((x) => x.id === l);
    return n.role === 'follower' && n.kv.some(([k]) => k === 'major');
  }, old);
  assert.deepEqual(errors, []);
});
