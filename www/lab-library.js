// The scenario library of index.html: the teaching scenarios in
// www/scenarios/, grouped as the course notes teach them. Picking one shows
// what it teaches; Load puts its text into the scenario box and plays it,
// with its comments as captions.
import { el } from './lab-panels.js';
import { loadMore } from './i18n.js';

/** [group key, scenario file names (www/scenarios/NAME.txt)]. */
export const LIBRARY = [
  ['lib.group.quorum', ['quorum-table-1', 'quorum-table-2', 'quorum-table-3', 'quorum-table-4', 'quorum-table-5',
    'quorum-table-6', 'quorum-table-7', 'two-nodes']],
  ['lib.group.partitions', ['quorum-3-3', 'quorum-3-4', 'availability-zones', 'availability-zones-2']],
  ['lib.group.paper', ['figure8', 'figure8-commit', 'restart-keeps-term-and-vote', 'lossy-network']],
  ['lib.group.demo', ['leader-crash', 'partition-3-4', 'catch-up']],
  ['lib.group.production', ['asymmetric-partition', 'asymmetric-partition-checkquorum', 'rejoining-follower',
    'rejoining-follower-prevote', 'transfer-leadership']],
  ['lib.group.reads', ['stale-read-local', 'stale-read-lease', 'read-index']],
  // Also the presets of the Kubernetes view (kubernetes.html), which shows
  // their control plane; here they play as the etcd members' Raft ring.
  ['lib.group.kubernetes', ['kube-stacked-3-zones', 'kube-stacked-2-plus-1', 'kube-external-3-etcd', 'kube-5-etcd-3-zones']],
];

// Beside the page (index.html, whose bundle lives in pkg/).
const base = () => new URL('scenarios/', document.baseURI);

/** Wires the picker; returns the function that fills it (again after a change of language). */
export function wireLibrary(v) {
  const r = v.r;
  if (!r.library) return () => {};
  const fill = () => {
    const keep = r.library.value;
    r.library.replaceChildren(el('option', { value: '' }, v.t('lib.pick')), ...LIBRARY.map(([group, names]) => {
      const g = el('optgroup', { label: v.t(group) });
      g.append(...names.map((n) => el('option', { value: n }, v.t(`lib.${n}`))));
      return g;
    }));
    r.library.value = keep;
    about();
  };
  const about = async () => {
    const n = r.library.value;
    r.libraryLoad.disabled = !n;
    // A Kubernetes preset: a link to it in the Kubernetes view as well.
    const kube = n.startsWith('kube-');
    r.libraryKube.hidden = !kube;
    if (kube) r.libraryKube.href = `kubernetes.html?lang=${v.lang}#preset=${n}`;
    if (n) await loadMore(v.lang); // the descriptions load with the first pick
    if (r.library.value === n) r.libraryInfo.textContent = n ? v.t(`lib.${n}.about`) : v.t('lib.intro');
  };
  v.on(r.library, 'change', about);
  v.on(r.libraryLoad, 'click', async () => {
    const name = r.library.value;
    if (!name) return;
    let text;
    try {
      const res = await fetch(new URL(`${name}.txt`, base()));
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      text = await res.text();
    } catch (e) {
      v.status(v.t('lib.fetchFailed', { name, error: e.message || e }), true);
      return;
    }
    r.scenario.value = text;
    if (v.loadScenario(text)) v.status(v.t('lib.loaded', { name: v.t(`lib.${name}`) }));
  });
  fill();
  return fill;
}
