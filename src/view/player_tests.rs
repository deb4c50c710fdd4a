use super::*;
use crate::scenario::parse;
use crate::scenario::runner::run;
use crate::sim::{Breakpoint, Effect, MS, SECOND};

const LEADER_CRASH: &str = "\
cluster 5 seed=7
run until leader
put x 1
run until committed 2
crash leader
run until leader within 2s
expect value x 1
show nodes
step 3
run 100ms
expect no-violations
";

/// Plays `text` in slices of `slice` until done; returns the world, the
/// player and the number of events observed.
fn play(text: &str, slice: Micros) -> (World, Player, u64) {
    let (mut world, mut player) = Player::new(parse(text).unwrap()).unwrap();
    let mut observed = 0;
    let mut total = 0;
    for _ in 0..100_000 {
        if player.is_done() {
            break;
        }
        total += player
            .advance_with(&mut world, slice, u64::MAX, &mut |_| {
                observed += 1;
                false
            })
            .events;
    }
    assert!(player.is_done(), "the scenario should finish");
    assert_eq!(observed, total, "observe is called once per event");
    (world, player, total)
}

#[test]
fn played_in_small_slices_it_ends_where_the_runner_ends() {
    let scenario = parse(LEADER_CRASH).unwrap();
    let (runner, outputs, failure) = run(&scenario, Trace::Notable);
    assert_eq!(failure, None);
    for slice in [MS, 7 * MS, 50 * MS, 3 * SECOND] {
        let (world, player, total) = play(LEADER_CRASH, slice);
        assert_eq!(player.failure(), None);
        assert_eq!(player.output(), &outputs[..], "slice {slice}");
        // The player ran live to the end of its last slice; bring the
        // runner's world to the same time and compare.
        let mut expected = runner.world().clone();
        expected.run_until(world.now());
        assert_eq!(world.event_count(), expected.event_count(), "slice {slice}");
        assert_eq!(total, world.event_count());
        assert_eq!(world.current_leader(), expected.current_leader());
        assert!(world.current_leader().is_some());
    }
}

#[test]
fn a_failed_expect_stops_the_player_and_the_world_runs_on() {
    let text = "cluster 3 seed=2\nrun until leader\nexpect value nothing 1\nput y 2\n";
    let (mut world, player, _) = play(text, 10 * MS);
    let failure = player.failure().expect("the expect fails");
    assert_eq!(failure.line, 3);
    assert_eq!(failure.command, "expect value nothing 1");
    assert!(failure.message.contains("missing"), "{}", failure.message);
    assert_eq!(player.step_index(), 1);
    assert_eq!(player.current().unwrap().line, 3);
    // The put after it never ran, but time goes on.
    assert!(world.client().ops().is_empty());
    let mut player = player;
    let before = (world.now(), world.event_count());
    let advance = player.advance(&mut world, SECOND);
    assert_eq!(world.now(), before.0 + SECOND);
    assert_eq!(world.event_count(), before.1 + advance.events);
    assert!(advance.events > 0, "heartbeats go on");
}

#[test]
fn a_timed_out_run_until_is_a_failure_with_the_runners_message() {
    let text = "cluster 3\ncrash 1\ncrash 2\nrun until leader within 1s\n";
    let (world, player, _) = play(text, 100 * MS);
    let failure = player.failure().unwrap();
    assert_eq!(failure.line, 4);
    assert!(failure.message.starts_with("no leader acknowledged by a quorum within"), "{}", failure.message);
    assert!(world.now() >= SECOND);
}

#[test]
fn the_event_budget_caps_one_advance() {
    let (mut world, mut player) = Player::new(parse("cluster 5 seed=1\nrun 10s\n").unwrap()).unwrap();
    let advance = player.advance_with(&mut world, 10 * SECOND, 50, &mut |_| false);
    assert_eq!(advance, Advance { events: 50, capped: true });
    assert!(world.now() < 10 * SECOND);
    assert!(player.is_playing());
    // Without a cap it finishes and the result matches the runner.
    player.advance(&mut world, 10 * SECOND);
    assert!(player.is_done());
    let (runner, _, _) = run(&parse("cluster 5 seed=1\nrun 10s\n").unwrap(), Trace::Notable);
    let mut expected = runner.world().clone();
    expected.run_until(world.now());
    assert_eq!(world.event_count(), expected.event_count());
}

