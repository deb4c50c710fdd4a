//! Every message a node sends or receives, named as in Figure 2 of the Raft
//! paper, each with its own payload struct, plus the client's request and
//! the node's reply.

use std::fmt;
use std::rc::Rc;

use super::kv::KvStore;
use super::log::SnapshotPoint;
use super::types::{Command, Entry, LogIndex, NodeId, ReadMode, RequestId, Term};
use crate::store::Reply;

/// Every message, as a typed payload: a handler receives the struct it
/// needs instead of re-destructuring an enum variant.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Message {
    RequestVote(RequestVote),
    RequestVoteReply(RequestVoteReply),
    AppendEntries(AppendEntries),
    AppendEntriesReply(AppendEntriesReply),
    PreVote(PreVote),
    PreVoteReply(PreVoteReply),
    TimeoutNow(TimeoutNow),
    InstallSnapshot(InstallSnapshot),
    InstallSnapshotReply(InstallSnapshotReply),
    /// A client operation, sent to any node. `request` stays the same across
    /// retries so the state machine applies it once.
    ClientRequest {
        request: RequestId,
        command: Command,
        /// How a read is served; `Log` for every write.
        read: ReadMode,
    },
    /// A node's answer to a client.
    ClientReply {
        request: RequestId,
        outcome: ClientOutcome,
    },
}

/// Sent by a candidate to gather votes (§5.2, Figure 2 "RequestVote RPC").
/// The last log position lets the receiver refuse a candidate whose log is
/// behind its own (§5.4.1).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RequestVote {
    pub term: Term,
    pub candidate: NodeId,
    pub last_log_index: LogIndex,
    pub last_log_term: Term,
    /// Sent on a leader's `TimeoutNow` (thesis §3.10): voters that still
    /// hear from a live leader vote anyway, since that leader asked for it.
    pub leader_transfer: bool,
}

/// Sent before a real election when PreVote is on (thesis §9.6): would the
/// receiver vote for `candidate` in `term` (the sender's term + 1)? Neither
/// side changes its term or vote for it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PreVote {
    pub term: Term,
    pub candidate: NodeId,
    pub last_log_index: LogIndex,
    pub last_log_term: Term,
}

/// The answer to PreVote: granted, it carries the term asked about; refused,
/// the voter's own term, so a pre-candidate behind the times learns it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PreVoteReply {
    pub term: Term,
    pub vote_granted: bool,
}

/// A leader transferring its leadership tells the up-to-date target to start
/// an election at once (thesis §3.10).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TimeoutNow {
    pub term: Term,
    pub leader: NodeId,
}

/// The answer to RequestVote; `term` lets a stale candidate step down.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RequestVoteReply {
    pub term: Term,
    pub vote_granted: bool,
}

/// Sent by the leader to replicate entries and, with no entries, as the
/// heartbeat that keeps followers from starting elections (§5.3, Figure 2
/// "AppendEntries RPC"). `prev_log_index`/`prev_log_term` name the entry just
/// before `entries`; the follower accepts only if it holds that entry (the
/// consistency check).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AppendEntries {
    pub term: Term,
    pub leader: NodeId,
    pub prev_log_index: LogIndex,
    pub prev_log_term: Term,
    pub entries: Vec<Entry>,
    pub leader_commit: LogIndex,
    /// The leader's heartbeat round when it sent this (etcd's heartbeat
    /// context), echoed in the reply: an acknowledgement of round `r` proves
    /// the leader still led after `r` began (ReadIndex, lease: `read_only.rs`).
    pub round: u64,
}

/// The answer to AppendEntries. On success `match_index` is the last index
/// known to agree with the leader. On failure the conflict hint lets the
/// leader skip back a whole term at once instead of one entry per round
/// trip (the optimisation sketched at the end of §5.3):
/// `conflict_term` is the follower's term at `prev_log_index` (None when
/// its log is too short) and `conflict_index` the first index it holds of
/// that term (or its log length + 1).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct AppendEntriesReply {
    pub term: Term,
    pub success: bool,
    pub match_index: LogIndex,
    /// On failure, the `prev_log_index` of the AppendEntries refused.
    /// Messages can arrive out of order, so the leader uses it to tell a
    /// rejection of its latest probe from a stale one it must ignore.
    pub rejected_index: LogIndex,
    pub conflict_index: LogIndex,
    pub conflict_term: Option<Term>,
    /// The `round` of the AppendEntries answered.
    pub round: u64,
}

impl AppendEntriesReply {
    /// A success: the follower's log agrees with the leader's up to `match_index`.
    pub fn accepted(term: Term, match_index: LogIndex) -> Self {
        AppendEntriesReply { term, success: true, match_index, ..Default::default() }
    }

    /// A failure of the consistency check at `rejected_index`, with the
    /// conflict hint (or a stale term's refusal, with no hint at all).
    pub fn rejected(
        term: Term,
        rejected_index: LogIndex,
        conflict_index: LogIndex,
        conflict_term: Option<Term>,
    ) -> Self {
        AppendEntriesReply {
            term,
            success: false,
            match_index: 0,
            rejected_index,
            conflict_index,
            conflict_term,
            round: 0,
        }
    }
}

