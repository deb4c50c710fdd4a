// Getting a run out of the page and back in: the link to this moment, the
// cluster as a PNG, the event trace as JSON, scenario files. Loaded when one
// of these buttons is first used (lab-view.js, `feature`).

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

async function copyLink(v) {
  const link = v.link();
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

function saveText(v) {
  download(text(v.r.scenario.value), 'raftlab-scenario.txt');
}

function saveRun(v) {
  const s = recorded(v);
  const info = seedAndEvent(v);
  if (s != null && info) download(text(s), `raftlab-run-seed-${info.seed}-event-${info.event}.txt`);
}

function recordRun(v) {
  const s = recorded(v);
  if (s != null) { v.r.scenario.value = s; v.r.scenarioError.textContent = ''; }
}

/** A scenario file chosen in the file picker: into the box, and run. */
async function fileChosen(v) {
  const r = v.r;
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
}

/**
 * What the view's share and file buttons do, by the button's name (and
 * `file`, the file picker's change): loaded with the first click
 * (lab-controls.js wires the buttons, lab-view.js `feature('share')`).
 */
export const SHARE_ACTIONS = {
  copyLink, png: exportPng, trace: exportTrace, saveText, saveRun, recordRun, file: fileChosen,
};
