//! The simulated client: sends each operation to a node, follows redirects,
//! retries after a timeout, and records the history of its operations: all
//! those still pending and the newest [`HISTORY_KEPT`] completed, so that a
//! run of any length keeps a bounded history.

use std::collections::BTreeSet;
use std::rc::Rc;

use crate::check::linearizability::Operation;
use crate::check::Completion;
use crate::raft::{Applied, ClientOutcome, Command, LogIndex, Message, NodeId, ReadMode, RequestId, Term, CLIENT};
use crate::store::etcdctl::{Call, COMMAND_TIMEOUT_US};

use crate::util::chunked::{ElemMut, CHUNK};
use crate::util::Chunked;

use super::action::UserAction;
use super::event::{Effect, EventKind};
use super::{Micros, SimError, World};

/// One client operation with its history: the record a linearizability
/// checker needs (invoke and complete times, result).
#[derive(Clone, Debug, PartialEq)]
pub struct ClientOp {
    pub id: RequestId,
    pub command: Command,
    /// How a read is served (`Log` for every write).
    pub read: ReadMode,
    /// Where the answer was read: the applied index and the answering
    /// node's term (for a read through the log, its committed entry's index
    /// and term). `None` for writes and until answered.
    pub read_at: Option<(LogIndex, Term)>,
    /// Node the user asked for with `via`, if any.
    pub via: Option<NodeId>,
    pub invoked_at: Micros,
    pub completed_at: Option<Micros>,
    pub result: Option<Applied>,
    /// Node the latest attempt went to.
    pub target: NodeId,
    pub attempts: u32,
    pub redirects: u32,
    /// When the client gives up on the current attempt and tries again;
    /// `None` once completed.
    pub retry_at: Option<Micros>,
}

impl ClientOp {
    pub fn is_done(&self) -> bool {
        self.completed_at.is_some()
    }

    /// The operation as the linearizability checker reads a history.
    pub fn to_operation(&self) -> Operation {
        Operation {
            id: self.id,
            command: self.command.clone(),
            invoked_at: self.invoked_at,
            response: self.completed_at.zip(self.result.clone()),
            // The client only takes an answer from the node its latest
            // attempt went to.
            node: self.is_done().then_some(self.target),
        }
    }
}

/// Operations the history keeps at least, the newest (a scenario of fewer
/// keeps all of its own). Older ones are forgotten a chunk at a time, once
/// none of them is pending.
pub const HISTORY_KEPT: usize = 10_000;

#[derive(Clone, Debug, Default)]
pub struct Client {
    /// The operations kept, in submission order: `ops[i].id == first + i`.
    /// Chunked: only its newest operations change, so time-travel
    /// checkpoints share the rest.
    pub(super) ops: Chunked<ClientOp>,
    /// The id of `ops[0]`, less one: how many operations were forgotten.
    forgotten: RequestId,
    /// Ids of operations not yet completed, in submission order.
    pub(super) pending: Vec<RequestId>,
    /// The retry deadlines of pending operations (each op's `retry_at`),
    /// earliest first: the event loop asks for the earliest after every
    /// event, and a fuzz client may have hundreds of operations waiting.
    retries: BTreeSet<(Micros, RequestId)>,
    /// The leader learned from the latest reply or redirect.
    pub(super) leader_hint: Option<NodeId>,
    /// The load generator's keys, made once and shared by every put.
    load_keys: Vec<Rc<str>>,
    /// Operations the client gives up on if unanswered by then (etcdctl's
    /// command timeout), in submission order.
    pub(super) deadlines: Vec<(RequestId, Micros)>,
}

impl Client {
    /// The operations kept (every pending one, and at least the newest
    /// [`HISTORY_KEPT`]), oldest first, as one slice. The first call on a
    /// world copies them into a contiguous buffer that is then kept up to
    /// date (see [`Chunked::as_slice`]); [`Client::op`] copies nothing.
    /// What a clone allocates of its own: one pointer per full chunk of
    /// operations and the tail, the pending and the retry tables.
    pub fn clone_bytes(&self) -> usize {
        use std::mem::size_of;
        self.ops.clone_bytes()
            + self.pending.len() * size_of::<RequestId>()
            // A B-tree's nodes, counted two-thirds full.
            + self.retries.len() * size_of::<(Micros, RequestId)>() * 3 / 2
            + self.load_keys.len() * size_of::<Rc<str>>()
            + self.deadlines.len() * size_of::<(RequestId, Micros)>()
    }

    /// The bytes of the full chunks of operations this holds and `older`
    /// (an earlier clone) does not: the client forgets the oldest chunks
    /// past its window, and the clones that still hold them then hold them
    /// alone.
    pub fn chunk_bytes_not_in(&self, older: &Client) -> usize {
        self.ops.chunk_bytes_not_in(&older.ops)
    }

