// What helps a newcomer read a view: the annotated legend ("What am I
// looking at?"), the first-visit tour, the scenario's caption, a text
// summary of the cluster for screen readers, and the spoken feed, at most
// one announcement a second.
import { RaftLab } from './pkg/raftlab.js';
import { el, partitionGroups } from './lab-panels.js';
import { loadMore } from './i18n.js';

const TOUR_KEY = 'raftlab-tour';
const ANNOUNCE_MS = 1000;

// The legend: [glyph name (drawn by the engine) or null, catalogue key].
export const LEGEND = [
  ['legend.nodes', [['follower', 'legend.follower'], ['candidate', 'legend.candidate'], ['leader', 'legend.leader'],
    ['crashed', 'legend.crashed'], ['leaderNoQuorum', 'legend.noQuorum'], ['electionTimer', 'legend.electionTimer'],
    ['heartbeatTimer', 'legend.heartbeatTimer'], ['preCandidate', 'legend.preCandidate'], [null, 'legend.name'], [null, 'legend.term'], [null, 'legend.voted'],
    ['votes', 'legend.votes']]],
  ['legend.messages', [['RequestVote', 'legend.requestVote'], ['RequestVoteReply.granted', 'legend.voteGranted'],
    ['RequestVoteReply.refused', 'legend.voteRefused'], ['AppendEntries.heartbeat', 'legend.heartbeat'],
    ['AppendEntries.entries', 'legend.entries'], ['AppendEntriesReply.success', 'legend.appendOk'],
    ['AppendEntriesReply.failure', 'legend.appendFailed'], ['InstallSnapshot', 'legend.installSnapshot'],
    ['InstallSnapshotReply', 'legend.installSnapshotReply'], ['ClientRequest', 'legend.clientRequest'],
    ['ClientReply.result', 'legend.clientReply'], ['ClientReply.redirect', 'legend.redirect'],
    ['PreVote', 'legend.preVote'], ['PreVoteReply.granted', 'legend.preVoteGranted'],
    ['PreVoteReply.refused', 'legend.preVoteRefused'], ['TimeoutNow', 'legend.timeoutNow'],
    ['duplicate', 'legend.duplicate'], ['doomed', 'legend.doomed']]],
  ['legend.network', [['partition', 'legend.partition'], ['cut', 'legend.cut'], [null, 'legend.client']]],
  ['legend.log', [['logCommitted', 'legend.committed'], ['logUncommitted', 'legend.uncommitted'], ['logSnapshot', 'legend.snapshot'],
    [null, 'legend.commitBar'], [null, 'legend.matchNext'], [null, 'legend.leaderRow']]],
  ['legend.timeline', [[null, 'legend.terms'], [null, 'legend.markers'], [null, 'legend.veil']]],
];

// The tour: [catalogue key, the element it points at (a key of view.r)].
export const TOUR = [['tour.cluster', 'cluster'], ['tour.play', 'play'], ['tour.faults', 'crash'], ['tour.timeline', 'timelineWrap'],
  ['tour.library', 'library'], ['tour.legend', 'legendBtn']];

// What a screen reader hears first when several things happen in a second.
const PRIORITY = ['fx.violation', 'fx.becameLeader', 'ev.crash', 'ev.restart', 'ev.partition', 'ev.heal', 'fx.clientDone', 'fx.becameCandidate'];

export class Learn {
  constructor(v) {
    this.v = v;
    this.pending = [];
    this.lastAnnounce = -Infinity;
    this.announceTimer = 0;
    this.tourStep = -1;
    const r = v.r;
    if (r.legendBtn) v.on(r.legendBtn, 'click', () => this.openLegend());
    if (r.tour) {
      v.on(r.tourNext, 'click', () => this.showTour(this.tourStep + 1));
      v.on(r.tourBack, 'click', () => this.showTour(this.tourStep - 1));
      v.on(r.tourSkip, 'click', () => this.endTour());
      v.on(r.tour, 'keydown', (e) => { if (e.key === 'Escape') { e.preventDefault(); e.stopPropagation(); this.endTour(); } });
      v.on(r.tour, 'cancel', (e) => { e.preventDefault(); this.endTour(); });
      if (r.tourAgain) v.on(r.tourAgain, 'click', () => setTimeout(() => this.showTour(0), 0));
    }
  }

