// Getting a run out of the page and back in: the link to this moment, the
// cluster as a PNG, the event trace as JSON, scenario files.
import { formatLink } from './lab-options.js';

/** Offers `blob` as a download named `name`. */
export function download(blob, name) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  // The download has its own reference by the time this runs.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

const text = (s) => new Blob([s], { type: 'text/plain;charset=utf-8' });

function seedAndEvent(v) {
  const snap = v.call((s) => s.snapshot());
  return snap ? { seed: snap.config.seed, event: snap.events } : null;
}

/** The link that reproduces the run up to the current event, or null. */
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

async function copyLink(v) {
  const link = currentLink(v);
  if (!link) return;
  const field = v.r.link;
  field.value = link;
  field.hidden = false;
  if (v.o.onLink) v.o.onLink(link.slice(link.indexOf('#')));
  try {
    await navigator.clipboard.writeText(link);
    v.status(v.t('share.copied'));
  } catch {
    // No clipboard (permissions, an insecure origin): the field holds it.
    field.focus();
    field.select();
    v.status(v.t('share.noClipboard'));
  }
}

function exportPng(v) {
  const info = seedAndEvent(v);
  if (!info) return;
  v.draw(); // the picture of this exact moment, not of the last frame
  v.r.cluster.toBlob((blob) => {
    if (blob) download(blob, `raftlab-seed-${info.seed}-event-${info.event}.png`);
    else v.status(v.t('share.noPicture'), true);
  }, 'image/png');
}

function exportTrace(v) {
  const json = v.call((s) => s.traceJson());
  if (json != null) download(new Blob([json], { type: 'application/json' }), 'raftlab-trace.json');
}

function recorded(v) {
  return typeof v.sim?.recordedScenario === 'function' ? v.call((s) => s.recordedScenario()) : null;
}

/**
 * Replaces `seed=random` in a view's options by a fresh seed from the engine
 * (RaftLab.randomSeed, the browser's crypto through getrandom), once, before
 * the first simulation: the seed is then shown, kept by Reset and carried in
 * links like any other, so the run can be shared and replayed.
 */
export function resolveSeed(v, RaftLab) {
  const pick = () => RaftLab.randomSeed();
  let seed = null;
  for (const o of [v.o, v.o.fallback].filter(Boolean)) {
    if (o.seed === 'random') o.seed = seed ??= pick();
  }
  if (seed == null) return;
  if (v.r.seed) v.r.seed.value = String(seed);
  if (v.origin.scenario == null) v.origin = v.r.nodes ? v.sizeOrigin() : { ...v.origin, seed };
}

/** "New seed": a fresh random seed and a new cluster of the chosen size with it. */
function newSeed(v) {
  const RaftLab = v.sim && v.sim.constructor;
  if (!RaftLab || typeof RaftLab.randomSeed !== 'function' || !v.r.seed) return;
  const seed = v.call(() => RaftLab.randomSeed());
  if (seed == null) return;
  v.r.seed.value = String(seed);
  v.resize();
  v.status(v.t('status.newSeed', { seed }));
}

export function wireShare(v) {
  const r = v.r;
  const click = (name, fn) => { if (r[name]) v.on(r[name], 'click', fn); };
  click('newSeed', () => newSeed(v));
  click('copyLink', () => copyLink(v));
  click('png', () => exportPng(v));
  click('trace', () => exportTrace(v));
  click('saveText', () => download(text(r.scenario.value), 'raftlab-scenario.txt'));
  click('saveRun', () => {
    const s = recorded(v);
    const info = seedAndEvent(v);
    if (s != null && info) download(text(s), `raftlab-run-seed-${info.seed}-event-${info.event}.txt`);
  });
  click('recordRun', () => {
    const s = recorded(v);
    if (s != null) { r.scenario.value = s; r.scenarioError.textContent = ''; }
  });
  click('openFile', () => r.file.click());
  if (r.file) {
    v.on(r.file, 'change', async () => {
      const f = r.file.files && r.file.files[0];
      r.file.value = ''; // choosing the same file again is a change too
      if (!f) return;
      if (f.size > 1_000_000) { r.scenarioError.textContent = v.t('sc.tooLarge', { name: f.name }); return; }
      try {
        r.scenario.value = await f.text();
      } catch (e) {
        r.scenarioError.textContent = v.t('sc.unreadable', { name: f.name, error: e.message || e });
        return;
      }
      if (v.loadScenario()) v.status(v.t('sc.loaded', { name: f.name }));
    });
  }
}
