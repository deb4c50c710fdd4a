//! The live linearizability check over one simulated hour at the page's
//! heaviest load: 9 nodes, a `put` every 10 ms cycling over 8 keys (the
//! page's load control, at most 64 operations unanswered), plus a `get` of
//! a random key every 100 ms and a `list k` every 10 s, and every 5 minutes
//! a leader crash (restarted 10 s later) and every 7 minutes the leader cut
//! off in a minority for 5 s, so that backlogs of up to 64 operations in
//! flight build up and drain.
//!
//! The history comes from a real simulated run. It is then fed, invocation
//! by invocation and response by response in time order, to a fresh live
//! checker (`Linearizability::live()`, what the world runs after every
//! event). First one pass prints, per 10 simulated minutes, the time per
//! operation and the heap the checker holds (a counting allocator), to show
//! both stay flat; then criterion times the whole hour.
//!
//! Run with `cargo bench --bench linearizability`; README reports the figures.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicIsize, Ordering};
use std::time::Instant;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use raftlab::check::linearizability::{Linearizability, Operation, Verdict};
use raftlab::raft::Command;
use raftlab::sim::{SimRng, World, WorldConfig, MS, SECOND};

/// Counts the bytes currently allocated, and the most ever at once.
struct Counting;

static NOW: AtomicIsize = AtomicIsize::new(0);
static PEAK: AtomicIsize = AtomicIsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let now = NOW.fetch_add(layout.size() as isize, Ordering::Relaxed) + layout.size() as isize;
        PEAK.fetch_max(now, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        NOW.fetch_sub(layout.size() as isize, Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let now = NOW.fetch_add(new_size as isize - layout.size() as isize, Ordering::Relaxed) + new_size as isize
            - layout.size() as isize;
        PEAK.fetch_max(now, Ordering::Relaxed);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

const HOUR: u64 = 3600 * SECOND;

/// One hour of the heaviest load, as the client recorded it.
fn one_hour() -> Vec<Operation> {
    let began = Instant::now();
    let mut world = World::new(WorldConfig::with_nodes(9, 42)).expect("valid config");
    world.run_for(2 * SECOND);
    world.set_client_load(Some(10 * MS));
    let mut rng = SimRng::new(7);
    let mut crashed = None;
    let mut t = world.now();
    while t < HOUR {
        t += 100 * MS;
        world.run_until(t);
        let key = format!("k{}", rng.between(0, 7));
        world.submit(Command::get(&key), None).expect("a get");
        if t % (10 * SECOND) < 100 * MS {
            world.submit(Command::list("k"), None).expect("a list");
        }
        if t % (300 * SECOND) < 100 * MS {
            if let Some(leader) = world.current_leader() {
                world.crash(leader).expect("crash the leader");
                crashed = Some((leader, t + 10 * SECOND));
            }
        }
        if let Some((id, at)) = crashed {
            if t >= at {
                world.restart(id).expect("restart");
                crashed = None;
            }
        }
        if t % (420 * SECOND) < 100 * MS {
            if let Some(leader) = world.current_leader() {
                world.partition(vec![vec![leader]]).expect("isolate the leader");
            }
        }
        if t % (420 * SECOND) >= 5 * SECOND && t % (420 * SECOND) < 5 * SECOND + 100 * MS {
            world.heal();
        }
    }
    world.set_client_load(None);
    world.run_for(30 * SECOND);
    let live = world.checker().linearizability();
    assert_eq!(live.verdict(), Verdict::Linearizable, "{:?}", live.gave_up());
    assert!(world.checker().is_clean(), "{}", world.checker().violations()[0]);
    let ops: Vec<Operation> = world.client().ops().iter().map(|o| o.to_operation()).collect();
    println!(
        "history: {} operations ({} events, {:.0} simulated s) simulated in {:.1} s; the world's own live check: {:?}",
        ops.len(),
        world.event_count(),
        world.now() as f64 / SECOND as f64,
        began.elapsed().as_secs_f64(),
        live.peak()
    );
    ops
}

/// Invocations and responses in time order, as the world feeds them.
fn events(ops: &[Operation]) -> Vec<(u64, bool, usize)> {
    let mut events = Vec::with_capacity(2 * ops.len());
    for (i, op) in ops.iter().enumerate() {
        events.push((op.invoked_at, false, i));
        if let Some((at, _)) = &op.response {
            events.push((*at, true, i));
        }
    }
    events.sort_unstable();
    events
}

fn feed(check: &mut Linearizability, ops: &[Operation], event: (u64, bool, usize)) {
    let (at, respond, i) = event;
    let op = &ops[i];
    if respond {
        let (_, result) = op.response.clone().expect("a response");
        check.respond(op.id, at, result, op.node);
    } else {
        check.invoke(op.id, op.command.clone(), at);
    }
}

/// One pass, reported per 10 simulated minutes.
fn report(ops: &[Operation], events: &[(u64, bool, usize)]) {
    const SEGMENT: u64 = 600 * SECOND;
    let base = NOW.load(Ordering::Relaxed);
    PEAK.store(base, Ordering::Relaxed);
    let mut check = Linearizability::live();
    println!("minutes | operations | time per operation | heap held by the checker (end / peak)");
    let (mut segment, mut count, mut began) = (0, 0, Instant::now());
    let whole = Instant::now();
    for &event in events {
        if event.0 / SEGMENT > segment {
            let held = NOW.load(Ordering::Relaxed) - base;
            let peak = PEAK.swap(NOW.load(Ordering::Relaxed), Ordering::Relaxed) - base;
            let per_op = began.elapsed().as_nanos() as f64 / count.max(1) as f64 / 1_000.0;
            println!(
                "{:>3}-{:<3} | {count:>10} | {per_op:>15.2} µs | {:>7.1} KiB / {:>7.1} KiB",
                segment * 10,
                segment * 10 + 10,
                held as f64 / 1024.0,
                peak as f64 / 1024.0
            );
            (segment, count, began) = (event.0 / SEGMENT, 0, Instant::now());
        }
        if event.1 {
            count += 1;
        }
        feed(&mut check, ops, event);
    }
    check.finish();
    let total = whole.elapsed();
    println!(
        "whole hour: {} operations in {:.3} s, {:.2} µs per operation; verdict {:?}, {} not judged, peak {:?}",
        ops.len(),
        total.as_secs_f64(),
        total.as_nanos() as f64 / ops.len() as f64 / 1_000.0,
        check.verdict(),
        check.not_judged(),
        check.peak()
    );
}

fn linearizability(c: &mut Criterion) {
    let ops = one_hour();
    let events = events(&ops);
    report(&ops, &events);
    let mut group = c.benchmark_group("linearizability");
    group.sample_size(10);
    group.throughput(Throughput::Elements(ops.len() as u64));
    group.bench_function("live_check_one_hour_9_nodes_put_every_10ms", |b| {
        b.iter(|| {
            let mut check = Linearizability::live();
            for &event in &events {
                feed(&mut check, &ops, event);
            }
            check.finish();
            check.verdict()
        })
    });
    group.finish();
}

criterion_group!(benches, linearizability);
criterion_main!(benches);
