//! The client history as a history view draws it: one bar per operation
//! from invocation to response, each operation's point in the chosen
//! linearization, and, when the history is not linearizable, the
//! operations that make it so. It judges the whole history, every
//! operation included, as `expect linearizable` does (the `linearizability`
//! invariant judges only the operations whose read mode promises it).
//!
//! [`history_view`] checks the history from scratch; the page keeps a
//! [`HistoryCheck`](super::history_check::HistoryCheck), which gives the
//! same view checking only what is new since its last call.

use serde::Serialize;

use crate::check::linearizability::{check_history_within, Linearizability, Verdict};
use crate::sim::World;

use super::snapshot::ms;

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HistoryView {
    /// `linearizable`, `not-linearizable` or `undecided`.
    pub verdict: &'static str,
    /// In the order the client numbered them.
    pub ops: Vec<HistoryOp>,
    /// Why the history is not linearizable (or could not be decided), in
    /// words.
    pub explanation: Option<String>,
    /// The operations the explanation names; the first cannot be placed.
    pub culprits: Vec<u64>,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HistoryOp {
    pub id: u64,
    pub command: String,
    /// e.g. `ok`, `value 1`, `missing`; none while pending.
    pub result: Option<String>,
    pub invoked_at_ms: f64,
    pub returned_at_ms: Option<f64>,
    /// Where the chosen linearization places it; none when the history is
    /// not linearizable, or for a pending operation that did not take
    /// effect in it.
    pub point_ms: Option<f64>,
    /// Its position in the chosen linearization, from 0.
    pub rank: Option<usize>,
    /// How a read was served: `log`, `index`, `lease` or `local`.
    pub read: &'static str,
    /// Whether its read mode promises linearizability in this run (a
    /// `local` read never does, a `lease` read only within the drift
    /// bound): what the `linearizability` invariant judges.
    pub promised: bool,
    /// The node that answered.
    pub node: Option<u8>,
    /// `[index, term]` a read was answered at.
    pub read_at: Option<[u64; 2]>,
}

/// Configurations one response may explore before the history view's check
/// gives up on its keys (counted as not judged: the verdict is
/// `undecided`, never a false violation). The one-shot check's budget,
/// 200,000, lets one pathological group (16 or 20 concurrent puts of a key,
/// each seen by its own concurrent get: 2^n configurations) cost 460 to
/// 480 ms before giving up; with 20,000 it gives up after about 25 ms,
/// under the 50 ms a call of the page's view may take (10,000: 11 ms, but
/// 12 such writes, which 20,000 decides in 39 ms, go undecided; 40,000:
/// 60 to 66 ms).
/// Measured natively by `cargo bench --bench history_view`.
pub const VIEW_BUDGET: usize = 20_000;

/// The history view of `world`, its whole kept history checked from
/// scratch.
pub fn history_view(world: &World) -> HistoryView {
    let operations: Vec<_> = world.client().ops().iter().map(|o| o.to_operation()).collect();
    view_of(world, &check_history_within(&operations, VIEW_BUDGET))
}

/// The history view of `world` given the finished check of its history.
pub(super) fn view_of(world: &World, check: &Linearizability) -> HistoryView {
    let client = world.client();
    let lease_bound = world.lease_reads_promised();
    let mut ops: Vec<HistoryOp> = client
        .ops()
        .iter()
        .map(|o| HistoryOp {
            id: o.id,
            command: o.command.to_string(),
            result: o.result.as_ref().map(|r| r.to_string()),
            invoked_at_ms: ms(o.invoked_at),
            returned_at_ms: o.completed_at.map(ms),
            point_ms: None,
            rank: None,
            read: o.read.name(),
            promised: o.read.promises_linearizability(lease_bound),
            node: o.is_done().then_some(o.target),
            read_at: o.read_at.map(|(index, term)| [index, term]),
        })
        .collect();
    // Ids count from the first operation submitted; the client keeps the
    // newest only.
    let first = client.first_kept();
    for (rank, point) in check.order().iter().enumerate() {
        if let Some(op) = point.op.checked_sub(first).and_then(|i| ops.get_mut(i as usize)) {
            op.point_ms = Some(ms(point.at));
            op.rank = Some(rank);
        }
    }
    let (verdict, explanation, culprits) = match check.verdict() {
        Verdict::Linearizable => {
            ("linearizable", check.order_problem().map(|p| format!("no order shown: {p}")), vec![])
        }
        Verdict::NotLinearizable => {
            let first = check.counterexamples().first();
            ("not-linearizable", first.map(|c| c.to_string()), first.map(|c| c.operations()).unwrap_or_default())
        }
        Verdict::Undecided => ("undecided", Some(check.gave_up().join("; ")), vec![]),
    };
    HistoryView { verdict, ops, explanation, culprits }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::raft::Command;
    use crate::sim::{WorldConfig, SECOND};

    #[test]
    fn a_run_shows_every_operation_with_its_point_in_the_chosen_order() {
        let mut world = World::new(WorldConfig::with_nodes(3, 3)).unwrap();
        world.run_for(SECOND);
        world.submit(Command::put("x", "1"), None).unwrap();
        world.submit(Command::get("x"), None).unwrap();
        world.run_for(SECOND);
        world.submit(Command::put("x", "2"), None).unwrap();
        let view = history_view(&world);
        assert_eq!(view.verdict, "linearizable");
        assert_eq!(view.ops.len(), 3);
        assert!(view.explanation.is_none() && view.culprits.is_empty());
        for op in &view.ops[..2] {
            let point = op.point_ms.expect("placed");
            assert!(op.invoked_at_ms <= point && point <= op.returned_at_ms.unwrap(), "{op:?}");
        }
        // The pending put may or may not have taken effect.
        assert_eq!(view.ops[2].result, None);
        let mut ranks: Vec<usize> = view.ops.iter().filter_map(|o| o.rank).collect();
        ranks.sort_unstable();
        assert_eq!(ranks, (0..ranks.len()).collect::<Vec<_>>());
    }
}
