// "Break a rule" and "Find a counterexample" (www/lab-rules.js,
// lab-search.js, lab-fuzz-worker.js; docs/fuzzing.md): a rule switched off
// in the menu shows in the clock bar and travels in links; the search fuzzes
// in Web Workers, shrinks the first violation as `raftlab search` does, and
// opens it in the debugger stopped at the violation, its invariant named.
import { test, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { openPage, waitFor } from './helpers.mjs';

// The rule the search test breaks, and what the violation must be: the
// issue's target, commit-current-term (Figure 8), found by the swarm's
// "Figure 8 to the commit" episode.
const RULE = 'commit-current-term';
const BROKEN = {
  'vote-once': /Election Safety/,
  'vote-up-to-date': /Leader Completeness|State Machine Safety/,
  'commit-current-term': /State Machine Safety|Leader Completeness/,
}[RULE];
const NODES = 3;
// A rule whose first breaking seed at 3 nodes lies well past the start
// (persist-vote: seed 34, build.sh LESIONS): a search runs long enough to
// be cancelled, and seeds 1–3 hold no counterexample. Should the generator
// change, pick a rule whose first breaking seed is again late.
const LATE = 'persist-vote';

const CLI = fileURLToPath(new URL('../../target/release/raftlab', import.meta.url));

const envs = [];
// Each test closes its browsers: a page left running slows every later test.
afterEach(async () => { for (const e of envs.splice(0)) await e.close(); });
async function open(hash = '') {
  const env = await openPage({ query: `nodes=${NODES}&seed=1&speed=1`, hash });
  envs.push(env);
  return env;
}

/** Counts the workers the page starts and ends (lab-search.js calls `new Worker` when a search starts). */
const countWorkers = (page) => page.evaluate(() => {
  const Real = window.Worker;
  const count = { made: 0, ended: 0 };
  window.__workers = count;
  window.Worker = class extends Real {
    constructor(...args) { super(...args); count.made++; }
    terminate() { if (!this.ended) { this.ended = true; count.ended++; } super.terminate(); }
  };
});

/** Opens "Break a rule" (unless open) and ticks `rule` (switching it off). */
async function breakRule(page, rule) {
  if (await page.locator('#rulesToggle').getAttribute('aria-expanded') !== 'true') await page.locator('#rulesToggle').click();
  await page.locator(`#rulesList input[data-rule="${rule}"]`).check();
}

test('a rule ticked in the menu is off in the engine, named in the clock bar, and recorded', async () => {
  const { page, errors } = await open();
  assert.equal(await page.locator('#rulesOff').isHidden(), true, 'every rule on: nothing in the clock bar');
  // The menu (lab-rules.js and its texts, loaded when it is first opened).
  await page.locator('#rulesToggle').click();
  await page.locator('#rulesList input[data-rule]').first().waitFor();
  assert.equal(await page.locator('#cxFind').isDisabled(), true, 'nothing to search for with every rule on');
  // Every rule has its one-line explanation, in the catalogue (not its key).
  const texts = await page.locator('#rulesList [data-rule-text]').allTextContents();
  assert.equal(texts.length, 8);
  for (const t of texts) assert.ok(t.length > 30 && !t.startsWith('rule.'), t);
  await page.evaluate(() => window.raftlabUI.setPlaying(false));
  await breakRule(page, RULE);
  const at = await page.evaluate(() => window.raftlab.eventCount()); // the change is this event
  const off = await page.evaluate(() => window.raftlab.rules().filter((r) => !r.on).map((r) => r.name));
  assert.deepEqual(off, [RULE]);
  assert.equal(await page.locator('#rulesOff').textContent(), `Rule off: ${RULE}`);
  const colour = await page.locator('#rulesOff').evaluate((e) => getComputedStyle(e).color);
  assert.equal(colour, 'rgb(179, 38, 30)', 'red (--danger)');
  assert.match(await page.evaluate(() => window.raftlab.recordedScenario()), new RegExp(`\\nrule ${RULE} off\\n`));
  assert.equal(await page.locator('#cxFind').isEnabled(), true);
  // Back in time before the change: every rule on again, in the menu and the clock bar; and forward.
  await page.evaluate((e) => { window.raftlab.seek(e - 1); window.raftlabUI.redraw(); }, at);
  assert.equal(await page.locator('#rulesOff').isHidden(), true);
  assert.equal(await page.locator(`#rulesList input[data-rule="${RULE}"]`).isChecked(), false);
  await page.evaluate((e) => { window.raftlab.seek(e); window.raftlabUI.redraw(); }, at);
  assert.equal(await page.locator('#rulesOff').textContent(), `Rule off: ${RULE}`);
  assert.equal(await page.locator(`#rulesList input[data-rule="${RULE}"]`).isChecked(), true);
  // Ticked off again: on again.
  await page.locator(`#rulesList input[data-rule="${RULE}"]`).uncheck();
  assert.equal(await page.locator('#rulesOff').isHidden(), true);
  assert.deepEqual(errors, []);
});

test('a copied link opens with the same rule off', async () => {
  const { page, errors } = await open();
  await breakRule(page, RULE);
  await page.locator('#copyLink').click();
  const link = await waitFor(page, () => document.getElementById('link').value);
  const hash = link.slice(link.indexOf('#') + 1);
  assert.match(decodeURIComponent(hash), new RegExp(`rule ${RULE} off`));
  const opened = await open(hash);
  await waitFor(opened.page, () => !document.getElementById('rulesOff').hidden);
  assert.equal(await opened.page.locator('#rulesOff').textContent(), `Rule off: ${RULE}`);
  assert.equal(await opened.page.locator(`#rulesList input[data-rule="${RULE}"]`).isChecked(), true);
  assert.deepEqual(errors, []);
  assert.deepEqual(opened.errors, []);
});

test(`Find a counterexample with ${RULE} off: the debugger stops at the violation, the invariant named`, async () => {
  const { page, errors } = await open();
  await countWorkers(page);
  await breakRule(page, RULE);
  await page.locator('#cxFind').click();
  await page.waitForSelector('#stop', { state: 'visible', timeout: 120_000 });
  const stop = await page.locator('#stopText').textContent();
  assert.match(stop, /^Safety violation at event \d+: /);
  assert.match(stop, BROKEN);
  assert.equal(await page.evaluate(() => window.raftlabUI.view.playing), false, 'paused at the violation');
  const status = await page.locator('#cxStatus').textContent();
  assert.match(status, /^Counterexample: seed \d+ broke /);
  assert.match(status, BROKEN);
  assert.match(status, new RegExp(`raftlab search --rule ${RULE}=off --nodes ${NODES}$`));
  // The shrunk scenario is in the box and is the run: it ends with its violation.
  const text = await page.locator('#scenario').inputValue();
  assert.match(text, new RegExp(`^cluster ${NODES} seed=\\d+.*\\nrule ${RULE} off\\n`));
  assert.match(text, /\nexpect violation [a-z-]+\n?$/);
  const snap = await page.evaluate(() => window.raftlab.snapshot());
  assert.ok(snap.violations.length >= 1);
  assert.equal(await page.locator('#cxProgress').isHidden(), true);
  assert.equal(await page.locator('#cxCancel').isHidden(), true);
  const workers = await page.evaluate(() => window.__workers);
  assert.ok(workers.made >= 1 && workers.made <= 4, JSON.stringify(workers));
  assert.equal(workers.ended, workers.made, 'every worker terminated');
  assert.deepEqual(errors, []);
});

test('embed.html with every control (the modules unbundled, the worker as www/lab-fuzz-worker.js) finds one too', async () => {
  const env = await openPage({ path: 'embed.html', hash: `controls=all&nodes=${NODES}&seed=1` });
  envs.push(env);
  const { page, errors } = env;
  // vote-once breaks at seed 1 (build.sh LESIONS): the unbundled path is what is tested here, not the search's reach.
  await breakRule(page, 'vote-once');
  await page.locator('#cxFind').click();
  await page.waitForSelector('#stop', { state: 'visible', timeout: 120_000 });
  assert.match(await page.locator('#stopText').textContent(), /Election Safety/);
  assert.deepEqual(errors, []);
});

test('controls=rules,clock in an embed: the menu and the clock bar, no search without the debugger and the scenario box', async () => {
  const env = await openPage({ path: 'embed.html', hash: 'controls=play,clock,rules&nodes=3' });
  envs.push(env);
  const { page, errors } = env;
  await breakRule(page, 'persist-log');
  assert.equal(await page.locator('#rulesOff').textContent(), 'Rule off: persist-log');
  assert.equal(await page.locator('#cxFind').count(), 0);
  // Lessons' controls leave the menu out: a lesson's script is not to be broken under it.
  const plain = await openPage({ path: 'embed.html', hash: 'controls=play,clock,faults&nodes=3' });
  envs.push(plain);
  assert.equal(await plain.page.locator('#rulesToggle').count(), 0);
  assert.deepEqual(errors, []);
});

test('the page finds the same counterexample as raftlab search', { skip: !fs.existsSync(CLI) && 'no release CLI (cargo build --release --bin raftlab)' }, async () => {
  // A rule broken at seed 1, so the comparison costs seconds (the search for
  // RULE, seed 13, is the test above).
  const rule = 'vote-once';
  const printed = execFileSync(CLI, ['search', '--rule', `${rule}=off`, '--nodes', String(NODES)], { encoding: 'utf8' });
  const cli = printed.slice(printed.indexOf('\n') + 1); // after the `# raftlab search ...` comment
  const { page } = await open();
  await breakRule(page, rule);
  await page.locator('#cxFind').click();
  await page.waitForSelector('#stop', { state: 'visible', timeout: 120_000 });
  assert.equal(await page.locator('#scenario').inputValue(), cli);
});

test('Cancel stops the search and its workers', async () => {
  const { page, errors } = await open();
  await countWorkers(page);
  await breakRule(page, LATE);
  const before = await page.evaluate(() => window.raftlab.eventCount());
  await page.locator('#cxFind').click();
  await waitFor(page, () => Number(document.getElementById('cxProgress').value) >= 2, undefined, 60_000);
  assert.equal(await page.locator('#cxProgress').isVisible(), true);
  assert.match(await page.locator('#cxCount').textContent(), /^Seeds tried: \d+ of 2000 \(\d workers?\)/);
  assert.equal(await page.locator('#cxCount').getAttribute('role'), null, 'the count is not read out at every seed');
  await page.locator('#cxCancel').click();
  assert.match(await page.locator('#cxStatus').textContent(), /^Search cancelled after \d+ seeds?\.$/);
  assert.equal(await page.locator('#cxCancel').isHidden(), true);
  assert.equal(await page.locator('#cxCount').isHidden(), true);
  assert.equal(await page.locator('#cxFind').isEnabled(), true);
  const workers = await page.evaluate(() => window.__workers);
  assert.ok(workers.made >= 1);
  assert.equal(workers.ended, workers.made, 'every worker terminated');
  // The run on the page went on untouched.
  assert.ok(await page.evaluate(() => window.raftlab.eventCount()) >= before);
  assert.equal(await page.locator('#rulesOff').textContent(), `Rule off: ${LATE}`);
  assert.deepEqual(errors, []);
});

test('nothing found within the budget: the panel says so, with the command line to try more seeds', async () => {
  const { page, errors } = await open();
  await countWorkers(page);
  await breakRule(page, LATE);
  await page.evaluate(() => window.raftlabUI.view.rules.find({ seeds: 3 }));
  await waitFor(page, () => /^No counterexample/.test(document.getElementById('cxStatus').textContent), undefined, 60_000);
  const status = await page.locator('#cxStatus').textContent();
  assert.match(status, new RegExp(`^No counterexample in seeds 1–3 at ${NODES} servers \\([\\d.]+ s\\)`));
  assert.match(status, new RegExp(`raftlab search --rule ${LATE}=off --nodes ${NODES} --seeds 20000$`));
  assert.equal(await page.locator('#cxProgress').isHidden(), true);
  assert.equal(await page.locator('#cxFind').isEnabled(), true);
  const workers = await page.evaluate(() => window.__workers);
  assert.equal(workers.ended, workers.made);
  assert.equal(await page.locator('#stop').isHidden(), true, 'the run on the page is left alone');
  assert.deepEqual(errors, []);
});

test('a browser that refuses a worker: the search says so and leaves no worker running', async () => {
  const { page, errors } = await open();
  await breakRule(page, RULE);
  const r = await page.evaluate(() => {
    // Four cores, so that a second worker is asked for whatever the machine.
    Object.defineProperty(navigator, 'hardwareConcurrency', { value: 4, configurable: true });
    const Real = window.Worker;
    const made = [];
    let n = 0;
    window.Worker = class extends Real {
      constructor(...args) { if (++n === 2) throw new Error('refused'); super(...args); made.push(this); this.ended = false; }
      terminate() { this.ended = true; super.terminate(); }
    };
    try {
      document.getElementById('cxFind').click();
    } finally {
      window.Worker = Real;
    }
    return { made: made.length, ended: made.filter((w) => w.ended).length };
  });
  assert.equal(await page.locator('#cxStatus').textContent(), 'The search stopped: refused');
  assert.deepEqual(r, { made: 1, ended: 1 });
  assert.equal(await page.locator('#cxFind').isEnabled(), true);
  assert.equal(await page.locator('#cxCancel').isHidden(), true);
  assert.deepEqual(errors, []);
});

test('the search API checks its arguments: TypeError for a wrong type, RangeError out of range', async () => {
  const { page } = await open();
  const thrown = await page.evaluate(async () => {
    const m = await import('./pkg/raftlab.js');
    await m.default();
    const attempt = (f) => { try { f(); return 'no error'; } catch (e) { return `${e.name}: ${e.message}`; } };
    return [
      attempt(() => m.fuzzSeed('1', 3, [])),
      attempt(() => m.fuzzSeed(1, 3, 'vote-once')),
      attempt(() => m.shrinkSeed(1, 3, [7])),
      attempt(() => m.fuzzSeed(1, 12, [])),
      attempt(() => m.fuzzSeed(-1, 3, [])),
      attempt(() => m.shrinkSeed(1, 3, ['no-such-rule'])),
      attempt(() => m.shrinkSeed(1, 3, [])),
    ];
  });
  assert.match(thrown[0], /^TypeError: fuzzSeed: 'seed' must be a number, not the string "1"/);
  assert.match(thrown[1], /^TypeError: fuzzSeed: 'rules' must be an array of rule names/);
  assert.match(thrown[2], /^TypeError: shrinkSeed: 'rules' must be an array of rule names/);
  assert.match(thrown[3], /^RangeError: fuzzSeed: 'nodes'/);
  assert.match(thrown[4], /^RangeError: fuzzSeed: 'seed'/);
  assert.match(thrown[5], /^RangeError: shrinkSeed: unknown rule "no-such-rule": expected one of: commit-current-term, /);
  assert.match(thrown[6], /^Error: shrinkSeed: seed 1 breaks no safety invariant/);
});

// The search itself (www/lab-search.js), run in the page with small seed ranges.
const search = (page, options) => page.evaluate(async (o) => {
  const { CounterexampleSearch } = await import('./lab-search.js');
  const made = [];
  const Real = window.Worker;
  window.Worker = class extends Real {
    constructor(...args) { super(...args); made.push(this); this.ended = false; }
    terminate() { this.ended = true; super.terminate(); }
  };
  try {
    const progress = [];
    const result = await new Promise((resolve) => {
      new CounterexampleSearch({
        ...o,
        on: {
          progress: (tried, total) => progress.push([tried, total]),
          shrinking: () => {},
          found: (found) => resolve({ found }),
          none: (tried) => resolve({ none: tried }),
          failed: (message) => resolve({ failed: message }),
        },
      });
    });
    return { ...result, progress, workers: made.length, ended: made.filter((w) => w.ended).length };
  } finally {
    window.Worker = Real;
  }
}, options);

test('the search reports the lowest breaking seed of its range, whichever worker finishes first', async () => {
  const { page } = await open();
  // vote-up-to-date first breaks at seed 6 at 3 nodes (build.sh LESIONS); four workers race over 3..10.
  const r = await search(page, { nodes: 3, rules: ['vote-up-to-date'], start: 3, seeds: 8, workers: 4 });
  assert.equal(r.found?.seed, 6, JSON.stringify(r));
  assert.equal(r.found.tried, 4, 'seeds 3 to 6');
  assert.match(r.found.scenario, /\nrule vote-up-to-date off\n[\s\S]*\nexpect violation [a-z-]+\n$/);
  assert.equal(r.ended, r.workers, 'every worker terminated');
});

test('a search that finds nothing in its range says so, its workers terminated', async () => {
  const { page } = await open();
  const r = await search(page, { nodes: 3, rules: [LATE], start: 1, seeds: 3, workers: 2 });
  assert.equal(r.none, 3, JSON.stringify(r));
  assert.deepEqual(r.progress.map(([t]) => t), [1, 2, 3]);
  assert.equal(r.workers, 2);
  assert.equal(r.ended, 2);
  // A worker's error ends the search with its message (a rule the engine does not know).
  const bad = await search(page, { nodes: 3, rules: ['no-such-rule'], start: 1, seeds: 3, workers: 1 });
  assert.match(bad.failed, /^seed 1: fuzzSeed: unknown rule "no-such-rule"/);
  assert.equal(bad.ended, bad.workers);
});
