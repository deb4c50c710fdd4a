// A put typed into the client form is committed and applied on a majority.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openPage, waitLeader, waitFor, snapshot } from './helpers.mjs';

let env;
before(async () => { env = await openPage({ query: 'speed=1&nodes=5' }); });
after(async () => { await env?.close(); });

test('a put from the form is committed and applied on a majority', async () => {
  const { page, errors } = env;
  await waitLeader(page);
  await page.selectOption('#op', 'put');
  await page.fill('#key', 'color');
  await page.fill('#value', 'blue');
  await page.selectOption('#via', ''); // to the leader
  await page.click('#submit');
  const applied = await waitFor(page, () => {
    const s = window.raftlab.snapshot();
    const has = s.nodes.filter((n) => n.kv.some(([k, v]) => k === 'color' && v === 'blue'));
    return has.length * 2 > s.nodes.length ? has.map((n) => n.id) : false;
  });
  const snap = await snapshot(page);
  for (const id of applied) {
    const n = snap.nodes.find((x) => x.id === id);
    assert.ok(n.log.some((e) => e.command.includes('color') && e.committed), `node ${id} has the entry committed`);
  }
  // The client ops list shows the request and its completion.
  const op = await waitFor(page, () => window.raftlab.snapshot().clientOps.find((o) => o.command.includes('color') && o.completedAtMs != null) || false);
  assert.ok(op.result != null);
  await waitFor(page, () => [...document.querySelectorAll('#ops li.done')].some((li) => li.textContent.includes('color')));
  // The applied-state table shows the value.
  await waitFor(page, () => document.getElementById('kv').textContent.includes('color=blue'));
  assert.deepEqual(errors, []);
});
