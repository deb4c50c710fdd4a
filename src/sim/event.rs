//! What happened in one step of the world, and how it reads in a trace.

use std::fmt;

use crate::check::Violation;
use crate::kube::{KubeEffect, Place};
use crate::raft::{Applied, LogIndex, MessageKind, NodeEvent, NodeId, Reason, RequestId, Rule, Term, CLIENT};

use super::kube_host::KubeEvent;
use super::network::{ArmedFault, InFlight, LossReason, MessageFault};
use super::{fmt_time, Micros};

/// One numbered event of the run.
#[derive(Clone, Debug)]
pub struct Event {
    /// 1-based position in the run; user actions are numbered too.
    pub number: u64,
    pub time: Micros,
    pub kind: EventKind,
}

#[derive(Clone, Debug)]
pub enum EventKind {
    /// A message reached a live node (or the client) and was handled.
    Deliver(InFlight),
    /// A message reached its destination but could not be handed over.
    Undeliverable(InFlight, LossReason),
    ElectionTimeout(NodeId),
    HeartbeatTimeout(NodeId),
    /// A node's lease timer fired: a leader checks its quorum or ends a
    /// transfer, a follower stops trusting that its leader is alive.
    LeaseTimeout(NodeId),
    /// The client gave up waiting on an attempt and tried again.
    ClientRetry(RequestId),
    /// The steady load generator submitted an operation (None: paused
    /// because too many operations are unanswered).
    ClientLoad(Option<RequestId>),
    // User actions.
    Submit(RequestId),
    Crash(NodeId),
    Restart(NodeId),
    ForcedTimeout(NodeId),
    /// `transfer leader to N`: the leader `from` starts handing over to `to`.
    TransferLeader {
        from: NodeId,
        to: NodeId,
    },
    /// §7: the user had a node snapshot its state machine.
    Snapshot(NodeId),
    Partition(Vec<Vec<NodeId>>),
    Cut {
        from: NodeId,
        to: NodeId,
        both: bool,
    },
    Uncut {
        from: NodeId,
        to: NodeId,
        both: bool,
    },
    Heal,
    Dropped(InFlight),
    Duplicated {
        original: u64,
        copy: u64,
    },
    /// A drop/duplicate rule now waits for the next matching message.
    Armed(ArmedFault),
    /// A safety rule was switched on or off on every node (a lesion).
    SetRule {
        rule: Rule,
        on: bool,
    },
    /// The client gave up on an operation: etcdctl's command timeout passed.
    ClientGiveUp(RequestId),
    /// Something the Kubernetes control plane did by itself.
    Kube(KubeEvent),
    /// A user's action on machines and zones.
    Machines(MachineAction),
}

/// A user's action on the machines of a control plane.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MachineAction {
    Crash(Place),
    Restart(Place),
    FailZone(String),
    RestoreZone(String),
    IsolateZone(String),
}

impl fmt::Display for MachineAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MachineAction::Crash(m) => write!(f, "crash machine {m}"),
            MachineAction::Restart(m) => write!(f, "restart machine {m}"),
            MachineAction::FailZone(z) => write!(f, "fail zone {z}"),
            MachineAction::RestoreZone(z) => write!(f, "restore zone {z}"),
            MachineAction::IsolateZone(z) => write!(f, "isolate zone {z}"),
        }
    }
}

impl EventKind {
    /// A user's action rather than something the cluster did by itself.
    pub fn is_user_action(&self) -> bool {
        !matches!(
            self,
            EventKind::Deliver(_)
                | EventKind::Undeliverable(..)
                | EventKind::ElectionTimeout(_)
                | EventKind::HeartbeatTimeout(_)
                | EventKind::LeaseTimeout(_)
                | EventKind::ClientRetry(_)
                | EventKind::ClientLoad(_)
                | EventKind::ClientGiveUp(_)
                | EventKind::Kube(_)
        )
    }
}

/// A consequence of an event worth telling the user about.
#[derive(Clone, Debug)]
pub enum Effect {
    Node(NodeId, NodeEvent),
    /// Lost to the configured loss rate when sent.
    Lost {
        from: NodeId,
        to: NodeId,
        kind: MessageKind,
    },
    /// An armed drop/duplicate rule caught a message as it was sent.
    FaultFired {
        fault: MessageFault,
        from: NodeId,
        to: NodeId,
        kind: MessageKind,
    },
    ClientDone {
        op: RequestId,
        node: NodeId,
        result: Applied,
        /// For a read: the index and term it read at (`ClientOp::read_at`).
        at: Option<(LogIndex, Term)>,
    },
    ClientRedirect {
        op: RequestId,
        from: NodeId,
        to: Option<NodeId>,
    },
    Violation(Violation),
    /// Why a node decided what it did (the decision itself, when it changed
    /// the node's state, is the `Node` effect just before).
    Why(Reason),
    /// A change in the control plane: a controller started or stopped
    /// leading, the load balancer marked a backend up or down.
    Kube {
        place: Place,
        effect: KubeEffect,
    },
}

