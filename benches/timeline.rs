//! Time travel: how long a jump to a random event of a one-hour simulated run
//! takes (the step debugger's bound is 50 ms), and what the checkpoints cost
//! in memory.
//!
//! Run with `cargo bench --bench timeline`. Besides criterion's figures it
//! prints the median, p95 and worst of a fixed set of seeded random jumps, and
//! the heap held by the timeline, measured by a counting allocator.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicIsize, Ordering};
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion};
use raftlab::raft::Command;
use raftlab::sim::{Timeline, UserAction, World, WorldConfig, MS, SECOND};

/// The system allocator, counting the bytes currently allocated, so the
/// memory of the checkpoints is measured rather than estimated.
struct Counting;

static LIVE: AtomicIsize = AtomicIsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE.fetch_add(layout.size() as isize, Ordering::Relaxed);
        System.alloc(layout)
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size() as isize, Ordering::Relaxed);
        System.dealloc(ptr, layout)
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LIVE.fetch_add(new_size as isize - layout.size() as isize, Ordering::Relaxed);
        System.realloc(ptr, layout, new_size)
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

fn live_bytes() -> isize {
    LIVE.load(Ordering::Relaxed)
}

/// One simulated hour: 5 nodes, a put every 100 ms, and every ten minutes a
/// leader crash, a partition, a restart and a heal, all as user actions;
/// a checkpoint every `interval` events, or as often as by default.
fn one_hour(interval: Option<u64>) -> Timeline {
    let world = World::new(WorldConfig::with_nodes(5, 42)).expect("valid config");
    let mut t = match interval {
        Some(interval) => Timeline::with_interval(world, interval),
        None => Timeline::new(world),
    };
    t.act(UserAction::SetClientLoad(Some(100 * MS))).unwrap();
    let minute = 60 * SECOND;
    for round in 0..6u64 {
        let start = round * 10 * minute;
        t.run_until(start + minute);
        if let Some(leader) = t.world().current_leader() {
            t.act(UserAction::Crash(leader)).unwrap();
            t.run_until(start + 2 * minute);
            t.act(UserAction::Restart(leader)).unwrap();
        }
        t.run_until(start + 3 * minute);
        t.act(UserAction::Partition(vec![vec![1, 2], vec![3, 4, 5]])).unwrap();
        t.act(UserAction::Submit { command: Command::put("round", &round.to_string()), via: None }).unwrap();
        t.run_until(start + 4 * minute);
        t.act(UserAction::Heal).unwrap();
    }
    t.run_until(3600 * SECOND);
    t
}

/// Seeded xorshift: the same jump targets on every run.
struct Targets(u64);

impl Targets {
    fn next(&mut self, below: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % below
    }
}

/// Bytes held by `f`'s result once it has returned.
fn held<T>(f: impl FnOnce() -> T) -> (T, isize) {
    let before = live_bytes();
    let value = f();
    (value, live_bytes() - before)
}

fn report(t: &Timeline, bytes: isize, bare_bytes: isize) {
    let end = t.end();
    let mut targets = Targets(0x5eed);
    let mut probe = t.clone();
    let mut times: Vec<Duration> = (0..1_000)
        .map(|_| {
            let e = targets.next(end + 1);
            let start = Instant::now();
            probe.seek(e);
            let took = start.elapsed();
            assert_eq!(probe.event_count(), e);
            took
        })
        .collect();
    times.sort();
    let pct = |p: usize| times[(times.len() * p / 100).min(times.len() - 1)];
    let mib = |b: isize| b as f64 / (1024.0 * 1024.0);
    println!("one hour: {end} events, {} checkpoints every {} events", t.checkpoint_count(), t.interval());
    println!(
        "seek to a random event ({} jumps): median {:?}, p95 {:?}, max {:?}",
        times.len(),
        pct(50),
        pct(95),
        times[times.len() - 1]
    );
    let later = t.checkpoint_count() - 1;
    println!(
        "heap held by the timeline: {:.1} MiB; the same run with no checkpoint but the initial world holds {:.1} MiB, \
         so the {later} later checkpoints cost {:.1} MiB ({:.2} MiB each)",
        mib(bytes),
        mib(bare_bytes),
        mib(bytes - bare_bytes),
        mib(bytes - bare_bytes) / later as f64
    );
}

/// What a clone of `value` allocates: the cost of that part in a checkpoint.
fn clone_bytes<T: Clone>(value: &T) -> isize {
    let before = live_bytes();
    let copy = value.clone();
    let bytes = live_bytes() - before;
    drop(copy);
    bytes
}

/// Where a checkpoint's bytes go, part by part of the final world. What a
/// clone shares with the original costs nothing here.
fn breakdown(world: &World) {
    let kib = |b: isize| b as f64 / 1024.0;
    let sum = |f: &dyn Fn(&raftlab::sim::NodeSlot) -> isize| world.nodes().iter().map(f).sum::<isize>();
    println!(
        "a clone of the final world allocates {:.0} KiB: logs {:.0} KiB, kv stores {:.0} KiB, client {:.0} KiB, \
         checker {:.0} KiB, network {:.0} KiB",
        kib(clone_bytes(world)),
        kib(sum(&|s| clone_bytes(s.node.log()))),
        kib(sum(&|s| clone_bytes(s.node.kv()))),
        kib(clone_bytes(world.client())),
        kib(clone_bytes(world.checker())),
        kib(clone_bytes(world.network())),
    );
}

fn seek_random(c: &mut Criterion) {
    // The same run with checkpoints too far apart to ever be taken: what the
    // live world, the initial one and the journal hold on their own.
    let (bare, bare_bytes) = held(|| one_hour(Some(1 << 40)));
    drop(bare);
    let (timeline, bytes) = held(|| one_hour(None));
    let start = Instant::now();
    let world = timeline.world().clone();
    let clone_time = start.elapsed();
    drop(world);
    breakdown(timeline.world());
    // Part of every backward jump: restoring a checkpoint is one clone.
    println!("cloning the final world (the largest checkpoint) takes {clone_time:?}");
    report(&timeline, bytes, bare_bytes);

    let end = timeline.end();
    let mut group = c.benchmark_group("timeline");
    group.sample_size(50);
    let mut t = timeline.clone();
    let mut targets = Targets(42);
    group.bench_function("seek_random_event_of_one_hour_5_nodes_load_100ms", |b| {
        b.iter(|| {
            t.seek(targets.next(end + 1));
            t.event_count()
        })
    });
    group.finish();
}

criterion_group!(benches, seek_random);
criterion_main!(benches);
