//! Engine throughput: simulated events per second with a 5-node cluster
//! under steady client load, and fuzz runs per second.
//!
//! Run with `cargo bench --bench engine`; README reports the figures.

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use raftlab::scenario::fuzz::{run_seed, FuzzOptions};
use raftlab::sim::{World, WorldConfig, MS, SECOND};

/// A 5-node world with a leader and a put every 10 ms, already running.
fn loaded_world(nodes: u8) -> World {
    let mut world = World::new(WorldConfig::with_nodes(nodes, 42)).expect("valid config");
    world.set_client_load(Some(10 * MS));
    world.run_for(2 * SECOND);
    assert!(world.current_leader().is_some(), "the benchmark needs a leader");
    world
}

fn events_per_second(c: &mut Criterion) {
    let mut group = c.benchmark_group("events");
    for nodes in [5u8, 9] {
        let start = loaded_world(nodes);
        // The run is deterministic, so every iteration processes exactly as
        // many events as this probe.
        let events = start.clone().run_for(SECOND);
        group.throughput(Throughput::Elements(events));
        group.bench_function(format!("{nodes}_nodes_steady_load_1s_simulated"), |b| {
            b.iter_batched(|| start.clone(), |mut w| w.run_for(SECOND), BatchSize::LargeInput)
        });
    }
    group.finish();
}

fn fuzz_runs_per_second(c: &mut Criterion) {
    let mut group = c.benchmark_group("fuzz");
    group.sample_size(20);
    group.throughput(Throughput::Elements(1));
    let options = FuzzOptions::default();
    let mut seed = 0;
    group.bench_function("one_run_5_nodes_30s_all_faults", |b| {
        b.iter(|| {
            seed += 1;
            run_seed(seed, &options)
        })
    });
    group.finish();
}

criterion_group!(benches, events_per_second, fuzz_runs_per_second);
criterion_main!(benches);