    pub fn ops(&self) -> &[ClientOp] {
        self.ops.as_slice()
    }

    /// Operations submitted so far, forgotten ones included; copies nothing.
    pub fn op_count(&self) -> usize {
        self.forgotten as usize + self.ops.len()
    }

    /// The id of the oldest operation kept (1 until some are forgotten).
    pub fn first_kept(&self) -> RequestId {
        self.forgotten + 1
    }

    /// Operations waiting for an answer.
    pub fn pending_count(&self) -> usize {
        self.pending.len()
    }

    /// The newest `n` operations, oldest first; copies nothing (the page's
    /// panels read only these, every frame).
    pub fn newest(&self, n: usize) -> impl DoubleEndedIterator<Item = &ClientOp> {
        let len = self.ops.len();
        self.ops.range(len.saturating_sub(n)..len)
    }

    /// Operation `id`, if it is kept.
    pub fn op(&self, id: RequestId) -> Option<&ClientOp> {
        self.ops.get(id.checked_sub(self.first_kept())? as usize)
    }

    /// The guard keeps the whole history borrowed until it is dropped (it
    /// updates the slice view then), hence the explicit `drop`s below before
    /// the world goes on.
    pub(super) fn op_mut(&mut self, id: RequestId) -> Option<ElemMut<'_, ClientOp>> {
        let i = id.checked_sub(self.first_kept())? as usize;
        self.ops.get_mut(i)
    }

    pub fn pending(&self) -> impl Iterator<Item = &ClientOp> {
        self.pending.iter().filter_map(|&id| self.op(id))
    }

    pub fn leader_hint(&self) -> Option<NodeId> {
        self.leader_hint
    }

    /// The earliest retry deadline among pending operations, with its op.
    pub(super) fn next_retry(&self) -> Option<(Micros, RequestId)> {
        self.retries.first().copied()
    }

    /// Sets operation `id`'s retry deadline (`None`: no retry), keeping the
    /// index of deadlines in step.
    pub(super) fn set_retry(&mut self, id: RequestId, at: Option<Micros>) {
        let Some(mut op) = self.op_mut(id) else {
            return;
        };
        let old = std::mem::replace(&mut op.retry_at, at);
        drop(op);
        if let Some(old) = old {
            self.retries.remove(&(old, id));
        }
        if let Some(at) = at {
            self.retries.insert((at, id));
        }
    }

    pub(super) fn submit(
        &mut self,
        command: Command,
        read: ReadMode,
        via: Option<NodeId>,
        now: Micros,
        target: NodeId,
    ) -> RequestId {
        let id = self.op_count() as RequestId + 1;
        self.ops.push(ClientOp {
            id,
            command,
            read,
            read_at: None,
            via,
            invoked_at: now,
            completed_at: None,
            result: None,
            target,
            attempts: 0,
            redirects: 0,
            retry_at: None,
        });
        self.pending.push(id);
        id
    }

    pub(super) fn complete(
        &mut self,
        id: RequestId,
        result: Applied,
        read_at: Option<(LogIndex, Term)>,
        now: Micros,
    ) -> bool {
        let Some(mut op) = self.op_mut(id) else {
            return false;
        };
        if op.is_done() {
            // A late reply to an earlier attempt of an operation already done.
            return false;
        }
        op.completed_at = Some(now);
        op.result = Some(result);
        op.read_at = read_at;
        drop(op);
        self.set_retry(id, None);
        self.pending.retain(|&p| p != id);
        self.forget_old();
        self.deadlines.retain(|(o, _)| *o != id);
        true
    }

    /// Forgets the oldest chunks of the history while more than
    /// [`HISTORY_KEPT`] would remain and none of their operations is
    /// pending (pending ids are in submission order, so the first is the
    /// oldest).
    fn forget_old(&mut self) {
        while self.ops.len() >= HISTORY_KEPT + CHUNK
            && self.pending.first().is_none_or(|&p| p >= self.first_kept() + CHUNK as RequestId)
        {
            self.ops.forget_front(1);
            self.forgotten += CHUNK as RequestId;
        }
    }

    /// The load generator's key number `i`, shared by every put to it.
    fn load_key(&mut self, i: usize) -> Rc<str> {
        while self.load_keys.len() <= i {
            self.load_keys.push(Rc::from(format!("k{}", self.load_keys.len())));
        }
        self.load_keys[i].clone()
    }
}

/// Steady client traffic: a `put` every `interval`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct ClientLoad {
    pub(super) interval: Micros,
    pub(super) next_at: Micros,
    pub(super) count: u64,
}

