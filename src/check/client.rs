//! What clients see, checked against the committed log (extensions to the
//! five properties of Figure 3):
//!
//! * **Client Acknowledged** (`client-acknowledged`): every operation
//!   acknowledged to the client is in the committed log, with the result
//!   the client got, which is the result of applying the committed log up
//!   to its entry. A leader that answers before its entry commits, or
//!   answers with another result, breaks it.
//! * **Applied State** (`applied-state`): each node's key-value state is
//!   its committed log applied in order. A node that applies an entry
//!   twice, skips one, or keeps state across a restart breaks it.
//!
//! Both read one reference: the committed prefix the checker already keeps
//! (see the module documentation), applied in order to a [`KvStore`] of
//! the checker's own as it grows. It records each request's result and,
//! for every committed index, the digest of the state after it. A node
//! that applied up to index `i` must then have a store whose digest
//! ([`KvStore::digest`], kept up to date by every change) is the recorded
//! digest at `i`: one comparison per touched node and event, no replay.
//! Only a failure replays the node's log, to name the keys that differ.

use std::fmt;

use crate::raft::{Applied, Command, Entry, KvStore, LogIndex, NodeId, ReadMode, RequestId, Term, UNTRACKED_REQUEST};
use crate::util::msg::{chain, code};
use crate::util::{Chunked, Msg};

use super::{Checker, EntryInfo, Event, Invariant, Violation};

/// The committed log applied in order, as the reference for both checks.
#[derive(Clone, Default)]
pub(super) struct ClientChecks {
    shadow: KvStore,
    /// `state_digests[i - 1]`: the digest of the state after index `i`.
    state_digests: Chunked<u64>,
    /// `request_index[id]`: the committed index of request `id`'s first
    /// entry, 0 while none (slot 0 unused).
    request_index: Chunked<LogIndex>,
    /// Per node: the applied index at which its state was last reported
    /// wrong, so that a lasting difference is reported once.
    reported: Vec<Option<LogIndex>>,
}

impl ClientChecks {
    pub(super) fn new(nodes: usize) -> Self {
        ClientChecks { reported: vec![None; nodes], ..Self::default() }
    }

    /// What a clone allocates of its own: the committed state machine, the
    /// two tables' pointers and tails, the per-node marks.
    pub(super) fn clone_bytes(&self) -> usize {
        self.shadow.clone_bytes()
            + self.state_digests.clone_bytes()
            + self.request_index.clone_bytes()
            + self.reported.len() * std::mem::size_of::<Option<LogIndex>>()
    }

    /// The committed prefix grew by `entry`, at the next index.
    pub(super) fn committed(&mut self, entry: &Entry) {
        let index = self.state_digests.len() as LogIndex + 1;
        // The control plane's own requests (apiservers, untracked) are not
        // the client's operations: they have no slot.
        if let Some(request) = entry.request.filter(|&r| r & UNTRACKED_REQUEST == 0) {
            let slot = usize::try_from(request).expect("request ids number client operations");
            if slot >= self.request_index.len() {
                self.request_index.resize(slot + 1, 0);
            }
            let mut first = self.request_index.get_mut(slot).expect("grown to hold it");
            if *first == 0 {
                *first = index;
            }
        }
        self.shadow.apply(entry);
        self.state_digests.push(self.shadow.digest());
    }

    /// The digest of the committed state after `index`.
    fn state_digest(&self, index: LogIndex) -> u64 {
        if index == 0 {
            0
        } else {
            self.state_digests[index as usize - 1]
        }
    }

    fn request_index(&self, request: RequestId) -> Option<LogIndex> {
        if request & UNTRACKED_REQUEST != 0 {
            return None;
        }
        let slot = usize::try_from(request).ok()?;
        self.request_index.get(slot).copied().filter(|&i| i > 0)
    }
}

/// Equal when they recorded the same committed history.
impl PartialEq for ClientChecks {
    fn eq(&self, other: &Self) -> bool {
        self.state_digests == other.state_digests
            && self.request_index == other.request_index
            && self.reported == other.reported
            && self.shadow.digest() == other.shadow.digest()
    }
}

impl fmt::Debug for ClientChecks {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientChecks")
            .field("committed", &self.state_digests.len())
            .field("state_digest", &self.shadow.digest())
            .field("reported", &self.reported)
            .finish()
    }
}

/// An answer the client received.
#[derive(Clone, Copy, Debug)]
pub struct Completion<'a> {
    pub op: RequestId,
    pub command: &'a Command,
    /// The node that answered.
    pub node: NodeId,
    pub result: &'a Applied,
    /// How the operation was served: only one through the log (`Log`, every
    /// write) has a committed entry that Client Acknowledged can judge; the
    /// reads served outside it are judged by linearizability alone.
    pub read: ReadMode,
}

/// Whether `result` is what a node answers to a committed request whose
/// result it no longer keeps (only the newest [`RESULT_WINDOW`](crate::raft::kv::RESULT_WINDOW) are kept,
/// by the nodes and by this checker's reference alike): a retried write
/// answers `ok` without acting again; a read reads again at the current
/// state, which is within the read's interval (the linearizability
/// checker judges its value); an etcd request answers at the store's
/// current revision.
fn answers_a_forgotten_request(command: &Command, result: &Applied) -> bool {
    match command {
        Command::Put { .. } | Command::Del { .. } => *result == Applied::Done,
        Command::Noop => false,
        Command::Get { .. } | Command::List { .. } | Command::Etcd(_) => true,
    }
}

