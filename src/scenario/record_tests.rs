//! Unit tests of the recorder; the property test that drives random worlds
//! with random actions is in tests/parser_props.rs.

use super::*;
use crate::raft::MessageKind;
use crate::scenario::runner::run;
use crate::sim::{MS, SECOND};

fn config() -> WorldConfig {
    WorldConfig::with_nodes(5, 7)
}

/// Asserts two worlds are the same: event count, clock, nodes, network,
/// client and violations.
fn assert_same(a: &World, b: &World, text: &str) {
    assert_eq!((a.event_count(), a.now()), (b.event_count(), b.now()), "event count and clock\n{text}");
    for (x, y) in a.nodes().iter().zip(b.nodes()) {
        assert_eq!(format!("{x:?}"), format!("{y:?}"), "node {}\n{text}", x.node.id());
    }
    assert_eq!(format!("{:?}", a.network()), format!("{:?}", b.network()), "network\n{text}");
    assert_eq!(format!("{:?}", a.client()), format!("{:?}", b.client()), "client\n{text}");
    assert_eq!(a.checker().violations(), b.checker().violations(), "violations\n{text}");
}

/// Records `world`, which has just taken its last action, runs the text, and
/// checks the runner's world is the same.
fn round_trip(world: &World) -> String {
    let text = record(world.config(), world.journal()).unwrap_or_else(|e| panic!("{e}"));
    let scenario = parse(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
    let (runner, _, failure) = run(&scenario, Trace::Notable);
    assert_eq!(failure, None, "{text}");
    assert_same(runner.world(), world, &text);
    text
}

#[test]
fn an_empty_journal_is_the_cluster_line() {
    let world = World::new(config()).unwrap();
    assert_eq!(
        round_trip(&world),
        "# Recorded by Raft Lab: seed, options and every user action.\n\
         cluster 5 seed=7 election=150..300ms heartbeat=50ms latency=10..20ms loss=0%\n"
    );
}

#[test]
fn a_small_journal_as_exact_text() {
    // A fixed latency: a leader's heartbeats all arrive at one microsecond.
    let mut w = World::new(WorldConfig { loss_ppm: 5_000, latency: (10 * MS, 10 * MS), ..config() }).unwrap();
    w.run_until(1_234 * MS);
    w.crash(3).unwrap();
    // Single-step into the middle of a batch of events at one microsecond.
    w.step();
    while w.next_event_time() != Some(w.now()) {
        w.step();
    }
    w.partition(vec![vec![1, 2], vec![3, 4, 5]]).unwrap();
    w.submit(KvCommand::put("x", "1"), Some(2)).unwrap();
    w.set_client_load(Some(10 * MS));
    w.run_until(1_500 * MS);
    w.set_link(1, 2, true, true).unwrap();
    w.set_link(2, 1, false, false).unwrap();
    w.message_fault(MessageFault::Duplicate, Some(MessageKind::AppendEntries), 1, 2).unwrap();
    w.run_until(2 * SECOND + 5);
    w.set_client_load(None);
    w.heal();
    w.submit(KvCommand::get("x"), None).unwrap();
    w.submit(KvCommand::del("x"), Some(4)).unwrap();
    w.submit(KvCommand::list("k"), None).unwrap();
    w.restart(3).unwrap();
    w.force_timeout(3).unwrap();
    let text = round_trip(&w);
    assert_eq!(
        text,
        "# Recorded by Raft Lab: seed, options and every user action.
cluster 5 seed=7 election=150..300ms heartbeat=50ms latency=10..10ms loss=0.5%
run 1.234s
crash 3
run 200274us
step
partition 1,2 | 3,4,5
put x 1 via 2
client load every 10ms
run 65725us
cut 1<->2
uncut 2->1
duplicate next AppendEntries 1->2
run 500005us
client load off
heal
get x
del x via 4
list k
restart 3
timeout 3
"
    );
}

#[test]
fn several_actions_at_one_event_and_stepping_through_one_microsecond() {
    let mut w = World::new(WorldConfig { latency: (5 * MS, 5 * MS), ..config() }).unwrap();
    w.run_until(SECOND);
    w.submit(KvCommand::put("a", "1"), None).unwrap();
    w.set_client_load(Some(3 * MS));
    w.submit(KvCommand::put("b", "2"), Some(1)).unwrap();
    // Step through a batch at one microsecond, acting between its events.
    let mut acted = 0;
    while acted < 3 {
        w.step();
        if w.next_event_time() == Some(w.now()) {
            w.set_link(1, 2, false, acted % 2 == 0).unwrap();
            w.set_client_load(Some((7 + acted) * MS));
            acted += 1;
        }
    }
    let text = round_trip(&w);
    assert!(text.lines().any(|l| l.starts_with("step")), "{text}");
}

#[test]
fn a_clicked_message_is_drop_next_when_it_is_the_next_one_else_its_id() {
    let mut w = World::new(config()).unwrap();
    w.run_until(SECOND);
    let sorted = w.network().in_flight_sorted();
    let first = sorted[0].clone();
    // A later message on the same link as an earlier one: only its id names it.
    let later = sorted
        .iter()
        .enumerate()
        .find(|(i, m)| sorted[..*i].iter().any(|e| e.from == m.from && e.to == m.to && e.msg.kind() == m.msg.kind()))
        .map(|(_, m)| m.id);
    w.fault_message(MessageFault::Drop, first.id).unwrap();
    let mut expected = vec![format!("drop next {} {}->{}", first.msg.kind().name(), first.from, first.to)];
    if let Some(id) = later {
        w.fault_message(MessageFault::Duplicate, id).unwrap();
        expected.push(format!("duplicate message {id}"));
    }
    // A message from the client to a node.
    w.submit(KvCommand::put("x", "1"), Some(2)).unwrap();
    let request = w.network().in_flight().find(|m| m.from == CLIENT).map(|m| m.id).unwrap();
    w.fault_message(MessageFault::Drop, request).unwrap();
    expected.push("put x 1 via 2".into());
    expected.push("drop next ClientRequest client->2".into());
    let text = round_trip(&w);
    let lines: Vec<&str> = text.lines().skip(3).collect();
    assert_eq!(lines, expected, "{text}");
}

#[test]
fn no_partition_is_heal_without_cuts_and_partition_none_with_them() {
    let mut w = World::new(config()).unwrap();
    w.partition(vec![vec![1, 2]]).unwrap();
    w.partition(vec![]).unwrap();
    w.partition(vec![vec![3], vec![], vec![]]).unwrap();
    w.set_link(4, 5, false, true).unwrap();
    w.partition(vec![vec![]]).unwrap();
    let text = round_trip(&w);
    let lines: Vec<&str> = text.lines().skip(2).collect();
    assert_eq!(lines, ["partition 1,2", "heal", "partition 3", "cut 4->5", "partition none"]);
}

#[test]
fn what_the_language_cannot_write_is_an_error() {
    let cases: Vec<(UserAction, &str)> = vec![
        (
            UserAction::Submit { command: KvCommand::put("my key", "1"), via: None },
            "the key \"my key\" contains a space",
        ),
        (UserAction::Submit { command: KvCommand::put("k", ""), via: None }, "the value \"\" is empty"),
        (UserAction::Submit { command: KvCommand::put("k", "a#b"), via: None }, "contains '#'"),
        (UserAction::Submit { command: KvCommand::get("a=b"), via: None }, "contains '='"),
        (UserAction::Submit { command: KvCommand::Noop, via: None }, "a no-op"),
        (UserAction::Partition(vec![vec![], vec![1]]), "an empty group before a non-empty one"),
    ];
    for (action, message) in cases {
        let mut w = World::new(config()).unwrap();
        action.apply(&mut w).unwrap();
        let e = record(w.config(), w.journal()).unwrap_err();
        assert!(e.contains(message), "{e}");
        assert!(e.starts_with("cannot record action 1 ("), "{e}");
    }
    // Values may hold '='; keys may not. The empty prefix is the bare `list`.
    let mut w = World::new(config()).unwrap();
    w.submit(KvCommand::put("k", "a=b"), None).unwrap();
    w.submit(KvCommand::list(""), None).unwrap();
    w.submit(KvCommand::list(""), Some(2)).unwrap();
    w.submit(KvCommand::list("via"), None).unwrap();
    let text = round_trip(&w);
    assert!(text.ends_with("put k a=b\nlist\nlist via 2\nlist via\n"), "{text}");
}

#[test]
fn a_journal_that_does_not_replay_is_an_error_not_wrong_text() {
    let entry = |action, at_event, at_time| JournalEntry { action, at_event, at_time };
    // Restarting a live node fails.
    let e = record(&config(), &[entry(UserAction::Restart(1), 0, 0)]).unwrap_err();
    assert!(e.starts_with("cannot record action 1") && e.contains("is not crashed"), "{e}");
    // No five events happen by time 0.
    let e = record(&config(), &[entry(UserAction::Crash(1), 5, 0)]).unwrap_err();
    assert!(e.contains("the replay has 0 events by 0us where the original had 5"), "{e}");
    // The clock cannot go back.
    let journal = [entry(UserAction::Crash(1), 0, 100), entry(UserAction::Crash(2), 1, 50)];
    let e = record(&config(), &journal).unwrap_err();
    assert!(e.starts_with("cannot record action 2"), "{e}");
    // A clock past an event that is due, with no event processed.
    let e = record(&config(), &[entry(UserAction::Crash(1), 0, SECOND)]).unwrap_err();
    assert!(e.contains("an event is due before the action"), "{e}");
}

/// The browser's player plays a recording to the same world as the runner.
#[test]
fn the_player_plays_a_recording_to_the_same_world() {
    use crate::view::player::Player;
    let mut w = World::new(config()).unwrap();
    w.run_until(700 * MS);
    w.set_client_load(Some(20 * MS));
    w.run_until(1_300 * MS);
    w.crash(w.current_leader().unwrap()).unwrap();
    w.step();
    w.step();
    w.force_timeout(2).ok();
    w.submit(KvCommand::put("y", "2"), None).unwrap();
    let text = round_trip(&w);
    let (mut world, mut player) = Player::new(parse(&text).unwrap()).unwrap();
    while player.is_playing() {
        player.advance(&mut world, 3 * MS);
    }
    assert_eq!(player.failure(), None);
    // The player ran on live to the end of its last slice; so does a copy.
    let mut expected = w.clone();
    expected.run_until(world.now());
    assert_same(&world, &expected, &text);
}

/// The session behind tests/scenarios/recorded-run.txt: a cluster driven
/// by hand, as on the page.
fn recorded_session() -> World {
    let mut w = World::new(WorldConfig { latency: (10 * MS, 10 * MS), ..config() }).unwrap();
    w.run_until(1_234 * MS);
    let leader = w.current_leader().unwrap();
    w.crash(leader).unwrap();
    w.run_until(1_600 * MS);
    w.set_client_load(Some(25 * MS));
    // Single steps into a batch of messages arriving at one microsecond.
    w.step();
    while w.next_event_time() != Some(w.now()) {
        w.step();
    }
    w.set_link(1, 2, true, true).unwrap();
    w.partition(vec![vec![1, 2], vec![3, 4, 5]]).unwrap();
    w.run_until(2 * SECOND);
    // Clicks on messages in flight: duplicate the last one, then drop the
    // copy, which is not the next message on its link.
    let last = w.network().in_flight_sorted().last().unwrap().id;
    w.fault_message(MessageFault::Duplicate, last).unwrap();
    let copy = w.network().in_flight().map(|m| m.id).max().unwrap();
    w.fault_message(MessageFault::Drop, copy).unwrap();
    w.partition(vec![]).unwrap();
    w.run_until(2_500 * MS);
    w.set_client_load(None);
    w.restart(leader).unwrap();
    w.submit(KvCommand::put("x", "1"), Some(leader)).unwrap();
    w
}

/// The file starts with exactly what `record` writes for that session (the
/// checks after it are added by hand), and `raftlab check` runs it.
#[test]
fn the_recorded_run_file_is_what_record_writes() {
    let text = round_trip(&recorded_session());
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/scenarios/recorded-run.txt");
    let file = std::fs::read_to_string(path).unwrap_or_default();
    assert!(file.starts_with(&text), "{path} should start with:\n{text}");
}

#[test]
fn a_rule_switched_off_and_on_is_recorded_and_replayed() {
    let mut w = World::new(config()).unwrap();
    w.set_rule(crate::raft::Rule::CommitCurrentTerm, false);
    w.run_until(400 * MS);
    w.set_rule(crate::raft::Rule::VoteOnce, false);
    w.run_until(500 * MS);
    w.set_rule(crate::raft::Rule::VoteOnce, true);
    let text = round_trip(&w);
    let body: Vec<&str> = text.lines().skip(2).collect();
    assert_eq!(
        body,
        ["rule commit-current-term off", "run 400ms", "rule vote-once off", "run 100ms", "rule vote-once on"]
    );
    assert!(!w.rules().is_on(crate::raft::Rule::CommitCurrentTerm) && w.rules().is_on(crate::raft::Rule::VoteOnce));
}

/// PreVote and CheckQuorum are recorded on the cluster line, a transfer as
/// `transfer leader to N`, and the replay reaches the same world (§3.10).
#[test]
fn the_election_options_and_a_transfer_are_recorded_and_replayed() {
    let mut w = World::new(WorldConfig { prevote: true, check_quorum: true, ..config() }).unwrap();
    w.run_until(600 * MS);
    let leader = w.current_leader().expect("a leader within 600 ms");
    let to = if leader == 1 { 2 } else { 1 };
    w.transfer_leader(to).unwrap();
    let text = round_trip(&w);
    w.run_until(1200 * MS);
    assert_eq!(w.current_leader(), Some(to));
    let lines: Vec<&str> = text.lines().skip(1).collect();
    assert_eq!(
        lines[0],
        "cluster 5 seed=7 election=150..300ms heartbeat=50ms latency=10..20ms loss=0% prevote=on checkquorum=on"
    );
    assert_eq!(lines[1..], ["run 600ms".to_string(), format!("transfer leader to {to}")]);
}
