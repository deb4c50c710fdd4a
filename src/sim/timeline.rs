//! Time travel over a deterministic run: the engine of the step debugger.
//!
//! A world is fully determined by its seed and the user actions applied to
//! it, each at a known point. So the timeline keeps only the initial world,
//! the list of user actions with the event count at which each was applied,
//! and a checkpoint (a clone of the world) every `interval` events. Jumping to
//! event `e` restores the nearest checkpoint at or before `e` and replays
//! events and recorded actions up to exactly `e`. A jump costs at most
//! `interval` replayed events, whatever the length of the run; storing every
//! state instead would cost memory in proportion to the number of events.
//!
//! A checkpoint shares the history a world accumulates (logs, the client's
//! operations, the checker's tables, each node's applied requests: all
//! [`Chunked`]) with the world it was cloned from, so it costs about what
//! changed since the previous checkpoint, not the size of the whole world.
//!
//! [`Chunked`]: crate::util::Chunked
//!
//! The checkpoints are held within a memory budget. Each is charged what a
//! clone of its world holds of its own (estimated by [`clone_bytes`]) and
//! the chunks of history it is the first to hold that the live world lets
//! go of later, the logs under a snapshot (§7) and the client's oldest
//! operations ([`forgotten_bytes`]), which the checkpoints then hold alone.
//! When a new one would take the total over the budget, the oldest are
//! dropped, and the reachable past then begins at the oldest checkpoint
//! left: before it there is nothing to replay from. A jump still costs at most `interval`
//! replayed events; what a long run gives up is its distant past.
//!
//! Acting in the past forks the future: see [`Timeline::act`].

use std::mem::size_of;

use crate::raft::{Entry, Message};

use super::action::{JournalEntry, UserAction};
use super::network::InFlight;
use super::world::NodeSlot;
use super::{Micros, SimError, World};

/// Events between checkpoints, by default. Sized for the browser, the
/// slow side: the size-optimized wasm build replays a loaded 5-node cluster
/// at roughly half a million events per second, so a worst-case jump
/// replays this many events in about 20 ms, within the 50 ms the debugger
/// allows (natively it is ten times faster). Memory does not limit the
/// interval: checkpoints share their history, so each costs what changed
/// since the one before.
pub const DEFAULT_CHECKPOINT_INTERVAL: u64 = 10_000;

/// Bytes the checkpoints may hold, by default: a few hundred checkpoints
/// early in a run (each about 0.1 MiB), fewer as the logs grow, since a
/// clone holds one pointer per 256 log entries of every node.
pub const DEFAULT_CHECKPOINT_BUDGET: usize = 64 << 20;

/// Checkpoints kept whatever the budget: the reachable past is never less
/// than an interval or two behind the live world.
const MIN_CHECKPOINTS: usize = 2;

/// A world a jump can restore, and what it is charged against the budget.
#[derive(Clone, Debug)]
struct Checkpoint {
    world: World,
    bytes: usize,
}

impl Checkpoint {
    /// A checkpoint of `world`, charged what its clone allocates and the
    /// chunks of history it is the first checkpoint to hold (`previous` is
    /// the one before it).
    fn of(world: &World, previous: Option<&World>) -> Checkpoint {
        let bytes = clone_bytes(world) + previous.map_or(0, |p| forgotten_bytes(world, p));
        Checkpoint { bytes, world: world.clone() }
    }

    fn event_count(&self) -> u64 {
        self.world.event_count()
    }
}

/// An estimate of the memory a clone of `world` holds of its own, what it
/// does not share with the world it was cloned from: for every chunked
/// history (logs and their digests, the client's operations, the checker's
/// tables, see [`Checker::clone_bytes`](crate::check::Checker::clone_bytes))
/// one pointer per full chunk and the unfilled tail; the state machines'
/// maps and result windows; the messages in flight; the journal. Within
/// 10% of what a clone allocates (tests/checkpoint_bytes.rs counts it).
pub fn clone_bytes(world: &World) -> usize {
    let mut bytes = size_of::<World>();
    for slot in world.nodes() {
        // The entries the log holds past its snapshot point (§7), in chunks.
        bytes += size_of::<NodeSlot>() + slot.node.log().clone_bytes() + slot.node.kv().clone_bytes();
    }
    for m in world.network().in_flight() {
        let entries = match &m.msg {
            Message::AppendEntries(m) => m.entries.len(),
            _ => 0,
        };
        bytes += size_of::<InFlight>() + entries * size_of::<Entry>();
    }
    bytes += world.client().clone_bytes();
    bytes += world.checker().clone_bytes();
    bytes + std::mem::size_of_val(world.journal())
}

