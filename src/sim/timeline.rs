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
//! Acting in the past forks the future: see [`Timeline::act`].

use super::action::{JournalEntry, UserAction};
use super::{Micros, SimError, World};

/// Events between checkpoints, by default. Sized for the browser, the
/// slow side: the size-optimized wasm build replays a loaded 5-node cluster
/// at roughly half a million events per second, so a worst-case jump
/// replays this many events in about 20 ms, within the 50 ms the debugger
/// allows (natively it is ten times faster). Memory does not limit the
/// interval: checkpoints share their history, so each costs what changed
/// since the one before.
pub const DEFAULT_CHECKPOINT_INTERVAL: u64 = 10_000;

/// A run that can be stepped, rewound and forked.
///
/// The live world is always a point of the current future: the states it
/// passes through are exactly those a straight run with the recorded actions
/// passes through. `end()` is the furthest event of that future reached so
/// far; stepping or seeking past it extends it.
#[derive(Clone, Debug)]
pub struct Timeline {
    live: World,
    initial: World,
    /// The journal of the current future: every action the live world has
    /// applied (its own journal is a prefix of this) and those still ahead.
    actions: Vec<JournalEntry>,
    /// Sorted by event count: the initial world, then one at least
    /// `interval` events after the one before. Each world's journal says how
    /// many of `actions` it reflects.
    checkpoints: Vec<World>,
    interval: u64,
    end: u64,
}

impl Timeline {
    pub fn new(world: World) -> Timeline {
        Timeline::with_interval(world, DEFAULT_CHECKPOINT_INTERVAL)
    }

    /// A timeline with a checkpoint every `interval` events (at least 1).
    /// A world that has already run starts the timeline: its event count is
    /// the earliest point one can seek to.
    pub fn with_interval(world: World, interval: u64) -> Timeline {
        let interval = interval.max(1);
        Timeline {
            checkpoints: vec![world.clone()],
            initial: world.clone(),
            actions: world.journal().to_vec(),
            end: world.event_count(),
            live: world,
            interval,
        }
    }

    pub fn world(&self) -> &World {
        &self.live
    }

    pub fn initial(&self) -> &World {
        &self.initial
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
            self.checkpoints.retain(|c| c.event_count() <= start);
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
    pub fn seek(&mut self, event: u64) {
        let event = event.max(self.initial.event_count());
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
            self.live = cp.clone();
            self.apply_free_actions();
        }
        while self.live.event_count() < event {
            if !self.advance() {
                break;
            }
        }
        self.end = self.end();
    }

