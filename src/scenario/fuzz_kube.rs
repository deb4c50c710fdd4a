//! Random fault schedules for a Kubernetes control plane, written as
//! scenarios: zone failures and restorations, machine crashes and restarts,
//! a zone cut off, partitions of the etcd members, crashes of single etcd
//! members, under client writes. The world checks Lease Safety (at most one
//! leader per controller) and Raft's invariants after every event; once the
//! faults stop, everything is restored and the run must recover: an etcd
//! leader, a write applied, both leases held, the apiserver available.

use crate::kube::{KubeSpec, MachineId};
use crate::raft::NodeId;
use crate::sim::{Micros, SimRng, MS, SECOND};

use super::ast::{ClusterSpec, Command, Holder, KubeCommand, NodeRef, Scenario, Step};
use super::fuzz::{run_generated, FuzzRun, RECOVERY_BOUND};
use crate::kube::LeaseName;

#[derive(Clone, Debug)]
pub struct KubeFuzzOptions {
    pub spec: KubeSpec,
    /// Length of the fault window.
    pub duration: Micros,
    /// Average time between faults.
    pub fault_every: Micros,
}

impl KubeFuzzOptions {
    pub fn new(spec: KubeSpec) -> Self {
        KubeFuzzOptions { spec, duration: 60 * SECOND, fault_every: 3 * SECOND }
    }
}

/// How long the controllers get to lead again once every fault is gone: the
/// kubelet's longest crash-loop back-off (5 min), then a lease duration and
/// two jittered retries.
pub const LEASE_RECOVERY: Micros = 300 * SECOND + 15 * SECOND + 10 * SECOND;

/// What the generator knows of the machines, to write only valid actions.
struct State<'a> {
    spec: &'a KubeSpec,
    machine_up: Vec<bool>,
    /// Indexed by node id - 1: the member runs (on a running machine).
    member_up: Vec<bool>,
}

impl State<'_> {
    fn machine_down(&mut self, m: MachineId) {
        self.machine_up[m as usize] = false;
        if let Some(n) = self.spec.member_of(m) {
            self.member_up[n as usize - 1] = false;
        }
    }
    fn machine_restart(&mut self, m: MachineId) {
        self.machine_up[m as usize] = true;
        if let Some(n) = self.spec.member_of(m) {
            self.member_up[n as usize - 1] = true;
        }
    }
}

