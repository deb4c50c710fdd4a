use super::*;
use crate::raft::{Command, Role};
use crate::scenario::parse;
use crate::sim::{MS, SECOND};
use crate::view::snapshot::snapshot;

const SCENARIO: &str = "\
cluster 5 seed=7
run until leader
put x 1
run until committed 2
crash leader
run until leader within 2s
put y 2
run 500ms
";

/// Everything the page shows, as text: equal strings mean the page would
/// draw the same picture and panels.
fn picture(session: &Session) -> String {
    format!("{:?}", snapshot(session.world()))
}

fn played(text: &str, slice: Micros) -> Session {
    let mut session = Session::from_scenario(parse(text).unwrap()).unwrap();
    for _ in 0..100_000 {
        if session.player().is_done() {
            break;
        }
        session.advance(slice, u64::MAX);
    }
    assert!(session.player().is_done() && session.player().failure().is_none());
    session
}

#[test]
fn stepping_back_then_forward_gives_identical_states() {
    let mut session = played(SCENARIO, 16 * MS);
    let end = session.world().event_count();
    let mut forward = Vec::new();
    session.seek(end - 40);
    for _ in 0..40 {
        forward.push(picture(&session));
        session.step_forward().unwrap();
    }
    assert_eq!(session.world().event_count(), end);
    for expected in forward.iter().rev() {
        assert!(session.step_back());
        assert_eq!(&picture(&session), expected);
    }
}

#[test]
fn seeking_anywhere_matches_a_straight_run() {
    let mut session = played(SCENARIO, 16 * MS);
    let end = session.world().event_count();
    // A second, never rewound run of the same scenario stepped one event
    // at a time gives the reference state at every event.
    let mut straight = Session::from_scenario(parse(SCENARIO).unwrap()).unwrap();
    let mut reference = vec![picture(&straight)];
    while straight.world().event_count() < end {
        straight.step_forward().unwrap();
        reference.push(picture(&straight));
    }
    for target in [end / 2, 3, end, 0, end - 1, 17, end / 3] {
        session.seek(target);
        assert_eq!(picture(&session), reference[target as usize], "at event {target}");
    }
}

#[test]
fn playing_in_the_past_replays_the_recorded_future_then_goes_on() {
    let mut session = played(SCENARIO, 16 * MS);
    let end = session.world().event_count();
    let journal = session.world().journal().to_vec();
    session.seek(5);
    for _ in 0..1_000 {
        session.advance(20 * MS, u64::MAX);
    }
    assert!(session.world().event_count() > end);
    assert_eq!(&session.world().journal()[..journal.len()], &journal[..], "the scenario's actions replayed");
}

#[test]
fn a_breakpoint_on_leader_elected_stops_right_there() {
    let mut session = Session::live(WorldConfig::with_nodes(5, 3)).unwrap();
    session.set_breakpoints(vec![Breakpoint::LeaderElected]);
    let mut stops = Vec::new();
    while stops.is_empty() && session.world().now() < 5 * SECOND {
        session.advance(16 * MS, u64::MAX);
        stops.extend(session.take_stop());
    }
    let hit = &stops[0];
    assert_eq!(hit.breakpoint, Breakpoint::LeaderElected);
    assert_eq!(hit.event, session.world().event_count(), "stopped at the event itself");
    assert_eq!(session.world().node(hit.nodes[0]).role(), Role::Leader);
    assert!(session.timeline_view().markers.iter().any(|m| m.event == hit.event));

    // Rewound and replayed, the recorded future stops there again.
    session.seek(2);
    let mut again = None;
    for _ in 0..1_000 {
        session.advance(16 * MS, u64::MAX);
        again = session.take_stop();
        if again.is_some() {
            break;
        }
    }
    assert_eq!(again.as_ref(), Some(hit));
}

#[test]
fn run_to_next_finds_each_kind_and_keeps_the_breakpoints() {
    let mut session = Session::live(WorldConfig::with_nodes(3, 1)).unwrap();
    session.set_breakpoints(vec![Breakpoint::Violation]);
    let hit = session.run_to_next(Breakpoint::ElectionStarted).unwrap();
    assert_eq!(session.world().node(hit.nodes[0]).role(), Role::Candidate);
    let hit = session.run_to_next(Breakpoint::Deliver).unwrap();
    assert_eq!(hit.event, session.world().event_count());
    assert!(session.run_to_next(Breakpoint::LeaderElected).is_some());
    assert!(session.run_to_next(Breakpoint::EntryCommitted).is_some());
    assert_eq!(session.breakpoints(), &[Breakpoint::Violation]);
    // Nothing of the kind happens: it gives up after the limit.
    assert!(session.run_to_next(Breakpoint::Action).is_none());
}

