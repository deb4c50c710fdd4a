//! What a leader knows of one follower's log (Figure 2, "volatile state on
//! leaders": `nextIndex[]` and `matchIndex[]`), kept as a small state
//! machine as etcd-io/raft's `tracker/progress.go` does.
//!
//! A follower is in one of three states:
//!
//! - **Probe**: the leader does not know where the follower's log agrees with
//!   its own. It sends one AppendEntries at a time and waits for the reply
//!   (or the next heartbeat) before sending another, since every reply may
//!   move `next_index` back (§5.3: "the leader decrements nextIndex and
//!   retries").
//! - **Replicate**: the follower accepted an AppendEntries in this term, so
//!   the leader streams new entries as soon as they exist and moves
//!   `next_index` past them at once (pipelining), without waiting.
//!
//! - **Snapshot**: the follower needs entries the leader has discarded
//!   (§7), so the leader sent it an InstallSnapshot up to
//!   `pending_snapshot` and sends it nothing else until the follower answers
//!   for at least that index (a heartbeat re-sends the snapshot, in case it
//!   was lost). Then the leader probes again from just after the snapshot.

use super::types::LogIndex;

/// Probe, Replicate or Snapshot: see the module documentation.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ProgressState {
    #[default]
    Probe,
    Replicate,
    Snapshot,
}

/// The leader's view of one follower's log.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Progress {
    /// Index of the next entry to send to that follower (`nextIndex`).
    pub next_index: LogIndex,
    /// Highest index known to be replicated on that follower (`matchIndex`).
    pub match_index: LogIndex,
    pub state: ProgressState,
    /// While probing: a probe is in flight, so wait for its reply (or the
    /// next heartbeat) before sending another.
    probe_sent: bool,
    /// In the Snapshot state: the last index of the snapshot sent.
    pub pending_snapshot: LogIndex,
}

impl Progress {
    /// A new leader's view of every follower (Figure 2: nextIndex is
    /// initialized to the leader's last log index + 1, matchIndex to 0). It
    /// knows nothing yet, so it probes.
    pub fn new(next_index: LogIndex) -> Self {
        Progress { next_index, match_index: 0, state: ProgressState::Probe, probe_sent: false, pending_snapshot: 0 }
    }

    /// Starts probing: one AppendEntries per round trip until the follower
    /// says where its log agrees. `next_index` stays where the rejection put it.
    /// Leaving the Snapshot state, probing starts just after the snapshot
    /// (or after what the follower confirmed, if more), as etcd's does.
    pub fn become_probe(&mut self) {
        if self.state == ProgressState::Snapshot {
            self.next_index = (self.match_index + 1).max(self.pending_snapshot + 1);
            self.pending_snapshot = 0;
        }
        self.state = ProgressState::Probe;
        self.probe_sent = false;
    }

    /// Starts streaming: the follower accepted an AppendEntries of this term.
    /// `next_index` stays where the accepted reply put it, past every entry
    /// already sent.
    pub fn become_replicate(&mut self) {
        self.state = ProgressState::Replicate;
        self.probe_sent = false;
    }

    /// §7: the follower needs entries the leader discarded; the leader sent
    /// a snapshot whose last included index is `snapshot_index`.
    pub fn become_snapshot(&mut self, snapshot_index: LogIndex) {
        self.state = ProgressState::Snapshot;
        self.probe_sent = false;
        self.pending_snapshot = snapshot_index;
    }

    /// In the Snapshot state: whether the follower's answer (now agreeing up
    /// to `match_index`) covers the snapshot sent, so replication can resume.
    pub fn snapshot_done(&self) -> bool {
        self.state == ProgressState::Snapshot && self.match_index >= self.pending_snapshot
    }

    /// Whether the leader must wait before sending this follower more
    /// entries: while probing, a probe is already out and its reply will
    /// trigger the next one; while a snapshot is out, nothing but the
    /// snapshot again. A heartbeat goes out regardless.
    pub fn is_paused(&self) -> bool {
        match self.state {
            ProgressState::Probe => self.probe_sent,
            ProgressState::Replicate => false,
            ProgressState::Snapshot => true,
        }
    }

    /// The leader sent an AppendEntries whose last entry is `last_sent`.
    /// While replicating, `next_index` moves past it at once (pipelining);
    /// while probing, `next_index` stays until the follower answers.
    pub fn sent(&mut self, last_sent: LogIndex) {
        match self.state {
            ProgressState::Replicate => self.next_index = last_sent + 1,
            ProgressState::Probe => self.probe_sent = true,
            ProgressState::Snapshot => {}
        }
    }

    /// The follower accepted an AppendEntries and now agrees with the leader
    /// up to `index`. Replies can arrive out of order or twice, so the
    /// indexes only ever move up. Returns whether `match_index` rose.
    pub fn maybe_update(&mut self, index: LogIndex) -> bool {
        let updated = index > self.match_index;
        if updated {
            self.match_index = index;
        }
        self.next_index = self.next_index.max(self.match_index + 1);
        // A reply came back: the probe it answered is no longer in flight.
        self.probe_sent = false;
        updated
    }

