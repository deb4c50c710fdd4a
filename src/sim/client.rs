//! The simulated client: sends each operation to a node, follows redirects,
//! retries after a timeout, and records every operation's history.

use crate::check::linearizability::Operation;
use crate::check::Completion;
use crate::raft::{Applied, ClientOutcome, Command, Message, NodeId, RequestId, CLIENT};

use crate::util::chunked::ElemMut;
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

#[derive(Clone, Debug, Default)]
pub struct Client {
    /// Every operation ever submitted; `ops[i].id == i + 1`. Chunked: it
    /// grows for the whole run, and only its newest operations change, so
    /// time-travel checkpoints share the rest.
    pub(super) ops: Chunked<ClientOp>,
    /// Ids of operations not yet completed, in submission order.
    pub(super) pending: Vec<RequestId>,
    /// The leader learned from the latest reply or redirect.
    pub(super) leader_hint: Option<NodeId>,
}

impl Client {
    /// Every operation so far, as one slice. The first call on a world
    /// copies the history into a contiguous buffer that is then kept up to
    /// date (see [`Chunked::as_slice`]); [`Client::op`] copies nothing.
    pub fn ops(&self) -> &[ClientOp] {
        self.ops.as_slice()
    }

    /// Operations submitted so far; copies nothing.
    pub fn op_count(&self) -> usize {
        self.ops.len()
    }

    /// The newest `n` operations, oldest first; copies nothing (the page's
    /// panels read only these, every frame).
    pub fn newest(&self, n: usize) -> impl DoubleEndedIterator<Item = &ClientOp> {
        let len = self.ops.len();
        self.ops.range(len.saturating_sub(n)..len)
    }

    pub fn op(&self, id: RequestId) -> Option<&ClientOp> {
        self.ops.get((id as usize).wrapping_sub(1))
    }

    /// The guard keeps the whole history borrowed until it is dropped (it
    /// updates the slice view then), hence the explicit `drop`s below before
    /// the world goes on.
    pub(super) fn op_mut(&mut self, id: RequestId) -> Option<ElemMut<'_, ClientOp>> {
        self.ops.get_mut((id as usize).wrapping_sub(1))
    }

    pub fn pending(&self) -> impl Iterator<Item = &ClientOp> {
        self.pending.iter().filter_map(|&id| self.op(id))
    }

    pub fn leader_hint(&self) -> Option<NodeId> {
        self.leader_hint
    }

    /// The earliest retry deadline among pending operations, with its op.
    pub(super) fn next_retry(&self) -> Option<(Micros, RequestId)> {
        self.pending.iter().filter_map(|&id| self.op(id).and_then(|op| op.retry_at.map(|t| (t, id)))).min()
    }

    pub(super) fn submit(&mut self, command: Command, via: Option<NodeId>, now: Micros, target: NodeId) -> RequestId {
        let id = self.ops.len() as RequestId + 1;
        self.ops.push(ClientOp {
            id,
            command,
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

    pub(super) fn complete(&mut self, id: RequestId, result: Applied, now: Micros) -> bool {
        let Some(mut op) = self.op_mut(id) else {
            return false;
        };
        if op.is_done() {
            // A late reply to an earlier attempt of an operation already done.
            return false;
        }
        op.completed_at = Some(now);
        op.result = Some(result);
        op.retry_at = None;
        drop(op);
        self.pending.retain(|&p| p != id);
        true
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
        let op = self.submit_op(command, via);
        self.finish_event(EventKind::Submit(op), None);
        Ok(op)
    }

    pub(super) fn submit_op(&mut self, command: Command, via: Option<NodeId>) -> RequestId {
        let target = via.or_else(|| self.current_leader()).or(self.client.leader_hint).unwrap_or(1);
        let op = self.client.submit(command, via, self.now, target);
        self.client_send(op);
        op
    }

    fn client_send(&mut self, op: RequestId) {
        let timeout = self.config.client_timeout();
        let now = self.now;
        let Some(mut record) = self.client.op_mut(op) else {
            return;
        };
        record.attempts += 1;
        record.retry_at = Some(now + timeout);
        let (target, command) = (record.target, record.command.clone());
        drop(record);
        self.send(CLIENT, target, Message::ClientRequest { request: op, command });
    }

    pub(super) fn client_receive(&mut self, from: NodeId, msg: &Message) {
        let Message::ClientReply { request, outcome } = msg else {
            return;
        };
        let request = *request;
        let Some(op) = self.client.op(request) else {
            return;
        };
        if op.is_done() || op.target != from {
            // A reply to an attempt the client has already given up on.
            return;
        }
        match outcome {
            ClientOutcome::Applied(result) => {
                self.client.leader_hint = Some(from);
                if self.client.complete(request, result.clone(), self.now) {
                    self.effects.push(Effect::ClientDone { op: request, node: from, result: result.clone() });
                }
            }
            ClientOutcome::Redirect { leader } => {
                let n = self.config.nodes;
                let backoff = self.config.election.0;
                let now = self.now;
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
                        op.retry_at = Some(now + backoff);
                        drop(op);
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
                // Every operation goes through the log today, so every one
                // promises linearizability.
                found += self.checker.client_invoked(event, now, o.id, &o.command, true);
            }
        }
        for effect in &self.effects {
            if let Effect::ClientDone { op, node, result } = effect {
                let Some(o) = self.client.op(*op) else { continue };
                let done = Completion { op: *op, command: &o.command, node: *node, result, through_log: true };
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
        let key = format!("k{}", count % 8);
        let value = count.to_string();
        Some(self.submit_op(Command::put(&key, &value), None))
    }
}
