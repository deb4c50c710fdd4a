//! Stable storage (the `disk=` option): each node writes its persistent
//! state (current term, vote, log: Figure 2) before any message that
//! depends on it leaves. The world models one write queue per node with
//! group commit, as etcd's WAL does (every change made while a write is in
//! progress goes into the next write together): an input that changed the
//! persistent state while the disk is idle, or while a write is in
//! progress, queues a write whose latency is drawn from the `disk` range
//! and which starts when the previous write has finished; a change made
//! while that queued write has not started yet joins it. Every message the
//! node sends waits for the writes queued before it (a message sent while
//! nothing is being written leaves at once). The messages are on the
//! network from the moment they leave.
//!
//! Without group commit a node could write only one change per latency
//! (about 100 a second at `disk=5..15ms`): a leader taking a burst of
//! client writes, or a follower receiving them one AppendEntries at a time,
//! queued more writes than its disk could finish, every message it sent
//! (heartbeats and replies included) waited ever longer, and the cluster
//! lost its leader and piled up messages past the run's budget
//! (docs/fuzzing.md). With it, a message waits at most two write latencies.
//!
//! A crash loses the messages still waiting. The writes they waited for are
//! kept, as if they had finished: no message depending on them left, so
//! keeping or losing them is the same to the other nodes.

use crate::raft::{Node, NodeId, Term};

use super::{Micros, World};

/// What stable storage holds of a node, compared before and after an input
/// to see whether it wrote anything.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) struct Persistent {
    term: Term,
    vote: Option<NodeId>,
    last_index: u64,
    last_digest: Option<u64>,
}

impl Persistent {
    pub(super) fn of(node: &Node) -> Self {
        let log = node.log();
        let last_index = log.last_index();
        Persistent { term: node.term(), vote: node.voted_for(), last_index, last_digest: log.digest_at(last_index) }
    }
}

impl World {
    /// After an input to node `id`: queues a write if its persistent state
    /// changed (from `before`), and returns when its messages may leave.
    pub(super) fn disk_write(&mut self, id: NodeId, before: Persistent) -> Micros {
        let now = self.now;
        let (low, high) = self.config.disk;
        // A change made before the queued write starts goes into it.
        if high > 0 && Persistent::of(self.node(id)) != before && self.slot(id).disk_write_starts_at <= now {
            let latency = self.rng.between(low, high);
            let slot = self.slot_mut(id);
            let starts_at = slot.disk_free_at.max(now);
            slot.disk_write_starts_at = starts_at;
            slot.disk_free_at = starts_at + latency;
        }
        self.slot(id).disk_free_at.max(now)
    }

    /// When node `id`'s disk has written everything queued so far.
    pub fn disk_busy_until(&self, id: NodeId) -> Option<Micros> {
        let t = self.slot(id).disk_free_at;
        (t > self.now).then_some(t)
    }
}