/// The chunks of the histories the live world lets go of (the logs' entries
/// under a snapshot when the world compacts its logs, §7; the client's
/// operations past its window) that `world` holds and `previous`, an
/// earlier checkpoint, does not. Once the live world has let go of a chunk,
/// only the checkpoints that hold it keep it, so every such chunk is
/// charged once, to the first checkpoint holding it. The tables that only
/// grow (the checker's; the logs without compaction) are never let go of:
/// the live world holds their chunks anyway.
pub fn forgotten_bytes(world: &World, previous: &World) -> usize {
    let logs: usize = if world.config().snapshot > 0 {
        world
            .nodes()
            .iter()
            .zip(previous.nodes())
            .map(|(now, before)| now.node.log().chunk_bytes_not_in(before.node.log()))
            .sum()
    } else {
        0
    };
    logs + world.client().chunk_bytes_not_in(previous.client())
}

/// A run that can be stepped, rewound and forked.
///
/// The live world is always a point of the current future: the states it
/// passes through are exactly those a straight run with the recorded actions
/// passes through. `end()` is the furthest event of that future reached so
/// far; stepping or seeking past it extends it.
#[derive(Clone, Debug)]
pub struct Timeline {
    live: World,
    /// The journal of the current future: every action the live world has
    /// applied (its own journal is a prefix of this) and those still ahead.
    actions: Vec<JournalEntry>,
    /// Sorted by event count: the initial world (until the budget drops
    /// it), then one at least `interval` events after the one before. Each
    /// world's journal says how many of `actions` it reflects. Never empty:
    /// the first is the earliest reachable state.
    checkpoints: Vec<Checkpoint>,
    /// What the checkpoints are charged in all, and the most they may be.
    held: usize,
    budget: usize,
    interval: u64,
    end: u64,
    /// The event count the run started at, before anything was dropped.
    origin: u64,
}

impl Timeline {
    pub fn new(world: World) -> Timeline {
        Timeline::with_interval(world, DEFAULT_CHECKPOINT_INTERVAL)
    }

    /// A timeline with a checkpoint every `interval` events (at least 1).
    /// A world that has already run starts the timeline: its event count is
    /// the earliest point one can seek to.
    pub fn with_interval(world: World, interval: u64) -> Timeline {
        Timeline::with_budget(world, interval, DEFAULT_CHECKPOINT_BUDGET)
    }

    /// A timeline whose checkpoints hold at most about `budget` bytes (see
    /// the module comment); the oldest are dropped to stay within it.
    pub fn with_budget(world: World, interval: u64, budget: usize) -> Timeline {
        let first = Checkpoint::of(&world, None);
        Timeline {
            held: first.bytes,
            checkpoints: vec![first],
            actions: world.journal().to_vec(),
            end: world.event_count(),
            origin: world.event_count(),
            live: world,
            interval: interval.max(1),
            budget,
        }
    }

    pub fn world(&self) -> &World {
        &self.live
    }

    /// The earliest state one can go back to: the world the run started
    /// from, until the checkpoint budget drops it.
    pub fn initial(&self) -> &World {
        &self.checkpoints[0].world
    }

    /// The event count the run started at.
    pub fn origin(&self) -> u64 {
        self.origin
    }

    /// The first event of the reachable past: `origin()` until the budget
    /// drops the oldest checkpoints, then the oldest one left.
    pub fn reachable(&self) -> u64 {
        self.checkpoints[0].event_count()
    }

    /// The bytes the checkpoints are charged, as [`clone_bytes`] estimates.
    pub fn held_bytes(&self) -> usize {
        self.held
    }

    pub fn budget(&self) -> usize {
        self.budget
    }

    /// Changes the checkpoint budget; a smaller one drops checkpoints now.
    pub fn set_budget(&mut self, bytes: usize) {
        self.budget = bytes;
        self.keep_within_budget();
    }

    pub fn event_count(&self) -> u64 {
        self.live.event_count()
    }

    /// The furthest event of the current future.
    pub fn end(&self) -> u64 {
        self.end.max(self.live.event_count())
    }

