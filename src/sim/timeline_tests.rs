//! Tests of the timeline: replays compared with straight runs field by
//! field, forks, and the checkpoint budget.

use super::*;
use crate::raft::Command;
use crate::sim::MessageFault;
use crate::sim::{WorldConfig, MS, SECOND};

/// Asserts that two worlds are in the same state, field by field through
/// public accessors (Debug where a type has no equality).
fn assert_same(a: &World, b: &World) {
    assert_eq!(a.event_count(), b.event_count(), "event count");
    assert_eq!(a.now(), b.now(), "clock at event {}", a.event_count());
    assert_eq!(a.stats(), b.stats(), "stats at event {}", a.event_count());
    assert_eq!(a.next_event_time(), b.next_event_time());
    for (x, y) in a.nodes().iter().zip(b.nodes()) {
        let id = x.node.id();
        assert_eq!(x.alive, y.alive, "node {id} alive");
        assert_eq!(x.node.term(), y.node.term(), "node {id} term");
        assert_eq!(x.node.role(), y.node.role(), "node {id} role");
        assert_eq!(x.node.voted_for(), y.node.voted_for(), "node {id} vote");
        assert_eq!(x.node.log().entries(), y.node.log().entries(), "node {id} log");
        assert_eq!(x.node.commit_index(), y.node.commit_index(), "node {id} commit");
        assert_eq!(x.node.last_applied(), y.node.last_applied(), "node {id} applied");
        assert_eq!(x.election_deadline, y.election_deadline, "node {id} election timer");
        assert_eq!(x.heartbeat_deadline, y.heartbeat_deadline, "node {id} heartbeat timer");
        // Progress, kv store, proposals: everything else the node holds.
        assert_eq!(format!("{x:?}"), format!("{y:?}"), "node {id}");
    }
    let flights = |w: &World| format!("{:?}", w.network().in_flight_sorted());
    assert_eq!(flights(a), flights(b), "in-flight messages");
    assert_eq!(a.network().armed(), b.network().armed(), "armed faults");
    assert_eq!(a.client().ops(), b.client().ops(), "client history");
    assert_eq!(a.checker().violations(), b.checker().violations(), "violations");
    assert_eq!(format!("{:?}", a.last_event()), format!("{:?}", b.last_event()), "last event");
}

fn world() -> World {
    World::new(WorldConfig::with_nodes(5, 7)).unwrap()
}

/// A run with load, crashes, a partition, puts and a cut link, driven
/// through the timeline.
fn eventful(interval: u64) -> Timeline {
    let mut t = Timeline::with_interval(world(), interval);
    t.act(UserAction::SetClientLoad(Some(20 * MS))).unwrap();
    t.run_until(SECOND);
    let leader = t.world().current_leader().unwrap();
    t.act(UserAction::Crash(leader)).unwrap();
    t.run_until(2 * SECOND);
    t.act(UserAction::Submit { command: Command::put("x", "1"), via: None }).unwrap();
    t.act(UserAction::Partition(vec![vec![1, 2], vec![3, 4]])).unwrap();
    t.run_until(3 * SECOND);
    t.act(UserAction::Restart(leader)).unwrap();
    t.act(UserAction::Heal).unwrap();
    t.act(UserAction::Cut { from: 1, to: 2, both: true, down: true }).unwrap();
    t.act(UserAction::MessageFault { fault: MessageFault::Drop, kind: None, from: 3, to: 4 }).unwrap();
    t.act(UserAction::SetClientLoad(Some(7 * MS))).unwrap();
    t.run_until(4 * SECOND);
    t.act(UserAction::Timeout(2)).unwrap();
    t.run_until(5 * SECOND);
    t
}

