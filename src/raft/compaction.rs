//! Log compaction (§7, Figure 13): a snapshot of the state machine lets the
//! log discard the committed entries it covers. Here: taking one, every K
//! applied entries (`snapshot=K`) or on request (`snapshot N`); discarding
//! the covered entries; the receiver's side of InstallSnapshot; loading the
//! snapshot again on restart. The leader's side of InstallSnapshot (when to
//! send one, its reply) is with the rest of replication, in
//! `replication.rs`; the log's own bookkeeping is
//! [`Log::compact`](super::Log::compact) and
//! [`Log::install`](super::Log::install).
//!
//! Named after the paper's section rather than `snapshot.rs`: the type
//! [`Snapshot`] lives in `message.rs`, and in `crate::view` a "snapshot" is
//! what the page draws.

use std::rc::Rc;

use super::log::{Installed, SnapshotPoint};
use super::message::{InstallSnapshotReply, Message, Snapshot};
use super::node::Node;
use super::ready::{NodeEvent, Ready};
use super::reason::Reason;
use super::types::{LogIndex, NodeId};

impl Node {
    /// §7: after each `every` applied entries, take a snapshot (0: never on
    /// its own; `snapshot N` still can).
    pub fn set_snapshot_every(&mut self, every: LogIndex) {
        self.snapshot_every = every;
    }

    /// The latest snapshot of the state machine (index 0: none yet).
    pub fn snapshot(&self) -> &Snapshot {
        &self.snapshot
    }

    /// §7, the cluster option `snapshot=K`: after each K entries applied
    /// since the latest snapshot, the state machine is snapshotted at the
    /// entry just applied (so the snapshots fall at K, 2K, 3K... while the
    /// node applies every entry itself).
    pub(super) fn maybe_snapshot(&mut self, ready: &mut Ready) {
        let every = self.snapshot_every;
        if every == 0 || self.last_applied < self.snapshot.point.index + every {
            return;
        }
        self.capture_snapshot();
        let (index, term) = (self.last_applied, self.snapshot.point.term);
        ready.reasons.push(Reason::SnapshotTakenPeriodic { node: self.id, index, term, every });
        ready.events.push(NodeEvent::Snapshotted { index });
    }

    /// §7, the scenario command `snapshot N`: snapshot the state machine
    /// now, up to the applied index, and discard the log up to there.
    /// Returns false, changing nothing, when the latest snapshot already
    /// covers the applied index.
    pub fn take_snapshot(&mut self, ready: &mut Ready) -> bool {
        let index = self.last_applied;
        if index <= self.snapshot.point.index {
            return false;
        }
        self.capture_snapshot();
        self.compact_log();
        let term = self.snapshot.point.term;
        ready.reasons.push(Reason::SnapshotTaken { node: self.id, index, term });
        ready.events.push(NodeEvent::Snapshotted { index });
        true
    }

    /// The state machine as of the applied index becomes the snapshot.
    fn capture_snapshot(&mut self) {
        let index = self.last_applied;
        let term = self.log.term_at(index).expect("an applied entry is in the log");
        let digest = self.log.digest_at(index).expect("an applied entry is in the log");
        let point = SnapshotPoint { index, term, digest };
        self.snapshot = Rc::new(Snapshot { point, state: self.kv.clone() });
    }

    /// The log discards the entries the snapshot covers. A periodic
    /// snapshot is taken as its last entry applies, but the log is compacted
    /// only at the node's next input: an entry is applied in the same step
    /// that commits it, and the safety checker, which looks between steps,
    /// must see each committed entry in some log once.
    pub(super) fn compact_log(&mut self) {
        self.log.compact(self.snapshot.point.index);
    }

    /// The receiver's side of InstallSnapshot (§7, Figure 13; step 1, the
    /// stale term, is in [`Node::step`]). A snapshot no newer than what this
    /// node has committed changes nothing. Otherwise the log keeps the
    /// entries after the snapshot's last one if it holds that entry, and is
    /// discarded whole if not ([`Log::install`](super::Log::install)); the
    /// state machine is reset to the snapshot's, which counts as committed
    /// and applied.
    pub(super) fn handle_install_snapshot(&mut self, from: NodeId, snapshot: &Rc<Snapshot>, ready: &mut Ready) {
        let (node, point, term) = (self.id, snapshot.point, self.current_term);
        if point.index <= self.commit_index {
            let commit = self.commit_index;
            ready.reasons.push(Reason::SnapshotIgnored { node, leader: from, index: point.index, commit });
            let reply = InstallSnapshotReply { term, match_index: commit };
            return self.send(from, Message::InstallSnapshotReply(reply), ready);
        }
        let (index, last_term) = (point.index, point.term);
        ready.reasons.push(match self.log.install(point) {
            Installed::KeptSuffix { kept } => {
                Reason::SnapshotInstalledKept { node, leader: from, index, term: last_term, kept }
            }
            Installed::Discarded { removed } => {
                Reason::SnapshotInstalledDiscarded { node, leader: from, index, term: last_term, removed }
            }
        });
        self.snapshot = Rc::clone(snapshot);
        self.kv = snapshot.state.clone();
        self.commit_index = index;
        self.last_applied = index;
        ready.events.push(NodeEvent::Snapshotted { index });
        ready.events.push(NodeEvent::Committed { index });
        let reply = InstallSnapshotReply { term, match_index: index };
        self.send(from, Message::InstallSnapshotReply(reply), ready);
    }

    /// §7: the state machine comes back from the snapshot, which counts as
    /// committed and applied; the log discards what it covers if it had not
    /// yet.
    pub(super) fn restore_snapshot(&mut self, snapshot: Rc<Snapshot>, ready: &mut Ready) {
        let point = snapshot.point;
        self.snapshot = snapshot;
        if point.index == 0 {
            return;
        }
        self.log.compact(point.index);
        self.kv = self.snapshot.state.clone();
        self.commit_index = point.index;
        self.last_applied = point.index;
        ready.reasons.push(Reason::SnapshotRestored { node: self.id, index: point.index, term: point.term });
    }
}