    /// Whether the live world is at the end of the current future, where
    /// running it on creates new history rather than replaying it.
    pub fn at_end(&self) -> bool {
        self.live.event_count() >= self.end && self.applied() == self.actions.len()
    }

    pub fn interval(&self) -> u64 {
        self.interval
    }

    /// Number of stored checkpoints, the initial world included.
    pub fn checkpoint_count(&self) -> usize {
        self.checkpoints.len()
    }

    /// The recorded actions of the current future, each with the event count
    /// at which it was applied.
    pub fn actions(&self) -> impl Iterator<Item = (u64, &UserAction)> {
        self.actions.iter().map(|r| (r.at_event, &r.action))
    }

    /// The journal of the whole current future, past and ahead of the live
    /// world.
    pub fn journal(&self) -> &[JournalEntry] {
        &self.actions
    }

    /// One event forward along the current future: the next recorded action
    /// if one is due here, else the world's next event. False when nothing is
    /// scheduled.
    pub fn step(&mut self) -> bool {
        self.advance()
    }

    /// Processes every event (and recorded action) due up to `until`, then
    /// moves the clock there, as `World::run_until` does.
    pub fn run_until(&mut self, until: Micros) {
        self.run_until_with(until, u64::MAX, &mut |_| false);
    }

    /// [`Timeline::run_until`], processing at most `max_events` events and
    /// calling `stop` after each; when it returns true, or the budget runs
    /// out, the clock stays at the last event. Returns the events processed.
    pub fn run_until_with(&mut self, until: Micros, max_events: u64, stop: &mut dyn FnMut(&World) -> bool) -> u64 {
        let mut events = 0;
        loop {
            // A recorded action comes before any event at its count: the
            // original run never stepped between reaching it and acting.
            let due = match self.pending_event_action() {
                Some(r) => r.at_time <= until,
                None => self.live.next_event_time().is_some_and(|t| t <= until),
            };
            if !due {
                break;
            }
            if events == max_events || !self.advance() {
                return events;
            }
            events += 1;
            if stop(&self.live) {
                return events;
            }
        }
        // Moving the clock past a recorded action still ahead would apply it
        // late; stop short of it instead.
        let until = match self.actions.get(self.applied()) {
            Some(r) => until.min(r.at_time),
            None => until,
        };
        self.live.run_until(until);
        events
    }

    /// Moves the clock on to `until` without processing anything: back to
    /// where a run had left it between two events, after seeking to the
    /// first of them. Never past the next event or recorded action.
    pub fn restore_clock(&mut self, until: Micros) {
        let mut until = until;
        if let Some(t) = self.live.next_event_time() {
            until = until.min(t);
        }
        if let Some(r) = self.actions.get(self.applied()) {
            until = until.min(r.at_time);
        }
        self.live.now = self.live.now.max(until);
    }

    /// Applies a user action now and records it.
    ///
    /// When the live world is in the past (after seeking back), this forks
    /// the future: the recorded actions and checkpoints after this point are
    /// discarded, not kept as a branch, and the run goes on from here with the
    /// new action. A failed action changes nothing and keeps the future.
    pub fn act(&mut self, action: UserAction) -> Result<(), SimError> {
        let mut result = Ok(());
        self.drive(|world| result = action.apply(world));
        result
    }

    /// Lets `run` drive the live world directly (the scenario player does,
    /// with its own commands), and makes what it did the current future.
    /// In the past, this forks as [`Timeline::act`] does: whatever `run`
    /// does replaces the old future, which is discarded. Doing nothing keeps
    /// the future.
    pub fn drive<R>(&mut self, run: impl FnOnce(&mut World) -> R) -> R {
        let start = self.live.event_count();
        let applied = self.applied();
        let result = run(&mut self.live);
        let changed = self.live.event_count() != start || self.applied() != applied;
        if changed {
            self.actions.truncate(applied);
            self.actions.extend_from_slice(&self.live.journal()[applied..]);
            // A checkpoint at the fork point reflects at most the actions
            // kept, so it stays valid.
            while self.checkpoints.last().is_some_and(|c| c.event_count() > start) {
                let dropped = self.checkpoints.pop().expect("checked");
                self.held -= dropped.bytes;
            }
            self.end = self.live.event_count();
            self.checkpoint_if_due();
        }
        result
    }

