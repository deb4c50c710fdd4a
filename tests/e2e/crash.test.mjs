// Crashing the leader through the UI leads to a new leader.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openPage, waitLeader, waitFor, snapshot } from './helpers.mjs';

let env;
before(async () => { env = await openPage({ query: 'speed=1' }); });
after(async () => { await env?.close(); });

test('crashing the selected leader (key, then the Crash button) elects another', async () => {
  const { page, errors } = env;
  const old = await waitLeader(page);
  const oldTerm = (await snapshot(page)).nodes.find((n) => n.id === old).term;
  await page.locator('body').press(String(old)); // select the node by its number
  await waitFor(page, (id) => document.getElementById('nodeTitle').textContent === `Node ${id}`, old);
  await page.click('#crash');
  const crashed = (await snapshot(page)).nodes.find((n) => n.id === old);
  assert.equal(crashed.alive, false);
  assert.equal(crashed.role, 'crashed');
  const next = await waitFor(page, (o) => {
    const l = window.raftlab.snapshot().leader;
    return l != null && l !== o ? l : false;
  }, old);
  const snap = await snapshot(page);
  const leader = snap.nodes.find((n) => n.id === next);
  assert.equal(leader.role, 'leader');
  assert.ok(leader.term > oldTerm, `new term ${leader.term} > ${oldTerm}`);
  assert.deepEqual(snap.violations, []);

  // Restart brings the old leader back as a follower of the new term.
  await page.click('#restart');
  await waitFor(page, ([o, term]) => {
    const n = window.raftlab.snapshot().nodes.find((x) => x.id === o);
    return n.alive && n.role === 'follower' && n.term >= term;
  }, [old, leader.term]);
  assert.deepEqual(errors, []);
});
