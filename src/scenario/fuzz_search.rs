//! Counterexample search: fuzz until a seed breaks a safety invariant, then
//! shrink its scenario to one a person can read (delta debugging, Zeller and
//! Hildebrandt 2002, over the scenario's commands), ending with
//! `expect violation INVARIANT`, which `raftlab run` and the page stop at.
//!
//! Shrinking keeps a candidate when it still breaks the same invariant.
//! It runs in passes, each deterministic (no clock), until none helps:
//! 1. cut everything after the step where the violation stopped the run;
//! 2. remove chunks of commands, halves first, down to single commands
//!    (the fault schedule and the client operations alike);
//! 3. merge neighbouring `run`s, then shorten each `run` (halving, then
//!    smaller steps) while the violation still happens.

use crate::check::Invariant;
use crate::sim::Micros;

use super::ast::Command;
use super::fuzz::{run_within_budget, FUZZ_BUDGET};
use super::fuzz_swarm::{Generated, Line};
use super::parse::parse;

/// The most candidate runs one shrink tries: a bound on its time (each run
/// stops at its violation, so most take milliseconds).
pub const MAX_SHRINK_RUNS: usize = 4_000;

/// Where a run of a generated scenario broke an invariant.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Broken {
    pub invariant: Invariant,
    /// Index into the commands of the step that the violation stopped.
    pub step: usize,
}

/// Runs `generated` and reports its first violation, if any.
pub fn first_violation(generated: &Generated) -> Option<Broken> {
    let scenario = parse(&generated.to_text()).ok()?;
    let (runner, _, last) = run_within_budget(&scenario, &FUZZ_BUDGET);
    let violation = runner.world().checker().violations().first()?;
    // The last step that ran is the one the violation stopped; steps are
    // the commands after the cluster line and the `rule` lines.
    let step = last.checked_sub(generated.rules_off.len())?;
    Some(Broken { invariant: violation.invariant, step })
}

/// A shrunk counterexample.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Shrunk {
    pub generated: Generated,
    pub invariant: Invariant,
    /// Candidate runs the shrink took.
    pub runs: usize,
    /// Commands before and after.
    pub commands_before: usize,
}

impl Shrunk {
    /// The scenario text, ending with `expect violation INVARIANT`.
    pub fn to_text(&self) -> String {
        self.generated.to_text()
    }
}

struct Shrinker {
    invariant: Invariant,
    runs: usize,
}

impl Shrinker {
    /// Whether `commands` still break the invariant; on success returns
    /// them cut just after the step that broke it.
    fn try_commands(&mut self, base: &Generated, commands: Vec<Line>) -> Option<Vec<Line>> {
        if self.runs >= MAX_SHRINK_RUNS {
            return None;
        }
        self.runs += 1;
        let candidate = Generated { commands, ..base.clone() };
        let broken = first_violation(&candidate).filter(|b| b.invariant == self.invariant)?;
        let mut commands = candidate.commands;
        commands.truncate(broken.step + 1);
        Some(commands)
    }
}

/// Shrinks a scenario that breaks an invariant. `None` if it breaks none.
pub fn shrink(generated: &Generated) -> Option<Shrunk> {
    let broken = first_violation(generated)?;
    let mut shrinker = Shrinker { invariant: broken.invariant, runs: 1 };
    let commands_before = generated.commands.len();
    let mut base = generated.clone();
    base.commands.truncate(broken.step + 1);
    loop {
        let before = (base.commands.len(), total_run(&base.commands));
        remove_chunks(&mut shrinker, &mut base);
        merge_runs(&mut shrinker, &mut base);
        shorten_runs(&mut shrinker, &mut base);
        if (base.commands.len(), total_run(&base.commands)) == before || shrinker.runs >= MAX_SHRINK_RUNS {
            break;
        }
    }
    base.commands.push(Line { command: Command::ExpectViolation(broken.invariant), read: None });
    Some(Shrunk { generated: base, invariant: broken.invariant, runs: shrinker.runs, commands_before })
}

fn total_run(commands: &[Line]) -> Micros {
    commands.iter().map(|l| if let Command::Run(d) = l.command { d } else { 0 }).sum()
}

