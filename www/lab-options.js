// Options of a Raft Lab view, read from a URL hash (index.html, embed.html)
// or from the attributes of <raft-lab>. Everything here is text in, plain
// data out, with an error message for every value that cannot be used: a
// bad option never stops the page, it is reported and left out. Errors
// are phrases ({key, args}), shown in the view's language.
import { PhraseError, phrase } from './i18n.js';

export const CONTROLS = ['play', 'step', 'speed', 'reset', 'size', 'theme', 'help', 'clock', 'timeline', 'debug',
  'inspector', 'faults', 'rules', 'client', 'scenario', 'log', 'feed', 'share'];
export const DEFAULT_CONTROLS = ['play', 'step', 'speed', 'reset', 'clock', 'timeline'];

/** `controls` as a Set: a comma or space separated list, `all`, `none`; unset gives the default. */
export function parseControls(spec, errors = []) {
  if (spec == null) return new Set(DEFAULT_CONTROLS);
  const words = (Array.isArray(spec) ? spec : String(spec).split(/[\s,]+/)).filter(Boolean);
  const set = new Set();
  for (const w of words) {
    const name = w.toLowerCase();
    if (name === 'all') CONTROLS.forEach((c) => set.add(c));
    else if (name === 'none') continue;
    else if (CONTROLS.includes(name)) set.add(name);
    else errors.push(phrase('opt.control', { name: w, known: CONTROLS.join(', ') }));
  }
  return set;
}

/**
 * Splits a URL hash (`#a=1&b&s=...`) into [name, value] pairs. Values are
 * decoded with decodeURIComponent, which, unlike URLSearchParams, rejects
 * truncated or malformed %-escapes instead of guessing, and leaves `+`
 * alone. Throws a readable Error naming the broken parameter.
 */
export function parseHash(hash) {
  const text = String(hash || '').replace(/^#/, '');
  const pairs = [];
  if (!text) return pairs;
  for (const part of text.split('&')) {
    if (!part) continue;
    const eq = part.indexOf('=');
    const rawName = eq < 0 ? part : part.slice(0, eq);
    const rawValue = eq < 0 ? '' : part.slice(eq + 1);
    let name;
    let value;
    try { name = decodeURIComponent(rawName); } catch { throw new PhraseError('opt.badName', { name: clip(rawName) }); }
    try { value = decodeURIComponent(rawValue); } catch {
      throw new PhraseError('opt.badValue', { name: clip(name) });
    }
    pairs.push([name, value]);
  }
  return pairs;
}

const clip = (s, n = 40) => (s.length > n ? `${s.slice(0, n)}…` : s);

const NAMES = ['v', 'at', 't', 'paused', 'autoplay', 'nodes', 'seed', 'election', 'heartbeat', 'latency', 'loss',
  'prevote', 'checkquorum',
  'speed', 'controls', 's', 'scenario', 'src', 'height', 'theme', 'lesson', 'step'];

function whole(text, name, lo, hi, errors) {
  const t = String(text).trim();
  const n = Number(t);
  if (!/^\d+$/.test(t) || n < lo || n > hi) {
    errors.push(phrase('opt.whole', { name, lo, hi, value: clip(t) }));
    return undefined;
  }
  return n;
}

// "50", "50ms", "1.5s": milliseconds.
function ms(text, name, errors) {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(us|ms|s)?\s*$/.exec(text);
  if (!m) { errors.push(phrase('opt.duration', { name, value: clip(String(text)) })); return undefined; }
  return Number(m[1]) * ({ us: 0.001, s: 1000 }[m[2]] ?? 1);
}

// "150..300ms" (the scenario language's range form, the low end taking the
// high end's unit) or "150-300".
function range(text, name, errors) {
  const m = /^\s*([\d.]+)\s*(us|ms|s)?\s*(?:\.\.|-)\s*([\d.]+)\s*(us|ms|s)?\s*$/.exec(text);
  if (!m) { errors.push(phrase('opt.range', { name, value: clip(String(text)) })); return undefined; }
  const e = [];
  const lo = ms(m[1] + (m[2] || m[4] || ''), name, e);
  const hi = ms(m[3] + (m[4] || ''), name, e);
  if (e.length || !(lo <= hi)) { errors.push(phrase('opt.rangeOrder', { name, value: clip(text) })); return undefined; }
  return [lo, hi];
}

const flag = (v) => v == null ? undefined : !/^(0|false|no|off)$/i.test(String(v).trim());

/**
 * Reads view options from `get(name)` (a string, '' for a bare flag, or
 * null when absent). Returns {options, errors}; `options` holds only what
 * was valid. `known` lists the names present that this reader does not
 * know, for the caller to report (attributes such as `class` are not errors).
 */
export function readOptions(get) {
  const errors = [];
  const o = {};
  const has = (n) => get(n) != null;
  if (has('nodes')) o.nodes = whole(get('nodes'), 'nodes', 1, 9, errors);
  // `random`: a fresh seed chosen when the view starts (RaftLab.randomSeed),
  // then shown and carried in links like any other.
  if (has('seed')) {
    o.seed = String(get('seed')).trim().toLowerCase() === 'random'
      ? 'random' : whole(get('seed'), 'seed (a whole number or random)', 0, Number.MAX_SAFE_INTEGER, errors);
  }
  if (has('election')) o.electionMs = range(get('election'), 'election', errors);
  if (has('heartbeat')) o.heartbeatMs = ms(get('heartbeat'), 'heartbeat', errors);
  if (has('latency')) o.latencyMs = range(get('latency'), 'latency', errors);
  if (has('loss')) {
    const m = /^\s*(\d+(?:\.\d+)?)\s*%?\s*$/.exec(get('loss'));
    if (m && Number(m[1]) <= 100) o.lossPercent = Number(m[1]);
    else errors.push(phrase('opt.loss', { value: clip(get('loss')) }));
  }
  // The cluster line's protocol options: `prevote=on`, `checkquorum=1`, or bare.
  if (has('prevote')) o.prevote = flag(get('prevote'));
  if (has('checkquorum')) o.checkQuorum = flag(get('checkquorum'));
  if (has('speed')) {
    const t = String(get('speed')).trim();
    const f = /^1\/(\d+(?:\.\d+)?)$/.exec(t);
    const s = f ? 1 / Number(f[1]) : Number(t);
    if (t && s >= 0.001 && s <= 1) o.speed = s;
    else errors.push(phrase('opt.speed', { value: clip(t) }));
  }
  if (has('paused')) o.paused = flag(get('paused'));
  if (has('autoplay')) o.paused = !flag(get('autoplay'));
  if (has('controls')) o.controls = parseControls(get('controls'), errors);
  const text = get('s') ?? get('scenario');
  if (text != null) o.scenario = text;
  if (has('src')) o.src = String(get('src'));
  // A lesson (www/lessons/NAME.txt) and the step to open it at (docs/lessons.md).
  if (has('lesson')) o.lesson = String(get('lesson')).trim();
  if (has('step')) o.step = whole(get('step'), 'step (a lesson\'s step)', 1, 999, errors);
  if (has('at')) o.at = whole(get('at'), 'at (an event number)', 0, Number.MAX_SAFE_INTEGER, errors);
  if (has('t')) {
    const t = String(get('t')).trim();
    if (/^\d+(\.\d+)?$/.test(t)) o.t = Number(t);
    else errors.push(phrase('opt.t', { value: clip(t) }));
  }
  if (has('height')) {
    const h = /^\s*(\d+)\s*(px)?\s*$/.exec(get('height'));
    if (h && Number(h[1]) >= 120 && Number(h[1]) <= 2000) o.height = Number(h[1]);
    else errors.push(phrase('opt.height', { value: clip(get('height')) }));
  }
  if (has('theme')) {
    const t = String(get('theme')).trim().toLowerCase();
    if (t === 'light' || t === 'dark') o.theme = t; else errors.push(phrase('opt.theme', { value: clip(t) }));
  }
  for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k];
  return { options: o, errors };
}

