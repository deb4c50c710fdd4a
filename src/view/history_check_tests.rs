use super::*;
use crate::raft::{Command, ReadMode};
use crate::sim::{UserAction, WorldConfig, MS, SECOND};
use crate::view::client_history::history_view;
use crate::view::session::Session;

/// The incremental view and the view checked from scratch, compared as the
/// page receives them.
/// `goes_on`: whether the check should go on from what it was fed rather
/// than start over.
fn assert_same(check: &mut HistoryCheck, session: &Session, goes_on: bool, at: &str) -> HistoryView {
    let world = session.world();
    let extended = check.extended_by(world.client().first_kept(), world.client().ops(), world.now());
    assert_eq!(extended, goes_on, "{at}: whether the check goes on");
    let incremental = check.view(session.world());
    let scratch = history_view(session.world());
    let (a, b) = (serde_json::to_value(&incremental).unwrap(), serde_json::to_value(&scratch).unwrap());
    assert!(a == b, "{at}: incremental {} differs from scratch {}", brief(&incremental), brief(&scratch));
    incremental
}

fn brief(v: &HistoryView) -> String {
    let ranked = v.ops.iter().filter(|o| o.rank.is_some()).count();
    format!("{} ({} ops, {ranked} ranked, {:?}, culprits {:?})", v.verdict, v.ops.len(), v.explanation, v.culprits)
}

const MODES: [ReadMode; 4] = [ReadMode::Log, ReadMode::Index, ReadMode::Lease, ReadMode::Local];

/// A read of every mode through every node, in turn.
fn read(session: &mut Session, i: usize) {
    let command = if i % 5 == 4 { Command::list("k") } else { Command::get(&format!("k{}", i % 8)) };
    let via = Some((i % 3) as u8 + 1);
    session.act(UserAction::Read { command, via, mode: MODES[i % 4] }).unwrap();
}

/// Faults that make local reads stale (the history then is not
/// linearizable) and keep operations pending across them.
fn fault(session: &mut Session, i: usize) {
    let leader = session.world().current_leader();
    if let (0, Some(leader)) = (i % 4, leader) {
        // The old leader, cut off, answers local reads from what it had
        // while the others elect a leader and write on.
        session.act(UserAction::Partition(vec![vec![leader]])).unwrap();
        session.advance(SECOND, u64::MAX);
        for key in 0..8 {
            let command = Command::get(&format!("k{key}"));
            session.act(UserAction::Read { command, via: Some(leader), mode: ReadMode::Local }).unwrap();
        }
        return;
    }
    let action = match (i % 4, leader) {
        (1, _) => UserAction::Heal,
        (2, Some(leader)) => UserAction::Crash(leader),
        _ => UserAction::Restart(((i / 4) % 3) as u8 + 1),
    };
    let _ = session.act(action);
}

#[test]
fn the_incremental_view_equals_the_view_checked_from_scratch_at_every_point() {
    // Drift beyond the lease's bound: lease reads promise nothing and may
    // be stale.
    let config = WorldConfig { drift_ppm: 300_000, ..WorldConfig::with_nodes(3, 11) };
    let mut session = Session::live(config).unwrap();
    let mut check = HistoryCheck::new();
    session.advance(SECOND, u64::MAX);
    session.act(UserAction::SetClientLoad(Some(10 * MS))).unwrap();
    let mut verdicts = std::collections::BTreeSet::new();
    for i in 0..80 {
        read(&mut session, i);
        if i % 10 == 9 {
            fault(&mut session, i / 10);
        }
        // Slices of virtual time, and single events, so that some calls
        // come in the middle of an instant.
        if i % 3 == 0 {
            for _ in 0..7 {
                session.step_forward();
                assert_same(&mut check, &session, true, &format!("step at {i}"));
            }
        } else {
            session.advance(97 * MS, u64::MAX);
        }
        let view = assert_same(&mut check, &session, true, &format!("slice {i}"));
        verdicts.insert(view.verdict);
    }
    assert!(verdicts.contains("not-linearizable"), "the faults made a stale read: {verdicts:?}");
    // Back in time, then forward again over the recorded future.
    let end = session.timeline().event_count();
    for back in [end / 2, end / 3, end / 2 + 50] {
        let backwards = back < session.timeline().event_count();
        session.seek(back).unwrap();
        assert_same(&mut check, &session, !backwards, &format!("seek to {back}"));
        session.advance(300 * MS, u64::MAX);
        assert_same(&mut check, &session, true, &format!("after seek to {back}"));
    }
    // Acting in the past forks the run.
    session.seek(end / 4).unwrap();
    read(&mut session, 3);
    assert_same(&mut check, &session, false, "fork");
    for i in 0..10 {
        read(&mut session, i);
        session.advance(150 * MS, u64::MAX);
        assert_same(&mut check, &session, true, &format!("after the fork, {i}"));
    }
    // A new simulation.
    let other = Session::live(WorldConfig::with_nodes(3, 12)).unwrap();
    assert_same(&mut check, &other, false, "another session");
}

#[test]
fn the_view_starts_over_when_the_client_forgets_its_oldest_operations() {
    let mut session = Session::live(WorldConfig::with_nodes(3, 5)).unwrap();
    let mut check = HistoryCheck::new();
    session.advance(SECOND, u64::MAX);
    session.act(UserAction::SetClientLoad(Some(2 * MS))).unwrap();
    let mut i = 0;
    while session.world().client().first_kept() < 2 * crate::util::chunked::CHUNK as RequestId {
        read(&mut session, i);
        let first = session.world().client().first_kept();
        session.advance(5 * SECOND, u64::MAX);
        let forgot = session.world().client().first_kept() != first;
        assert_same(&mut check, &session, !forgot, &format!("at {} s", session.world().now() / SECOND));
        i += 1;
    }
    let view = check.view(session.world());
    assert_eq!(view.ops[0].id, session.world().client().first_kept());
    // The points shown belong to the operations kept (ids count from the
    // first operation ever submitted).
    for op in view.ops.iter().filter(|o| o.point_ms.is_some()) {
        let point = op.point_ms.unwrap();
        assert!(op.invoked_at_ms <= point && op.returned_at_ms.is_none_or(|r| point <= r), "{op:?}");
    }
}