/// A snapshot of one node's state machine (§7): the key-value state with
/// its table of applied client requests, as of the last included entry.
/// Shared behind an `Rc`: a node, its messages and the world's checkpoints
/// hold the same one.
#[derive(Clone, Debug, Default)]
pub struct Snapshot {
    /// The last included index and term, and the digest of the log prefix
    /// the snapshot replaces.
    pub point: SnapshotPoint,
    pub state: KvStore,
}

/// Two snapshots of the same point hold the same state (State Machine
/// Safety); the state's digest confirms it.
impl PartialEq for Snapshot {
    fn eq(&self, other: &Self) -> bool {
        self.point == other.point && self.state.digest() == other.state.digest()
    }
}

impl Eq for Snapshot {}

/// Sent by the leader to a follower that needs entries the leader has
/// already discarded (§7, Figure 13 "InstallSnapshot RPC"). The snapshot
/// travels whole, in one message: the paper's `offset`/`done` chunking is a
/// transport detail the simulation leaves out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InstallSnapshot {
    pub term: Term,
    pub leader: NodeId,
    pub snapshot: Rc<Snapshot>,
}

/// The answer to InstallSnapshot. Besides the paper's `term`, it carries
/// `match_index`, the index up to which the follower's log now agrees with
/// the leader's (the snapshot's point, or the follower's commit index when
/// the snapshot was older than what it had), as etcd's follower answers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct InstallSnapshotReply {
    pub term: Term,
    pub match_index: LogIndex,
}

/// What a node tells the client.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ClientOutcome {
    /// The command was committed and applied; `get` carries the value read
    /// (None when the key is missing) and `list` the matching keys.
    Applied(Applied),
    /// This node is not the leader; `leader` is the leader it knows, if any.
    Redirect { leader: Option<NodeId> },
    /// A read served outside the log (ReadIndex, lease, local): the result
    /// and where the node read it, its applied `index` and its current `term`.
    Read { result: Applied, index: LogIndex, term: Term },
}

impl ClientOutcome {
    /// The result the client gets, if this is an answer (not a redirect).
    pub fn result(&self) -> Option<&Applied> {
        match self {
            ClientOutcome::Applied(result) | ClientOutcome::Read { result, .. } => Some(result),
            ClientOutcome::Redirect { .. } => None,
        }
    }
}

/// The result of applying one command to the key-value state machine.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Applied {
    Done,
    Value(Option<Rc<str>>),
    Keys(Rc<[Rc<str>]>),
    /// The etcd store's reply to an etcd request, with its revision.
    Etcd(Rc<Reply>),
}

impl fmt::Display for Applied {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Applied::Done => f.write_str("ok"),
            Applied::Value(Some(v)) => write!(f, "value {v}"),
            Applied::Value(None) => f.write_str("missing"),
            Applied::Keys(keys) => {
                f.write_str("keys [")?;
                for (i, k) in keys.iter().enumerate() {
                    if i > 0 {
                        f.write_str(" ")?;
                    }
                    f.write_str(k)?;
                }
                f.write_str("]")
            }
            Applied::Etcd(reply) => write!(f, "{reply}"),
        }
    }
}

/// The kinds of message, as the scenario language names them in
/// `drop next TYPE A->B`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum MessageKind {
    RequestVote,
    RequestVoteReply,
    AppendEntries,
    AppendEntriesReply,
    PreVote,
    PreVoteReply,
    TimeoutNow,
    ClientRequest,
    ClientReply,
    InstallSnapshot,
    InstallSnapshotReply,
}

impl MessageKind {
    pub const ALL: [MessageKind; 11] = [
        MessageKind::RequestVote,
        MessageKind::RequestVoteReply,
        MessageKind::AppendEntries,
        MessageKind::AppendEntriesReply,
        MessageKind::PreVote,
        MessageKind::PreVoteReply,
        MessageKind::TimeoutNow,
        MessageKind::InstallSnapshot,
        MessageKind::InstallSnapshotReply,
        MessageKind::ClientRequest,
        MessageKind::ClientReply,
    ];

    pub fn name(self) -> &'static str {
        match self {
            MessageKind::RequestVote => "RequestVote",
            MessageKind::RequestVoteReply => "RequestVoteReply",
            MessageKind::AppendEntries => "AppendEntries",
            MessageKind::AppendEntriesReply => "AppendEntriesReply",
            MessageKind::PreVote => "PreVote",
            MessageKind::PreVoteReply => "PreVoteReply",
            MessageKind::TimeoutNow => "TimeoutNow",
            MessageKind::ClientRequest => "ClientRequest",
            MessageKind::ClientReply => "ClientReply",
            MessageKind::InstallSnapshot => "InstallSnapshot",
            MessageKind::InstallSnapshotReply => "InstallSnapshotReply",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.name() == name)
    }
}