/// Past this many unanswered operations the load generator pauses, so a
/// long outage does not pile up an unbounded backlog.
pub(super) const LOAD_MAX_PENDING: usize = 64;

/// The world's side of the client: sending, following redirects, retrying,
/// and the steady load generator.
impl World {
    /// "client submits #N COMMAND to node T": how the trace, the CLI and the
    /// page's feed describe a submission (the event itself names only #N).
    pub fn describe_submit(&self, op: RequestId) -> String {
        match self.client.op(op) {
            Some(o) if o.read != ReadMode::Log => {
                format!("client submits #{op} {} read={} to node {}", o.command, o.read, o.target)
            }
            Some(o) => format!("client submits #{op} {} to node {}", o.command, o.target),
            None => format!("client submits #{op}"),
        }
    }

    /// Submits a client operation, to `via` or else to the leader the world
    /// sees (the scenario's "known leader"), else to the client's last hint,
    /// else to node 1.
    pub fn submit(&mut self, command: Command, via: Option<NodeId>) -> Result<RequestId, SimError> {
        if let Some(id) = via {
            self.check_node(id)?;
        }
        self.record(UserAction::Submit { command: command.clone(), via });
        self.effects.clear();
        let op = self.submit_op(command, ReadMode::Log, via);
        self.finish_event(EventKind::Submit(op), None);
        Ok(op)
    }

    /// Submits a read (`get`, `list`) served as `mode` says (thesis §6.4):
    /// through the log, by ReadIndex, under the leader's lease, or by the
    /// receiving node alone.
    pub fn submit_read(
        &mut self,
        command: Command,
        via: Option<NodeId>,
        mode: ReadMode,
    ) -> Result<RequestId, SimError> {
        if !matches!(command, Command::Get { .. } | Command::List { .. }) {
            return Err(SimError::NotARead(command.to_string()));
        }
        if mode == ReadMode::Log {
            return self.submit(command, via);
        }
        if let Some(id) = via {
            self.check_node(id)?;
        }
        self.record(UserAction::Read { command: command.clone(), via, mode });
        self.effects.clear();
        let op = self.submit_op(command, mode, via);
        self.finish_event(EventKind::Submit(op), None);
        Ok(op)
    }

    /// Submits an etcdctl request: a client operation the client gives up
    /// on after etcdctl's command timeout.
    pub fn submit_etcdctl(&mut self, call: Call) -> Result<RequestId, SimError> {
        let Call::Kv { request, .. } = &call else {
            return Err(SimError::ControlPlane(format!(
                "etcdctl {call} reads the members' state; it sends no request"
            )));
        };
        let command = Command::Etcd(Rc::new(request.clone()));
        self.record(UserAction::Etcdctl(call));
        self.effects.clear();
        let deadline = self.now + COMMAND_TIMEOUT_US;
        let id = self.client.ops.len() as RequestId + 1;
        self.client.deadlines.push((id, deadline));
        let op = self.submit_op(command, ReadMode::Log, None);
        debug_assert_eq!(op, id);
        self.finish_event(EventKind::Submit(op), None);
        Ok(op)
    }

    pub(super) fn submit_op(&mut self, command: Command, read: ReadMode, via: Option<NodeId>) -> RequestId {
        let target = via.or_else(|| self.current_leader()).or(self.client.leader_hint).unwrap_or(1);
        let op = self.client.submit(command, read, via, self.now, target);
        self.client_send(op);
        op
    }

    /// When the client gives up on `op`, if it ever does.
    pub(super) fn deadline_of(&self, op: RequestId) -> Option<Micros> {
        self.client.deadlines.iter().find(|(o, _)| *o == op).map(|&(_, d)| d)
    }

    /// The retry time `at`, or earlier when the client gives up before it.
    fn retry_time(&self, op: RequestId, at: Micros) -> Micros {
        self.deadline_of(op).map_or(at, |d| at.min(d))
    }

    /// At `op`'s retry time: whether its deadline has come, and if so gives
    /// it up (no more attempts; a late answer is ignored).
    pub(super) fn client_gives_up(&mut self, op: RequestId) -> bool {
        if self.deadline_of(op).is_none_or(|d| self.now < d) {
            return false;
        }
        self.client.deadlines.retain(|(o, _)| *o != op);
        self.client.pending.retain(|&p| p != op);
        self.client.set_retry(op, None);
        true
    }

    fn client_send(&mut self, op: RequestId) {
        let timeout = self.config.client_timeout();
        let now = self.now;
        let retry_at = self.retry_time(op, now + timeout);
        let Some(mut record) = self.client.op_mut(op) else {
            return;
        };
        record.attempts += 1;
        let (target, command, read) = (record.target, record.command.clone(), record.read);
        drop(record);
        self.client.set_retry(op, Some(retry_at));
        self.send(CLIENT, target, Message::ClientRequest { request: op, command, read });
    }