/// The same run straight on a world, stopped after exactly `event`
/// events, as a reference the timeline must match.
fn straight_to(t: &Timeline, event: u64) -> World {
    let mut w = t.initial().clone();
    let actions: Vec<(u64, Micros, UserAction)> =
        t.actions.iter().map(|r| (r.at_event, r.at_time, r.action.clone())).collect();
    // The earliest reachable world has applied the actions before it.
    let mut next = w.journal().len();
    loop {
        while let Some((at, time, a)) = actions.get(next) {
            let here = w.event_count();
            if *at != here || (a.is_event() && here == event) {
                break;
            }
            w.now = w.now.max(*time);
            a.apply(&mut w).unwrap();
            next += 1;
        }
        if w.event_count() >= event || w.step().is_none() {
            return w;
        }
    }
}

#[test]
fn back_then_forward_reproduces_the_state() {
    let mut t = eventful(500);
    let end = t.end();
    let at_end = t.world().clone();
    t.seek(end / 3);
    let early = t.world().clone();
    t.seek(end);
    assert_same(t.world(), &at_end_at_event(&at_end));
    t.seek(end / 3);
    assert_same(t.world(), &early);
    t.seek(end - 1);
    t.seek(end);
    assert_same(t.world(), &at_end_at_event(&at_end));
}

/// The live world after `run_until` has its clock moved past the last
/// event; seeking gives the state at the event itself.
fn at_end_at_event(w: &World) -> World {
    let mut w = w.clone();
    w.now = w.last_event().unwrap().time;
    w
}

#[test]
fn every_nth_event_matches_a_straight_run() {
    let mut t = eventful(700);
    let end = t.end();
    assert!(end > 3_000, "the run is long enough: {end} events");
    assert!(t.checkpoint_count() > 3);
    // Backward and forward, across checkpoints and between them.
    let mut targets: Vec<u64> = (0..=end).step_by(97).collect();
    targets.extend((0..=end).rev().step_by(131));
    for e in targets {
        t.seek(e);
        assert_eq!(t.event_count(), e);
        assert_same(t.world(), &straight_to(&t, e));
    }
    // Every action's own count: just before it, and just after.
    let counts: Vec<u64> = t.actions().map(|(e, _)| e).collect();
    for e in counts {
        for target in [e, e + 1] {
            t.seek(target);
            assert_same(t.world(), &straight_to(&t, target));
        }
    }
}

#[test]
fn acting_in_the_past_forks_the_future() {
    let mut t = eventful(500);
    let old_end = t.end();
    let old_actions = t.actions().count();
    t.seek(old_end);
    let old_future = t.world().clone();
    let old_checkpoints = t.checkpoint_count();

    // Back to just after the first crash (the second recorded action).
    let crash_at = t.actions().nth(1).map(|(e, _)| e).unwrap();
    let fork = crash_at + 50;
    t.seek(fork);
    let before = t.world().clone();
    t.act(UserAction::Submit { command: Command::put("fork", "yes"), via: Some(1) }).unwrap();

    // The recorded future after the fork point is gone.
    let kept: Vec<(u64, UserAction)> = t.actions().map(|(e, a)| (e, a.clone())).collect();
    assert_eq!(kept.len(), 3, "load, crash, and the new submit: {kept:?}");
    assert!(kept.len() < old_actions);
    assert!(kept.iter().all(|(e, _)| *e <= fork));
    assert_eq!(kept[2].1, UserAction::Submit { command: Command::put("fork", "yes"), via: Some(1) });
    assert_eq!(t.end(), fork + 1);
    assert!(t.checkpoint_count() < old_checkpoints);
    assert!(t.checkpoints.iter().all(|c| c.event_count() <= fork + 1));

    // The new future differs from the old one.
    t.seek(old_end);
    assert_eq!(t.event_count(), old_end);
    assert_ne!(t.world().client().ops(), old_future.client().ops());
    assert!(t.world().client().ops().iter().any(|op| op.command == Command::put("fork", "yes")));

    // The past before the fork is untouched, and the new future replays.
    t.seek(fork);
    assert_same(t.world(), &before);
    for e in [fork + 1, fork + 1234, old_end] {
        t.seek(e);
        assert_same(t.world(), &straight_to(&t, e));
    }
}