/// A message link's end as traces and breakpoints write it.
pub(super) fn endpoint(id: NodeId) -> String {
    if id == CLIENT {
        "client".to_string()
    } else {
        id.to_string()
    }
}

impl fmt::Display for EventKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EventKind::Deliver(m) => write!(f, "deliver {}->{} {}", endpoint(m.from), endpoint(m.to), m.msg),
            EventKind::Undeliverable(m, reason) => {
                let why = match reason {
                    LossReason::Partitioned => "partitioned",
                    LossReason::LinkCut => "link cut",
                    LossReason::Crashed => "node crashed",
                };
                write!(f, "lost {}->{} {} ({why})", endpoint(m.from), endpoint(m.to), m.msg.kind().name())
            }
            EventKind::ElectionTimeout(id) => write!(f, "node {id} election timeout"),
            EventKind::HeartbeatTimeout(id) => write!(f, "node {id} heartbeat timeout"),
            EventKind::LeaseTimeout(id) => write!(f, "node {id} lease timeout"),
            EventKind::ClientRetry(op) => write!(f, "client retries #{op}"),
            EventKind::ClientLoad(Some(op)) => write!(f, "client load submits #{op}"),
            EventKind::ClientLoad(None) => write!(f, "client load paused: too many unanswered operations"),
            EventKind::Submit(op) => write!(f, "client submits #{op}"),
            EventKind::Crash(id) => write!(f, "crash node {id}"),
            EventKind::Restart(id) => write!(f, "restart node {id}"),
            EventKind::ForcedTimeout(id) => write!(f, "force election timeout on node {id}"),
            EventKind::TransferLeader { from, to } => write!(f, "transfer leader {from} to {to}"),
            EventKind::Snapshot(id) => write!(f, "node {id} takes a snapshot"),
            EventKind::Partition(groups) => {
                f.write_str("partition ")?;
                for (i, g) in groups.iter().enumerate() {
                    if i > 0 {
                        f.write_str(" | ")?;
                    }
                    let ids: Vec<String> = g.iter().map(|id| id.to_string()).collect();
                    f.write_str(&ids.join(","))?;
                }
                Ok(())
            }
            EventKind::Cut { from, to, both } => write!(f, "cut {from}{}{to}", if *both { "<->" } else { "->" }),
            EventKind::Uncut { from, to, both } => write!(f, "uncut {from}{}{to}", if *both { "<->" } else { "->" }),
            EventKind::Heal => f.write_str("heal"),
            EventKind::Dropped(m) => {
                write!(f, "drop {}->{} {}", endpoint(m.from), endpoint(m.to), m.msg.kind().name())
            }
            EventKind::Duplicated { original, copy } => write!(f, "duplicate message {original} as {copy}"),
            EventKind::ClientGiveUp(op) => write!(f, "client gives up on #{op}: etcdctl's command timeout"),
            EventKind::Kube(event) => write!(f, "{event}"),
            EventKind::Machines(action) => write!(f, "{action}"),
            EventKind::Armed(rule) => {
                let what = match rule.fault {
                    MessageFault::Drop => "drop",
                    MessageFault::Duplicate => "duplicate",
                };
                let kind = rule.kind.map_or("any", |k| k.name());
                write!(f, "{what} next {kind} {}->{} (armed: none in flight)", endpoint(rule.from), endpoint(rule.to))
            }
            EventKind::SetRule { rule, on } => write!(f, "rule {rule} {}", if *on { "on" } else { "off" }),
        }
    }
}

impl fmt::Display for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{} {} {}", self.number, fmt_time(self.time), self.kind)
    }
}

