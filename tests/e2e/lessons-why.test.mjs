// The "why" of every decision in the learner's language (docs/why.md,
// www/lab-why.js): every reason the engine can give has its template in
// both catalogues, with exactly its arguments; the English template gives
// the engine's own sentence; every section a reason names has its rule's
// explanation in both languages; and on the page, the feed and the event
// panel show the reasons, in Korean on a Korean page, each opening its rule.
import { test, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { openPage, waitFor, waitLeader } from './helpers.mjs';
import enCore from '../../www/i18n/en.js';
import koCore from '../../www/i18n/ko.js';
import enMore from '../../www/i18n/en-more.js';
import koMore from '../../www/i18n/ko-more.js';
import { CATALOGUES, translator } from '../../www/i18n.js';
import { SECTIONS, whyArgs, whyText } from '../../www/lab-why.js';

const ROOT = new URL('../../', import.meta.url);
const read = (path) => fs.readFileSync(new URL(path, ROOT), 'utf8');

/** docs/why.md's rows: {key, args: [{name, nodes}], template}. */
function documented() {
  const rows = [];
  for (const line of read('docs/why.md').split('\n')) {
    const m = /^\| `([a-z_.]+)` \| (.*) \| (.*) \|$/.exec(line);
    if (!m) continue;
    const args = [...m[2].matchAll(/`(\w+)`( \(node list\))?/g)].map((a) => ({ name: a[1], nodes: !!a[2] }));
    rows.push({ key: m[1], args, template: m[3] });
  }
  return rows;
}

/** Example arguments for a row: distinct numbers, a list of servers, a rule's name. */
function example(row, n) {
  const args = {};
  row.args.forEach((a, i) => { args[a.name] = a.nodes ? [1, 2, 4] : a.name === 'rule' ? 'persist-vote' : n + i; });
  return args;
}

/** docs/why.md's English template filled as the engine writes it. */
function fill(template, args) {
  return template.replace(/\{(\w+)(?::(\w+))?\}/g, (whole, name, form) => {
    const v = args[name];
    if (form === 'nodes') return v.map((id) => `S${id}`).join(', ');
    if (form === 'entries') return v === 1 ? '1 entry' : `${v} entries`;
    return String(v);
  });
}

test('every reason of docs/why.md is in both catalogues, showing the arguments the engine\'s sentence shows', () => {
  const rows = documented();
  assert.ok(rows.length >= 27, `${rows.length} reasons documented`);
  // The engine's keys are exactly the documented ones (src/view/why/tests.rs tests that the docs are complete).
  const engine = [...read('src/view/why/keys.rs').matchAll(/\(\s*"([a-z_.]+)",\s*"(\d+(?:\.\d+)*|figure-2)"/g)].map((m) => m[1]);
  // Keys chosen at run time (by the rule lost, by the reader's role).
  const restarts = ['restart.lost.term', 'restart.lost.vote', 'restart.lost.log', 'read.local.leader', 'read.local.candidate',
    'read.local.follower'];
  assert.deepEqual([...new Set([...engine, ...restarts])].sort(), rows.map((r) => r.key).sort());
  for (const row of rows) {
    for (const [lang, cat] of [['en', enCore], ['ko', koCore]]) {
      const text = cat[`why.${row.key}`];
      assert.ok(text, `why.${row.key} is missing from ${lang}.js`);
      // The same arguments as the engine's English sentence, all of them documented.
      const used = [...new Set([...text.matchAll(/\{(\w+)[}:]/g)].map((m) => m[1]))].sort();
      const shown = [...new Set([...row.template.matchAll(/\{(\w+)[}:]/g)].map((m) => m[1]))].sort();
      assert.deepEqual(used, shown, `${lang} why.${row.key}`);
      for (const name of used) assert.ok(row.args.some((x) => x.name === name), `${row.key}: ${name} is documented`);
      assert.match(text, /§\d+(\.\d+)*|Figure 2|그림 2/, `${lang} why.${row.key} names its rule`);
    }
  }
});

test('the English templates give the engine\'s own sentences', () => {
  const t = translator('en');
  for (const row of documented()) {
    for (const n of [1, 3]) {
      const args = example(row, n);
      const why = { key: row.key, args, text: 'unused', section: '5.2' };
      // The docs write ’ as '; the catalogues use typographic apostrophes.
      assert.equal(whyText(t, why).replaceAll('’', "'"), fill(row.template, args), row.key);
    }
  }
  // A reason the catalogue does not know yet falls back to the engine's English.
  assert.equal(whyText(t, { key: 'new.reason', args: {}, text: 'S1 did something' }), 'S1 did something');
  assert.deepEqual(whyArgs({ votes: [1, 3], term: 4 }), { votes: 'S1, S3', term: 4 });
});

test('every section a reason names has its rule explained in both languages', () => {
  const sections = [...new Set([...read('src/view/why/keys.rs').matchAll(/"(5\.\d(?:\.\d)?|figure-2)"/g)].map((m) => m[1]))];
  for (const s of sections) assert.ok(SECTIONS.includes(s), `section ${s}`);
  for (const s of SECTIONS) {
    for (const [lang, cat] of [['en', enMore], ['ko', koMore]]) {
      assert.ok(cat[`rule.${s}`], `${lang} rule.${s}`);
      assert.ok(cat[`rule.${s}.text`]?.length > 200, `${lang} rule.${s}.text`);
    }
  }
  assert.ok(CATALOGUES.en);
});

let envs = [];
// Each test closes its browsers: a page left running slows every later test.
afterEach(async () => { for (const e of envs.splice(0)) await e.close(); });

test('the feed and the event panel show each decision\'s reason, in Korean on a Korean page, and open its rule', async () => {
  for (const lang of ['en', 'ko']) {
    const env = await openPage({ query: `speed=1&lang=${lang}` });
    envs.push(env);
    const { page, errors } = env;
    await waitLeader(page);
    await waitFor(page, () => document.querySelector('#feed button.why'));
    const why = await page.locator('#feed button.why').first().textContent();
    assert.match(why, lang === 'en' ? /^S\d became candidate of term \d+: its election timer fired/ : /^S\d: 임기 \d+의 후보자가 됨\./);
    // Paused after a vote: the event panel lists the event's reasons.
    await page.evaluate(() => { window.raftlabUI.setPlaying(false); window.raftlab.timeout(1); window.raftlabUI.redraw(); });
    // Step until an event with a reason is shown (a timer's event has none).
    for (let i = 0; i < 30 && !(await page.locator('#moment button.why').count()); i++) {
      await page.click('#step');
      await page.waitForSelector('#moment button.why', { timeout: 300 }).catch(() => null);
    }
    const reason = page.locator('#moment button.why').first();
    // The first reason is an election's (§5.x) or, since heartbeats carry the commit index, a follower's commit (Figure 2).
    assert.match(await reason.textContent(), /§5\.\d|Figure 2|그림 2/);
    await reason.click();
    await page.waitForSelector('dialog.rule[open]');
    assert.match(await page.locator('dialog.rule').textContent(), lang === 'en' ? /The Raft paper/ : /Raft 논문/);
    await page.keyboard.press('Escape');
    assert.deepEqual(errors, []);
  }
});
