//! The simulated client: sends each operation to a node, follows redirects,
//! retries after a timeout, and records every operation's history.

use crate::raft::{Applied, Command, NodeId, RequestId};

use super::Micros;

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
}

#[derive(Clone, Debug, Default)]
pub struct Client {
    /// Every operation ever submitted; `ops[i].id == i + 1`.
    pub(super) ops: Vec<ClientOp>,
    /// Ids of operations not yet completed, in submission order.
    pub(super) pending: Vec<RequestId>,
    /// The leader learned from the latest reply or redirect.
    pub(super) leader_hint: Option<NodeId>,
}

impl Client {
    pub fn ops(&self) -> &[ClientOp] {
        &self.ops
    }

    pub fn op(&self, id: RequestId) -> Option<&ClientOp> {
        self.ops.get((id as usize).wrapping_sub(1))
    }

    pub(super) fn op_mut(&mut self, id: RequestId) -> Option<&mut ClientOp> {
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
        self.pending
            .iter()
            .filter_map(|&id| self.op(id).and_then(|op| op.retry_at.map(|t| (t, id))))
            .min()
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
        let Some(op) = self.op_mut(id) else { return false };
        if op.is_done() {
            // A late reply to an earlier attempt of an operation already done.
            return false;
        }
        op.completed_at = Some(now);
        op.result = Some(result);
        op.retry_at = None;
        self.pending.retain(|&p| p != id);
        true
    }
}
