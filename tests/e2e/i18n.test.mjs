// English and Korean: both message catalogues hold the same keys; every key
// the page, the engine (src/view/phrase.rs) and the "why" reasons
// (docs/why.md) use is in them; the Korean page shows Korean throughout; the
// language comes from a link, an attribute, the browser, or the menu (and is
// remembered).
import { test, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { openPage, waitFor, waitLeader } from './helpers.mjs';
import enCore from '../../www/i18n/en.js';
import koCore from '../../www/i18n/ko.js';
import enMore from '../../www/i18n/en-more.js';
import koMore from '../../www/i18n/ko-more.js';
import { LEGEND, TOUR } from '../../www/lab-learn.js';
import { LIBRARY } from '../../www/lab-library.js';
import { BREAKPOINTS, KEYS } from '../../www/lab-template.js';

const ROOT = new URL('../../', import.meta.url);
const read = (path) => fs.readFileSync(new URL(path, ROOT), 'utf8');
// Each language's catalogue: its core (with the page) and its *-more part
// (loaded with the legend, the help and the lessons' descriptions).
const en = { ...enCore, ...enMore };
const ko = { ...koCore, ...koMore };
const CATALOGUES = { en, ko };
// Where a language words a text around another argument than English does.
const OWN_ARGUMENTS = { 'stop.at': ['kind', 'kindName'] };

// The arguments a text shows, and those it uses only to pick a plural form
// (which a language without plurals, like Korean, leaves out).
const plain = (text) => [...new Set([...text.replace(/\{\w+:[^{}|]*\|(?:[^{}]|\{\w+\})*\}/g, '').matchAll(/\{(\w+)\}/g)].map((m) => m[1]))].sort();
const plural = (text) => [...text.matchAll(/\{(\w+):/g)].map((m) => m[1]);

test('both catalogues have the same keys, no empty text, and the same arguments', () => {
  assert.deepEqual(Object.keys(koCore).sort(), Object.keys(enCore).sort());
  assert.deepEqual(Object.keys(koMore).sort(), Object.keys(enMore).sort());
  assert.equal(Object.keys(en).length, Object.keys(enCore).length + Object.keys(enMore).length, 'no key in both parts');
  for (const [lang, cat] of Object.entries(CATALOGUES)) {
    for (const [key, text] of Object.entries(cat)) {
      assert.equal(typeof text, 'string', `${lang} ${key}`);
      assert.ok(text.trim(), `${lang} ${key} is empty`);
    }
  }
  for (const key of Object.keys(en)) {
    const own = OWN_ARGUMENTS[key] || [];
    const strip = (list) => list.filter((x) => !own.includes(x));
    const [a, b] = [plain(en[key]), plain(ko[key])];
    const counted = [...plural(en[key]), ...plural(ko[key])];
    const missing = strip(a).filter((x) => !b.includes(x) && !counted.includes(x));
    const extra = strip(b).filter((x) => !a.includes(x) && !counted.includes(x));
    assert.deepEqual([missing, extra], [[], []], `arguments of ${key}: en ${a} ko ${b}`);
  }
  // The canvas labels are templates the engine fills: one {} each.
  for (const key of ['canvas.term', 'canvas.termShort', 'canvas.voted']) {
    for (const cat of [en, ko]) assert.equal(cat[key].split('{}').length, 2, key);
  }
});

/** Every catalogue key the page's modules name, literally or through their tables. */
function pageKeys() {
  const keys = new Set();
  const files = fs.readdirSync(new URL('www/', ROOT)).filter((f) => f.endsWith('.js'));
  assert.ok(files.length > 10);
  for (const f of files) {
    const s = read(`www/${f}`);
    for (const m of s.matchAll(/\b(?:t|tr|v\.t|this\.t|phrase|PhraseError|btn\(p, '\w+'|titled)\(?\s*'([a-z]+(?:\.[\w-]+)*)'/g)) keys.add(m[1]);
    for (const m of s.matchAll(/data-tm?(?:-[\w-]+)?="([\w.-]+)"/g)) keys.add(m[1]);
    for (const m of s.matchAll(/(?:errorIntro|errorOutro): '([\w.]+)'/g)) keys.add(m[1]);
  }
  for (const [, rows] of LEGEND) for (const [glyph, key] of rows) { keys.add(key); if (!glyph) keys.add(`${key}.sign`); }
  for (const [title] of LEGEND) keys.add(title);
  for (const [key] of TOUR) { keys.add(key); keys.add(`${key}.title`); }
  for (const [group, names] of LIBRARY) { keys.add(group); for (const n of names) { keys.add(`lib.${n}`); keys.add(`lib.${n}.about`); } }
  for (const [, key] of BREAKPOINTS) keys.add(key);
  for (const [k, key] of KEYS) { keys.add(key); if (k.key) keys.add(k.key); }
  for (const b of ['violation', 'deliver']) keys.add(`bp.${b}`);
  for (const r of ['follower', 'candidate', 'leader', 'crashed']) keys.add(`role.${r}`);
  for (const c of ['term', 'termShort', 'voted', 'votedNone', 'crashed', 'client', 'leader', 'noQuorum']) keys.add(`canvas.${c}`);
  // "Break a rule" explains each rule the engine lists (src/raft/rules.rs, Rule::name).
  const rules = read('src/raft/rules.rs');
  const names = rules.slice(rules.indexOf('pub fn name(self)'), rules.indexOf('pub fn from_name'));
  const ruleNames = [...names.matchAll(/=> "([a-z-]+)"/g)].map((m) => m[1]);
  assert.equal(ruleNames.length, 8, `rule names in rules.rs: ${ruleNames}`);
  for (const n of ruleNames) keys.add(`rule.${n}`);
  return keys;
}

test('every key the page uses is in both catalogues', () => {
  const keys = pageKeys();
  assert.ok(keys.size > 300, `found ${keys.size} keys`);
  for (const key of keys) {
    assert.ok(key in en, `${key} is missing from en.js`);
    assert.ok(key in ko, `${key} is missing from ko.js`);
  }
});

test('every phrase key of the engine (src/view/phrase.rs) and of docs/why.md is in both catalogues', () => {
  const src = read('src/view/phrase.rs');
  const list = src.slice(src.indexOf('pub const KEYS'), src.indexOf('];', src.indexOf('pub const KEYS')));
  const keys = [...list.matchAll(/"([\w.]+)"/g)].map((m) => m[1]);
  assert.ok(keys.length > 40, `found ${keys.length} keys in phrase.rs`);
  // Every key the Rust code emits is listed in KEYS (src/view/phrase.rs tests the other half).
  for (const m of src.matchAll(/(?:Phrase::(?:new|with)|node|link|code)\("([\w.]+)"/g)) assert.ok(keys.includes(m[1]), `${m[1]} not in KEYS`);
  for (const m of read('src/view/feed.rs').matchAll(/Phrase::(?:new|with)\("([\w.]+)"/g)) keys.push(m[1]);
  const why = new URL('docs/why.md', ROOT);
  if (fs.existsSync(why)) {
    for (const m of fs.readFileSync(why, 'utf8').matchAll(/`(why\.[\w.-]+)`/g)) keys.push(m[1]);
  }
  for (const key of keys) {
    assert.ok(key in en, `${key} is missing from en.js`);
    assert.ok(key in ko, `${key} is missing from ko.js`);
  }
});

// ---------- the page in Korean ----------

// Words that stay as they are in Korean text: the paper's names of messages
// and fields, commands of the scenario language (with the read modes and a rule name), units, names.
const KEEP = new Set(('Raft Lab RequestVote RequestVoteReply AppendEntries AppendEntriesReply ClientRequest ClientReply ' +
  'currentTerm votedFor commitIndex lastApplied nextIndex matchIndex noop put get del list quorum term etcd Figure ' +
  'English Delete Enter Shift Space Esc Home End PNG JSON txt ms seed leader cluster run until committed crash expect value ' +
  'violations within PreVote PreVoteReply TimeoutNow CheckQuorum prevote checkquorum transfer ReadIndex log index lease local '
  + 'InstallSnapshot InstallSnapshotReply '
  // The rule the test below switches off, as the feed writes it (rule persist-log off).
  + 'persist').split(' '));

/** English-looking words in the visible text of `root` (a selector), its labels and titles. */
const englishWords = (page, selector) => page.evaluate(([sel, keep]) => {
  const root = document.querySelector(sel);
  const words = [];
  const visible = (e) => e.getClientRects().length > 0 && getComputedStyle(e).visibility !== 'hidden';
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const p = n.parentElement;
    if (!p || !visible(p) || p.closest('textarea, script, style, .mono, .feed .t, option')) continue;
    words.push(...n.textContent.split(/[^A-Za-z]+/));
  }
  for (const e of root.querySelectorAll('[aria-label], [title]')) {
    for (const a of ['aria-label', 'title']) if (e.getAttribute(a)) words.push(...e.getAttribute(a).split(/[^A-Za-z]+/));
  }
  for (const o of root.querySelectorAll('select:not(#lang) option')) words.push(...o.textContent.split(/[^A-Za-z]+/));
  return [...new Set(words.filter((w) => w.length > 2 && !keep.includes(w)))];
}, [selector, [...KEEP]]);

let open = [];
// Each test closes its browsers: a page left running slows every later test.
afterEach(async () => { for (const e of open.splice(0)) await e.close(); });
const page = async (opts) => { const e = await openPage(opts); open.push(e); return e; };

test('index.html?lang=ko shows Korean throughout: bar, panels, feed, dialogs, a stop', async () => {
  const { page: p, errors } = await page({ query: 'lang=ko&speed=1', viewport: { width: 1280, height: 900 } });
  assert.equal(await p.getAttribute('html', 'lang'), 'ko');
  await waitLeader(p);
  await waitFor(p, () => document.getElementById('feed').children.length > 3);
  // A stop: its banner is formatted from the engine's phrase.
  await p.evaluate(() => { window.raftlab.setBreakpoints(['leader-elected']); window.raftlab.timeout(window.raftlab.snapshot().leader); });
  await waitFor(p, () => !document.getElementById('stop').hidden);
  assert.match(await p.locator('#stopText').textContent(), /리더/);
  await p.evaluate(() => window.raftlabUI.selectNode(1));
  await p.click('#crash');
  // "Break a rule" open, a rule off (named in the clock bar).
  await p.click('#rulesToggle');
  await p.check('#rulesList input[data-rule="persist-log"]');
  assert.match(await p.locator('#rulesOff').textContent(), /^꺼진 규칙: persist-log$/);
  assert.deepEqual(await englishWords(p, '#app'), []);
  assert.match(await p.locator('#quorum').textContent(), /과반수/);
  for (const [button, dialog] of [['#legendBtn', '#legend'], ['#helpBtn', '#help']]) {
    await p.click(button);
    await p.waitForSelector(`${dialog}[open]`);
    assert.deepEqual(await englishWords(p, dialog), [], dialog);
    await p.keyboard.press('Escape');
  }
  assert.deepEqual(errors, []);
});

test('the language menu switches in place, the run goes on, and the choice is remembered', async () => {
  const { page: p, errors } = await page({ query: 'speed=1' });
  assert.equal(await p.locator('#play').textContent(), 'Pause');
  const before = await p.evaluate(() => window.raftlab.eventCount());
  await p.selectOption('#lang', 'ko');
  await waitFor(p, () => document.getElementById('play').textContent === '일시정지');
  assert.ok(await p.evaluate(() => window.raftlab.eventCount()) >= before, 'the same run');
  assert.match(p.url(), /lang=ko/);
  await waitFor(p, (n) => window.raftlab.eventCount() > n, before);
  // A copied link opens in the language it was copied in.
  await p.click('#copyLink');
  await waitFor(p, () => /index\.html\?(.*&)?lang=ko(&.*)?#v=1&/.test(document.getElementById('link').value) || /\/\?(.*&)?lang=ko(&.*)?#v=1&/.test(document.getElementById('link').value));
  // A reload without lang=: the remembered choice.
  await p.goto(p.url().replace(/[?&]lang=ko/, ''));
  await waitFor(p, () => window.raftlab && document.getElementById('play').textContent === '일시정지');
  assert.deepEqual(errors, []);
});

test('the browser language is the default; lang= in embed.html and on <raft-lab>', async () => {
  const browserKo = await page({ context: { locale: 'ko-KR' } });
  assert.equal(await browserKo.page.locator('#play').textContent(), '일시정지');
  const embed = await page({ path: 'embed.html', hash: 'lang=ko&controls=play,step,faults' });
  assert.equal(await embed.page.locator('#crash').textContent(), '다운시키기');
  assert.equal(await embed.page.getAttribute('html', 'lang'), 'ko');
  const bad = await page({ path: 'embed.html', hash: 'lang=xx' });
  assert.match(await bad.page.locator('#startErrorText').textContent(), /lang must be en or ko, not 'xx'/);
  const demo = await page({ path: 'demo.html', ready: () => document.getElementById('lab-crash')?.sim });
  await demo.page.evaluate(() => {
    const e = document.createElement('raft-lab');
    e.id = 'ko';
    e.setAttribute('lang', 'ko');
    e.setAttribute('controls', 'play,step');
    document.querySelector('main').prepend(e);
  });
  await waitFor(demo.page, () => document.getElementById('ko').sim);
  assert.equal(await demo.page.locator('#ko').locator('#step').textContent(), '한 단계');
  assert.equal(await demo.page.locator('#lab-crash').locator('#step').textContent(), 'Step', 'the others keep English');
  for (const e of [browserKo, embed, bad, demo]) assert.deepEqual(e.errors, []);
});

// The engine's own sentences: a parse error (with its LINE:COLUMN and the
// offending word) and a violation's detail come as phrases the page words in
// its language, the English of the CLI staying as it was.
test('on the Korean page a malformed scenario and a violation read in Korean', async () => {
  const { page: p, errors } = await page({ query: 'lang=ko&speed=1' });
  await p.fill('#scenario', 'cluster 3 seed=1\nrun until leader\nfrobnicate 7\n');
  await p.click('#loadScenario');
  // Worded in Korean once the parse errors' texts (ko-more.js, loaded on demand) are there.
  await waitFor(p, () => /[가-힣]/.test(document.getElementById('scenarioError').textContent));
  assert.equal(await p.locator('#scenarioError').textContent(),
    "3:1: 'frobnicate'은(는) 이 자리에 올 수 없습니다. 필요한 것: 다음 중 하나: run, step, crash, restart, timeout, " +
    'transfer, snapshot, partition, cut, uncut, heal, drop, duplicate, put, get, del, list, client, break, unbreak, rule, ' +
    'expect, show, etcdctl, kubectl, fail, restore, isolate');
  // A missing word, and an expectation with arguments of its own.
  await p.fill('#scenario', 'cluster 3\ncrash   # which one?\n');
  await p.click('#loadScenario');
  assert.equal(await p.locator('#scenarioError').textContent(), "2:6: 단어가 빠졌습니다. 필요한 것: 노드 번호 1..3 또는 'leader'");
  await p.fill('#scenario', 'cluster 3\nrun 5\n');
  await p.click('#loadScenario');
  assert.equal(await p.locator('#scenarioError').textContent(),
    "2:5: '5'은(는) 이 자리에 올 수 없습니다. 필요한 것: 300ms, 1.5s, 20us 같은 시간 길이");
  // The shrunk counterexample of tests/scenarios/found/vote-once-off.txt:
  // with the vote-once rule off, two leaders in one term.
  const found = read('tests/scenarios/found/vote-once-off.txt').replace(/^expect .*$/m, '');
  await p.fill('#scenario', found);
  await p.click('#loadScenario');
  assert.equal(await p.locator('#scenarioError').textContent(), '');
  await p.evaluate(() => window.raftlab.setBreakpoints(['violation']));
  await waitFor(p, () => !document.getElementById('stop').hidden);
  const stop = await p.locator('#stopText').textContent();
  assert.match(stop, /안전성 위반: 선거 안전성\(Election Safety\) 위반: 노드 \d, 노드 \d 모두 임기 \d+의 리더였음/);
  const feed = await p.locator('#feed').textContent();
  assert.match(feed, /노드 \d, 노드 \d 모두 임기 \d+의 리더였음/);
  assert.doesNotMatch(stop + feed, /were both leader|unexpected|expected/);
  // The invariant keeps its name from the paper beside the Korean one: 선거 안전성(Election Safety).
  assert.deepEqual((await englishWords(p, '#stop')).filter((w) => !['Election', 'Safety'].includes(w)), []);
  assert.deepEqual(errors, []);
});