/**
 * The options of a hash (`#v=1&at=..&paused=1&s=..` plus view options).
 * Returns {options, errors}; a hash that cannot be read at all gives one
 * error and no options.
 */
export function readHash(hash) {
  let pairs;
  try { pairs = parseHash(hash); } catch (e) { return { options: {}, errors: [e.key ? phrase(e.key, e.args) : e.message] }; }
  const map = new Map(pairs);
  const errors = [];
  for (const [name] of pairs) if (!NAMES.includes(name)) errors.push(phrase('opt.unknown', { name: clip(name) }));
  if (map.has('v') && map.get('v') !== '1') errors.push(phrase('opt.version', { v: clip(map.get('v')) }));
  if (map.has('s') && map.has('scenario')) errors.push(phrase('opt.both'));
  const r = readOptions((n) => (map.has(n) ? map.get(n) : null));
  return { options: r.options, errors: [...errors, ...r.errors] };
}

/**
 * The link to `base` that reproduces a run: its recorded scenario, the
 * event to go to and the virtual time (the clock may stand between events).
 */
export function formatLink(base, { scenario, at, t, paused }) {
  return `${base}#v=1&at=${at}${t != null ? `&t=${t}` : ''}${paused ? '&paused=1' : ''}&s=${encodeURIComponent(scenario)}`;
}

/** RaftLab.create options from view options. */
export function clusterOptions(o) {
  const c = {};
  for (const k of ['nodes', 'seed', 'electionMs', 'heartbeatMs', 'latencyMs', 'lossPercent', 'prevote', 'checkQuorum']) {
    if (o[k] != null) c[k] = o[k];
  }
  return c;
}

/** The text of a scenario file (`src`), relative to `base`. */
export async function fetchScenario(src, base = location.href) {
  let res;
  try {
    res = await fetch(new URL(src, base));
  } catch (e) {
    throw new PhraseError('opt.fetch', { src, error: e.message || e });
  }
  if (!res.ok) throw new PhraseError('opt.fetch', { src, error: `HTTP ${res.status}` });
  return res.text();
}

/** The link that reproduces the run of view `v` up to the current event, or null. */
export function currentLink(v) {
  const sim = v.sim;
  if (!sim || typeof sim.recordedScenario !== 'function') return null;
  const scenario = v.call((s) => s.recordedScenario());
  const at = v.call((s) => s.eventCount());
  const t = v.call((s) => s.nowMs());
  if (scenario == null || at == null) return null;
  const base = v.o.linkBase || location.href.replace(/#.*$/, '');
  return formatLink(base, { scenario, at, t, paused: !v.playing });
}