#[test]
fn live_running_is_capped_too() {
    let (mut world, mut player) = Player::new(parse("cluster 3\n").unwrap()).unwrap();
    assert!(player.is_done(), "no steps: live at once");
    let advance = player.advance_with(&mut world, 3600 * SECOND, 1_000, &mut |_| false);
    assert_eq!(advance, Advance { events: 1_000, capped: true });
    let advance = player.advance_with(&mut world, 0, 1_000, &mut |_| false);
    assert!(!advance.capped);
}

#[test]
fn instant_steps_run_at_once_and_step_k_takes_time() {
    let text = "cluster 3 seed=4\ncrash 1\nstep 5\n";
    let (mut world, mut player) = Player::new(parse(text).unwrap()).unwrap();
    let mut observed = 0;
    player.advance_with(&mut world, 0, u64::MAX, &mut |_| {
        observed += 1;
        false
    });
    // The crash ran at time zero; no event of `step 5` is due yet.
    assert_eq!(player.step_index(), 1);
    assert_eq!(world.event_count(), 1);
    assert_eq!(observed, 1);
    while player.is_playing() {
        player.advance(&mut world, MS);
    }
    let (runner, outputs, _) = run(&parse(text).unwrap(), Trace::Notable);
    assert_eq!(player.output(), &outputs[..]);
    assert_eq!(outputs[1].lines.iter().filter(|l| l.starts_with('#')).count(), 5);
    let mut expected = runner.world().clone();
    expected.run_until(world.now());
    assert_eq!(world.event_count(), expected.event_count());
}

/// The page plays scenarios through the timeline: every state the player
/// passed through can be sought back to, exactly, and the scenario's
/// actions are in the timeline's journal.
#[test]
fn a_played_scenario_can_be_rewound_exactly() {
    use crate::sim::Timeline;
    let (world, mut player) = Player::new(parse(LEADER_CRASH).unwrap()).unwrap();
    let mut timeline = Timeline::with_interval(world, 20);
    let mut seen = Vec::new();
    while !player.is_done() {
        timeline.drive(|w| player.advance(w, 7 * MS));
        seen.push(timeline.world().clone());
    }
    assert!(timeline.checkpoint_count() > 3);
    assert!(timeline.journal().iter().any(|j| matches!(j.action, crate::sim::UserAction::Crash(_))));
    for past in seen.iter().rev().step_by(3) {
        timeline.seek(past.event_count());
        assert_eq!(timeline.world().event_count(), past.event_count());
        // Everything but the clock: seeking lands on the event itself,
        // where a slice may have moved the clock on.
        let state = |w: &World| format!("{:?} {:?} {:?} {:?}", w.nodes(), w.network(), w.client(), w.checker());
        assert_eq!(state(timeline.world()), state(past));
    }
}

/// A breakpoint-style observer pauses the player right after the event
/// it saw, and the next advance goes on from there.
#[test]
fn observe_can_pause_mid_step() {
    let (mut world, mut player) = Player::new(parse(LEADER_CRASH).unwrap()).unwrap();
    let mut leader_events = Vec::new();
    for _ in 0..10_000 {
        if player.is_done() {
            break;
        }
        let advance = player.advance_with(&mut world, 50 * MS, u64::MAX, &mut |w| {
            use crate::raft::{NodeEvent, Role};
            let became_leader = |e: &_| matches!(e, Effect::Node(_, NodeEvent::Became { role: Role::Leader, .. }));
            w.last_effects().iter().any(became_leader)
        });
        if advance.capped {
            leader_events.push(world.event_count());
            assert!(world.current_leader().is_some());
        }
    }
    assert_eq!(leader_events.len(), 2, "the first leader and the one after the crash");
    // Pausing changes nothing about the run.
    let (runner, _, failure) = run(&parse(LEADER_CRASH).unwrap(), Trace::Notable);
    assert!(failure.is_none());
    let mut expected = runner.world().clone();
    expected.run_until(world.now());
    assert_eq!(format!("{:?}", world.nodes()), format!("{:?}", expected.nodes()));
}

/// Everything compared between two worlds: event count, clock, nodes,
/// network, client, violations.
fn state(w: &World) -> String {
    format!(
        "{} {} {:?} {:?} {:?} {:?}",
        w.event_count(),
        w.now(),
        w.nodes(),
        w.network(),
        w.client(),
        w.checker().violations()
    )
}

/// Advances in slices of `slice` until `until`; returns each hit taken
/// with the world's event count right after the pause.
fn play_to(player: &mut Player, world: &mut World, slice: Micros, until: Micros) -> Vec<(Hit, u64)> {
    let mut hits = Vec::new();
    while world.now() < until || player.is_playing() {
        let advance = player.advance(world, slice.min(until.saturating_sub(world.now())).max(1));
        match player.take_hit() {
            Some(hit) => {
                assert!(advance.capped, "a hit pauses the advance");
                assert_eq!(player.take_hit(), None, "a hit is taken once");
                hits.push((hit, world.event_count()));
            }
            None => assert!(!advance.capped, "nothing else caps here"),
        }
    }
    hits
}

