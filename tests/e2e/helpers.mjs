// Shared by the end-to-end tests: a static server for www/ and headless
// Chromium through playwright-core (the system browser; nothing is downloaded).
import { chromium } from 'playwright-core';
import { serve } from './serve.mjs';

export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--no-first-run',
];

export function launch() {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}

/**
 * Starts a server and a browser, opens the page (`path` under www/, default
 * index.html; query: a URL query string; hash: the part after #) and
 * records every console error and page error in `errors`. `ready` is the
 * page function to wait for (default: window.raftlab exists). The
 * first-visit tour is marked as seen unless `tour` is true; `context` adds
 * browser context options (locale, hasTouch, isMobile, ...).
 */
export async function openPage({
  path = '', query = '', hash = '', viewport = { width: 1280, height: 900 }, media, tour = false, context: extra = {},
  ready = () => window.raftlab && window.raftlab.snapshot,
} = {}) {
  const server = await serve();
  const browser = await launch();
  const context = await browser.newContext({ viewport, deviceScaleFactor: 1, ...extra });
  if (!tour) await context.addInitScript(() => { try { localStorage.setItem('raftlab-tour', 'done'); } catch { /* opaque origin */ } });
  const page = await context.newPage();
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  if (media) await page.emulateMedia(media);
  await page.goto(server.url + path + (query ? `?${query}` : '') + (hash ? `#${hash}` : ''));
  await page.waitForFunction(ready, null, { timeout: 20_000 });
  const close = async () => { await browser.close(); await server.close(); };
  return { page, errors, close, url: server.url };
}

/** Polls `fn` in the page until it returns a truthy value; returns that value. */
export async function waitFor(page, fn, arg, timeout = 20_000) {
  const handle = await page.waitForFunction(fn, arg, { timeout, polling: 50 });
  return handle.jsonValue();
}

export const snapshot = (page) => page.evaluate(() => window.raftlab.snapshot());

/** Waits until a leader has been elected and returns its id. */
export const waitLeader = (page, timeout) => waitFor(page, () => window.raftlab.snapshot().leader ?? false, undefined, timeout);