    pub(super) fn client_receive(&mut self, from: NodeId, msg: &Message) {
        let Message::ClientReply { request, outcome } = msg else {
            return;
        };
        let request = *request;
        let Some(op) = self.client.op(request) else {
            return;
        };
        if op.is_done() || op.target != from || !self.client.pending.contains(&request) {
            // A reply to an attempt (or an operation) the client has
            // already given up on.
            return;
        }
        match outcome {
            ClientOutcome::Applied(result) | ClientOutcome::Read { result, .. } => {
                let read_at = match *outcome {
                    ClientOutcome::Read { index, term, .. } => Some((index, term)),
                    // A read through the log read at its committed entry.
                    _ if matches!(op.command, Command::Get { .. } | Command::List { .. }) => {
                        self.checker.committed_entry_of(request)
                    }
                    _ => None,
                };
                if matches!(outcome, ClientOutcome::Applied(_)) || self.node(from).role() == crate::raft::Role::Leader {
                    self.client.leader_hint = Some(from);
                }
                if self.client.complete(request, result.clone(), read_at, self.now) {
                    let (op, node, result) = (request, from, result.clone());
                    self.effects.push(Effect::ClientDone { op, node, result, at: read_at });
                }
            }
            ClientOutcome::Redirect { leader } => {
                let n = self.config.nodes;
                let backoff_until = self.retry_time(request, self.now + self.config.election.0);
                let mut op = self.client.op_mut(request).expect("checked above");
                op.redirects += 1;
                match *leader {
                    Some(leader) if leader != from => {
                        op.target = leader;
                        drop(op);
                        self.client.leader_hint = Some(leader);
                        self.effects.push(Effect::ClientRedirect { op: request, from, to: Some(leader) });
                        self.client_send(request);
                    }
                    _ => {
                        // Nobody knows a leader yet: an election is likely under
                        // way, so wait a little before asking the next node.
                        op.target = from % n + 1;
                        drop(op);
                        self.client.set_retry(request, Some(backoff_until));
                        self.effects.push(Effect::ClientRedirect { op: request, from, to: None });
                    }
                }
            }
        }
    }

    pub(super) fn client_retry(&mut self, op: RequestId) {
        let n = self.config.nodes;
        let hint = self.client.leader_hint;
        let Some(mut record) = self.client.op_mut(op) else {
            return;
        };
        let failed = record.target;
        // A timeout means the target is unreachable or cannot commit: try the
        // leader we heard of last, unless that is the node that just failed.
        record.target = match hint {
            Some(h) if h != failed => h,
            _ => failed % n + 1,
        };
        drop(record);
        if self.client.leader_hint == Some(failed) {
            self.client.leader_hint = None;
        }
        self.client_send(op);
    }

    /// Steady client load: a `put` every `interval`, or none.
    pub fn set_client_load(&mut self, interval: Option<Micros>) {
        self.record(UserAction::SetClientLoad(interval));
        self.load = interval.filter(|&i| i > 0).map(|interval| ClientLoad {
            interval,
            next_at: self.now + interval,
            count: self.load.as_ref().map_or(0, |l| l.count),
        });
    }

    /// Tells the checker what the client saw in the event just processed:
    /// an operation invoked, answers received. Returns the violations found.
    pub(super) fn check_client(&mut self, kind: &EventKind) -> usize {
        let (event, now) = (self.event_count(), self.now);
        let mut found = 0;
        if let EventKind::Submit(op) | EventKind::ClientLoad(Some(op)) = kind {
            if let Some(o) = self.client.op(*op) {
                let promised = o.read.promises_linearizability(self.lease_reads_promised());
                found += self.checker.client_invoked(event, now, o.id, &o.command, promised);
            }
        }
        for effect in &self.effects {
            if let Effect::ClientDone { op, node, result, .. } = effect {
                let Some(o) = self.client.op(*op) else { continue };
                let done = Completion { op: *op, command: &o.command, node: *node, result, read: o.read };
                found += self.checker.client_completed(event, now, done);
            }
        }
        found
    }

    pub(super) fn load_tick(&mut self) -> Option<RequestId> {
        let load = self.load.as_mut().expect("next_due saw the load");
        load.count += 1;
        load.next_at += load.interval;
        let count = load.count;
        if self.client.pending.len() >= LOAD_MAX_PENDING {
            return None;
        }
        let key = self.client.load_key((count % 8) as usize);
        let value = Rc::from(count.to_string());
        Some(self.submit_op(Command::Put { key, value }, ReadMode::Log, None))
    }
}
