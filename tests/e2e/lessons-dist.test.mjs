// Hosting for course authors (README, "Hosting for course authors"): the
// static folder of `./build.sh dist` (scripts/dist.sh, here from the package
// the test run built) served from a subpath, /notes/raftlab/, runs lessons
// in <raft-lab> and in embed.html from a page outside that folder, and its
// own pages (index.html, lessons.html) work there too.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { launch } from './helpers.mjs';
import { serve } from './serve.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
let site;
let server;
let browser;

// A page of course notes, beside (not inside) the Raft Lab folder.
const NOTES = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Chapter 3: Raft</title><link rel="icon" href="data:,">
<script type="module" src="raftlab/raft-lab.js"></script></head>
<body><main>
<h1>Chapter 3: leader election</h1>
<raft-lab id="inline" lesson="leader-election" speed="1"></raft-lab>
<iframe id="frame" src="raftlab/embed.html#lesson=partitions&amp;step=2&amp;speed=1" width="900" height="640" title="Raft Lab lesson"></iframe>
</main></body></html>`;

before(async () => {
  site = fs.mkdtempSync(path.join(os.tmpdir(), 'raftlab-dist-'));
  execFileSync('bash', [path.join(ROOT, 'scripts/dist.sh'), path.join(site, 'notes/raftlab')], { stdio: 'pipe' });
  fs.writeFileSync(path.join(site, 'notes/chapter.html'), NOTES);
  server = await serve(site);
  browser = await launch();
});
after(async () => {
  if (browser) await browser.close();
  if (server) await server.close();
  if (site) fs.rmSync(site, { recursive: true, force: true });
});

async function page(url) {
  const p = await browser.newPage();
  const errors = [];
  const missing = [];
  p.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  p.on('pageerror', (e) => errors.push(e.message));
  p.on('response', (r) => { if (r.status() >= 400) missing.push(r.url()); });
  await p.goto(server.url + url);
  return { p, errors, missing };
}

test('the dist folder holds the pages, raft-lab.js, the wasm, the lessons and the scenarios', () => {
  const dir = path.join(site, 'notes/raftlab');
  for (const f of ['index.html', 'lessons.html', 'embed.html', 'raft-lab.js', 'pkg/raftlab_bg.wasm', 'pkg/app.min.js', 'pkg/lab-fuzz-worker.js',
    'lessons/leader-election.txt', 'scenarios/partition-3-4.txt', 'i18n/ko.js', 'README.txt']) {
    assert.ok(fs.existsSync(path.join(dir, f)), f);
  }
  assert.equal(fs.readdirSync(path.join(dir, 'lessons')).length, fs.readdirSync(path.join(ROOT, 'www/lessons')).length);
});

test('served from /notes/raftlab/, a page outside the folder runs a lesson in <raft-lab> and in embed.html', async () => {
  const { p, errors, missing } = await page('notes/chapter.html');
  await p.waitForFunction(() => document.getElementById('inline').sim?.lessonState()?.kind === 'predict', null, { timeout: 30_000 });
  await p.locator('#inline .lesson-choices button').nth(1).click();
  await p.waitForFunction(() => document.getElementById('inline').sim.lessonState().step === 2, null, { timeout: 10_000 });
  const frame = p.frameLocator('#frame');
  const inner = p.frames().find((f) => f.url().includes('/notes/raftlab/embed.html'));
  assert.ok(inner, 'the iframe loaded embed.html from the subpath');
  await inner.waitForFunction(() => window.raftlab?.lessonState?.()?.kind === 'goal', null, { timeout: 30_000 });
  await frame.locator('#isolate').click();
  await inner.waitForFunction(() => window.raftlab.lessonState().step === 3, null, { timeout: 30_000 });
  assert.deepEqual(missing, []);
  assert.deepEqual(errors, []);
  await p.close();
});

test('the folder\'s own pages work from the subpath: the lab, its library, the lessons page', async () => {
  const lab = await page('notes/raftlab/index.html?speed=1');
  await lab.p.waitForFunction(() => window.raftlab?.snapshot().leader != null, null, { timeout: 30_000 });
  await lab.p.selectOption('#library', 'quorum-table-3');
  await lab.p.click('#libraryLoad');
  await lab.p.waitForFunction(() => document.getElementById('scenario').value.includes('cluster 3'), null, { timeout: 10_000 });
  // The counterexample search's worker (pkg/lab-fuzz-worker.js) loads from the subpath too.
  await lab.p.click('#rulesToggle');
  await lab.p.check('#rulesList input[data-rule="vote-once"]');
  await lab.p.click('#cxFind');
  await lab.p.waitForSelector('#stop', { state: 'visible', timeout: 60_000 });
  assert.match(await lab.p.locator('#stopText').textContent(), /Election Safety/);
  const lessons = await page('notes/raftlab/lessons.html#lesson=split-votes&lang=ko');
  await lessons.p.waitForFunction(() => window.raftlab?.lessonState?.()?.steps === 6 && document.querySelectorAll('.lesson-list li').length >= 12, null, { timeout: 30_000 });
  for (const x of [lab, lessons]) {
    assert.deepEqual(x.missing, []);
    assert.deepEqual(x.errors, []);
    await x.p.close();
  }
});