impl Message {
    pub fn kind(&self) -> MessageKind {
        match self {
            Message::RequestVote(_) => MessageKind::RequestVote,
            Message::RequestVoteReply(_) => MessageKind::RequestVoteReply,
            Message::AppendEntries(_) => MessageKind::AppendEntries,
            Message::AppendEntriesReply(_) => MessageKind::AppendEntriesReply,
            Message::PreVote(_) => MessageKind::PreVote,
            Message::PreVoteReply(_) => MessageKind::PreVoteReply,
            Message::TimeoutNow(_) => MessageKind::TimeoutNow,
            Message::InstallSnapshot(_) => MessageKind::InstallSnapshot,
            Message::InstallSnapshotReply(_) => MessageKind::InstallSnapshotReply,
            Message::ClientRequest { .. } => MessageKind::ClientRequest,
            Message::ClientReply { .. } => MessageKind::ClientReply,
        }
    }

    /// The sender's term, for messages between servers.
    pub fn term(&self) -> Option<Term> {
        match self {
            Message::RequestVote(m) => Some(m.term),
            Message::RequestVoteReply(m) => Some(m.term),
            Message::AppendEntries(m) => Some(m.term),
            Message::AppendEntriesReply(m) => Some(m.term),
            Message::PreVote(m) => Some(m.term),
            Message::PreVoteReply(m) => Some(m.term),
            Message::TimeoutNow(m) => Some(m.term),
            Message::InstallSnapshot(m) => Some(m.term),
            Message::InstallSnapshotReply(m) => Some(m.term),
            Message::ClientRequest { .. } | Message::ClientReply { .. } => None,
        }
    }

    /// An AppendEntries without entries is a heartbeat.
    pub fn is_heartbeat(&self) -> bool {
        matches!(self, Message::AppendEntries(m) if m.entries.is_empty())
    }
}

/// One line with every field, as the trace and `show messages` print it.
impl fmt::Display for Message {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Message::RequestVote(RequestVote { term, candidate, last_log_index, last_log_term, leader_transfer }) => {
                write!(f, "RequestVote term={term} candidate={candidate} last_log={last_log_term}/{last_log_index}")?;
                if *leader_transfer {
                    f.write_str(" transfer")?;
                }
                Ok(())
            }
            Message::PreVote(PreVote { term, candidate, last_log_index, last_log_term }) => {
                write!(f, "PreVote term={term} candidate={candidate} last_log={last_log_term}/{last_log_index}")
            }
            Message::PreVoteReply(PreVoteReply { term, vote_granted }) => {
                write!(f, "PreVoteReply term={term} granted={vote_granted}")
            }
            Message::TimeoutNow(TimeoutNow { term, leader }) => write!(f, "TimeoutNow term={term} leader={leader}"),
            Message::RequestVoteReply(RequestVoteReply { term, vote_granted }) => {
                write!(f, "RequestVoteReply term={term} granted={vote_granted}")
            }
            Message::AppendEntries(AppendEntries {
                term,
                leader,
                prev_log_index,
                prev_log_term,
                entries,
                leader_commit,
                ..
            }) => {
                write!(
                    f,
                    "AppendEntries term={term} leader={leader} prev={prev_log_term}/{prev_log_index} commit={leader_commit} entries=["
                )?;
                for (i, e) in entries.iter().enumerate() {
                    if i > 0 {
                        f.write_str(" ")?;
                    }
                    write!(f, "{e}")?;
                }
                f.write_str("]")
            }
            Message::AppendEntriesReply(AppendEntriesReply {
                term,
                success,
                match_index,
                rejected_index,
                conflict_index,
                conflict_term,
                ..
            }) => {
                write!(f, "AppendEntriesReply term={term} success={success}")?;
                if *success {
                    write!(f, " match={match_index}")?;
                } else {
                    write!(f, " rejected={rejected_index}")?;
                    match conflict_term {
                        Some(t) => write!(f, " conflict={t}/{conflict_index}")?,
                        None => write!(f, " conflict=short/{conflict_index}")?,
                    }
                }
                Ok(())
            }
            Message::InstallSnapshot(InstallSnapshot { term, leader, snapshot }) => {
                let SnapshotPoint { index, term: last_term, .. } = snapshot.point;
                let keys = snapshot.state.len();
                write!(f, "InstallSnapshot term={term} leader={leader} last_included={last_term}/{index} keys={keys}")
            }
            Message::InstallSnapshotReply(InstallSnapshotReply { term, match_index }) => {
                write!(f, "InstallSnapshotReply term={term} match={match_index}")
            }
            Message::ClientRequest { request, command, read: ReadMode::Log } => {
                write!(f, "ClientRequest #{request} {command}")
            }
            Message::ClientRequest { request, command, read } => {
                write!(f, "ClientRequest #{request} {command} read={read}")
            }
            Message::ClientReply { request, outcome } => match outcome {
                ClientOutcome::Applied(a) => write!(f, "ClientReply #{request} {a}"),
                ClientOutcome::Read { result, index, term } => {
                    write!(f, "ClientReply #{request} {result} at index {index} term {term}")
                }
                ClientOutcome::Redirect { leader: Some(l) } => {
                    write!(f, "ClientReply #{request} redirect to {l}")
                }
                ClientOutcome::Redirect { leader: None } => {
                    write!(f, "ClientReply #{request} redirect, leader unknown")
                }
            },
        }
    }
}
