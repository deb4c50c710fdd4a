//! Every lesion (a safety rule switched off) keeps the engine sound: runs
//! with random faults and client load end in a violation, a liveness
//! failure or success, never in a panic. How many seeds the swarm fuzzer
//! needs to find each lesion is measured with `raftlab fuzz --rule NAME=off`
//! (docs/fuzzing.md); `./build.sh test` runs each over a fixed seed range.

use raftlab::raft::Rule;
use raftlab::scenario::fuzz::{run_seed, FuzzOptions, Verdict};
use raftlab::sim::{SimRng, World, WorldConfig, MS, SECOND};

/// Runs the seeds with the rule off; returns how many broke an invariant.
/// A panic fails the test, with its seed and scenario.
fn violations(rule: Rule, seeds: std::ops::Range<u64>, options: &FuzzOptions) -> usize {
    let options = FuzzOptions { rules_off: vec![rule], ..options.clone() };
    seeds
        .filter(|&seed| {
            let run = run_seed(seed, &options);
            assert_ne!(run.verdict, Verdict::Panic, "seed {seed}: {:?}\n{}", run.failure, run.scenario_text);
            run.verdict == Verdict::Violation
        })
        .count()
}

#[test]
fn no_lesion_makes_the_engine_panic() {
    let options = FuzzOptions { nodes: 5, duration: 10 * SECOND, ..FuzzOptions::default() };
    for rule in Rule::ALL {
        violations(rule, 1..13, &options);
    }
    let three = FuzzOptions { nodes: 3, duration: 10 * SECOND, ..FuzzOptions::default() };
    for rule in Rule::ALL {
        violations(rule, 1..13, &three);
    }
}

/// The page keeps running after a violation, so a lesioned world must stay
/// sound past its first one: random crashes, restarts, partitions and forced
/// timeouts under client load, with every rule off in turn, and violations
/// ignored.
#[test]
fn a_lesioned_world_runs_on_past_its_violations() {
    for rule in Rule::ALL {
        for seed in 1..4 {
            let mut world = World::new(WorldConfig::with_nodes(5, seed)).unwrap();
            world.set_rule(rule, false);
            world.set_client_load(Some(20 * MS));
            let mut rng = SimRng::new(seed);
            for _ in 0..150 {
                world.run_for(rng.between(10, 150) * MS);
                let id = rng.between(1, 5) as u8;
                // Errors (crashing a crashed node, ...) are fine: only a panic is not.
                let _ = match rng.between(0, 4) {
                    0 => world.crash(id),
                    1 | 2 => world.restart(id),
                    3 => world.partition(vec![vec![id, id % 5 + 1]]),
                    _ => world.force_timeout(id),
                };
                if rng.between(0, 5) == 0 {
                    world.heal();
                }
            }
        }
    }
}