/// Delta debugging's complement step: tries the commands without each
/// chunk, chunk sizes halving down to one command.
fn remove_chunks(shrinker: &mut Shrinker, base: &mut Generated) {
    let mut size = base.commands.len().div_ceil(2).max(1);
    loop {
        let mut start = 0;
        while start < base.commands.len() {
            let end = (start + size).min(base.commands.len());
            let mut candidate = base.commands[..start].to_vec();
            candidate.extend_from_slice(&base.commands[end..]);
            match shrinker.try_commands(base, candidate) {
                Some(kept) => base.commands = kept,
                None => start = end,
            }
            if shrinker.runs >= MAX_SHRINK_RUNS {
                return;
            }
        }
        if size == 1 {
            return;
        }
        size = size.div_ceil(2);
    }
}

/// Merges `run A` followed by `run B` into `run A+B` where that keeps the
/// violation (it always does unless an event lands exactly on the seam).
fn merge_runs(shrinker: &mut Shrinker, base: &mut Generated) {
    let mut i = 0;
    while i + 1 < base.commands.len() {
        if let (Command::Run(a), Command::Run(b)) = (&base.commands[i].command, &base.commands[i + 1].command) {
            let mut candidate = base.commands.clone();
            candidate[i].command = Command::Run(a + b);
            candidate.remove(i + 1);
            if let Some(kept) = shrinker.try_commands(base, candidate) {
                base.commands = kept;
                continue;
            }
        }
        i += 1;
    }
}

/// Shortens each `run`: to a half while that keeps the violation, then by
/// quarters, eighths, ... of what is left, down to a millisecond.
fn shorten_runs(shrinker: &mut Shrinker, base: &mut Generated) {
    for i in 0..base.commands.len() {
        let Some(Command::Run(mut duration)) = base.commands.get(i).map(|l| l.command.clone()) else {
            continue;
        };
        let mut cut = duration / 2;
        while cut >= 1_000 && shrinker.runs < MAX_SHRINK_RUNS {
            let mut candidate = base.commands.clone();
            candidate[i].command = Command::Run(duration - cut);
            match shrinker.try_commands(base, candidate) {
                Some(kept) if kept.len() > i => {
                    base.commands = kept;
                    duration -= cut;
                }
                _ => cut /= 2,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::raft::Rule;
    use crate::scenario::parse;
    use crate::scenario::runner::{run, Trace};

    /// tests/scenarios/rule-persist-vote-off.txt's double vote, buried in
    /// writes and idle time the shrink has to take away.
    fn noisy_double_vote() -> Generated {
        let text = "cluster 3 seed=1\nheal\nuncut 2->3\ncut 1<->2\ndrop next AppendEntries 1->3\ntimeout 1\n\
                    run 40ms\nuncut 2->3\ncrash 3\nrestart 3\nuncut 3->1\ntimeout 2\nrun 100ms\nput d 4\nrun 2s\n";
        let scenario = parse(text).expect("parses");
        let mut cluster = scenario.cluster.clone();
        cluster.seed = 1;
        let commands = scenario.steps.into_iter().map(|s| Line { command: s.command, read: None }).collect();
        Generated { cluster, cluster_words: Vec::new(), rules_off: vec![Rule::PersistVote], commands }
    }

    #[test]
    fn s5_2_a_shrunk_double_vote_is_shorter_and_stops_at_its_violation() {
        let noisy = noisy_double_vote();
        let broken = first_violation(&noisy).expect("the noisy scenario breaks an invariant");
        assert_eq!(broken.invariant, Invariant::ElectionSafety);
        let shrunk = shrink(&noisy).expect("it shrinks");
        assert_eq!(shrunk.invariant, Invariant::ElectionSafety);
        assert!(shrunk.generated.commands.len() < noisy.commands.len(), "{}", shrunk.to_text());
        let text = shrunk.to_text();
        assert!(text.ends_with("expect violation election-safety\n"), "{text}");
        assert!(!text.contains("put "), "client writes play no part: {text}");
        // The printed scenario is the reproduction: it runs to the violation
        // and its `expect violation` holds.
        let (runner, _, failure) = run(&parse(&text).expect("the shrunk text parses"), Trace::Notable);
        assert_eq!(failure, None, "{text}");
        assert_eq!(runner.world().checker().violations()[0].invariant, Invariant::ElectionSafety);
    }

    #[test]
    fn a_scenario_without_a_violation_does_not_shrink() {
        let mut clean = noisy_double_vote();
        clean.rules_off.clear();
        assert_eq!(first_violation(&clean), None);
        assert_eq!(shrink(&clean), None);
    }
}
