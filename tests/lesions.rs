//! Every lesion (a safety rule switched off) keeps the engine sound: runs
//! with random faults and client load end in a violation, a liveness
//! failure or success, never in a panic. Which lesions this fuzzer finds is
//! measured by the ignored test below (`cargo test --release --test lesions
//! -- --ignored --nocapture`); a stronger fuzzer is issue 12's second part.

use raftlab::raft::Rule;
use raftlab::scenario::fuzz::{generate, FuzzOptions};
use raftlab::scenario::parse;
use raftlab::scenario::runner::{run, Trace};
use raftlab::sim::{SimRng, World, WorldConfig, MS, SECOND};

/// The fuzz scenario of `seed` with `rule` switched off from the start.
fn lesioned(seed: u64, options: &FuzzOptions, rule: Rule) -> String {
    let text = generate(seed, options).to_text();
    let (cluster, rest) = text.split_once('\n').expect("a cluster line");
    format!("{cluster}\nrule {} off\n{rest}", rule.name())
}

/// Runs the seeds with the rule off; returns how many broke an invariant.
fn violations(rule: Rule, seeds: std::ops::Range<u64>, options: &FuzzOptions) -> usize {
    seeds
        .filter(|&seed| {
            let text = lesioned(seed, options, rule);
            let scenario = parse(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
            let (runner, _, _) = run(&scenario, Trace::Notable);
            !runner.world().checker().violations().is_empty()
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

#[test]
#[ignore = "a measurement: run with --release --ignored --nocapture"]
fn how_often_the_fuzzer_finds_each_lesion() {
    for nodes in [3, 5] {
        let options = FuzzOptions { nodes, ..FuzzOptions::default() };
        for rule in Rule::ALL {
            let found = violations(rule, 1..501, &options);
            println!("{nodes} nodes, {rule} off: {found} of 500 seeds (30 s) broke an invariant");
        }
    }
}
