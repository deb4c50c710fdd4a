//! Random fault schedules under client load, written as scenarios.
//!
//! Each fuzz seed becomes a scenario text (the swarm of `fuzz_swarm.rs`):
//! faults and client operations over the fault window, then a recovery
//! phase (heal, restart everyone, expect a leader and a new write to
//! commit). The text is parsed and run like any other scenario, so the
//! reproduction of a failure is exactly the scenario that failed.

use std::panic::{catch_unwind, AssertUnwindSafe};

use crate::raft::Rule;
use crate::sim::{Budget, Micros, SECOND};

use super::ast::{ClusterSpec, Command, Scenario};
use super::fuzz_swarm;
use super::parse::parse;
use super::runner::{self, Failure, Runner, Trace};

/// The kinds of fault a fuzz run may inject.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
    Crash,
    Partition,
    Cut,
    Loss,
    Duplicate,
    Drop,
}

impl Fault {
    pub const ALL: [Fault; 6] =
        [Fault::Crash, Fault::Partition, Fault::Cut, Fault::Loss, Fault::Duplicate, Fault::Drop];

    pub fn from_name(name: &str) -> Option<Fault> {
        Some(match name {
            "crash" => Fault::Crash,
            "partition" => Fault::Partition,
            "cut" => Fault::Cut,
            "loss" => Fault::Loss,
            "duplicate" => Fault::Duplicate,
            "drop" => Fault::Drop,
            _ => return None,
        })
    }
}

#[derive(Clone, Debug)]
pub struct FuzzOptions {
    pub nodes: u8,
    pub faults: Vec<Fault>,
    /// Length of the fault window; the recovery phase comes after it.
    pub duration: Micros,
    /// Lesions: rules switched off from the start (`rule NAME off`).
    pub rules_off: Vec<Rule>,
    /// The cluster option `snapshot=K` (§7; 0: off).
    pub snapshot: u64,
}

impl Default for FuzzOptions {
    fn default() -> Self {
        FuzzOptions { nodes: 5, faults: Fault::ALL.to_vec(), duration: 30 * SECOND, rules_off: Vec::new(), snapshot: 0 }
    }
}

/// How a fuzz run ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    Passed,
    /// A safety invariant broke.
    Violation,
    /// No violation, but the cluster did not recover once the faults
    /// stopped (or another expectation failed).
    Liveness,
    /// The engine panicked: a bug whatever the scenario.
    Panic,
}

/// The outcome of one fuzz seed.
#[derive(Clone, Debug)]
pub struct FuzzRun {
    pub seed: u64,
    pub events: u64,
    /// The scenario that was run (its text reproduces the run exactly).
    pub scenario_text: String,
    /// A safety violation, the cluster failing to recover, or a panic.
    pub failure: Option<Failure>,
    pub verdict: Verdict,
}

/// How long the cluster has to elect a leader and commit a write once the
/// faults stop: a few election rounds plus client retries.
pub const RECOVERY_BOUND: Micros = 10 * SECOND;

/// How long the recovery write has once there is a leader: half the
/// recovery bound, or four attempts of the client when its retry timeout
/// (`client_timeout`: twice the longest election timeout and four
/// latencies, up to 2.9 s in the swarm's timings) is longer. At 3 % loss
/// about one attempt in sixteen loses its request or its reply, and two
/// lost attempts in a row outlast 5 s at the slowest timings (seed 729 at
/// 3 nodes, docs/fuzzing.md): a slower recovery, not a stuck one. The disk
/// and clock options need no margin of their own: a write waits at most
/// two disk latencies (`sim/disk.rs`), and the client times out in real
/// time, not on a node's drifting clock.
pub fn recovery_write_window(cluster: &ClusterSpec) -> Micros {
    (RECOVERY_BOUND / 2).max(4 * cluster.client_timeout())
}

/// The limits of one fuzz run: far below the page's and the CLI's (a
/// 30-second run takes well under a million events and a few thousand log
/// entries), so that a lesion whose logs or messages run away ends as a
/// failure of its own instead of taking the machine's memory.
pub const FUZZ_BUDGET: Budget =
    Budget { events: 20_000_000, in_flight: 10_000, pending: 10_000, actions: 1_000_000, log_entries: 200_000 };

/// Runs a scenario as [`runner::run`] does, stopping it when the world goes
/// over `budget` (a failure naming the limit). Also returns the index of
/// the last step that ran.
pub fn run_within_budget(scenario: &Scenario, budget: &Budget) -> (Runner, Option<Failure>, usize) {
    let mut runner = match Runner::new(&scenario.cluster, Trace::Notable) {
        Ok(r) => r,
        Err(message) => {
            let (runner, _, failure) = runner::run(scenario, Trace::Notable);
            let failure = failure.or(Some(Failure { line: scenario.cluster_line, command: "cluster".into(), message }));
            return (runner, failure, 0);
        }
    };
    let mut i = 0;
    while let Some(step) = scenario.steps.get(i) {
        let result = match runner.begin(step) {
            None => runner.execute(step).map(drop).map_err(|(_, m)| m),
            Some(mut timed) => loop {
                let mut over = None;
                let done = runner.resume(&mut timed, Micros::MAX, 4_096, &mut Vec::new(), &mut |world| {
                    over = budget.check(world).err();
                    over.is_some()
                });
                if let Some(over) = over {
                    break Err(over.to_string());
                }
                if let Some(result) = done {
                    break result;
                }
            },
        };
        if let Err(message) = result.and_then(|()| budget.check(runner.world()).map_err(|o| o.to_string())) {
            if let Some(expectation) = runner.expected_violation(&scenario.steps, i) {
                i = expectation;
                continue;
            }
            return (runner, Some(Failure { line: step.line, command: step.text.clone(), message }), i);
        }
        if matches!(step.command, Command::ExpectViolation(_)) {
            break;
        }
        i += 1;
    }
    (runner, None, i.min(scenario.steps.len().saturating_sub(1)))
}

