//! Reads outside the log under faults, disk latency and clock drift: the
//! `linearizability` invariant, which judges ReadIndex reads always and
//! lease reads within the drift bound, finds nothing to report.

use crate::raft::{Command, ReadMode};
use crate::sim::{World, WorldConfig, MS, SECOND};

/// A run of `seed`: steady writes, a read of each mode every 40 ms, a
/// crash and a partition of the leader, restarts and heals.
fn run(config: WorldConfig, modes: &[ReadMode]) -> World {
    let mut w = World::new(config).unwrap();
    w.set_client_load(Some(25 * MS));
    let mut i = 0u64;
    let mut cut_off = None;
    while w.now() < 6 * SECOND {
        w.run_for(40 * MS);
        let mode = modes[(i % modes.len() as u64) as usize];
        let key = format!("k{}", i % 8);
        // Every other read goes to a node in turn, so a deposed leader cut
        // off by the partition gets its share.
        let via = i.is_multiple_of(2).then(|| (i / 2 % w.config().nodes as u64) as u8 + 1);
        w.submit_read(Command::get(&key), via, mode).unwrap();
        if let Some(old) = cut_off {
            // The leader cut off by the partition, deposed meanwhile.
            w.submit_read(Command::get(&key), Some(old), mode).unwrap();
        }
        i += 1;
        let leader = w.current_leader();
        match (i % 50, leader) {
            (10, Some(l)) => w.crash(l).unwrap(),
            (20, _) => {
                for id in 1..=w.config().nodes {
                    if !w.slot(id).alive {
                        w.restart(id).unwrap();
                    }
                }
            }
            (30, Some(l)) => {
                w.partition(vec![vec![l]]).unwrap();
                cut_off = Some(l);
            }
            (40, _) => {
                w.heal();
                cut_off = None;
            }
            _ => {}
        }
    }
    w
}

fn assert_clean(w: &World, what: &str) {
    let v = w.checker().violations();
    assert!(v.is_empty(), "{what}: {}", v.iter().map(|v| v.to_string()).collect::<Vec<_>>().join("\n"));
    let answered = w.client().ops().iter().filter(|o| o.read != ReadMode::Log && o.is_done()).count();
    assert!(answered > 20, "{what}: only {answered} reads outside the log were answered");
}

#[test]
fn s6_4_readindex_reads_stay_linearizable_under_faults_disk_latency_and_drift() {
    for seed in 1..=12 {
        for (disk, drift_ppm) in [((0, 0), 0), ((2 * MS, 8 * MS), 0), ((0, 0), 200_000), ((MS, 5 * MS), 100_000)] {
            let config = WorldConfig { disk, drift_ppm, ..WorldConfig::with_nodes(5, seed) };
            let w = run(config, &[ReadMode::Index, ReadMode::Log]);
            assert_clean(&w, &format!("seed {seed} disk {disk:?} drift {drift_ppm}"));
        }
    }
}

#[test]
fn s6_4_1_lease_reads_within_the_drift_bound_stay_linearizable() {
    for seed in 1..=12 {
        let config = WorldConfig { check_quorum: true, ..WorldConfig::with_nodes(5, seed) };
        let w = run(config, &[ReadMode::Lease, ReadMode::Index]);
        assert!(w.lease_reads_promised());
        assert_clean(&w, &format!("seed {seed}"));
    }
}

/// Without leader stickiness a lease promises nothing (etcd refuses lease
/// reads without CheckQuorum), whatever the clocks do.
#[test]
fn s6_4_1_lease_reads_promise_linearizability_only_with_checkquorum() {
    let plain = World::new(WorldConfig::with_nodes(5, 1)).unwrap();
    assert!(plain.lease_bound_holds() && !plain.lease_reads_promised());
    let sticky = World::new(WorldConfig { check_quorum: true, ..WorldConfig::with_nodes(5, 1) }).unwrap();
    assert!(sticky.lease_reads_promised());
}

#[test]
fn local_reads_never_stop_a_run() {
    for seed in 1..=6 {
        let w = run(WorldConfig::with_nodes(5, seed), &[ReadMode::Local]);
        assert_clean(&w, &format!("seed {seed}"));
    }
}
