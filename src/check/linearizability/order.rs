//! The linearization a one-shot check reports, and its proof: replayed one
//! operation at a time through the key-value store the nodes run, it gives
//! back every result the history recorded, and every point lies within
//! its operation.
//!
//! Each key's operations come in an order its own configurations found.
//! A `list` reads many keys, and when the partition it joined split again,
//! each key kept the list's point from a configuration of its own; where
//! those disagree, [`place_lists`] moves each list to a moment where every
//! key it reads agrees with its answer.

use crate::raft::{Command, Entry, KvStore, RequestId};

use super::model::{QuickMap, QuickSet};
use super::path::{self, Entry as PathEntry, Point};
use super::Operation;

/// Sorts the entries of the settled paths into one order, each operation
/// once: at its real point if it has one, else at its first tentative one
/// (a write taken as overwritten unseen), and a `list`'s point, which can
/// come from several pieces of a partition that split, once.
pub(super) fn assemble(mut entries: Vec<PathEntry>) -> Vec<Point> {
    path::sort(&mut entries);
    // Hash sets: the history view assembles the order of up to 10,000
    // operations at every call.
    let real: QuickSet<RequestId> = entries.iter().filter(|e| !e.tentative).map(|e| e.point.op).collect();
    let mut seen = QuickSet::default();
    entries
        .into_iter()
        .filter(|e| !e.tentative || !real.contains(&e.point.op))
        .filter(|e| seen.insert(e.point.op))
        .map(|e| e.point)
        .collect()
}

/// Checks that `order` is a linearization of `ops`: what the checker
/// claims, shown without the checker.
pub(super) fn validate<'a>(order: &[Point], ops: impl IntoIterator<Item = &'a Operation>) -> Result<(), String> {
    let ops = by_id(ops);
    let mut store = KvStore::new();
    let mut placed = QuickSet::default();
    let mut last = 0;
    for point in order {
        let op = ops.get(&point.op).ok_or_else(|| format!("#{} is not in the history", point.op))?;
        if !placed.insert(op.id) {
            return Err(format!("#{} is placed twice", op.id));
        }
        let within = op.invoked_at <= point.at && op.response.as_ref().is_none_or(|(r, _)| point.at <= *r);
        if !within || point.at < last {
            return Err(format!("#{} is placed at {}, outside its interval or out of order", op.id, point.at));
        }
        last = point.at;
        let result = store.apply(&Entry { term: 0, command: op.command.clone(), request: None });
        match &op.response {
            Some((_, recorded)) if *recorded != result => {
                return Err(format!(
                    "#{} {} returned {recorded}, but in this order it gives {result}",
                    op.id, op.command
                ))
            }
            None if !op.command.is_write() => return Err(format!("#{} is a read that never returned", op.id)),
            _ => {}
        }
    }
    match ops.values().filter(|o| o.response.is_some() && !placed.contains(&o.id)).min_by_key(|o| o.id) {
        Some(missing) => Err(format!("#{} returned but is not placed", missing.id)),
        None => Ok(()),
    }
}

/// Moves every `list` of `order` to the first moment within its interval,
/// between the other operations, where the store's keys under its prefix
/// are exactly what it returned. Lists change nothing, so each is placed on
/// its own. Leaves a list where it was when no such moment exists (then the
/// order does not validate, and is reported as not found).
pub(super) fn place_lists<'a>(order: &[Point], ops: impl IntoIterator<Item = &'a Operation>) -> Vec<Point> {
    let ops = by_id(ops);
    let is_list = |p: &Point| ops.get(&p.op).is_some_and(|o| matches!(o.command, Command::List { .. }));
    let others: Vec<Point> = order.iter().filter(|p| !is_list(p)).copied().collect();
    let mut placed: Vec<(usize, Point)> = Vec::new();
    for list in order.iter().filter(|p| is_list(p)) {
        let op = ops[&list.op];
        let Some((returned, result)) = &op.response else { continue };
        let mut store = KvStore::new();
        let mut found = None;
        for i in 0..=others.len() {
            let after = if i == 0 { 0 } else { others[i - 1].at };
            let before = others.get(i).map_or(u64::MAX, |p| p.at);
            let at = after.max(op.invoked_at);
            if at <= *returned && at <= before {
                let answer = store.apply(&Entry { term: 0, command: op.command.clone(), request: None });
                if answer == *result {
                    found = Some((i, Point { op: op.id, at, seq: 0 }));
                    break;
                }
            }
            if after > *returned {
                break;
            }
            if let Some(p) = others.get(i) {
                store.apply(&Entry { term: 0, command: ops[&p.op].command.clone(), request: None });
            }
        }
        let index = others.iter().position(|p| (p.at, p.seq) > (list.at, list.seq)).unwrap_or(others.len());
        let (i, point) = found.unwrap_or((index, *list));
        // In order of position, then time (lists are few).
        let at = placed.iter().position(|&(j, q): &(usize, Point)| (j, q.at) > (i, point.at)).unwrap_or(placed.len());
        placed.insert(at, (i, point));
    }
    let mut out = Vec::with_capacity(order.len());
    let mut lists = placed.into_iter().peekable();
    for (i, p) in others.iter().enumerate() {
        while let Some((_, list)) = lists.next_if(|&(j, _)| j == i) {
            out.push(list);
        }
        out.push(*p);
    }
    out.extend(lists.map(|(_, list)| list));
    out
}

/// The operations by id.
fn by_id<'a>(ops: impl IntoIterator<Item = &'a Operation>) -> QuickMap<RequestId, &'a Operation> {
    ops.into_iter().map(|op| (op.id, op)).collect()
}
