//! Where memory goes, measured natively by a counting allocator.
//!
//! 1. The CLI's hour of the heaviest load (`cluster 3 / run until leader /
//!    client load every 1ms / run 3600s`), run as `raftlab run` runs it: the
//!    heap the world holds at the end, split into the Raft logs (entries and
//!    their digests), the keys and values the entries share, the client's
//!    history, and the rest of the world (the checker's tables, which grow
//!    with the log too, the nodes' state machines, the network).
//! 2. The page's heaviest load (9 nodes, a put every 10 ms) in a debugging
//!    session, hour by hour up to `HOURS` (default 2), with log compaction
//!    every `SNAPSHOT` applied entries (default 10,000; 0 for none, §7):
//!    the world, the logs, what the time-travel checkpoints really hold next
//!    to what the engine charges them against their budget, and the rest of
//!    the heap, which is the safety checker's tables by log index once the
//!    logs are compacted.
//!
//! `cargo bench --bench memory`; `HOURS=24 cargo bench --bench memory` for
//! the day issue 8 asks for. Not a timed test: it prints figures.

use std::alloc::{GlobalAlloc, Layout, System};
use std::collections::HashSet;
use std::rc::Rc;
use std::sync::atomic::{AtomicIsize, Ordering};

use raftlab::raft::{Command, Log};
use raftlab::scenario::parse;
use raftlab::scenario::runner::{Runner, Trace};
use raftlab::sim::{ClientOp, UserAction, World, WorldConfig, MS, SECOND};
use raftlab::view::session::Session;

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

fn live() -> isize {
    LIVE.load(Ordering::Relaxed)
}

fn mib(bytes: isize) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

/// What the world's logs hold: the same entries appended to fresh logs
/// allocate exactly as much (entries and digests, in the same chunks); the
/// keys and values are shared `Rc<str>`s, counted apart, once each.
fn log_bytes(world: &World) -> (isize, isize) {
    let before = live();
    let copies: Vec<Log> = world
        .nodes()
        .iter()
        .map(|slot| {
            let mut log = Log::new();
            for entry in slot.node.log().range(1, slot.node.log().last_index()) {
                log.append(entry.clone());
            }
            log
        })
        .collect();
    let logs = live() - before;
    drop(copies);
    let mut seen = HashSet::new();
    let mut strings = 0isize;
    let mut count = |s: &Rc<str>| {
        if seen.insert(Rc::as_ptr(s) as *const u8 as usize) {
            // An Rc<str>'s allocation: two counts and the text, 8-aligned.
            strings += (16 + s.len()).next_multiple_of(8) as isize;
        }
    };
    for slot in world.nodes() {
        for entry in slot.node.log().range(1, slot.node.log().last_index()) {
            match &entry.command {
                Command::Put { key, value } => {
                    count(key);
                    count(value);
                }
                Command::Del { key } | Command::Get { key } => count(key),
                Command::List { prefix } => count(prefix),
                // The control plane's requests are not in these runs.
                Command::Noop | Command::Etcd(_) => {}
            }
        }
    }
    (logs, strings)
}