/// Builds the scenario of one fuzz seed.
pub fn generate(seed: u64, options: &KubeFuzzOptions) -> Scenario {
    let spec = &options.spec;
    let mut rng = SimRng::new(seed ^ 0x6b75_6265);
    let mut cluster = ClusterSpec::new(spec.etcd);
    cluster.seed = seed;
    cluster.kube = Some(spec.clone());
    let machines = spec.machine_count() as u64;
    let zones: Vec<String> = spec.zone_names().into_iter().map(str::to_string).collect();
    let mut state =
        State { spec, machine_up: vec![true; machines as usize], member_up: vec![true; spec.etcd as usize] };
    let name = |m: MachineId| spec.machine_name(m);
    let mut commands = Vec::new();
    let mut now = 0;
    let mut writes = 0u64;
    while now < options.duration {
        let pause = rng.between(options.fault_every / 2, options.fault_every * 3 / 2).max(MS);
        commands.push(Command::Run(pause));
        now += pause;
        let zone = &zones[rng.between(0, zones.len() as u64 - 1) as usize];
        let in_zone = spec.machines_in(zone);
        let m = rng.between(0, machines - 1) as MachineId;
        let n = rng.between(1, spec.etcd as u64) as NodeId;
        match rng.between(0, 7) {
            0 if in_zone.iter().any(|&m| state.machine_up[m as usize]) => {
                let up: Vec<MachineId> = in_zone.iter().copied().filter(|&m| state.machine_up[m as usize]).collect();
                up.into_iter().for_each(|m| state.machine_down(m));
                commands.push(Command::Kube(KubeCommand::FailZone(zone.clone())));
            }
            0 | 1 if in_zone.iter().any(|&m| !state.machine_up[m as usize]) => {
                let down: Vec<MachineId> = in_zone.iter().copied().filter(|&m| !state.machine_up[m as usize]).collect();
                down.into_iter().for_each(|m| state.machine_restart(m));
                commands.push(Command::Kube(KubeCommand::RestoreZone(zone.clone())));
            }
            2 if state.machine_up[m as usize] => {
                state.machine_down(m);
                commands.push(Command::Kube(KubeCommand::CrashMachine(name(m))));
            }
            2 | 3 if !state.machine_up[m as usize] => {
                state.machine_restart(m);
                commands.push(Command::Kube(KubeCommand::RestartMachine(name(m))));
            }
            4 => commands.push(Command::Kube(KubeCommand::IsolateZone(zone.clone()))),
            5 => {
                let group: Vec<NodeRef> = (1..=spec.etcd).filter(|_| rng.between(0, 1) == 0).map(NodeRef::Id).collect();
                if !group.is_empty() && group.len() < spec.etcd as usize {
                    commands.push(Command::Partition(vec![group]));
                } else {
                    commands.push(Command::Heal);
                }
            }
            6 if state.machine_up[spec.machine_of_member(n) as usize] => {
                let up = &mut state.member_up[n as usize - 1];
                *up = !*up;
                commands.push(if *up { Command::Restart(NodeRef::Id(n)) } else { Command::Crash(NodeRef::Id(n)) });
            }
            _ => {
                writes += 1;
                let key = format!("k{}", rng.between(0, 7));
                commands.push(Command::Put { key, value: writes.to_string(), via: None });
            }
        }
    }
    // Recovery: every fault stops, and the control plane must come back.
    commands.push(Command::Heal);
    for zone in &zones {
        if spec.machines_in(zone).iter().any(|&m| !state.machine_up[m as usize]) {
            commands.push(Command::Kube(KubeCommand::RestoreZone(zone.clone())));
        }
    }
    for n in 1..=spec.etcd {
        if state.machine_up[spec.machine_of_member(n) as usize] && !state.member_up[n as usize - 1] {
            commands.push(Command::Restart(NodeRef::Id(n)));
        }
    }
    commands.push(Command::RunUntilLeader { within: RECOVERY_BOUND });
    commands.push(Command::Put { key: "recovered".into(), value: "yes".into(), via: None });
    commands.push(Command::Run(RECOVERY_BOUND / 2));
    commands.push(Command::ExpectValue { key: "recovered".into(), value: "yes".into(), on: None });
    commands.push(Command::Run(LEASE_RECOVERY));
    for lease in LeaseName::ALL {
        commands.push(Command::Kube(KubeCommand::ExpectLease { lease, holder: Holder::Held }));
    }
    commands.push(Command::Kube(KubeCommand::ExpectApiserver { available: true }));
    commands.push(Command::ExpectNoViolations);
    let steps = commands
        .into_iter()
        .map(|command| Step { line: 0, column: 1, text: command.to_string(), command, expected: None })
        .collect();
    Scenario { cluster, cluster_line: 1, steps }
}

/// Generates, parses back and runs one seed.
pub fn run_seed(seed: u64, options: &KubeFuzzOptions) -> FuzzRun {
    run_generated(seed, &generate(seed, options))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kube::Topology;

    /// A few seeds of each topology, short: no violation, and recovery.
    #[test]
    fn a_few_seeds_of_each_topology_recover_without_violations() {
        for spec in [KubeSpec::new(Topology::Stacked, 3, 3), KubeSpec::new(Topology::External, 2, 3)] {
            let options = KubeFuzzOptions { duration: 30 * SECOND, ..KubeFuzzOptions::new(spec) };
            for seed in 1..=4 {
                let run = run_seed(seed, &options);
                assert!(run.failure.is_none(), "seed {seed}: {:?}\n{}", run.failure, run.scenario_text);
            }
        }
    }

    #[test]
    fn the_same_seed_writes_the_same_schedule() {
        let options = KubeFuzzOptions::new(KubeSpec::new(Topology::Stacked, 3, 3));
        assert_eq!(generate(9, &options).to_text(), generate(9, &options).to_text());
        assert_ne!(generate(9, &options).to_text(), generate(10, &options).to_text());
    }
}
