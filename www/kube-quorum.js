// The quorum table of the Kubernetes view, live: the etcd cluster's
// membership, quorum, failures tolerated, members up and whether a write
// can commit now (RaftLab.quorum()), beside the course notes' table for 1
// to 7 members with the current size marked and the sizes that buy nothing
// over the odd size below (4 and 6; 2 over 1) struck through.
import { el } from './lab-panels.js';

const yesNo = (t, b) => el('span', { class: b ? 'yes' : 'no' }, t(b ? 'kube.q.yes' : 'kube.q.no'));

/** Fills `live` (a definition list) and `table` from `q`, in `t`'s language. */
export function renderQuorum(live, table, q, t) {
  const rows = [
    [t('kube.q.members'), String(q.members)],
    [t('kube.q.quorum'), String(q.quorum)],
    [t('kube.q.tolerated'), String(q.tolerated)],
    [t('kube.q.up'), t('kube.q.upOf', { up: q.up, members: q.members })],
    [t('kube.q.writes'), yesNo(t, q.writesCommit)],
    [t('kube.q.left'), String(q.failuresLeft)],
  ];
  live.replaceChildren(el('table', { class: 'live' }, el('tbody', null,
    ...rows.map(([k, v]) => el('tr', null, el('th', { scope: 'row' }, k), el('td', null, v))))));

  const head = el('tr', null, ...['kube.q.members', 'kube.q.quorum', 'kube.q.tolerated', 'kube.q.note']
    .map((k) => el('th', { scope: 'col' }, t(k))));
  const body = q.table.map((r) => {
    const note = r.buysNothing ? t('kube.q.buysNothing', { than: r.members - 1 }) : '';
    const tr = el('tr', { class: [r.current ? 'current' : '', r.buysNothing ? 'nothing' : ''].join(' ').trim() },
      el('td', null, String(r.members)), el('td', null, String(r.quorum)), el('td', null, String(r.tolerated)),
      el('td', null, r.current ? `${note}${note ? ' · ' : ''}${t('kube.q.thisCluster')}` : note));
    if (r.current) tr.setAttribute('aria-current', 'true');
    return tr;
  });
  table.replaceChildren(el('caption', { class: 'sr-only' }, t('kube.q.caption')), el('thead', null, head), el('tbody', null, ...body));
}
