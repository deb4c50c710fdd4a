//! What a time-travel checkpoint is charged against its budget
//! (`sim::clone_bytes`) next to what cloning the world really allocates,
//! counted by this test binary's allocator: the estimate must stay within
//! 10% of the truth, before and after log compaction, with the checker's
//! tables by committed index (its five chunked tables, the committed state
//! machine, the linearizability check) large or small.
//!
//! A test binary of its own, so that the counting allocator sees only this
//! test; counted per thread, so the harness's own threads do not blur it.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use raftlab::sim::{clone_bytes, UserAction, World, WorldConfig, MS, SECOND};
use raftlab::view::session::Session;

struct Counting;

thread_local! {
    static LIVE: Cell<isize> = const { Cell::new(0) };
}

fn count(delta: isize) {
    // After the thread's local storage is gone (thread exit), nothing to count.
    let _ = LIVE.try_with(|live| live.set(live.get() + delta));
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count(layout.size() as isize);
        System.alloc(layout)
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        count(-(layout.size() as isize));
        System.dealloc(ptr, layout)
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count(new_size as isize - layout.size() as isize);
        System.realloc(ptr, layout, new_size)
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

/// The bytes `world.clone()` allocates, and the clone (kept alive so that
/// nothing it allocated is counted as freed).
fn measured(world: &World) -> (usize, World) {
    let before = LIVE.with(Cell::get);
    let clone = world.clone();
    let after = LIVE.with(Cell::get);
    ((after - before) as usize, clone)
}

/// Within this factor of what a clone allocates, either way.
const FACTOR: f64 = 1.10;

#[test]
fn a_checkpoints_charge_is_within_10_percent_of_what_the_clone_allocates() {
    // The page's heaviest load on a smaller cluster: a put every 10 ms, log
    // compaction every 500 applied entries, so that the checker's tables by
    // committed index outgrow the logs, as in a long page session.
    let config = WorldConfig { snapshot: 500, ..WorldConfig::with_nodes(5, 42) };
    let mut session = Session::live(config).expect("valid options");
    session.act(UserAction::SetClientLoad(Some(10 * MS))).expect("an action at the end");
    let mut seen = Vec::new();
    for seconds in [5, 60, 240] {
        while session.world().now() < seconds * SECOND && session.halt().is_none() {
            session.advance(10 * SECOND, 1_000_000);
        }
        let world = session.world();
        let estimate = clone_bytes(world);
        let (real, clone) = measured(world);
        drop(clone);
        let committed = world.checker().committed_index();
        let ratio = estimate as f64 / real as f64;
        println!(
            "{seconds:>4} s: {committed} committed, estimate {estimate} B, a clone allocates {real} B ({ratio:.3})"
        );
        assert!((1.0 / FACTOR..=FACTOR).contains(&ratio), "at {seconds} s: estimate {estimate} B, clone {real} B");
        seen.push(committed);
    }
    // The run went far enough for the tables by committed index to fill
    // many chunks (256 indexes each) past the logs' compaction.
    assert!(seen[2] > 20_000, "{seen:?}");
}

/// What the checkpoints are charged in all, next to what dropping them
/// frees: besides its clone, each is charged the chunks of the logs and of
/// the client's operations it is the first to hold, which the live world
/// later lets go of (compaction, the client's window), leaving the
/// checkpoints alone holding them.
#[test]
fn dropping_checkpoints_frees_about_what_they_were_charged() {
    let config = WorldConfig { snapshot: 500, ..WorldConfig::with_nodes(5, 42) };
    let mut session = Session::live(config).expect("valid options");
    session.act(UserAction::SetClientLoad(Some(10 * MS))).expect("an action at the end");
    while session.world().now() < 240 * SECOND && session.halt().is_none() {
        session.advance(10 * SECOND, 1_000_000);
    }
    let (count, charged) = (session.timeline().checkpoint_count(), session.timeline().held_bytes());
    let before = LIVE.with(Cell::get);
    session.set_checkpoint_budget(0);
    let freed = (before - LIVE.with(Cell::get)) as usize;
    let charged_dropped = charged - session.timeline().held_bytes();
    let kept = session.timeline().checkpoint_count();
    let ratio = charged_dropped as f64 / freed as f64;
    println!(
        "dropping {} of {count} checkpoints frees {freed} B; they were charged {charged_dropped} B ({ratio:.3})",
        count - kept
    );
    assert!(count > 20, "{count} checkpoints");
    assert!((1.0 / 1.25..=1.25).contains(&ratio), "charged {charged_dropped} B, freed {freed} B");
}