    /// The follower rejected the AppendEntries whose `prev_log_index` was
    /// `rejected`; `hint` is where the follower's conflict hint says the
    /// logs may agree, and `last` the leader's last index. Returns false,
    /// changing nothing, when the rejection is stale: it answers an older
    /// message than the one that matters now (while replicating, one at or
    /// below the match index; while probing, anything but the latest probe).
    /// Acting on stale rejections would resend the same entries again and
    /// again. Otherwise moves `next_index` to the hint, never below what the
    /// follower has confirmed and never past the leader's log.
    pub fn maybe_decr_to(&mut self, rejected: LogIndex, hint: LogIndex, last: LogIndex) -> bool {
        let stale = match self.state {
            ProgressState::Replicate => rejected <= self.match_index,
            ProgressState::Probe => rejected + 1 != self.next_index,
            // Only the snapshot's answer moves a follower on from here.
            ProgressState::Snapshot => true,
        };
        if stale {
            return false;
        }
        self.probe_sent = false;
        self.next_index = hint.clamp(self.match_index + 1, last + 1);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn probing(next: LogIndex, matched: LogIndex) -> Progress {
        Progress { next_index: next, match_index: matched, ..Progress::default() }
    }

    fn replicating(next: LogIndex, matched: LogIndex) -> Progress {
        Progress { next_index: next, match_index: matched, state: ProgressState::Replicate, ..Progress::default() }
    }

    #[test]
    fn s7_progress_snapshot_state_waits_for_the_snapshot_then_probes_after_it() {
        // (match before, snapshot sent, reply's index, done?, next after probing)
        let cases: [(LogIndex, LogIndex, LogIndex, bool, LogIndex); 4] = [
            (0, 40, 40, true, 41),
            // The follower already had more than the snapshot.
            (0, 40, 45, true, 46),
            // A stale answer (to an older message) does not end the wait.
            (3, 40, 10, false, 41),
            (0, 40, 0, false, 41),
        ];
        for (i, (matched, snap, reply, done, next)) in cases.into_iter().enumerate() {
            let mut p = probing(5, matched);
            p.become_snapshot(snap);
            assert!(p.is_paused(), "case {i}: nothing but the snapshot while it is out");
            p.sent(60);
            assert!(!p.maybe_decr_to(4, 2, 60), "case {i}: rejections wait for the snapshot");
            p.maybe_update(reply);
            assert_eq!(p.snapshot_done(), done, "case {i}");
            p.become_probe();
            assert_eq!((p.state, p.next_index, p.is_paused()), (ProgressState::Probe, next, false), "case {i}");
        }
    }

    #[test]
    fn s5_3_progress_probe_sends_one_message_per_round_trip() {
        let mut p = Progress::new(5);
        assert!(!p.is_paused());
        p.sent(9);
        assert!(p.is_paused(), "a probe is out: wait for its reply");
        assert_eq!(p.next_index, 5, "a probe does not move nextIndex");
        p.maybe_update(4);
        assert!(!p.is_paused());
    }

    #[test]
    fn s5_3_progress_replicate_pipelines() {
        let mut p = replicating(5, 4);
        p.sent(9);
        assert!(!p.is_paused(), "streaming never waits");
        assert_eq!(p.next_index, 10);
        p.sent(12);
        assert_eq!(p.next_index, 13);
    }

    #[test]
    fn s5_3_progress_maybe_update_only_moves_up() {
        // (start, reply's index, updated?, match after, next after)
        let cases: [(Progress, LogIndex, bool, LogIndex, LogIndex); 4] = [
            (probing(5, 0), 4, true, 4, 5),
            (probing(5, 0), 7, true, 7, 8),
            (replicating(10, 6), 3, false, 6, 10),
            (replicating(10, 6), 6, false, 6, 10),
        ];
        for (i, (mut p, index, updated, matched, next)) in cases.into_iter().enumerate() {
            assert_eq!(p.maybe_update(index), updated, "case {i}");
            assert_eq!((p.match_index, p.next_index), (matched, next), "case {i}");
        }
    }

    #[test]
    fn s5_3_progress_maybe_decr_to_ignores_stale_rejections() {
        // (start, rejected prevLogIndex, hint, leader's last, acted?, next after)
        let cases: [(Progress, LogIndex, LogIndex, LogIndex, bool, LogIndex); 6] = [
            // Probing: only the answer to the probe just sent (prev = next - 1) counts.
            (probing(8, 0), 7, 3, 10, true, 3),
            (probing(8, 0), 5, 3, 10, false, 8),
            // The hint never goes below what the follower confirmed...
            (probing(8, 4), 7, 2, 10, true, 5),
            // ...nor past the leader's log.
            (probing(8, 0), 7, 40, 10, true, 11),
            // Replicating: a rejection at or below matchIndex is old news.
            (replicating(12, 6), 6, 3, 20, false, 12),
            (replicating(12, 6), 9, 8, 20, true, 8),
        ];
        for (i, (mut p, rejected, hint, last, acted, next)) in cases.into_iter().enumerate() {
            assert_eq!(p.maybe_decr_to(rejected, hint, last), acted, "case {i}");
            assert_eq!(p.next_index, next, "case {i}");
        }
    }

    #[test]
    fn s5_3_progress_state_changes_keep_next_index() {
        let mut p = probing(8, 0);
        p.sent(8);
        p.maybe_update(7);
        p.become_replicate();
        assert_eq!((p.state, p.next_index, p.is_paused()), (ProgressState::Replicate, 8, false));
        p.maybe_decr_to(9, 5, 10);
        p.become_probe();
        assert_eq!((p.state, p.next_index, p.is_paused()), (ProgressState::Probe, 8, false));
    }
}