#[test]
fn acting_in_the_past_forks_and_stops_the_scenario() {
    let mut session = Session::from_scenario(parse(SCENARIO).unwrap()).unwrap();
    for _ in 0..60 {
        session.advance(10 * MS, u64::MAX);
    }
    let end = session.world().event_count();
    session.seek(end / 2);
    session.act(UserAction::Submit { command: Command::put("fork", "yes"), via: Some(1) }).unwrap();
    assert_eq!(session.timeline().end(), end / 2 + 1, "the old future is gone");
    assert!(session.feed().since(0).iter().all(|l| l.event <= end / 2 + 1));
    assert!(session.timeline_view().markers.iter().all(|m| m.event <= end / 2 + 1));
    assert!(session.scenario_note().unwrap().contains("changed in the past"));
    assert!(session.player().is_done());
    session.advance(SECOND, u64::MAX);
    assert!(session.world().client().ops().iter().any(|op| op.command == Command::put("fork", "yes")));
}

#[test]
fn the_recorded_scenario_reproduces_the_same_state_at_the_same_event() {
    let mut session = played(SCENARIO, 16 * MS);
    session.act(UserAction::Partition(vec![vec![1, 2]])).unwrap();
    session.advance(300 * MS, u64::MAX);
    session.step_forward();
    session.act(UserAction::SetClientLoad(Some(20 * MS))).unwrap();
    session.advance(700 * MS, u64::MAX);
    session.seek(session.world().event_count() - 3);
    let at = session.world().event_count();
    session.set_breakpoints(vec![Breakpoint::LeaderElected, Breakpoint::parse("message any 1->2").unwrap()]);
    let text = session.recorded_scenario().unwrap();
    assert!(text.contains("\nbreak leader-elected\nbreak message any 1->2\n"), "{text}");
    let mut shared = Session::from_scenario(parse(&text).unwrap()).unwrap();
    shared.seek(at);
    assert_eq!(shared.breakpoints(), session.breakpoints());
    assert_eq!(shared.world().event_count(), at);
    assert_eq!(picture(&shared), picture(&session), "{text}");
}

#[test]
fn the_trace_holds_every_event_up_to_now() {
    let mut session = played(SCENARIO, 16 * MS);
    let now = session.world().event_count();
    let (trace, cut) = session.trace();
    assert!(!cut);
    assert_eq!(trace.len() as u64, now);
    assert!(trace.iter().enumerate().all(|(i, e)| e.number == i as u64 + 1));
    assert!(trace.iter().any(|e| e.event.starts_with("crash node")));
    session.seek(10);
    assert_eq!(session.trace().0.len(), 10);
}

#[test]
fn timeline_terms_rise_with_elections() {
    let session = played(SCENARIO, 16 * MS);
    let view = session.timeline_view();
    assert_eq!(view.terms[0], (0, 0));
    assert!(view.terms.windows(2).all(|w| w[0].0 <= w[1].0 && w[0].1 < w[1].1));
    assert!(view.terms.len() >= 3, "two elections at least: {:?}", view.terms);
    assert!(view.markers.iter().any(|m| m.label.starts_with("crash")));
}

/// A correct Raft breaks no invariant, so the pause on a violation is
/// tested with a planted one: it always stops, breakpoints or not, and
/// names the invariant, the nodes and the entries.
#[test]
fn a_violation_always_stops_and_names_the_invariant() {
    use crate::check::{EntryInfo, Invariant, Violation};
    let mut world = World::new(WorldConfig::with_nodes(3, 1)).unwrap();
    world.step();
    assert!(violation_hit(&world).is_none());
    world.plant_effect(Effect::Violation(Violation {
        event: world.event_count(),
        time_us: world.now(),
        invariant: Invariant::LogMatching,
        nodes: vec![1, 2],
        entries: vec![EntryInfo { node: 1, index: 2, term: 1, command: "put(x=1)".into() }],
        operations: Vec::new(),
        detail: "nodes 1 and 2 differ at index 2".into(),
    }));
    let mut stop = None;
    let stopped = observe(&mut Feed::default(), &mut History::new(&world), &mut stop, &world);
    assert!(stopped);
    let hit = stop.unwrap();
    assert_eq!(hit.invariant, Some(Invariant::LogMatching));
    assert_eq!(hit.nodes, vec![1, 2]);
    assert!(hit.cause.contains("Log Matching violated") && hit.cause.contains("index 2"), "{}", hit.cause);
    assert!(hit.cause.ends_with("(entries: node 1 index 2 term 1 put(x=1))"), "{}", hit.cause);
}

#[test]
fn a_jump_far_past_the_end_is_bounded() {
    let mut session = Session::live(WorldConfig::with_nodes(3, 1)).unwrap();
    session.act(UserAction::SetClientLoad(Some(MS))).unwrap();
    session.seek_ahead_max = 5_000;
    session.seek(u64::MAX);
    assert_eq!(session.world().event_count(), 5_000, "the load setting is no event: 5,000 new ones");
}