#[test]
fn seeking_beyond_the_end_runs_forward() {
    let mut t = Timeline::with_interval(world(), 300);
    t.act(UserAction::SetClientLoad(Some(10 * MS))).unwrap();
    t.run_until(SECOND);
    let end = t.end();
    t.seek(end + 2_000);
    assert_eq!(t.event_count(), end + 2_000);
    assert_eq!(t.end(), end + 2_000);
    assert_same(t.world(), &straight_to(&t, end + 2_000));
    t.seek(10);
    assert_eq!(t.end(), end + 2_000, "seeking back keeps the future");
}

#[test]
fn stepping_in_the_past_follows_the_recorded_actions() {
    let mut t = eventful(1_000);
    let crash_at = t.actions().nth(1).map(|(e, _)| e).unwrap();
    t.seek(crash_at - 3);
    for _ in 0..6 {
        assert!(t.step());
    }
    assert_same(t.world(), &straight_to(&t, crash_at + 3));
    assert_eq!(t.actions().count(), 10, "stepping replays, it does not fork");
}

#[test]
fn a_failed_action_keeps_the_future() {
    let mut t = eventful(1_000);
    let end = t.end();
    t.seek(end / 2);
    assert!(t.act(UserAction::Crash(9)).is_err());
    assert_eq!(t.end(), end);
    assert_eq!(t.actions().count(), 10);
}

/// A long run under a small checkpoint budget, with a client load of one
/// put a millisecond (so the client's history forgets its oldest chunks
/// too): the oldest checkpoints go, the reachable past begins later, and
/// every state reachable still matches a straight run from the start.
#[test]
fn the_budget_drops_the_oldest_checkpoints_and_what_is_left_replays_exactly() {
    let budget = 1 << 20;
    let mut t = Timeline::with_budget(world(), 2_000, budget);
    t.act(UserAction::SetClientLoad(Some(MS))).unwrap();
    t.run_until(20 * SECOND);
    let end = t.end();
    let at_end = at_end_at_event(t.world());
    assert!(t.held_bytes() <= budget, "{} bytes held", t.held_bytes());
    assert!(t.checkpoint_count() >= MIN_CHECKPOINTS && t.checkpoint_count() < 60, "{}", t.checkpoint_count());
    assert_eq!(t.origin(), 0);
    let reachable = t.reachable();
    assert!(reachable > end / 2 && reachable < end, "reachable from {reachable} of {end}");
    assert!(t.world().client().first_kept() > 1, "the client forgot its oldest operations");
    assert!(t.world().client().ops().len() <= crate::sim::HISTORY_KEPT + crate::util::chunked::CHUNK);

    // Compared with a world of the same seed and load running by itself.
    let mut straight = world();
    straight.set_client_load(Some(MS));
    // In increasing order, as the straight world only goes forward.
    let mut targets = [reachable, reachable + 1, reachable + 4_321, (reachable + end) / 2, end - 1, end];
    targets.sort_unstable();
    for e in targets {
        t.seek(e);
        assert_eq!(t.event_count(), e);
        while straight.event_count() < e {
            straight.step();
        }
        assert_same(t.world(), &straight);
    }
    t.seek(reachable + 1);
    t.seek(end);
    assert_same(t.world(), &at_end);
    // Before the reachable past, a jump lands on its first event.
    t.seek(3);
    assert_eq!(t.event_count(), reachable);
    assert!(t.step(), "and the run goes on from there");
}

#[test]
fn a_checkpoint_is_charged_what_its_clone_holds() {
    let mut w = world();
    let empty = clone_bytes(&w);
    w.set_client_load(Some(MS));
    w.run_until(10 * SECOND);
    let loaded = clone_bytes(&w);
    assert!(loaded > empty, "{loaded} > {empty}");
    // Full chunks are shared: ten times the history costs far less than
    // ten times the bytes.
    w.run_until(100 * SECOND);
    assert!(clone_bytes(&w) < 3 * loaded, "{} vs {loaded}", clone_bytes(&w));
}