    /// Makes the live world the state of the current future after exactly
    /// `event` events (with any client-load change made at that count).
    /// Seeking beyond the end runs forward, extending the future; if nothing
    /// is left to happen first, the world stops at its last event.
    ///
    /// The clock reads the time of that event (or of an action taken there),
    /// even where the original run had moved it further with `run_until`.
    /// An event before the reachable past goes to its first event.
    pub fn seek(&mut self, event: u64) {
        let event = event.max(self.reachable());
        let live = self.live.event_count();
        if live == event {
            return;
        }
        // Nearest checkpoint at or before the target; the initial world is
        // always there and earliest, so there is one.
        let at = self.checkpoints.partition_point(|c| c.event_count() <= event) - 1;
        let cp = &self.checkpoints[at];
        // Going forward from the live world is cheaper when it is closer.
        if !(live < event && live >= cp.event_count()) {
            self.live = cp.world.clone();
            self.apply_free_actions();
        }
        while self.live.event_count() < event {
            if !self.advance() {
                break;
            }
        }
        self.end = self.end();
    }

    /// Replays the current future from the start of the reachable past up
    /// to `upto` events on a scratch world, calling `visit` after each event;
    /// the timeline itself is untouched (an export of the trace uses it).
    pub fn replay(&self, upto: u64, visit: &mut dyn FnMut(&World)) {
        let first = &self.checkpoints[0];
        let mut scratch = Timeline {
            live: first.world.clone(),
            actions: self.actions.clone(),
            checkpoints: vec![first.clone()],
            held: 0,
            budget: usize::MAX,
            interval: u64::MAX,
            end: self.end,
            origin: self.origin,
        };
        scratch.apply_free_actions();
        while scratch.live.event_count() < upto && scratch.advance() {
            visit(&scratch.live);
        }
    }

    // ----- replay -----

    /// How many of the recorded actions the live world reflects.
    fn applied(&self) -> usize {
        self.live.journal().len()
    }

    /// The next recorded action that counts as an event, if it is due at the
    /// live world's count.
    fn pending_event_action(&self) -> Option<&JournalEntry> {
        self.actions.get(self.applied()).filter(|r| r.at_event == self.live.event_count() && r.action.is_event())
    }

    fn advance(&mut self) -> bool {
        if let Some(r) = self.pending_event_action() {
            let r = r.clone();
            self.apply_recorded(&r);
        } else if self.live.step().is_none() {
            return false;
        }
        self.apply_free_actions();
        self.checkpoint_if_due();
        self.end = self.end();
        true
    }

    /// Applies the recorded actions that are not events and are due at the
    /// live count: the state "at event e" includes them.
    fn apply_free_actions(&mut self) {
        while let Some(r) = self.actions.get(self.applied()) {
            if r.at_event != self.live.event_count() || r.action.is_event() {
                break;
            }
            let r = r.clone();
            self.apply_recorded(&r);
        }
    }

    fn apply_recorded(&mut self, r: &JournalEntry) {
        // The world is deterministic, so an action that succeeded when
        // recorded succeeds again at the same state.
        self.live.now = self.live.now.max(r.at_time);
        r.action.apply(&mut self.live).expect("a recorded action replays as it was applied");
    }

    fn checkpoint_if_due(&mut self) {
        let n = self.live.event_count();
        let last = self.checkpoints.last().map_or(0, |c| c.event_count());
        if n >= last.saturating_add(self.interval) {
            let checkpoint = Checkpoint::of(&self.live, self.checkpoints.last().map(|c| &c.world));
            self.held += checkpoint.bytes;
            self.checkpoints.push(checkpoint);
            self.keep_within_budget();
        }
    }

    /// Drops the oldest checkpoints while they hold more than the budget;
    /// the reachable past then begins at the oldest one left.
    fn keep_within_budget(&mut self) {
        let over = self.checkpoints.len().saturating_sub(MIN_CHECKPOINTS);
        let drop = self.checkpoints[..over]
            .iter()
            .scan(self.held, |held, c| {
                let dropping = *held > self.budget;
                *held -= c.bytes;
                Some(dropping)
            })
            .take_while(|&d| d)
            .count();
        if drop > 0 {
            self.held -= self.checkpoints.drain(..drop).map(|c| c.bytes).sum::<usize>();
        }
    }
}

#[cfg(test)]
#[path = "timeline_tests.rs"]
mod tests;
