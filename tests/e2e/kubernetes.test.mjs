// The Kubernetes view (kubernetes.html): failing a zone greys it and the
// apiserver and the Leases react; the console answers etcdctl and kubectl
// as the tools print; a bad command or scenario leaves the page as it was;
// the buttons' actions are recorded, so a copied link reproduces the run;
// the Korean page is in Korean, etcdctl's errors too; axe-core finds no violation.
import { test, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { openPage, waitFor } from './helpers.mjs';

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const ready = () => window.raftlabKube && window.raftlabKube.sim && document.querySelector('#machineButtons button');

let envs = [];
// Each test closes its browsers: a page left running slows every later test.
afterEach(async () => { for (const e of envs.splice(0)) await e.close(); });
const open = async (opts) => { const e = await openPage({ path: 'kubernetes.html', ready, ...opts }); envs.push(e); return e; };

/** Plays `ms` of virtual time at once and redraws. */
const advance = (page, ms) => page.evaluate((m) => { window.raftlabKube.sim.advance(m); window.raftlabKube.redraw(); }, ms);
const view = (page) => page.evaluate(() => window.raftlabKube.sim.kubeView(800, 500));
const leases = (page) => page.$$eval('#leases li', (ls) => ls.map((l) => [l.dataset.lease, l.dataset.holder, l.textContent]));

test('failing the big zone of 2 + 1 greys it; the apiserver and the Leases stop; restoring brings them back', async () => {
  const { page, errors } = await open({ hash: 'preset=kube-stacked-2-plus-1' });
  await page.evaluate(() => window.raftlabKube.setPlaying(false));
  await advance(page, 25_000);
  assert.match(await page.textContent('#available'), /apiserver available/);
  const before = await leases(page);
  assert.equal(before.length, 2);
  for (const [, holder, text] of before) {
    assert.match(holder, /^cp[123]$/);
    assert.match(text, /held by cp\d; renew deadline in \d+\.\d s/);
  }
  await page.click('button[data-zone="a"][data-act="fail"]');
  let v = await view(page);
  const a = v.zones.find((z) => z.name === 'a');
  assert.ok(a.down, 'zone a is down');
  for (const i of a.machines) assert.ok(v.machines[i].processes.every((p) => p.state === 'down'), v.machines[i].name);
  assert.match(await page.textContent('#available'), /apiserver unavailable/);
  assert.equal(await page.textContent('button[data-machine="cp1"]'), 'Restart cp1');
  assert.ok(await page.isDisabled('button[data-zone="a"][data-act="fail"]'));
  await advance(page, 15_000);
  v = await view(page);
  assert.ok(v.leases.every((l) => !l.holder), 'no controller keeps a lease it cannot renew');
  assert.ok((await leases(page)).every(([, holder, text]) => holder === '' && /no instance leads/.test(text)));
  // kubectl through the load balancer: no backend passes its health check.
  await page.fill('#consoleInput', 'kubectl get leases -n kube-system');
  await page.press('#consoleInput', 'Enter');
  await waitFor(page, () => /Unable to connect to the server: EOF|etcdserver: request timed out/.test(document.getElementById('consoleOut').textContent));
  // The quorum table, live: 1 of 3 up, writes cannot commit.
  assert.match(await page.textContent('#quorumLive'), /1 of 3/);
  assert.match(await page.textContent('#quorumLive .no'), /no/);
  await page.click('button[data-zone="a"][data-act="restore"]');
  await advance(page, 30_000);
  assert.match(await page.textContent('#available'), /apiserver available/);
  assert.ok((await view(page)).leases.every((l) => l.holder));
  assert.deepEqual(errors, []);
});

test('etcdctl get --prefix in the console lists what etcdctl put wrote; errors are printed, the state stays', async () => {
  const { page, errors } = await open({ hash: 'preset=kube-stacked-3-zones' });
  await page.evaluate(() => window.raftlabKube.setPlaying(false));
  await advance(page, 5_000);
  const type = async (line) => { await page.fill('#consoleInput', line); await page.press('#consoleInput', 'Enter'); };
  await type('etcdctl put /course/a 1');
  await type('etcdctl put /course/b 2');
  await type('etcdctl get /course --prefix');
  const out = () => page.$$eval('#consoleOut div', (ds) => ds.map((d) => d.textContent));
  const lines = await out();
  const at = lines.lastIndexOf('$ etcdctl get /course --prefix');
  assert.deepEqual(lines.slice(at + 1), ['/course/a', '1', '/course/b', '2']);
  assert.deepEqual(lines.filter((l) => l === 'OK').length, 2);
  const events = await page.evaluate(() => window.raftlabKube.sim.eventCount());
  await type('etcdctl frobnicate');
  await type('helm install x');
  const errorsShown = await page.$$eval('#consoleOut .error', (ds) => ds.map((d) => d.textContent));
  assert.equal(errorsShown.length, 2);
  assert.equal(errorsShown[0], "Error: unexpected 'frobnicate', expected an etcdctl command: put, get, del, member list, endpoint status");
  assert.match(errorsShown[1], /“helm” is not a command here/);
  assert.equal(await page.evaluate(() => window.raftlabKube.sim.eventCount()), events, 'a refused command changes nothing');
  // A member list as etcdctl prints it.
  await type('etcdctl member list -w table');
  assert.match((await out()).join('\n'), /\| +ID +\| +STATUS +\| +NAME +\|/);
  // The writes and a crash are in the recorded run, which a copied link replays.
  await page.click('button[data-machine="cp2"]');
  const recorded = await page.evaluate(() => window.raftlabKube.sim.recordedScenario());
  assert.match(recorded, /^kubernetes stacked control-planes=3 zones=a,b,c/m);
  assert.match(recorded, /^etcdctl put \/course\/a 1$/m);
  assert.match(recorded, /^crash cp2$/m);
  await page.click('#copyLink');
  const url = page.url();
  assert.match(url, /#s=.*&at=\d+/);
  const replay = await open({ hash: url.split('#')[1] });
  await replay.page.evaluate(() => window.raftlabKube.setPlaying(false));
  const machines = await replay.page.evaluate(() => window.raftlabKube.sim.kubeView(800, 500).machines.map((m) => [m.name, m.up]));
  assert.deepEqual(machines, [['cp1', true], ['cp2', false], ['cp3', true]]);
  await replay.page.fill('#consoleInput', 'etcdctl get /course/b --print-value-only');
  await replay.page.press('#consoleInput', 'Enter');
  await waitFor(replay.page, () => [...document.querySelectorAll('#consoleOut div')].some((d) => d.textContent === '2'));
  assert.deepEqual(errors, []);
  assert.deepEqual(replay.errors, []);
});

test('a link with a broken scenario keeps a working view and says what is wrong', async () => {
  const { page, errors } = await open({ hash: `s=${encodeURIComponent('kubernetes stacked control-planes=12')}` });
  assert.match(await page.textContent('#status'), /Could not load the scenario/);
  assert.equal((await view(page)).machines.length, 3, 'the first preset is shown instead');
  assert.deepEqual(errors, []);
});

test('the Korean page is in Korean', async () => {
  const { page, errors } = await open({ query: 'lang=ko', hash: 'preset=kube-external-3-etcd' });
  await waitFor(page, () => document.documentElement.lang === 'ko' && /[가-힣]/.test(document.getElementById('caption').textContent));
  for (const sel of ['h1', '#actionsTitle', '#consoleTitle', '#quorumTitle', 'button[data-machine="etcd1"]', '#available', '#leases']) {
    assert.match(await page.textContent(sel), /[가-힣]/, sel);
  }
  assert.doesNotMatch(await page.textContent('#caption'), /\b(the|and|machines|members|elect)\b/i, 'no English sentence');
  assert.match(await page.textContent('button[data-zone="c"][data-act="fail"]'), /영역 c 장애/);
  // etcdctl's refusal of a line is worded in Korean too (its words and flags stay as written).
  await page.fill('#consoleInput', 'etcdctl put /a 1 --prefix');
  await page.press('#consoleInput', 'Enter');
  assert.deepEqual(await page.$$eval('#consoleOut .error', (ds) => ds.map((d) => d.textContent)),
    ["오류: '--prefix'은(는) 이 자리에 올 수 없습니다. 필요한 것: --prefix 없는 etcdctl put"]);
  assert.deepEqual(errors, []);
});

for (const [query, colorScheme] of [['', 'light'], ['lang=ko', 'dark']]) {
  test(`axe finds no violation on kubernetes.html (${query || 'en'}, ${colorScheme})`, async () => {
    const { page, errors } = await open({ query, media: { colorScheme }, hash: 'preset=kube-5-etcd-3-zones' });
    await advance(page, 20_000);
    await page.click('button[data-zone="a"][data-act="fail"]');
    await page.fill('#consoleInput', 'etcdctl endpoint status -w table');
    await page.press('#consoleInput', 'Enter');
    await page.evaluate(() => window.raftlabKube.setPlaying(false));
    await page.addScriptTag({ path: AXE });
    const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
    const found = result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).slice(0, 4).join(', ')}`);
    assert.deepEqual(found, []);
    assert.deepEqual(errors, []);
  });
}

test('the index page links the Kubernetes view, and its library opens a Kubernetes preset there', async () => {
  const env = await openPage({});
  envs.push(env);
  const { page, errors } = env;
  await page.selectOption('#library', 'kube-stacked-2-plus-1');
  await waitFor(page, () => !document.getElementById('libraryKube').hidden);
  assert.match(await page.getAttribute('#libraryKube', 'href'), /kubernetes\.html\?lang=en#preset=kube-stacked-2-plus-1$/);
  assert.equal(await page.getAttribute('nav.pages a[href="kubernetes.html"]', 'href'), 'kubernetes.html');
  await page.click('#libraryKube');
  await page.waitForFunction(ready, null, { timeout: 20_000 });
  assert.equal((await view(page)).machines.map((m) => m.zone).join(','), 'a,a,b');
  assert.deepEqual(errors, []);
});