    /// Replays the current future from the start up to `upto` events on a
    /// scratch world, calling `visit` after each event; the timeline itself
    /// is untouched (an export of the trace uses it).
    pub fn replay(&self, upto: u64, visit: &mut dyn FnMut(&World)) {
        let mut scratch = Timeline {
            live: self.initial.clone(),
            initial: self.initial.clone(),
            actions: self.actions.clone(),
            checkpoints: Vec::new(),
            interval: u64::MAX,
            end: self.end,
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
            self.checkpoints.push(self.live.clone());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::raft::Command;
    use crate::sim::MessageFault;
    use crate::sim::{WorldConfig, MS, SECOND};

    /// Asserts that two worlds are in the same state, field by field through
    /// public accessors (Debug where a type has no equality).
    fn assert_same(a: &World, b: &World) {
        assert_eq!(a.event_count(), b.event_count(), "event count");
        assert_eq!(a.now(), b.now(), "clock at event {}", a.event_count());
        assert_eq!(a.stats(), b.stats(), "stats at event {}", a.event_count());
        assert_eq!(a.next_event_time(), b.next_event_time());
        for (x, y) in a.nodes().iter().zip(b.nodes()) {
            let id = x.node.id();
            assert_eq!(x.alive, y.alive, "node {id} alive");
            assert_eq!(x.node.term(), y.node.term(), "node {id} term");
            assert_eq!(x.node.role(), y.node.role(), "node {id} role");
            assert_eq!(x.node.voted_for(), y.node.voted_for(), "node {id} vote");
            assert_eq!(x.node.log().entries(), y.node.log().entries(), "node {id} log");
            assert_eq!(x.node.commit_index(), y.node.commit_index(), "node {id} commit");
            assert_eq!(x.node.last_applied(), y.node.last_applied(), "node {id} applied");
            assert_eq!(x.election_deadline, y.election_deadline, "node {id} election timer");
            assert_eq!(x.heartbeat_deadline, y.heartbeat_deadline, "node {id} heartbeat timer");
            // Progress, kv store, proposals: everything else the node holds.
            assert_eq!(format!("{x:?}"), format!("{y:?}"), "node {id}");
        }
        let flights = |w: &World| format!("{:?}", w.network().in_flight_sorted());
        assert_eq!(flights(a), flights(b), "in-flight messages");
        assert_eq!(a.network().armed(), b.network().armed(), "armed faults");
        assert_eq!(a.client().ops(), b.client().ops(), "client history");
        assert_eq!(a.checker().violations(), b.checker().violations(), "violations");
        assert_eq!(format!("{:?}", a.last_event()), format!("{:?}", b.last_event()), "last event");
    }

    fn world() -> World {
        World::new(WorldConfig::with_nodes(5, 7)).unwrap()
    }

    /// A run with load, crashes, a partition, puts and a cut link, driven
    /// through the timeline.
    fn eventful(interval: u64) -> Timeline {
        let mut t = Timeline::with_interval(world(), interval);
        t.act(UserAction::SetClientLoad(Some(20 * MS))).unwrap();
        t.run_until(SECOND);
        let leader = t.world().current_leader().unwrap();
        t.act(UserAction::Crash(leader)).unwrap();
        t.run_until(2 * SECOND);
        t.act(UserAction::Submit { command: Command::put("x", "1"), via: None }).unwrap();
        t.act(UserAction::Partition(vec![vec![1, 2], vec![3, 4]])).unwrap();
        t.run_until(3 * SECOND);
        t.act(UserAction::Restart(leader)).unwrap();
        t.act(UserAction::Heal).unwrap();
        t.act(UserAction::Cut { from: 1, to: 2, both: true, down: true }).unwrap();
        t.act(UserAction::MessageFault { fault: MessageFault::Drop, kind: None, from: 3, to: 4 }).unwrap();
        t.act(UserAction::SetClientLoad(Some(7 * MS))).unwrap();
        t.run_until(4 * SECOND);
        t.act(UserAction::Timeout(2)).unwrap();
        t.run_until(5 * SECOND);
        t
    }

    /// The same run straight on a world, stopped after exactly `event`
    /// events, as a reference the timeline must match.
    fn straight_to(t: &Timeline, event: u64) -> World {
        let mut w = t.initial().clone();
        let actions: Vec<(u64, Micros, UserAction)> =
            t.actions.iter().map(|r| (r.at_event, r.at_time, r.action.clone())).collect();
        let mut next = 0;
        loop {
            while let Some((at, time, a)) = actions.get(next) {
                let here = w.event_count();
                if *at != here || (a.is_event() && here == event) {
                    break;
                }
                w.now = w.now.max(*time);
                a.apply(&mut w).unwrap();
                next += 1;
            }
            if w.event_count() >= event || w.step().is_none() {
                return w;
            }
        }
    }

    #[test]
    fn back_then_forward_reproduces_the_state() {
        let mut t = eventful(500);
        let end = t.end();
        let at_end = t.world().clone();
        t.seek(end / 3);
        let early = t.world().clone();
        t.seek(end);
        assert_same(t.world(), &at_end_at_event(&at_end));
        t.seek(end / 3);
        assert_same(t.world(), &early);
        t.seek(end - 1);
        t.seek(end);
        assert_same(t.world(), &at_end_at_event(&at_end));
    }

    /// The live world after `run_until` has its clock moved past the last
    /// event; seeking gives the state at the event itself.
    fn at_end_at_event(w: &World) -> World {
        let mut w = w.clone();
        w.now = w.last_event().unwrap().time;
        w
    }

    #[test]
    fn every_nth_event_matches_a_straight_run() {
        let mut t = eventful(700);
        let end = t.end();
        assert!(end > 3_000, "the run is long enough: {end} events");
        assert!(t.checkpoint_count() > 3);
        // Backward and forward, across checkpoints and between them.
        let mut targets: Vec<u64> = (0..=end).step_by(97).collect();
        targets.extend((0..=end).rev().step_by(131));
        for e in targets {
            t.seek(e);
            assert_eq!(t.event_count(), e);
            assert_same(t.world(), &straight_to(&t, e));
        }
        // Every action's own count: just before it, and just after.
        let counts: Vec<u64> = t.actions().map(|(e, _)| e).collect();
        for e in counts {
            for target in [e, e + 1] {
                t.seek(target);
                assert_same(t.world(), &straight_to(&t, target));
            }
        }
    }

    #[test]
    fn acting_in_the_past_forks_the_future() {
        let mut t = eventful(500);
        let old_end = t.end();
        let old_actions = t.actions().count();
        t.seek(old_end);
        let old_future = t.world().clone();
        let old_checkpoints = t.checkpoint_count();

        // Back to just after the first crash (the second recorded action).
        let crash_at = t.actions().nth(1).map(|(e, _)| e).unwrap();
        let fork = crash_at + 50;
        t.seek(fork);
        let before = t.world().clone();
        t.act(UserAction::Submit { command: Command::put("fork", "yes"), via: Some(1) }).unwrap();

        // The recorded future after the fork point is gone.
        let kept: Vec<(u64, UserAction)> = t.actions().map(|(e, a)| (e, a.clone())).collect();
        assert_eq!(kept.len(), 3, "load, crash, and the new submit: {kept:?}");
        assert!(kept.len() < old_actions);
        assert!(kept.iter().all(|(e, _)| *e <= fork));
        assert_eq!(kept[2].1, UserAction::Submit { command: Command::put("fork", "yes"), via: Some(1) });
        assert_eq!(t.end(), fork + 1);
        assert!(t.checkpoint_count() < old_checkpoints);
        assert!(t.checkpoints.iter().all(|c| c.event_count() <= fork + 1));

        // The new future differs from the old one.
        t.seek(old_end);
        assert_eq!(t.event_count(), old_end);
        assert_ne!(t.world().client().ops(), old_future.client().ops());
        assert!(t.world().client().ops().iter().any(|op| op.command == Command::put("fork", "yes")));

        // The past before the fork is untouched, and the new future replays.
        t.seek(fork);
        assert_same(t.world(), &before);
        for e in [fork + 1, fork + 1234, old_end] {
            t.seek(e);
            assert_same(t.world(), &straight_to(&t, e));
        }
    }

    #[test]
    fn seeking_beyond_the_end_runs_forward() {
        let mut t = Timeline::with_interval(world(), 300);
        t.act(UserAction::SetClientLoad(Some(10 * MS))).unwrap();
        t.run_until(SECOND);
        let end = t.end();
        t.seek(end + 2_000);
        assert_eq!(t.event_count(), end + 2_000);
        assert_eq!(t.end(), end + 2_000);
        assert_same(t.world(), &straight_to(&t, end + 2_000));
        t.seek(10);
        assert_eq!(t.end(), end + 2_000, "seeking back keeps the future");
    }

    #[test]
    fn stepping_in_the_past_follows_the_recorded_actions() {
        let mut t = eventful(1_000);
        let crash_at = t.actions().nth(1).map(|(e, _)| e).unwrap();
        t.seek(crash_at - 3);
        for _ in 0..6 {
            assert!(t.step());
        }
        assert_same(t.world(), &straight_to(&t, crash_at + 3));
        assert_eq!(t.actions().count(), 10, "stepping replays, it does not fork");
    }

    #[test]
    fn a_failed_action_keeps_the_future() {
        let mut t = eventful(1_000);
        let end = t.end();
        t.seek(end / 2);
        assert!(t.act(UserAction::Crash(9)).is_err());
        assert_eq!(t.end(), end);
        assert_eq!(t.actions().count(), 10);
    }
}