impl fmt::Display for Effect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Effect::Node(id, NodeEvent::Became { role, term }) => write!(f, "node {id} became {role} of term {term}"),
            Effect::Node(id, NodeEvent::Voted { term, candidate }) if id == candidate => {
                write!(f, "node {id} votes for itself in term {term}")
            }
            Effect::Node(id, NodeEvent::Voted { term, candidate }) => {
                write!(f, "node {id} votes for {candidate} in term {term}")
            }
            Effect::Node(id, NodeEvent::Committed { index }) => write!(f, "node {id} commits up to index {index}"),
            Effect::Node(id, NodeEvent::Truncated { after, removed }) => {
                write!(f, "node {id} deletes {removed} conflicting entries after index {after}")
            }
            Effect::Node(id, NodeEvent::Overwrote { from, kept }) => {
                write!(f, "node {id} overwrites conflicting entries from index {from} and keeps {kept} stale entries")
            }
            Effect::Node(id, NodeEvent::Snapshotted { index }) => {
                write!(f, "node {id}'s snapshot covers its log up to index {index}")
            }
            Effect::Lost { from, to, kind } => {
                write!(f, "{} {}->{} lost in the network", kind.name(), endpoint(*from), endpoint(*to))
            }
            Effect::FaultFired { fault, from, to, kind } => {
                let what = match fault {
                    MessageFault::Drop => "dropped",
                    MessageFault::Duplicate => "duplicated",
                };
                write!(f, "{} {}->{} {what} as armed", kind.name(), endpoint(*from), endpoint(*to))
            }
            Effect::ClientDone { op, node, result, at: None } => {
                write!(f, "client #{op} done by node {node}: {result}")
            }
            Effect::ClientDone { op, node, result, at: Some((index, term)) } => {
                write!(f, "client #{op} done by node {node}: {result}, read at index {index} term {term}")
            }
            Effect::ClientRedirect { op, from, to: Some(to) } => {
                write!(f, "client #{op} redirected by node {from} to node {to}")
            }
            Effect::ClientRedirect { op, from, to: None } => {
                write!(f, "client #{op}: node {from} knows no leader, will retry")
            }
            Effect::Violation(v) => write!(f, "SAFETY VIOLATION: {v}"),
            Effect::Why(reason) => write!(f, "why: {reason}"),
            Effect::Kube { place, effect } => match effect {
                KubeEffect::StartedLeading { lease, .. } => write!(f, "{lease} on {place} became leader"),
                KubeEffect::StoppedLeading { lease, .. } => {
                    write!(f, "{lease} on {place} stopped leading (renew deadline passed) and exits")
                }
                KubeEffect::BackendUp(_) => write!(f, "load balancer marks {place} up"),
                KubeEffect::BackendDown(_) => write!(f, "load balancer marks {place} down"),
            },
        }
    }
}

impl Effect {
    /// Worth a line in a run's summary trace. Votes, commits and messages
    /// lost to the loss rate are frequent; `step` and `--trace` show them.
    /// Reasons are shown only when asked for (`--why`, `--trace`).
    pub fn is_notable(&self) -> bool {
        !matches!(
            self,
            Effect::Node(_, NodeEvent::Voted { .. })
                | Effect::Node(_, NodeEvent::Committed { .. })
                | Effect::Lost { .. }
                | Effect::Why(_)
        )
    }

    /// The reason, when this effect is one.
    pub fn reason(&self) -> Option<&Reason> {
        match self {
            Effect::Why(reason) => Some(reason),
            _ => None,
        }
    }

    /// Whether `reason` explains this effect: the decision it states is this
    /// state change of the same node (a role taken, a vote granted, a commit,
    /// a conflict repaired).
    pub fn explained_by(&self, reason: &Reason) -> bool {
        let Effect::Node(id, event) = self else { return false };
        if *id != reason.node() {
            return false;
        }
        match (event, reason) {
            (NodeEvent::Became { role, .. }, r) => match role {
                crate::raft::Role::Candidate => matches!(
                    r,
                    Reason::ElectionTimerFired { .. }
                        | Reason::ForcedTimeout { .. }
                        | Reason::PreVoteWon { .. }
                        | Reason::TransferTimeoutNow { .. }
                ),
                crate::raft::Role::PreCandidate => {
                    matches!(r, Reason::PreCampaignTimerFired { .. } | Reason::PreCampaignForced { .. })
                }
                crate::raft::Role::Leader => matches!(r, Reason::WonElection { .. }),
                crate::raft::Role::Follower => matches!(
                    r,
                    Reason::SawHigherTerm { .. }
                        | Reason::HeardLeader { .. }
                        | Reason::PreVoteLost { .. }
                        | Reason::CheckQuorumLost { .. }
                ),
            },
            (NodeEvent::Voted { candidate, .. }, r) => match r {
                Reason::VoteGranted { candidate: c, .. }
                | Reason::VoteGrantedTwice { candidate: c, .. }
                | Reason::VoteGrantedLogBehind { candidate: c, .. } => c == candidate,
                _ => false,
            },
            (NodeEvent::Committed { index }, r) => match r {
                Reason::LeaderCommitted { index: i, .. }
                | Reason::LeaderCommittedOldTerm { index: i, .. }
                | Reason::FollowerCommitted { index: i, .. }
                | Reason::FollowerCommittedUnbounded { index: i, .. }
                | Reason::SnapshotInstalledKept { index: i, .. }
                | Reason::SnapshotInstalledDiscarded { index: i, .. } => i == index,
                _ => false,
            },
            (NodeEvent::Snapshotted { index }, r) => match r {
                Reason::SnapshotTaken { index: i, .. }
                | Reason::SnapshotTakenPeriodic { index: i, .. }
                | Reason::SnapshotInstalledKept { index: i, .. }
                | Reason::SnapshotInstalledDiscarded { index: i, .. } => i == index,
                _ => false,
            },
            (NodeEvent::Truncated { .. }, r) => matches!(r, Reason::ConflictDeleted { .. }),
            (NodeEvent::Overwrote { .. }, r) => matches!(r, Reason::ConflictOverwritten { .. }),
        }
    }
}
