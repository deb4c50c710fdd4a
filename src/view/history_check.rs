//! The history view's check, kept up to date as the run goes on instead of
//! redone from scratch at every call: the page asks for the history view
//! each time an operation is submitted or answered while the panel is open,
//! and a check of the whole kept history (up to about 10,000 operations)
//! costs milliseconds, every frame.
//!
//! [`HistoryCheck`] holds a one-shot checker ([`Linearizability::following`])
//! fed the invocations and responses of the world's client history that are
//! older than the world's present, in the order [`check_history_within`]
//! takes them (time order, invocations first at equal times). Each call
//! feeds only what happened since the last one; the events of the present
//! instant (more can still come at the same virtual time, and they may sort
//! before them) are fed to a copy, which is then concluded: reads still
//! pending left out, the order assembled and replayed. So each call gives
//! exactly what [`history_view`](super::client_history::history_view) gives
//! for the same history, with the search cost of only the new events; the
//! order's assembly and replay and the view itself stay linear in the kept
//! history. A read still pending holds the checker's queue (its result is
//! needed to place it), so what follows its invocation is processed on each
//! call's copy until it returns.
//!
//! When the world's history is not an extension of what was fed (the
//! timeline went back, a run forked by acting in the past, a new
//! simulation, or the client forgot its oldest operations, a chunk of 256
//! at a time past its window), it starts over from the history as it is.
//! It lives beside the world (in the page's `RaftLab`), not in it, so the
//! time-travel checkpoints, which clone the world, do not carry it.

use crate::check::linearizability::{Linearizability, Operation};
use crate::raft::{Applied, RequestId};
use crate::sim::{ClientOp, Micros, World};

use super::client_history::{view_of, HistoryView, VIEW_BUDGET};

#[derive(Clone, Debug)]
pub struct HistoryCheck {
    /// Fed every event of the history before `horizon`.
    check: Linearizability,
    /// The id of the oldest operation kept when it started.
    first: RequestId,
    /// The operations fed, oldest first (`fed[i].id == first + i`), each
    /// with its response if that was fed: what the world's history must
    /// still say for this check to go on.
    fed: Vec<Operation>,
    /// Events at or after this time are not fed yet.
    horizon: Micros,
}

impl Default for HistoryCheck {
    fn default() -> Self {
        HistoryCheck::new()
    }
}

impl HistoryCheck {
    pub fn new() -> HistoryCheck {
        HistoryCheck::from(1)
    }

    fn from(first: RequestId) -> HistoryCheck {
        HistoryCheck { check: Linearizability::following(VIEW_BUDGET), first, fed: Vec::new(), horizon: 0 }
    }

    /// The history view of `world` now, as
    /// [`history_view`](super::client_history::history_view) gives it.
    pub fn view(&mut self, world: &World) -> HistoryView {
        let client = world.client();
        let ops = client.ops();
        if !self.extended_by(client.first_kept(), ops, world.now()) {
            *self = HistoryCheck::from(client.first_kept());
        }
        let (past, present) = new_events(ops, self.fed.len(), self.horizon, world.now());
        for event in past {
            feed(&mut self.check, event);
            let op = event.op;
            if let Some(result) = event.result {
                self.fed[(op.id - self.first) as usize].response = Some((event.at, result.clone()));
            } else {
                self.fed.push(Operation { response: None, node: None, ..op.to_operation() });
            }
        }
        self.horizon = world.now();
        let mut check = self.check.clone();
        for event in present {
            feed(&mut check, event);
        }
        let all: Vec<Operation> = ops.iter().map(ClientOp::to_operation).collect();
        view_of(world, &check.conclude(&all))
    }

    /// Whether `ops` (the oldest kept being `first`, at time `now`) is what
    /// was fed, with more after it.
    fn extended_by(&self, first: RequestId, ops: &[ClientOp], now: Micros) -> bool {
        let horizon = self.horizon;
        first == self.first
            && now >= horizon
            && ops.len() >= self.fed.len()
            && self.fed.iter().zip(ops).all(|(fed, op)| {
                fed.id == op.id
                    && fed.invoked_at == op.invoked_at
                    && fed.command == op.command
                    && match (&fed.response, op.completed_at.zip(op.result.as_ref())) {
                        (Some((at, result)), Some((now_at, now_result))) => *at == now_at && result == now_result,
                        (Some(_), None) => false,
                        (None, response) => response.is_none_or(|(at, _)| at >= horizon),
                    }
            })
            && ops[self.fed.len()..].iter().all(|op| op.invoked_at >= horizon)
    }
}

/// One invocation or response (with its result) of a client operation.
#[derive(Clone, Copy)]
struct Event<'a> {
    at: Micros,
    op: &'a ClientOp,
    result: Option<&'a Applied>,
}

/// The events of `ops` at or after `horizon` (the operations before
/// `fed_len` already invoked), in the order the one-shot check takes them:
/// those before `now`, and those at `now`.
fn new_events(ops: &[ClientOp], fed_len: usize, horizon: Micros, now: Micros) -> (Vec<Event<'_>>, Vec<Event<'_>>) {
    let mut events = Vec::new();
    for (i, op) in ops.iter().enumerate() {
        if i >= fed_len {
            events.push(Event { at: op.invoked_at, op, result: None });
        }
        if let (Some(at), Some(result)) = (op.completed_at, &op.result) {
            if at >= horizon {
                events.push(Event { at, op, result: Some(result) });
            }
        }
    }
    events.sort_unstable_by_key(|e| (e.at, e.result.is_some(), e.op.id));
    let present = events.iter().position(|e| e.at >= now).unwrap_or(events.len());
    let now_events = events.split_off(present);
    (events, now_events)
}

fn feed(check: &mut Linearizability, event: Event<'_>) {
    let op = event.op;
    match event.result {
        // The client takes an answer only from its latest attempt's node.
        Some(result) => check.respond(op.id, event.at, result.clone(), Some(op.target)),
        None => check.invoke(op.id, op.command.clone(), event.at),
    };
}

#[cfg(test)]
#[path = "history_check_tests.rs"]
mod tests;