  destroy() { clearTimeout(this.announceTimer); }

  /** The simulation runs: a first visit gets the tour. */
  started() {
    if (!this.v.r.tour) return;
    let seen = null;
    try { seen = localStorage.getItem(TOUR_KEY); } catch { /* private mode: show it */ }
    if (!seen) this.showTour(0);
  }

  translate() {
    if (this.v.r.legend?.open) this.fillLegend();
    if (this.tourStep >= 0) this.showTour(this.tourStep);
    this.captionKey = null;
    this.summaryKey = null;
  }

  // ---------- the legend ----------

  async openLegend() {
    const r = this.v.r;
    if (r.legend.open) return;
    await loadMore(this.v.lang);
    this.fillLegend();
    if (r.legend.open || this.v.destroyed) return;
    r.legend.showModal();
    // From the top, whatever the dialog focused first.
    r.legendTitle.focus();
    r.legend.scrollTop = 0;
  }

  fillLegend() {
    const { t, r, dark } = this.v;
    const dpr = window.devicePixelRatio || 1;
    const glyphs = RaftLab.glyphNames();
    const sections = LEGEND.map(([title, rows]) => el('section', null, el('h3', null, t(title)), el('dl', null, ...rows.flatMap(([glyph, key]) => {
      const pic = el('dt');
      if (glyph) {
        const c = el('canvas', { width: String(40 * dpr), height: String(28 * dpr), 'aria-hidden': 'true' });
        try { RaftLab.drawGlyph(c.getContext('2d'), glyphs.indexOf(glyph), 40, 28, dpr, dark); } catch { /* an engine without the glyph */ }
        pic.append(c);
      } else pic.append(el('span', { class: 'glyph-text', 'aria-hidden': 'true' }, t(`${key}.sign`)));
      const [name, ...rest] = t(key).split(': ');
      return [pic, el('dd', null, el('strong', null, name), rest.length ? `: ${rest.join(': ')}` : '')];
    }))));
    r.legendList.replaceChildren(...sections);
  }

  // ---------- the tour ----------

  showTour(i) {
    const { r, t } = this.v;
    const steps = TOUR.filter(([, target]) => r[target] && !r[target].closest('[hidden]'));
    if (i < 0 || i >= steps.length) { this.endTour(); return; }
    this.clearTourTarget();
    this.tourStep = i;
    const [key, target] = steps[i];
    r.tourStep.textContent = t('tour.step', { step: i + 1, total: steps.length });
    r.tourTitle.textContent = t(`${key}.title`);
    r.tourText.textContent = t(key);
    r.tourBack.disabled = i === 0;
    r.tourNext.textContent = t(i === steps.length - 1 ? 'tour.done' : 'tour.next');
    this.tourTarget = r[target];
    this.tourTarget.classList.add('tour-target');
    this.tourTarget.scrollIntoView({ block: 'nearest', inline: 'nearest' });
    if (!r.tour.open) r.tour.show();
    r.tourNext.focus({ preventScroll: true });
  }

  clearTourTarget() {
    if (this.tourTarget) this.tourTarget.classList.remove('tour-target');
    this.tourTarget = null;
  }

  /** Skipped or finished: remembered, so it does not come back. */
  endTour() {
    const r = this.v.r;
    this.clearTourTarget();
    this.tourStep = -1;
    if (r.tour?.open) r.tour.close();
    try { localStorage.setItem(TOUR_KEY, 'done'); } catch { /* private mode */ }
  }

  // ---------- caption, summary, announcements ----------

