//! Random fault schedules under client load, written as scenarios.
//!
//! Each fuzz seed becomes a scenario text (the swarm of `fuzz_swarm.rs`):
//! faults and client operations over the fault window, then a recovery
//! phase (heal, restart everyone, expect a leader and a new write to
//! commit). The text is parsed and run like any other scenario, so the
//! reproduction of a failure is exactly the scenario that failed.

use std::panic::{catch_unwind, AssertUnwindSafe};

use crate::raft::Rule;
use crate::sim::{Micros, SECOND};

use super::ast::Scenario;
use super::fuzz_swarm;
use super::parse::parse;
use super::runner::{self, Failure, Trace};

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
}

impl Default for FuzzOptions {
    fn default() -> Self {
        FuzzOptions { nodes: 5, faults: Fault::ALL.to_vec(), duration: 30 * SECOND, rules_off: Vec::new() }
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
    let ran = catch_unwind(AssertUnwindSafe(|| {
        let (runner, _, failure) = runner::run(&scenario, Trace::Notable);
        let violated = !runner.world().checker().violations().is_empty();
        (runner.world().event_count(), failure, violated)
    }));
    match ran {
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
