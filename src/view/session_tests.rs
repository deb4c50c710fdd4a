use super::*;
use crate::raft::{Command, Role};
use crate::scenario::parse;
use crate::sim::{Budget, MS, SECOND};
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
    session.seek(end - 40).unwrap();
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
        session.seek(target).unwrap();
        assert_eq!(picture(&session), reference[target as usize], "at event {target}");
    }
}

#[test]
fn playing_in_the_past_replays_the_recorded_future_then_goes_on() {
    let mut session = played(SCENARIO, 16 * MS);
    let end = session.world().event_count();
    let journal = session.world().journal().to_vec();
    session.seek(5).unwrap();
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
    session.seek(2).unwrap();
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
    // Nothing of the kind happens: it gives up after the limit, and stays
    // exactly where it was, its clock too.
    session.advance(3 * MS, u64::MAX);
    let before = picture(&session);
    let (event, now) = (session.world().event_count(), session.world().now());
    assert!(session.run_to_next(Breakpoint::Action).is_none());
    assert_eq!((session.world().event_count(), session.world().now()), (event, now));
    assert_eq!(picture(&session), before);
    assert!(session.timeline().end() > event + 1_000, "what it looked at is the recorded future");
    // And the run goes on from there as before.
    session.step_forward().unwrap();
}

#[test]
fn acting_in_the_past_forks_and_stops_the_scenario() {
    let mut session = Session::from_scenario(parse(SCENARIO).unwrap()).unwrap();
    for _ in 0..60 {
        session.advance(10 * MS, u64::MAX);
    }
    let end = session.world().event_count();
    session.seek(end / 2).unwrap();
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
    session.seek(session.world().event_count() - 3).unwrap();
    let at = session.world().event_count();
    session.set_breakpoints(vec![Breakpoint::LeaderElected, Breakpoint::parse("message any 1->2").unwrap()]);
    let text = session.recorded_scenario().unwrap();
    assert!(text.contains("\nbreak leader-elected\nbreak message any 1->2\n"), "{text}");
    let mut shared = Session::from_scenario(parse(&text).unwrap()).unwrap();
    shared.seek(at).unwrap();
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
    session.seek(10).unwrap();
    assert_eq!(session.trace().0.len(), 10);
}

#[test]
fn timeline_terms_rise_with_elections() {
    let session = played(SCENARIO, 16 * MS);
    let view = session.timeline_view();
    assert_eq!(view.terms[0], (0, 0));
    assert!(view.terms.windows(2).all(|w| w[0].0 <= w[1].0 && w[0].1 < w[1].1));
    assert!(view.terms.len() >= 3, "two elections at least: {:?}", view.terms);
    assert!(view.markers.iter().any(|m| m.label.key == "ev.crash"), "{:?}", view.markers);
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
        detail: crate::util::msg::code("nodes 1 and 2 differ at index 2"),
    }));
    let (mut stop, mut halt, mut news) = (None, None, false);
    let (mut feed, mut history) = (Feed::default(), History::new(&world));
    let mut records = Records {
        feed: &mut feed,
        history: &mut history,
        stop: &mut stop,
        budget: &Budget::DEFAULT,
        halt: &mut halt,
        halt_news: &mut news,
    };
    let stopped = observe(&mut records, &world);
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
    session.seek(u64::MAX).unwrap();
    assert_eq!(session.world().event_count(), 5_000, "the load setting is no event: 5,000 new ones");
}

/// A shared link can ask for anything: a put every microsecond makes a
/// million events a second. The run stops at the first event over the
/// budget, says why once, refuses to go further, and keeps its past.
#[test]
fn a_run_over_its_budget_stops_and_says_which_limit() {
    let text = "cluster 3 seed=1\nrun until leader\nclient load every 1us\nrun 600000s\n";
    let mut session = Session::from_scenario(parse(text).unwrap()).unwrap();
    session.set_budget(Budget { events: 200_000, ..Budget::DEFAULT });
    let mut frames = 0;
    while session.halt().is_none() {
        session.advance(100 * MS, 50_000);
        frames += 1;
        assert!(frames < 1_000, "no halt");
    }
    let halt = session.take_halt().unwrap();
    assert_eq!((halt.limit, halt.event), (crate::sim::Limit::Events, 200_001));
    assert!(halt.to_string().contains("it reached 200,001 events"), "{halt}");
    assert_eq!(session.take_halt(), None, "said once");
    let end = session.world().event_count();
    assert_eq!(end, 200_001);
    assert_eq!(session.advance(SECOND, u64::MAX).events, 0);
    assert!(session.step_forward().is_none());
    assert!(session.take_halt().is_some(), "said again when the run tries to go on");
    session.seek(u64::MAX).unwrap();
    assert_eq!(session.world().event_count(), end);
    // The past stays reachable, and replaying it goes up to the halt again.
    session.seek(1_000).unwrap();
    session.advance(3600 * SECOND, u64::MAX);
    assert_eq!(session.world().event_count(), end);
    // Acting in the past forks a future within the budget.
    session.seek(1_000).unwrap();
    session.act(UserAction::SetClientLoad(None)).unwrap();
    assert!(session.halt().is_none());
    session.advance(SECOND, u64::MAX);
    assert!(session.world().event_count() > 1_000);
}

/// Over a long run the checkpoint budget drops the oldest part of the run:
/// going there is refused with the reason, stepping back stops at the first
/// reachable event, and the timeline bar is told where that is.
#[test]
fn the_past_before_the_reachable_part_is_refused_with_the_reason() {
    let mut session = Session::live(WorldConfig::with_nodes(3, 2)).unwrap();
    session.set_checkpoint_budget(512 << 10);
    session.act(UserAction::SetClientLoad(Some(MS))).unwrap();
    while session.timeline().reachable() == 0 {
        session.advance(SECOND, u64::MAX);
        assert!(session.world().now() < 3_600 * SECOND, "the budget never dropped a checkpoint");
    }
    let view = session.timeline_view();
    let reachable = view.reachable;
    assert!(view.start == 0 && reachable > 0 && view.end > reachable);
    let here = session.world().event_count();
    let why = session.seek(reachable - 1).unwrap_err();
    assert_eq!(session.world().event_count(), here, "a refused jump stays");
    assert!(
        why.starts_with(&format!("event {} is no longer reachable", crate::sim::thousands(reachable - 1))),
        "{why}"
    );
    assert!(why.ends_with("checkpoints within 512 KiB"), "{why}");
    session.seek(reachable + 1).unwrap();
    assert!(session.step_back());
    assert!(!session.step_back(), "the first reachable event is the start");
    assert_eq!(session.world().event_count(), reachable);
    let (trace, _) = session.trace();
    assert!(trace.is_empty(), "nothing before the reachable past to export");
}

/// However much one call plays (a benchmark's hour, a jump far ahead), the
/// timeline checkpoints every interval or so, as between the page's frames:
/// a jump back replays at most about one interval.
#[test]
fn one_long_advance_still_checkpoints_every_interval() {
    let mut session = Session::live(WorldConfig::with_nodes(5, 3)).unwrap();
    session.act(UserAction::SetClientLoad(Some(5 * MS))).unwrap();
    session.advance(60 * SECOND, u64::MAX);
    let (end, interval) = (session.world().event_count(), session.timeline().interval());
    assert!(end > 10 * interval, "{end} events");
    assert!(
        session.timeline().checkpoint_count() as u64 >= end / (interval + 100),
        "{}",
        session.timeline().checkpoint_count()
    );
    session.seek(end + 3 * interval).unwrap();
    assert!(session.timeline().checkpoint_count() as u64 >= (end + 3 * interval) / (interval + 100));
}
