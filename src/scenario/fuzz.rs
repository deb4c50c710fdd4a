//! Random fault schedules under client load, written as scenarios.
//!
//! Each fuzz seed becomes a scenario text: faults and client writes spread
//! over the fault window, then a recovery phase (heal, restart everyone,
//! expect a leader and a new write to commit). The text is parsed and run
//! like any other scenario, so the reproduction of a failure is exactly the
//! scenario that failed.

use crate::raft::{MessageKind, NodeId};
use crate::sim::{Micros, SimRng, MS, SECOND};

use super::ast::{ClusterSpec, Command, LinkKind, NodeRef, Scenario, Step};
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
    /// Average time between client writes.
    pub write_every: Micros,
    /// The cluster option `snapshot=K` (§7; 0: off).
    pub snapshot: u64,
}

impl Default for FuzzOptions {
    fn default() -> Self {
        FuzzOptions { nodes: 5, faults: Fault::ALL.to_vec(), duration: 30 * SECOND, write_every: 100 * MS, snapshot: 0 }
    }
}

/// The outcome of one fuzz seed.
#[derive(Clone, Debug)]
pub struct FuzzRun {
    pub seed: u64,
    pub events: u64,
    /// The scenario that was run (its text reproduces the run exactly).
    pub scenario_text: String,
    /// A safety violation, or the cluster failing to recover.
    pub failure: Option<Failure>,
}

/// How long the cluster has to elect a leader and commit a write once the
/// faults stop: a few election rounds plus client retries.
pub const RECOVERY_BOUND: Micros = 10 * SECOND;

/// Builds the scenario of one fuzz seed.
pub fn generate(seed: u64, options: &FuzzOptions) -> Scenario {
    let mut rng = SimRng::new(seed ^ 0x5eed_f022);
    let n = options.nodes;
    let has = |f: Fault| options.faults.contains(&f);
    let mut cluster = ClusterSpec::new(n);
    cluster.seed = seed;
    cluster.snapshot = options.snapshot;
    if has(Fault::Loss) {
        cluster.loss_ppm = rng.between(0, 50_000) as u32;
    }
    let mut commands = Vec::new();
    let mut alive: Vec<bool> = vec![true; n as usize + 1];
    let mut now = 0;
    let mut writes = 0u64;
    let node = |rng: &mut SimRng| NodeRef::Id(rng.between(1, n as u64) as NodeId);
    while now < options.duration {
        let pause = rng.between(options.write_every / 2, options.write_every * 3 / 2).max(1);
        commands.push(Command::Run(pause));
        now += pause;
        writes += 1;
        commands.push(Command::Put { key: format!("k{}", rng.between(0, 7)), value: writes.to_string(), via: None });
        // About one fault every second on average.
        if rng.between(0, SECOND) > options.write_every {
            continue;
        }
        let fault = options.faults[rng.between(0, options.faults.len() as u64 - 1) as usize];
        match fault {
            Fault::Crash => {
                let NodeRef::Id(id) = node(&mut rng) else { unreachable!() };
                if alive[id as usize] {
                    alive[id as usize] = false;
                    commands.push(Command::Crash(NodeRef::Id(id)));
                } else {
                    alive[id as usize] = true;
                    commands.push(Command::Restart(NodeRef::Id(id)));
                }
            }
            Fault::Partition if rng.between(0, 2) == 0 => commands.push(Command::Heal),
            Fault::Partition => {
                let mut group = Vec::new();
                for id in 1..=n {
                    if rng.between(0, 1) == 0 {
                        group.push(NodeRef::Id(id));
                    }
                }
                if !group.is_empty() && group.len() < n as usize {
                    commands.push(Command::Partition(vec![group]));
                }
            }
            Fault::Cut => {
                let (from, to) = (node(&mut rng), node(&mut rng));
                if from != to {
                    let both = rng.between(0, 1) == 0;
                    if rng.between(0, 3) == 0 {
                        commands.push(Command::Uncut { from, to, both });
                    } else {
                        commands.push(Command::Cut { from, to, both });
                    }
                }
            }
            Fault::Duplicate | Fault::Drop => {
                let (from, to) = (node(&mut rng), node(&mut rng));
                if from != to {
                    let kinds = [
                        None,
                        Some(MessageKind::RequestVote),
                        Some(MessageKind::RequestVoteReply),
                        Some(MessageKind::AppendEntries),
                        Some(MessageKind::AppendEntriesReply),
                    ];
                    let kind = kinds[rng.between(0, kinds.len() as u64 - 1) as usize];
                    let action = if fault == Fault::Drop { LinkKind::Drop } else { LinkKind::Duplicate };
                    commands.push(Command::Message { action, kind, from, to });
                }
            }
            Fault::Loss => {
                // Loss is a cluster option, chosen above; spend the slot on a
                // forced election instead, the fault closest to a lossy link.
                let NodeRef::Id(id) = node(&mut rng) else { unreachable!() };
                if alive[id as usize] {
                    commands.push(Command::Timeout(NodeRef::Id(id)));
                }
            }
        }
    }
    // Recovery: every fault stops, then the cluster must elect a leader and
    // commit a new write within the bound.
    commands.push(Command::Heal);
    for id in 1..=n {
        if !alive[id as usize] {
            commands.push(Command::Restart(NodeRef::Id(id)));
        }
    }
    commands.push(Command::RunUntilLeader { within: RECOVERY_BOUND });
    commands.push(Command::Put { key: "recovered".into(), value: "yes".into(), via: None });
    commands.push(Command::Run(RECOVERY_BOUND / 2));
    commands.push(Command::ExpectValue { key: "recovered".into(), value: "yes".into(), on: None });
    commands.push(Command::ExpectNoViolations);
    let steps = commands
        .into_iter()
        .map(|command| Step { line: 0, column: 1, text: command.to_string(), command, expected: None })
        .collect();
    Scenario { cluster, cluster_line: 1, steps }
}

/// Generates, parses back and runs one fuzz seed.
pub fn run_seed(seed: u64, options: &FuzzOptions) -> FuzzRun {
    run_generated(seed, &generate(seed, options))
}

/// Runs a generated scenario from its text, so that the reproduction of a
/// failure is exactly what ran.
pub fn run_generated(seed: u64, generated: &Scenario) -> FuzzRun {
    let scenario_text = generated.to_text();
    let scenario = match parse(&scenario_text) {
        Ok(s) => s,
        Err(e) => {
            let failure = Failure {
                line: e.line,
                command: e.word.clone(),
                message: format!("generated text does not parse: {e}"),
            };
            return FuzzRun { seed, events: 0, scenario_text, failure: Some(failure) };
        }
    };
    let (runner, _, failure) = runner::run(&scenario, Trace::Notable);
    FuzzRun { seed, events: runner.world().event_count(), scenario_text, failure }
}
