//! The history view's cost per call (what the page pays every frame while
//! the History panel is open and operations complete), checked from scratch
//! (`view::client_history::history_view`) and incrementally
//! (`view::history_check::HistoryCheck`, what the page keeps), after N
//! simulated minutes of the page's client load: a 5-node cluster, a `put`
//! every 10 ms and a `get` of each read mode in turn every 100 ms. The
//! client keeps its newest 10,000 operations (`HISTORY_KEPT`), so the
//! history the view checks stops growing after about 100 s.
//!
//! Then the view's budget per response (`VIEW_BUDGET`) against the one-shot
//! check's (`ONE_SHOT_BUDGET`) on a pathological history: groups of
//! concurrent writes each seen by its own concurrent read, so that every
//! subset of writes placed is a configuration of its own (2^n).
//!
//! Run with `cargo bench --bench history_view`; docs/checking.md reports
//! the figures.

use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion};
use raftlab::check::linearizability::{check_history_within, Operation, Verdict, ONE_SHOT_BUDGET};
use raftlab::raft::{Applied, Command, ReadMode};
use raftlab::sim::{World, WorldConfig, MS, SECOND};
use raftlab::view::client_history::{history_view, VIEW_BUDGET};
use raftlab::view::history_check::HistoryCheck;

const MODES: [ReadMode; 4] = [ReadMode::Log, ReadMode::Index, ReadMode::Lease, ReadMode::Local];
/// One frame of the page at 60 frames a second.
const FRAME: u64 = 16 * MS;

/// Runs `world` on to `minutes` of load, the check following every
/// simulated second (as the page would, every frame, with the panel open).
fn load_until(world: &mut World, check: &mut HistoryCheck, minutes: u64, reads: &mut usize) {
    while world.now() < minutes * 60 * SECOND {
        for _ in 0..10 {
            world.run_for(100 * MS);
            let key = format!("k{}", *reads % 8);
            world.submit_read(Command::get(&key), None, MODES[*reads % 4]).expect("a read");
            *reads += 1;
        }
        check.view(world);
    }
}

/// The mean time of `call` over frames of the run after `world`.
fn per_frame(world: &World, frames: u32, mut call: impl FnMut(&World)) -> Duration {
    let mut world = world.clone();
    let mut total = Duration::ZERO;
    for _ in 0..frames {
        world.run_for(FRAME);
        let began = Instant::now();
        call(&world);
        total += began.elapsed();
    }
    total / frames
}

fn report_load() {
    let mut world = World::new(WorldConfig::with_nodes(5, 42)).expect("valid config");
    world.run_for(2 * SECOND);
    world.set_client_load(Some(10 * MS));
    let mut check = HistoryCheck::new();
    let mut reads = 0;
    println!("minutes | operations kept | from scratch per call | incremental per call");
    for minutes in [1, 10, 60] {
        load_until(&mut world, &mut check, minutes, &mut reads);
        let scratch = per_frame(&world, 20, |w| {
            history_view(w);
        });
        let mut following = HistoryCheck::new();
        following.view(&world);
        let incremental = per_frame(&world, 200, |w| {
            following.view(w);
        });
        assert_eq!(following.view(&world).verdict, history_view(&world).verdict);
        println!(
            "{minutes:>7} | {:>15} | {:>18.2} ms | {:>17.2} ms",
            world.client().ops().len(),
            scratch.as_secs_f64() * 1e3,
            incremental.as_secs_f64() * 1e3
        );
    }
}

/// `groups` groups of `n` concurrent puts of one key, each seen by its own
/// concurrent get.
fn pathological(groups: u64, n: u64) -> Vec<Operation> {
    let mut ops = Vec::new();
    let mut op = |command: Command, call: u64, ret: u64, result: Applied| {
        let id = ops.len() as u64 + 1;
        ops.push(Operation { id, command, invoked_at: call, response: Some((ret, result)), node: Some(1) });
    };
    for g in 0..groups {
        let t = g * 10_000;
        for i in 0..n {
            op(Command::put("x", &format!("{g}-{i}")), t, t + 1_000 + i, Applied::Done);
        }
        for i in 0..n {
            op(Command::get("x"), t + 10 + i, t + 500 + i, Applied::Value(Some(format!("{g}-{i}").into())));
        }
    }
    ops
}

fn report_budget() {
    println!("pathological history: one group of n concurrent puts, each seen by its own concurrent get");
    println!("    n | budget  | check time | verdict");
    for n in [12, 16, 20] {
        for budget in [VIEW_BUDGET / 2, VIEW_BUDGET, 2 * VIEW_BUDGET, ONE_SHOT_BUDGET] {
            let ops = pathological(1, n);
            let began = Instant::now();
            let check = check_history_within(&ops, budget);
            let elapsed = began.elapsed();
            println!("{n:>5} | {budget:>7} | {:>7.1} ms | {:?}", elapsed.as_secs_f64() * 1e3, check.verdict());
            if n == 20 {
                assert_eq!(check.verdict(), Verdict::Undecided, "2^20 configurations are over either budget");
            }
        }
    }
}

fn history_view_calls(c: &mut Criterion) {
    report_load();
    report_budget();
    let mut world = World::new(WorldConfig::with_nodes(5, 42)).expect("valid config");
    world.run_for(2 * SECOND);
    world.set_client_load(Some(10 * MS));
    let mut check = HistoryCheck::new();
    load_until(&mut world, &mut check, 10, &mut 0);
    let mut group = c.benchmark_group("history_view");
    group.sample_size(10);
    group.bench_function("from_scratch_after_10_minutes", |b| b.iter(|| history_view(&world)));
    let mut next = world.clone();
    next.run_for(FRAME);
    group.bench_function("incremental_one_frame_after_10_minutes", |b| {
        b.iter_batched(|| check.clone(), |mut c| c.view(&next), criterion::BatchSize::LargeInput)
    });
    group.finish();
}

criterion_group!(benches, history_view_calls);
criterion_main!(benches);
