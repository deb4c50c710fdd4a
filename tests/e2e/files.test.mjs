// Files in and out: the cluster as a PNG, scenario text downloaded and loaded.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import { PNG } from 'pngjs';
import { openPage, waitLeader, waitFor } from './helpers.mjs';

let env;
before(async () => { env = await openPage({ query: 'speed=1&seed=3' }); });
after(async () => { await env?.close(); });

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

async function downloadOf(page, click) {
  const [dl] = await Promise.all([page.waitForEvent('download'), click()]);
  return { name: dl.suggestedFilename(), body: await fs.readFile(await dl.path()) };
}

test('Export PNG downloads the cluster canvas as raftlab-seed-N-event-M.png', async () => {
  const { page, errors } = env;
  await waitLeader(page);
  await page.evaluate(() => window.raftlabUI.setPlaying(false));
  const events = await page.evaluate(() => window.raftlab.eventCount());
  const { name, body } = await downloadOf(page, () => page.click('#png'));
  assert.equal(name, `raftlab-seed-3-event-${events}.png`);
  assert.deepEqual(body.subarray(0, 8), PNG_SIGNATURE);
  const img = PNG.sync.read(body);
  const size = await page.evaluate(() => { const c = document.getElementById('cluster'); return [c.width, c.height]; });
  assert.deepEqual([img.width, img.height], size);
  // Not a blank picture: the nodes are drawn in more than a handful of colours.
  const colours = new Set();
  for (let i = 0; i < img.data.length; i += 4 * 97) colours.add(img.data.readUInt32BE(i));
  assert.ok(colours.size > 10, `${colours.size} colours`);
  assert.deepEqual(errors, []);
});

test('Download saves the scenario box; Open file loads and runs a scenario file', async () => {
  const { page, errors } = env;
  const text = await page.locator('#scenario').inputValue();
  const saved = await downloadOf(page, () => page.click('#saveText'));
  assert.equal(saved.name, 'raftlab-scenario.txt');
  assert.equal(saved.body.toString('utf8'), text);

  const file = 'cluster 4 seed=8\nrun until leader\nput f 1\nrun until committed 2\nexpect value f 1\n';
  const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.click('#openFile')]);
  await chooser.setFiles({ name: 'mine.txt', mimeType: 'text/plain', buffer: Buffer.from(file) });
  await waitFor(page, () => window.raftlab.snapshot().nodes.length === 4);
  assert.equal(await page.locator('#scenario').inputValue(), file);
  await waitFor(page, () => window.raftlab.scenarioStatus()?.done);
  assert.equal(await page.evaluate(() => window.raftlab.scenarioStatus().failure ?? null), null);

  // A file with an error: its LINE:COLUMN is shown and the running simulation stays.
  await page.evaluate(() => { window.raftlab.__marker = 'kept'; });
  await page.setInputFiles('#file', { name: 'bad.txt', mimeType: 'text/plain', buffer: Buffer.from('cluster 3\nexplode\n') });
  await waitFor(page, () => /^2:1: /.test(document.getElementById('scenarioError').textContent));
  assert.equal(await page.evaluate(() => window.raftlab.__marker), 'kept');
  assert.deepEqual(errors, []);
});
