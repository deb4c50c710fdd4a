//! What a node hands back for each input (etcd-io/raft's `Ready`): messages
//! to send, timers to (re)arm or stop, notable state changes, and the reason
//! for each decision.

use super::log::Conflict;
use super::message::Message;
use super::reason::Reason;
use super::types::{LogIndex, NodeId, Role, Term};

/// A timer the node asks the world to (re)arm or stop. The node has no clock:
/// the world measures time and draws the random election timeout.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TimerRequest {
    Reset,
    Stop,
}

/// A notable change of a node's state, for the trace and the event feed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NodeEvent {
    /// The node took a role in a term (also reported when only the term changed).
    Became { role: Role, term: Term },
    /// The node granted its vote for `term` to `candidate`.
    Voted { term: Term, candidate: NodeId },
    /// The node's commit index advanced to `index`.
    Committed { index: LogIndex },
    /// The node deleted conflicting entries after `after` (§5.3).
    Truncated { after: LogIndex, removed: LogIndex },
    /// With the rule `truncate-on-conflict` off: the node overwrote
    /// conflicting entries from `from` on in place and kept `kept` stale
    /// entries after the leader's.
    Overwrote { from: LogIndex, kept: LogIndex },
    /// The node's latest snapshot now covers its log up to `index` (§7):
    /// taken by the node, or installed from the leader.
    Snapshotted { index: LogIndex },
}

impl NodeEvent {
    /// The change a log conflict made: deleted, or (a lesion) overwritten.
    pub(super) fn of_conflict(conflict: &Conflict, truncated: bool) -> NodeEvent {
        if truncated {
            NodeEvent::Truncated { after: conflict.index - 1, removed: conflict.removed }
        } else {
            NodeEvent::Overwrote { from: conflict.index, kept: conflict.kept }
        }
    }
}

/// Everything one input produced. The world owns one `Ready` and clears it
/// before each input, so steady-state stepping does not allocate for it.
#[derive(Clone, Debug, Default)]
pub struct Ready {
    pub messages: Vec<(NodeId, Message)>,
    pub election_timer: Option<TimerRequest>,
    pub heartbeat_timer: Option<TimerRequest>,
    /// The lease timer, one minimum election timeout long (PreVote,
    /// CheckQuorum, transfer): on a follower it ends the window in which it
    /// trusts that its leader is alive; on a leader it is the moment to
    /// check that a majority was heard from, and the end of a transfer.
    pub lease_timer: Option<TimerRequest>,
    pub events: Vec<NodeEvent>,
    /// Why the node decided what it did, one per decision, in order: a role
    /// change, a vote granted or refused, an AppendEntries rejected, a
    /// conflict repaired, a commit made or held back.
    pub reasons: Vec<Reason>,
}

impl Ready {
    pub fn clear(&mut self) {
        self.messages.clear();
        self.election_timer = None;
        self.heartbeat_timer = None;
        self.lease_timer = None;
        self.events.clear();
        self.reasons.clear();
    }
}
