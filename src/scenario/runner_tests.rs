//! The runner's handling of safety violations: they stop a run, win over a
//! command's own error, and end a scenario that expects them.

use super::*;
use crate::scenario::parse;

/// Two leaders in term 1 at event 9: S1 and S2 both time out, and with
/// `vote-once` off each grants the other its vote.
const TWO_LEADERS: &str = "cluster 3 seed=1\nrule vote-once off\ntimeout 1\ntimeout 2\n";

fn run_text(text: &str, trace: Trace) -> (Runner, Vec<StepOutput>, Option<Failure>) {
    run(&parse(text).unwrap_or_else(|e| panic!("{e}\n{text}")), trace)
}

#[test]
fn a_violation_wins_over_the_commands_own_error() {
    // The violation comes before any leader is acknowledged by a quorum, so
    // `run until leader` would also fail on its own terms.
    let (_, _, failure) = run_text(&format!("{TWO_LEADERS}run until leader within 1s\n"), Trace::Notable);
    let failure = failure.expect("the run broke Election Safety");
    assert!(failure.message.starts_with("safety violation: "), "{failure}");
    assert!(failure.message.contains("Election Safety"), "{failure}");
}

#[test]
fn a_violation_stops_every_kind_of_step_at_its_event() {
    for command in ["run 1s", "run until leader", "run until committed 5", "step 500"] {
        let (runner, _, failure) = run_text(&format!("{TWO_LEADERS}{command}\n"), Trace::Notable);
        assert!(failure.is_some(), "{command}");
        let v = &runner.world().checker().violations()[0];
        assert_eq!(runner.world().event_count(), v.event, "`{command}` went on past the violation");
    }
}

#[test]
fn expect_violation_is_checked_at_the_stop_and_ends_the_scenario() {
    // The steps between the stop and the expectation, and after it, never run.
    let text = format!("{TWO_LEADERS}run 1s\nexpect leader none\nexpect violation election-safety\ncrash 1\n");
    let (runner, outputs, failure) = run_text(&text, Trace::Notable);
    assert_eq!(failure, None);
    let ran: Vec<usize> = outputs.iter().map(|o| o.step).collect();
    assert_eq!(ran, vec![0, 1, 2, 3, 5]);
    assert!(runner.world().slot(1).alive, "`crash 1` after the expectation ran");
}

#[test]
fn expect_violation_fails_on_another_invariant_or_none() {
    let cases = [
        (format!("{TWO_LEADERS}run 1s\nexpect violation log-matching\n"), "but the run broke another"),
        ("cluster 3 seed=1\nrun until leader\nexpect violation election-safety\n".to_string(), "no safety invariant"),
    ];
    for (text, message) in cases {
        let (_, _, failure) = run_text(&text, Trace::Notable);
        let failure = failure.unwrap_or_else(|| panic!("passed:\n{text}"));
        assert!(failure.command.starts_with("expect violation"), "{failure}");
        assert!(failure.message.contains(message), "{failure}");
    }
    // Without an `expect violation`, a violation fails the scenario as before.
    let (_, _, failure) = run_text(&format!("{TWO_LEADERS}run 1s\nexpect no-violations\n"), Trace::Notable);
    assert_eq!(failure.map(|f| f.command), Some("run 1s".to_string()));
}

#[test]
fn reasons_are_printed_only_when_asked_for() {
    let text = format!("{TWO_LEADERS}run 1s\nexpect violation election-safety\n");
    let why_lines = |trace| {
        let (_, outputs, _) = run_text(&text, trace);
        let lines = outputs.iter().flat_map(|o| o.lines.clone());
        // The same reasons, whatever the line's prefix (a time, or an indent).
        lines.filter_map(|l| l.split_once("why: ").map(|(_, r)| r.to_string())).collect::<Vec<_>>()
    };
    assert!(why_lines(Trace::Notable).is_empty());
    let why = why_lines(Trace::Why);
    assert!(
        why.iter().any(|l| l.contains("S1 granted its vote to S2 in term 1 although it already voted")),
        "{why:#?}"
    );
    assert!(why.iter().any(|l| l.contains("became candidate of term 1: the user forced")), "{why:#?}");
    assert_eq!(why, why_lines(Trace::Full));
}

/// `transfer leader to N` fails at run time, naming its line and the
/// problem, when there is no leader or N leads already (thesis §3.10).
#[test]
fn transfer_leader_fails_without_a_leader_or_to_the_leader() {
    for (text, line, message) in [
        ("cluster 3\ntransfer leader to 2\n", 2, "there is no leader now"),
        (
            "cluster 3 seed=4\nrun until leader\nexpect leader 1\ntransfer leader to 1\n",
            4,
            "node 1 is already the leader",
        ),
    ] {
        let (_, _, failure) = run_text(text, Trace::Notable);
        let failure = failure.expect("the transfer fails");
        assert_eq!((failure.line, failure.message.as_str()), (line, message), "{text}");
        assert_eq!(failure.to_string(), format!("line {line}: `{}` failed: {message}", text.lines().last().unwrap()));
    }
}