#[test]
fn a_scenario_break_pauses_the_player_right_after_the_event_and_resuming_changes_nothing() {
    let text = format!("{}\nbreak leader-elected\n{}", "cluster 5 seed=7", &LEADER_CRASH["cluster 5 seed=7\n".len()..]);
    let scenario = parse(&text).unwrap();
    let (runner, outputs, failure) = run(&scenario, Trace::Notable);
    assert_eq!(failure, None);
    let end = runner.world().now() + 500 * MS;
    for slice in [MS, 40 * MS, 5 * SECOND] {
        let (mut world, mut player) = Player::new(scenario.clone()).unwrap();
        let hits = play_to(&mut player, &mut world, slice, end);
        // The first leader, the one after the crash, and none later.
        assert_eq!(hits.len(), 2, "slice {slice}: {hits:?}");
        for (hit, paused_at) in &hits {
            assert_eq!(hit.breakpoint, Breakpoint::LeaderElected);
            assert_eq!(hit.event, *paused_at, "paused right after the event");
            assert!(hit.cause.contains("became leader of term"), "{}", hit.cause);
        }
        // The runner printed the same hits, and pausing changed nothing.
        assert_eq!(player.output(), &outputs[..], "slice {slice}");
        let printed: Vec<&String> =
            outputs.iter().flat_map(|o| &o.lines).filter(|l| l.starts_with("breakpoint leader-elected")).collect();
        assert_eq!(printed.len(), 2);
        let mut expected = runner.world().clone();
        expected.run_until(world.now());
        assert_eq!(state(&world), state(&expected), "slice {slice}");
    }
}

#[test]
fn page_breakpoints_pause_a_live_world_and_resuming_changes_nothing() {
    // No steps: the player is a plain live runner with breakpoints.
    let (mut world, mut player) = Player::new(parse("cluster 5 seed=3\n").unwrap()).unwrap();
    assert!(player.is_done());
    player.watch_mut().add(Breakpoint::LeaderElected);
    player.watch_mut().add(Breakpoint::TermChange);
    let mut hits = Vec::new();
    while world.now() < 3 * SECOND {
        let left = 3 * SECOND - world.now();
        let advance = player.advance_with(&mut world, left, u64::MAX, &mut |_| false);
        if let Some(hit) = player.take_hit() {
            assert!(advance.capped);
            assert_eq!(hit.event, world.event_count());
            hits.push(hit.breakpoint);
        }
    }
    assert_eq!(hits, [Breakpoint::TermChange, Breakpoint::LeaderElected], "term 1 starts, then its leader");
    let mut expected = World::new(WorldConfig::with_nodes(5, 3)).unwrap();
    expected.run_until(3 * SECOND);
    assert_eq!(state(&world), state(&expected));
}

#[test]
fn a_hit_while_the_scenario_plays_and_after_it_ends_live() {
    // `break action` pauses right after the crash (an instant step); the
    // page's election-started breakpoint keeps pausing once the
    // scenario is over and the world runs live.
    let text = "cluster 3 seed=5\nbreak action\nrun until leader\ncrash leader\nrun 10ms\n";
    let (mut world, mut player) = Player::new(parse(text).unwrap()).unwrap();
    player.watch_mut().add(Breakpoint::ElectionStarted);
    let mut hits = Vec::new();
    while world.now() < 2 * SECOND {
        let left = 2 * SECOND - world.now();
        player.advance(&mut world, left);
        if let Some(hit) = player.take_hit() {
            hits.push((hit.breakpoint, player.is_done()));
        }
    }
    let names: Vec<String> = hits.iter().map(|(b, done)| format!("{b} {done}")).collect();
    assert_eq!(names[0], "election-started false");
    assert_eq!(names[1], "action false", "{names:?}");
    assert!(names[2..].iter().all(|n| n == "election-started true"), "{names:?}");
    assert!(names.len() > 2, "the survivors elect a new leader live: {names:?}");
    // The page's breakpoint and the scenario's share one set.
    assert_eq!(player.watch().breakpoints(), [Breakpoint::ElectionStarted, Breakpoint::Action]);
    let (runner, _, _) = run(&parse(text).unwrap(), Trace::Notable);
    let mut expected = runner.world().clone();
    expected.run_until(world.now());
    assert_eq!(state(&world), state(&expected));
}

