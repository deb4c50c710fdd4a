//! The tables printed by `show nodes`, `show log`, `show kv` and
//! `show messages`.

use crate::raft::Role;
use crate::sim::{fmt_time, World};

pub fn nodes(world: &World) -> Vec<String> {
    let mut out = vec!["node role      term vote leader commit applied last timer".to_string()];
    for slot in world.nodes() {
        let n = &slot.node;
        let role = if slot.alive { n.role().to_string() } else { "crashed".to_string() };
        let opt = |v: Option<u8>| v.map_or("-".to_string(), |v| v.to_string());
        let timer = match (slot.alive, n.role(), slot.election_deadline, slot.heartbeat_deadline) {
            (false, ..) => "-".to_string(),
            (true, Role::Leader, _, Some(t)) => format!("heartbeat@{}", fmt_time(t)),
            (true, _, Some(t), _) => format!("election@{}", fmt_time(t)),
            _ => "-".to_string(),
        };
        out.push(format!(
            "{:<4} {:<9} {:<4} {:<4} {:<6} {:<6} {:<7} {:<4} {}",
            n.id(),
            role,
            n.term(),
            opt(n.voted_for()),
            opt(if slot.alive { n.leader() } else { None }),
            n.commit_index(),
            n.last_applied(),
            n.log().last_index(),
            timer
        ));
    }
    // With drift, each node's clock rate (version 2): what its timers and
    // a leader's lease run on.
    if world.config().drift_ppm > 0 {
        let rate = |id| format!("{}.{:03}", world.clock_rate(id) / 1_000_000, world.clock_rate(id) % 1_000_000 / 1_000);
        let rates: Vec<String> =
            world.nodes().iter().map(|s| format!("{}={}", s.node.id(), rate(s.node.id()))).collect();
        let bound = if world.lease_bound_holds() { "within" } else { "beyond" };
        out.push(format!("clocks {} (x real time): {bound} the lease's drift bound", rates.join(" ")));
    }
    out
}

/// One line per node: its entries as `TERM:COMMAND`, with `|` marking the
/// node's commit index (everything left of it is committed). A log
/// compacted by a snapshot (§7) starts with `[snapshot 1..I]`, the entries
/// the snapshot replaced.
pub fn log(world: &World) -> Vec<String> {
    world
        .nodes()
        .iter()
        .map(|slot| {
            let n = &slot.node;
            let mut line = format!("{}:", n.id());
            let point = n.log().snapshot().index;
            if point > 0 {
                line.push_str(&format!(" [snapshot 1..{point}]"));
            }
            if n.commit_index() == point {
                line.push_str(" |");
            }
            for (index, e) in (point + 1..).zip(n.log().entries()) {
                line.push(' ');
                line.push_str(&e.to_string());
                if index == n.commit_index() {
                    line.push_str(" |");
                }
            }
            if !slot.alive {
                line.push_str(" (crashed)");
            }
            line
        })
        .collect()
}

pub fn kv(world: &World) -> Vec<String> {
    world
        .nodes()
        .iter()
        .map(|slot| {
            let mut line = format!("{}:", slot.node.id());
            for (k, v) in slot.node.kv().iter() {
                line.push_str(&format!(" {k}={v}"));
            }
            if !slot.alive {
                line.push_str(" (crashed)");
            }
            line
        })
        .collect()
}

pub fn messages(world: &World) -> Vec<String> {
    let flights = world.network().in_flight_sorted();
    if flights.is_empty() {
        return vec!["no messages in flight".to_string()];
    }
    flights
        .into_iter()
        .map(|m| {
            let end = |id: u8| if id == 0 { "client".to_string() } else { id.to_string() };
            // The id is what `drop message ID` / `duplicate message ID` name.
            let duplicate = if m.duplicate { " (duplicate)" } else { "" };
            format!(
                "message {}: {}->{} arrives {} {}{duplicate}",
                m.id,
                end(m.from),
                end(m.to),
                fmt_time(m.arrives_at),
                m.msg
            )
        })
        .collect()
}