  refresh(snap, st) {
    this.caption(st);
    this.summary(snap);
  }

  /** The comment lines above the scenario command playing: `#[ko]` lines in Korean, plain `#` lines otherwise. */
  caption(st) {
    const box = this.v.r.caption;
    const lines = (st && st.caption) || [];
    const key = JSON.stringify(lines);
    if (key === this.captionKey) return;
    this.captionKey = key;
    const mine = lines.filter((l) => l.lang === this.v.lang);
    const shown = mine.length ? mine : lines.filter((l) => l.lang == null);
    const paragraphs = [];
    let current = [];
    for (const l of shown) {
      if (l.text) current.push(l.text);
      else if (current.length) { paragraphs.push(current.join(' ')); current = []; }
    }
    if (current.length) paragraphs.push(current.join(' '));
    box.replaceChildren(...paragraphs.map((p) => el('p', null, p)));
    box.hidden = !paragraphs.length;
  }

  /** The cluster in words, for screen readers (the canvases' description). */
  summary(snap) {
    const { r, t } = this.v;
    const key = JSON.stringify([snap.nodes.map((n) => [n.role, n.term, n.votedFor, n.logLength, n.commitIndex]),
      snap.messages.length, snap.partition, snap.cuts, snap.quorum]);
    if (key === this.summaryKey) return;
    this.summaryKey = key;
    const q = snap.quorum;
    const parts = [t('summary.cluster', { servers: q.servers, quorum: q.quorum, up: q.up })];
    const lead = q.leaders[0];
    parts.push(lead ? t(lead.canCommit ? 'summary.leader' : 'summary.leaderCutOff', { node: lead.id, term: lead.term, reach: lead.reachable })
      : t('summary.noLeader'));
    for (const n of snap.nodes) {
      parts.push(t('summary.node', { node: n.id, role: t(`role.${n.role}`), term: n.term,
        vote: n.votedFor != null ? t('summary.votedFor', { node: n.votedFor }) : t('summary.noVote'),
        log: n.logLength, commit: n.commitIndex }));
    }
    parts.push(t('summary.messages', { count: snap.messages.length }));
    const groups = partitionGroups(snap.partition);
    if (groups.length > 1) parts.push(t('summary.partition', { groups: groups.map((g) => g.join(', ')).join(' | ') }));
    if (snap.cuts.length) parts.push(t('summary.cuts', { count: snap.cuts.length }));
    r.summary.textContent = parts.join(' ');
    if (r.logSummary) {
      r.logSummary.textContent = snap.nodes.map((n) => {
        const last = n.log[n.log.length - 1];
        return t('summary.log', { node: n.id, count: n.logLength, commit: n.commitIndex, last: last ? `${last.command} (${t('node.term')} ${last.term})` : '–' });
      }).join(' ');
    }
  }

  forgetAnnouncements() {
    this.pending = [];
    clearTimeout(this.announceTimer);
    this.announceTimer = 0;
  }

  /** New feed lines: spoken at most once a second, several as one summary. */
  announce(texts, lines) {
    lines.forEach((l, i) => this.pending.push({ text: texts[i], key: l.phrase?.key }));
    if (this.announceTimer) return;
    const wait = Math.max(0, this.lastAnnounce + ANNOUNCE_MS - performance.now());
    this.announceTimer = setTimeout(() => this.flush(), wait);
  }

  flush() {
    this.announceTimer = 0;
    const items = this.pending;
    this.pending = [];
    if (!items.length) return;
    this.lastAnnounce = performance.now();
    const rank = (x) => { const i = PRIORITY.indexOf(x.key); return i < 0 ? PRIORITY.length : i; };
    const top = items.reduce((best, x) => (rank(x) < rank(best) ? x : best), items[items.length - 1]);
    this.v.r.announce.textContent = items.length === 1 ? top.text : this.v.t('announce.many', { count: items.length, text: top.text });
  }
}