#[test]
fn unbreak_in_a_scenario_removes_a_page_breakpoint_and_step_k_pauses_mid_way() {
    let text = "cluster 3 seed=1\nbreak deliver\nstep 30\nunbreak all\nrun 1s\n";
    let (mut world, mut player) = Player::new(parse(text).unwrap()).unwrap();
    player.watch_mut().add(Breakpoint::Timer);
    let mut hits = 0;
    for _ in 0..1_000 {
        if player.is_done() {
            break;
        }
        player.advance(&mut world, SECOND);
        hits += usize::from(player.take_hit().is_some());
    }
    assert!(player.is_done());
    assert!(player.watch().is_empty());
    // Every one of the 30 steps was a timer or a delivery: 30 pauses.
    assert_eq!(hits, 30);
    // The page's breakpoint is reported in the step's output too.
    let printed = player.output()[1].lines.iter().filter(|l| l.starts_with("breakpoint ")).count();
    assert_eq!(printed, 30);
    let (runner, _, _) = run(&parse(text).unwrap(), Trace::Notable);
    assert_eq!(state(&world), state(runner.world()));
}

#[test]
fn a_scenario_that_expects_its_violation_ends_as_the_runner_ends_it() {
    // With `vote-once` off, S1 and S2 both win term 1. The expectation is
    // checked at the stop; the `crash 3` after it never runs.
    let text = "cluster 3 seed=1\nrule vote-once off\ntimeout 1\ntimeout 2\nrun 1s\nexpect leader 1\n\
                expect violation election-safety\ncrash 3\n";
    let (_, outputs, failure) = run(&parse(text).unwrap(), Trace::Notable);
    assert_eq!(failure, None);
    for slice in [MS, 40 * MS] {
        let (world, player, _) = play(text, slice);
        assert_eq!(player.failure(), None, "slice {slice}");
        assert_eq!(player.output(), &outputs[..], "slice {slice}");
        assert!(world.slot(3).alive, "slice {slice}: the step after the expectation ran");
    }
}
const CAPTIONED: &str = "# A title above the cluster line is not a caption of a step.
cluster 3 seed=1

# The cluster elects a leader.
#[ko] 클러스터가 리더를 선출합니다.
run until leader
put x 1 # a trailing comment is not a caption
run until committed 2
----
ignored output lines

# The leader crashes.
#
# A second paragraph.
crash leader
run 500ms
";

#[test]
fn captions_are_the_comment_blocks_right_above_each_step() {
    let scenario = parse(CAPTIONED).unwrap();
    let lines: Vec<u32> = scenario.steps.iter().map(|s| s.line).collect();
    let c = captions(CAPTIONED, lines.into_iter());
    let text = |i: usize| c[i].iter().map(|l| (l.lang.as_deref(), l.text.as_str())).collect::<Vec<_>>();
    assert_eq!(text(0), [(None, "The cluster elects a leader."), (Some("ko"), "클러스터가 리더를 선출합니다.")]);
    assert!(c[1].is_empty() && c[2].is_empty());
    assert_eq!(text(3), [(None, "The leader crashes."), (None, ""), (None, "A second paragraph.")]);
    assert!(c[4].is_empty());
    // CR-only and CRLF line ends read the same.
    let cr = CAPTIONED.replace('\n', "\r");
    let crlf = CAPTIONED.replace('\n', "\r\n");
    for text in [cr, crlf] {
        let lines = scenario.steps.iter().map(|s| s.line);
        assert_eq!(captions(&text, lines), c);
    }
}

#[test]
fn the_caption_follows_the_step_playing_and_time_travel() {
    let (mut world, mut player) = Player::new(parse(CAPTIONED).unwrap()).unwrap();
    player.set_source(CAPTIONED);
    assert!(player.caption_at(0).is_empty(), "nothing has begun yet");
    player.advance(&mut world, MS);
    assert_eq!(player.caption_at(world.event_count())[0].text, "The cluster elects a leader.");
    while !player.is_done() {
        player.advance(&mut world, 10 * MS);
    }
    let crash_began = player.started[3];
    let now = world.event_count();
    // The uncommented `run 500ms` keeps the crash's caption.
    assert_eq!(player.caption_at(now)[0].text, "The leader crashes.");
    // Earlier moments show the caption of their time.
    assert_eq!(player.caption_at(crash_began)[0].text, "The leader crashes.");
    assert_eq!(player.caption_at(crash_began - 1)[0].text, "The cluster elects a leader.");
    assert_eq!(player.caption_at(1)[1].lang.as_deref(), Some("ko"));
}