fn cli_hour() {
    let text = "cluster 3\nrun until leader\nclient load every 1ms\nrun 3600s\n";
    let scenario = parse(text).expect("a valid scenario");
    let start = live();
    let mut runner = Runner::new(&scenario.cluster, Trace::Notable).expect("valid options");
    let mut lines = 0usize;
    for step in &scenario.steps {
        // As the CLI does: output is printed (here counted) and dropped as
        // it comes, a few thousand events at a time.
        match runner.begin(step) {
            None => lines += runner.execute(step).expect("the step runs").len(),
            Some(mut timed) => loop {
                let mut out = Vec::new();
                let done = runner.resume(&mut timed, u64::MAX, 4_096, &mut out, &mut |_| false);
                lines += out.len();
                if let Some(result) = done {
                    result.expect("the step runs");
                    break;
                }
            },
        }
    }
    let total = live() - start;
    let world = runner.world();
    let (logs, strings) = log_bytes(world);
    let client = world.client();
    let kept = client.op_count() + 1 - client.first_kept() as usize;
    let history = (kept * std::mem::size_of::<ClientOp>()) as isize;
    let entries: u64 = world.nodes().iter().map(|s| s.node.log().last_index()).sum();
    println!("CLI hour (3 nodes, a put every 1 ms, 3600 s simulated), as `raftlab run` runs it:");
    println!(
        "  {} events, {} client operations, {} log entries in all, {lines} output lines streamed",
        world.event_count(),
        client.op_count(),
        entries
    );
    println!("  heap held at the end: {:.1} MiB", mib(total));
    println!("    Raft logs (entries and digests):      {:>7.1} MiB", mib(logs));
    println!("    keys and values the entries share:    {:>7.1} MiB", mib(strings));
    println!("    client history ({kept} operations kept): {:>7.1} MiB", mib(history));
    println!(
        "    the rest (the checker's tables by log index, state machines, network): {:.1} MiB",
        mib(total - logs - strings - history)
    );
}

fn page_hours(hours: u64, snapshot: u64) {
    let start = live();
    let config = WorldConfig { snapshot, ..WorldConfig::with_nodes(9, 42) };
    let mut session = Session::live(config).expect("valid options");
    session.act(UserAction::SetClientLoad(Some(10 * MS))).expect("an action at the end");
    println!("the page's heaviest load (9 nodes, a put every 10 ms, snapshot={snapshot}) in a debugging session:");
    println!(
        "  hour     events  log entries  heap MiB  logs MiB  keys+values MiB  checkpoints (charged MiB)  reachable from  \
         committed  rest MiB"
    );
    for hour in 1..=hours {
        while session.world().now() < hour * 3_600 * SECOND && session.halt().is_none() {
            session.advance(60 * SECOND, 1_000_000);
        }
        let heap = live() - start;
        let world = session.world();
        let (logs, strings) = log_bytes(world);
        // The entries the logs hold, past their snapshots.
        let entries: u64 =
            world.nodes().iter().map(|s| s.node.log().last_index() - s.node.log().snapshot().index).sum();
        let t = session.timeline();
        // The heap but the logs, their strings and the checkpoints: the
        // live world's state machines and network, the client history, and
        // the checker's tables by committed index.
        let rest = heap - logs - strings - t.held_bytes() as isize;
        println!(
            "  {hour:>4} {:>10} {entries:>12} {:>9.1} {:>9.1} {:>16.1} {:>11} ({:>5.1}) {:>15} {:>10} {:>9.1}",
            world.event_count(),
            mib(heap),
            mib(logs),
            mib(strings),
            t.checkpoint_count(),
            mib(t.held_bytes() as isize),
            t.reachable(),
            world.checker().committed_index(),
            mib(rest),
        );
        if let Some(over) = session.halt() {
            println!("  {over}");
            break;
        }
    }
    // What the checkpoints really hold: the heap they free when dropped
    // (the newest two stay), next to what they were charged.
    let (count, charged) = (session.timeline().checkpoint_count(), session.timeline().held_bytes());
    let before = live();
    session.set_checkpoint_budget(0);
    let freed = before - live();
    let kept = session.timeline().checkpoint_count();
    println!(
        "  dropping {} of the {count} checkpoints frees {:.1} MiB; they were charged {:.1} MiB in all",
        count - kept,
        mib(freed),
        mib(charged as isize)
    );
    println!("  the rest of the heap, the live world and the session: {:.1} MiB", mib(live() - start));
}

fn main() {
    // `cargo bench` passes `--bench`; anything else (a filter) is ignored.
    // `PAGE_ONLY=1` skips the CLI's hour, for a long page run.
    if std::env::var("PAGE_ONLY").is_err() {
        cli_hour();
    }
    let hours = std::env::var("HOURS").ok().and_then(|h| h.parse().ok()).unwrap_or(2);
    let snapshot = std::env::var("SNAPSHOT").ok().and_then(|k| k.parse().ok()).unwrap_or(10_000);
    page_hours(hours, snapshot);
}