/// Generates, parses back and runs one fuzz seed.
pub fn run_seed(seed: u64, options: &FuzzOptions) -> FuzzRun {
    run_text(seed, fuzz_swarm::generate(seed, options).to_text())
}

/// Runs a generated scenario from its text, so that the reproduction of a
/// failure is exactly what ran.
pub fn run_generated(seed: u64, generated: &Scenario) -> FuzzRun {
    run_text(seed, generated.to_text())
}

/// Parses and runs a scenario text. A panic is caught and reported as the
/// run's failure, so a sweep goes on and names the seed and the scenario
/// (the CLI is built to unwind; the browser build aborts, as before).
pub fn run_text(seed: u64, scenario_text: String) -> FuzzRun {
    run_text_with(seed, scenario_text, |scenario| {
        let (runner, failure, _) = run_within_budget(scenario, &FUZZ_BUDGET);
        let violated = !runner.world().checker().violations().is_empty();
        (runner.world().event_count(), failure, violated)
    })
}

/// [`run_text`] with the run itself given: it returns the events, the
/// failure and whether an invariant broke.
fn run_text_with(
    seed: u64,
    scenario_text: String,
    run: impl FnOnce(&Scenario) -> (u64, Option<Failure>, bool),
) -> FuzzRun {
    let scenario = match parse(&scenario_text) {
        Ok(s) => s,
        Err(e) => {
            let failure = Failure {
                line: e.line,
                command: e.word.clone(),
                message: format!("generated text does not parse: {e}"),
            };
            return FuzzRun { seed, events: 0, scenario_text, failure: Some(failure), verdict: Verdict::Liveness };
        }
    };
    match catch_unwind(AssertUnwindSafe(|| run(&scenario))) {
        Ok((events, failure, violated)) => {
            let verdict = match (&failure, violated) {
                (None, _) => Verdict::Passed,
                (Some(_), true) => Verdict::Violation,
                (Some(_), false) => Verdict::Liveness,
            };
            FuzzRun { seed, events, scenario_text, failure, verdict }
        }
        Err(payload) => {
            let message = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "a panic without a message".into());
            let failure = Failure { line: 0, command: String::new(), message: format!("panic: {message}") };
            FuzzRun { seed, events: 0, scenario_text, failure: Some(failure), verdict: Verdict::Panic }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A sweep in which the engine panics in one seed: that seed is
    /// reported as a panic with its message and the scenario that ran
    /// (which reproduces it), and the seeds after it still run.
    #[test]
    fn a_panic_in_one_seed_is_reported_with_its_scenario_and_the_sweep_goes_on() {
        let options = FuzzOptions { nodes: 3, duration: 2 * SECOND, ..FuzzOptions::default() };
        let runs: Vec<FuzzRun> = (1..=3)
            .map(|seed| {
                let text = fuzz_swarm::generate(seed, &options).to_text();
                run_text_with(seed, text, |scenario| {
                    let (runner, failure, _) = run_within_budget(scenario, &FUZZ_BUDGET);
                    assert!(seed != 2, "the engine broke at seed {seed}");
                    (runner.world().event_count(), failure, false)
                })
            })
            .collect();
        assert_eq!(
            runs.iter().map(|r| r.verdict).collect::<Vec<_>>(),
            [Verdict::Passed, Verdict::Panic, Verdict::Passed]
        );
        assert!(runs[0].events > 0 && runs[2].events > 0);
        let panicked = &runs[1];
        assert_eq!(panicked.seed, 2);
        let failure = panicked.failure.as_ref().expect("a panic is a failure");
        assert_eq!(failure.message, "panic: the engine broke at seed 2");
        assert_eq!(panicked.scenario_text, fuzz_swarm::generate(2, &options).to_text());
        // The reported scenario is what ran: without the injected panic it
        // runs through like any other seed.
        assert_eq!(run_text(2, panicked.scenario_text.clone()).verdict, Verdict::Passed);
    }

    /// Seed 1512 at 7 nodes (`checkquorum=on` without PreVote, 3 % loss,
    /// 5 % drift): the recovery write commits, then a follower that missed
    /// two heartbeats deposes the leader (§9.6's disruption) just before
    /// the value is read. Read at once, there is no leader; the recovery
    /// phase waits for the next one, and the run passes.
    #[test]
    fn s9_6_recovery_waits_for_a_new_leader_before_reading_seed_1512() {
        let options = FuzzOptions { nodes: 7, ..FuzzOptions::default() };
        let text = fuzz_swarm::generate(1512, &options).to_text();
        assert!(
            text.starts_with("cluster 7 seed=1512 ") && text.contains(" checkquorum=on ") && !text.contains("prevote")
        );
        assert_eq!(run_text(1512, text.clone()).verdict, Verdict::Passed);
        let wait = "\nrun until leader\nexpect value recovered yes";
        assert!(text.contains(wait));
        let read_at_once = text.replace(wait, "\nexpect value recovered yes");
        let run = run_text(1512, read_at_once);
        assert_eq!(run.verdict, Verdict::Liveness);
        assert!(run.failure.unwrap().message.contains("there is no leader now"));
    }
}
