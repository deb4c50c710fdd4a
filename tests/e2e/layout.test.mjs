// The page at every size: no visible control overlaps another control or a
// canvas, every control can be scrolled to and clicked (nothing covers it),
// nothing makes the page scroll sideways; on a phone the run goes on while
// the learner scrolls down to the client panels.
import { test, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { openPage, waitFor, waitLeader } from './helpers.mjs';

const README_EMBED = 'controls=play,step,faults&paused&s=cluster%205%20seed%3D7%0Arun%20until%20leader';

let envs = [];
// Each test closes its browsers: a page left running slows every later test.
afterEach(async () => { for (const e of envs.splice(0)) await e.close(); });
const open = async (opts) => { const e = await openPage(opts); envs.push(e); return e; };

/**
 * What is wrong with the layout under `root`: overlapping controls, controls
 * that cannot be reached (scrolled to and hit at their centre), and a page
 * wider than the window.
 */
const problems = (page, root = 'body') => page.evaluate(async (sel) => {
  const CONTROLS = 'button, input:not([type="hidden"]), select, textarea, canvas, [tabindex="0"], a[href]';
  const shown = (e) => {
    if (e.closest('[hidden], dialog:not([open])')) return false;
    const s = getComputedStyle(e);
    return e.getClientRects().length > 0 && s.visibility !== 'hidden' && s.display !== 'none' && Number(s.opacity) > 0;
  };
  const rootEl = document.querySelector(sel);
  const controls = [...rootEl.querySelectorAll(CONTROLS)].filter(shown);
  const name = (e) => e.id ? `#${e.id}` : `${e.tagName.toLowerCase()}${e.dataset.bp ? `[${e.dataset.bp}]` : ''}(${(e.textContent || e.getAttribute('aria-label') || '').trim().slice(0, 20)})`;
  const out = [];
  // Overlaps, in page coordinates (scrolling moves every box alike, except
  // inside scrolled panels, so compare within the same scroll container).
  const box = (e) => e.getBoundingClientRect();
  const scroller = (e) => {
    for (let p = e.parentElement; p; p = p.parentElement) {
      const s = getComputedStyle(p);
      if (/(auto|scroll)/.test(s.overflowY) && p.scrollHeight > p.clientHeight) return p;
    }
    return null;
  };
  for (let i = 0; i < controls.length; i++) {
    for (let j = i + 1; j < controls.length; j++) {
      const [a, b] = [controls[i], controls[j]];
      if (a.contains(b) || b.contains(a) || scroller(a) !== scroller(b)) continue;
      const [r, s] = [box(a), box(b)];
      const w = Math.min(r.right, s.right) - Math.max(r.left, s.left);
      const h = Math.min(r.bottom, s.bottom) - Math.max(r.top, s.top);
      if (w > 1 && h > 1) out.push(`${name(a)} overlaps ${name(b)} (${Math.round(w)}x${Math.round(h)})`);
    }
  }
  // Reachable: scrolled into view, the control itself is what a click hits.
  for (const c of controls) {
    // A feed line (and the reason button in it) scrolled out of the feed meanwhile is gone, not unreachable;
    // a control hidden meanwhile (the search's Cancel once it ends) is not drawn at all.
    if (!c.isConnected || c.getClientRects().length === 0) continue;
    c.scrollIntoView({ block: 'center', inline: 'center' });
    await new Promise((r) => requestAnimationFrame(r));
    const r = box(c);
    const [x, y] = [r.left + Math.min(r.width / 2, 20), r.top + r.height / 2];
    if (r.width < 8 || r.height < 8) { out.push(`${name(c)} is ${Math.round(r.width)}x${Math.round(r.height)}`); continue; }
    if (x < 0 || y < 0 || x >= innerWidth || y >= innerHeight) { out.push(`${name(c)} cannot be scrolled into the window`); continue; }
    const hit = document.elementFromPoint(x, y);
    const label = hit && hit.closest('label');
    if (!hit || !(c === hit || c.contains(hit) || (label && label.contains(c)))) out.push(`${name(c)} is covered by ${hit ? name(hit) : 'nothing'}`);
  }
  window.scrollTo(0, 0);
  if (document.documentElement.scrollWidth > innerWidth + 1) out.push(`the page is ${document.documentElement.scrollWidth} px wide in a ${innerWidth} px window`);
  return { out, count: controls.length };
}, root);

async function check(opts, min) {
  const env = await open({ ...opts, ready: opts.ready || (() => window.raftlab && window.raftlab.snapshot && document.querySelector('#cluster')?.width > 1) });
  await env.page.waitForTimeout(300);
  const { out, count } = await problems(env.page);
  assert.ok(count >= min, `${count} controls found, expected at least ${min}`);
  assert.deepEqual(out, [], `${JSON.stringify(opts.viewport)} ${opts.path || 'index.html'}`);
  assert.deepEqual(env.errors, []);
  return env;
}

for (const [width, height] of [[1024, 768], [1280, 800], [1920, 1080]]) {
  test(`index.html at ${width}x${height}: no overlaps, every control reachable`, async () => {
    await check({ viewport: { width, height } }, 50);
  });
}

test('index.html at 390x844 on a touch phone: no overlaps, every control reachable, time runs while scrolled to the bottom', async () => {
  const env = await check({ viewport: { width: 390, height: 844 }, query: 'speed=1', context: { hasTouch: true, isMobile: true } }, 50);
  const { page } = env;
  await waitLeader(page);
  // The learner scrolls down to the client panel and sends a put: it commits.
  await page.locator('#key').scrollIntoViewIfNeeded();
  await page.fill('#key', 'scrolled');
  await page.click('#submit');
  await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
  const t0 = await page.evaluate(() => window.raftlab.nowMs());
  await page.waitForTimeout(2000);
  const t1 = await page.evaluate(() => window.raftlab.nowMs());
  assert.ok(t1 - t0 > 500, `virtual time advanced ${t1 - t0} ms in 2 s at the bottom of the page`);
  await waitFor(page, () => [...document.querySelectorAll('#ops li.done')].some((li) => li.textContent.includes('scrolled')));
  assert.ok(await page.evaluate(() => window.scrollY > 500), 'still scrolled down');
});

test('README\'s iframe: embed.html at 720x480 with play, step and faults', async () => {
  const env = await check({ path: 'embed.html', hash: README_EMBED, viewport: { width: 720, height: 480 } }, 12);
  // "Isolate leader" works from the frame.
  await env.page.evaluate(() => window.raftlab.advance(500));
  await env.page.click('#isolate');
  const part = await env.page.evaluate(() => window.raftlab.snapshot().partition);
  assert.equal(new Set(part).size, 2, `partitioned: ${part}`);
});

for (const [path, hash, width, height] of [['embed.html', '', 480, 320], ['embed.html', README_EMBED, 480, 320],
  ['embed.html', 'controls=all', 800, 600], ['embed.html', 'controls=play,step,timeline,log,feed&nodes=9', 480, 360]]) {
  test(`${path}#${hash.slice(0, 24)} at ${width}x${height}: no overlaps, every control reachable`, async () => {
    await check({ path, hash, viewport: { width, height } }, 3);
  });
}

test('every width from 320 to 2560 px: no overlaps, nothing wider than the window', async () => {
  const env = await open({ viewport: { width: 320, height: 700 }, ready: () => window.raftlab && window.raftlab.snapshot });
  for (const width of [320, 375, 480, 600, 768, 900, 1100, 1440, 2560]) {
    await env.page.setViewportSize({ width, height: width < 800 ? 800 : Math.round(width * 0.6) });
    await env.page.waitForTimeout(150);
    const { out } = await problems(env.page);
    assert.deepEqual(out, [], `at ${width} px`);
  }
  assert.deepEqual(env.errors, []);
});

test('presentation mode: larger type and nodes, nothing overlaps', async () => {
  const env = await open({ viewport: { width: 1920, height: 1080 } });
  const { page } = env;
  const logBefore = await page.evaluate(() => document.getElementById('logWrap').getBoundingClientRect().height);
  await page.click('#present');
  assert.equal(await page.getAttribute('#present', 'aria-pressed'), 'true');
  assert.equal(await page.evaluate(() => getComputedStyle(document.getElementById('app')).fontSize), '18px');
  const logAfter = await page.evaluate(() => document.getElementById('logWrap').getBoundingClientRect().height);
  assert.ok(logAfter > logBefore * 1.4, `the log grid grows for 16 px+ text: ${logBefore} -> ${logAfter}`);
  const { out } = await problems(page);
  assert.deepEqual(out, []);
  assert.deepEqual(env.errors, []);
});

test('"Break a rule" open, two rules off in the clock bar and a search running: nothing overlaps at any width', async () => {
  const env = await open({ viewport: { width: 1280, height: 800 }, query: 'nodes=3' });
  const { page } = env;
  await page.click('#rulesToggle');
  // Together these two first break at seed 34 at 3 nodes: the search runs on while the widths change.
  await page.check('#rulesList input[data-rule="commit-current-term"]');
  await page.check('#rulesList input[data-rule="persist-vote"]');
  // One worker, so that the page's own thread keeps a core on this 2-core machine.
  await page.evaluate(() => Object.defineProperty(navigator, 'hardwareConcurrency', { value: 1, configurable: true }));
  await page.click('#cxFind');
  await page.waitForSelector('#cxCancel', { state: 'visible' });
  for (const width of [320, 390, 768, 1024, 1280, 1920]) {
    await page.setViewportSize({ width, height: width < 800 ? 800 : Math.round(width * 0.6) });
    await page.waitForTimeout(150);
    const { out } = await problems(page);
    assert.deepEqual(out, [], `at ${width} px`);
  }
  if (await page.locator('#cxCancel').isVisible()) await page.click('#cxCancel');
  assert.deepEqual(env.errors, []);
});