impl Checker {
    /// Applied State for node `id`, after its commits were checked.
    pub(super) fn check_applied_state(&mut self, ev: &Event<'_, '_>, id: NodeId) {
        let view = ev.view(id);
        let applied = view.last_applied;
        if !view.alive || applied > self.committed.len() as LogIndex {
            return;
        }
        // A log that left the committed prefix is State Machine Safety's
        // to report.
        if applied > 0 && view.log.digest_at(applied) != Some(self.committed[applied as usize - 1].digest) {
            return;
        }
        let i = id as usize - 1;
        if i >= self.clients.reported.len() {
            self.clients.reported.resize(i + 1, None);
        }
        if view.kv.digest() == self.clients.state_digest(applied) {
            self.clients.reported[i] = None;
            return;
        }
        if self.clients.reported[i] == Some(applied) {
            return;
        }
        self.clients.reported[i] = Some(applied);
        // Only now replay the node's log, to say which keys differ.
        let mut expected = KvStore::new();
        for entry in view.log.range(1, applied) {
            expected.apply(entry);
        }
        let mut differences = Vec::new();
        let mut keys: Vec<&str> = expected.iter().map(|(k, _)| k).collect();
        keys.extend(view.kv.iter().map(|(k, _)| k).filter(|k| expected.get(k).is_none()));
        for key in keys {
            let (want, have) = (expected.get(key), view.kv.get(key));
            if want != have {
                let show = |v: Option<&str>| {
                    v.map_or_else(
                        || Msg::new("v.keyMissing", "{key} missing").text("key", key),
                        |v| code(format!("{key} = {v}")),
                    )
                };
                differences.push((
                    key,
                    Msg::new("v.kvDiffers", "{have}, but the log gives {want}")
                        .msg("have", show(have))
                        .msg("want", show(want)),
                ));
            }
        }
        let first_key = differences.first().map(|(k, _)| *k);
        let last_write = first_key.and_then(|key| {
            (1..=applied).rev().find(|&index| {
                view.log.entry(index).is_some_and(|e| match &e.command {
                    Command::Put { key: k, .. } | Command::Del { key: k } => &**k == key,
                    _ => false,
                })
            })
        });
        let entries = last_write
            .and_then(|index| view.log.entry(index).map(|e| (index, e)))
            .map(|(index, e)| EntryInfo { node: id, index, term: e.term, command: e.command.to_string() })
            .into_iter()
            .collect();
        let what = chain("v.kvDifferences", "{a}; {b}", differences.iter().take(3).map(|(_, d)| d.clone()).collect());
        let detail = match what {
            None => Msg::new(
                "v.appliedState.digest",
                "node {node}'s key-value state is not its committed log applied in order up to index {index} \
                 (the digests differ)",
            ),
            Some(what) => Msg::new(
                "v.appliedState",
                "node {node}'s key-value state is not its committed log applied in order up to index {index}: {what}",
            )
            .msg("what", what),
        };
        let detail = detail.num("node", id).num("index", applied);
        self.push(ev.event, ev.time_us, Invariant::AppliedState, vec![id], entries, Vec::new(), detail);
    }

    /// The committed index and term of request `request`'s first entry, if
    /// it has one: where a read through the log read.
    pub fn committed_entry_of(&self, request: RequestId) -> Option<(LogIndex, Term)> {
        let index = self.clients.request_index(request)?;
        Some((index, self.committed[index as usize - 1].term))
    }

    /// Client Acknowledged for one answer the client received.
    pub(super) fn check_acknowledged(&mut self, event: u64, time_us: u64, done: &Completion<'_>) -> bool {
        if done.read != ReadMode::Log {
            return false;
        }
        let (op, node) = (done.op, done.node);
        let index = self.clients.request_index(op);
        let committed = self.clients.shadow.result_of(op);
        if committed == Some(done.result) {
            return false;
        }
        if committed.is_none() && index.is_some() && answers_a_forgotten_request(done.command, done.result) {
            return false;
        }
        let entry = index.map(|index| {
            let c = self.committed[index as usize - 1];
            EntryInfo { node: c.node, index, term: c.term, command: done.command.to_string() }
        });
        let detail = match (committed, index) {
            (Some(result), Some(index)) => Msg::new(
                "v.acknowledged",
                "client operation #{op} {command} was acknowledged by node {node} with {result}, but the committed log \
                 gives {committed} (index {index})",
            )
            .text("committed", result.to_string())
            .num("index", index),
            _ => Msg::new(
                "v.acknowledged.uncommitted",
                "client operation #{op} {command} was acknowledged by node {node} with {result}, but no committed entry \
                 serves it (the committed log ends at index {last})",
            )
            .num("last", self.committed.len() as u64),
        };
        let detail = detail
            .num("op", op)
            .text("command", done.command.to_string())
            .num("node", node)
            .text("result", done.result.to_string());
        let mut nodes = vec![node];
        nodes.extend(entry.as_ref().map(|e| e.node).filter(|&n| n != node));
        let before = self.violations.len();
        self.push(event, time_us, Invariant::ClientAcknowledged, nodes, entry.into_iter().collect(), vec![op], detail);
        self.violations.len() > before
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn push(
        &mut self,
        event: u64,
        time_us: u64,
        invariant: Invariant,
        nodes: Vec<NodeId>,
        entries: Vec<EntryInfo>,
        operations: Vec<RequestId>,
        detail: Msg,
    ) {
        if self.violations.len() >= super::MAX_VIOLATIONS {
            self.dropped += 1;
            return;
        }
        self.violations.push(Violation { event, time_us, invariant, nodes, entries, operations, detail });
    }
}
