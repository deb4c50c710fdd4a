//! Node clocks (the `drift=` option): each node's clock runs at its own
//! fixed rate, drawn from the seed in [1 − d, 1 + d]. The node itself has
//! no clock; the world arms its timers in the node's own time, so a fast
//! clock fires them early in real (virtual) time and a slow one late. The
//! lease a leader keeps (`raft::read_only`) is counted in its heartbeat
//! ticks, so it runs on the leader's clock too.

use super::rng::SimRng;
use super::{Micros, World, WorldConfig};

/// A clock rate in parts per million of real time: 1,000,000 is exact.
pub type RatePpm = u32;

pub const EXACT: RatePpm = 1_000_000;

/// Draws each node's clock rate. Nothing is drawn without drift, so a run
/// without the option is the run it always was.
pub(super) fn draw_rates(config: &WorldConfig, rng: &mut SimRng) -> Vec<RatePpm> {
    rates_from(config.nodes, config.drift_ppm, rng)
}

/// The clock rates of nodes 1..=`nodes` in a world of this seed and drift:
/// the first draws `World::new` makes from its seed. The fuzzer's stale-read
/// episode uses them to cut off the node whose clock runs slowest.
pub fn clock_rates(seed: u64, nodes: u8, drift_ppm: u32) -> Vec<RatePpm> {
    rates_from(nodes, drift_ppm, &mut SimRng::new(seed))
}

fn rates_from(nodes: u8, drift_ppm: u32, rng: &mut SimRng) -> Vec<RatePpm> {
    let d = drift_ppm as u64;
    (0..nodes).map(|_| if d == 0 { EXACT } else { (EXACT as u64 - d + rng.between(0, 2 * d)) as RatePpm }).collect()
}

/// The real time a node's clock takes to count `local` microseconds.
pub(super) fn real_duration(local: Micros, rate: RatePpm) -> Micros {
    (local * EXACT as Micros).div_ceil(rate as Micros)
}

impl WorldConfig {
    /// How many of its heartbeat intervals a leader's lease lasts:
    /// ⌊minimum election timeout ÷ (1 + drift) ÷ heartbeat⌋ (thesis §6.4.1:
    /// election timeout divided by the clock drift bound). Both durations
    /// are measured on the leader's own clock.
    pub fn lease_ticks(&self) -> u64 {
        let lease = self.election.0 * EXACT as u64 / (EXACT as u64 + self.drift_ppm as u64);
        lease / self.heartbeat
    }
}

impl World {
    /// Node `id`'s clock rate, in parts per million of real time.
    pub fn clock_rate(&self, id: crate::raft::NodeId) -> RatePpm {
        self.slot(id).clock_ppm
    }

    /// Whether the lease's drift assumption holds in this run: no node's
    /// clock runs more than (1 + drift) times as fast as another's. Then a
    /// lease of election timeout ÷ (1 + drift) on the leader's clock ends
    /// before a follower that acknowledged it can time out on its own, and
    /// lease reads are linearizable (with leaders that keep their
    /// followers: see docs/checking.md). The rates are drawn in
    /// [1 − d, 1 + d], so with drift a seed may draw rates further apart
    /// than that: the lease is then unsafe, and the `linearizability`
    /// invariant does not judge lease reads.
    pub fn lease_bound_holds(&self) -> bool {
        let rates = self.nodes.iter().map(|s| s.clock_ppm as u64);
        let (fastest, slowest) = (rates.clone().max().unwrap_or(0), rates.min().unwrap_or(0));
        fastest * EXACT as u64 <= slowest * (EXACT as u64 + self.config.drift_ppm as u64)
    }

    /// Whether lease reads promise linearizability in this run: the clocks
    /// are within the lease's drift bound, and followers refuse to elect
    /// another leader while the lease lasts, which is leader stickiness
    /// (`checkquorum=on`). Plain Raft grants a vote whatever the voter's
    /// election timer says, so without it a candidate whose own timer fired
    /// early (behind a cut link) can win while the old leader still serves
    /// lease reads (etcd refuses lease reads without CheckQuorum).
    pub fn lease_reads_promised(&self) -> bool {
        self.config.check_quorum && self.lease_bound_holds()
    }
}

#[cfg(test)]
#[path = "reads_tests.rs"]
mod reads_tests;
