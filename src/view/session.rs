//! The step debugger: one simulated cluster the page can play, pause, step
//! forward and back, scrub to any moment, stop at breakpoints, and fork by
//! acting in the past.
//!
//! It ties together the timeline (time travel by checkpoints and replay), the
//! scenario player (what plays when the run reaches new ground), the feed and
//! the history the timeline bar draws. The split of work is by where the
//! live world stands:
//! - in the past (after seeking back), playing or stepping replays the
//!   recorded future exactly, scenario actions included;
//! - at the end of the recorded future, the scenario player drives the world
//!   and whatever happens becomes new history.
//!
//! Acting in the past forks: the old future is discarded (not kept as a
//! branch), and a scenario still playing is stopped, since its remaining
//! commands were written for the future that no longer exists.
//!
//! Memory stays bounded: the timeline holds its checkpoints within a budget
//! (the reachable past may begin after the start of the run), the feed and
//! the history the bar draws are capped, and the run itself is held to a
//! [`Budget`]: at the first event over it, the run stops at the end of its
//! recorded future with a message naming the limit ([`Session::take_halt`]);
//! the past stays reachable, and acting in the past forks a new future.

use serde::Serialize;

use crate::scenario::{record, Scenario, Step};
use crate::sim::{
    thousands, Breakpoint, Budget, Effect, Hit, Micros, OverBudget, SimError, Timeline, UserAction, Watch, World,
    WorldConfig, SECOND,
};

use super::feed::Feed;
use super::history::{History, Marker};
use super::player::{Advance, CaptionLine, Player};

/// How far `run_to_next` looks before giving up: virtual time and events.
pub const RUN_TO_NEXT_LIMIT: Micros = 60 * SECOND;
pub const RUN_TO_NEXT_MAX_EVENTS: u64 = 2_000_000;
/// Most new events a jump past the recorded future plays (a few seconds
/// of work in the browser at most).
pub const SEEK_AHEAD_MAX: u64 = 2_000_000;
/// Most events a trace export holds; a longer run exports its first part.
pub const TRACE_MAX_EVENTS: u64 = 100_000;

pub struct Session {
    timeline: Timeline,
    player: Player,
    feed: Feed,
    history: History,
    /// Where the last run stopped on a breakpoint or violation, until taken.
    stop: Option<Hit>,
    /// The limits of the run, and where the run went over them: the end of
    /// the recorded future then goes no further.
    budget: Budget,
    halt: Option<OverBudget>,
    /// The halt is news for the page: it has not been taken since the run
    /// last tried to go past it.
    halt_news: bool,
    /// Why the scenario stopped playing early, if it did.
    scenario_note: Option<String>,
    /// [`SEEK_AHEAD_MAX`], smaller in tests.
    seek_ahead_max: u64,
}

/// One event of an exported trace.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TraceEvent {
    pub number: u64,
    pub time_us: Micros,
    pub event: String,
    pub effects: Vec<String>,
}

/// The timeline bar's data.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TimelineView<'a> {
    pub start: u64,
    /// The first event one can still go back to (after `start` once the
    /// checkpoint budget has dropped the oldest part of the run).
    pub reachable: u64,
    pub end: u64,
    pub current: u64,
    /// `[event, term]` where the highest term rose.
    pub terms: &'a [(u64, u64)],
    pub markers: &'a [Marker],
}

/// A scenario of no commands: the player then just runs the world live,
/// checking breakpoints.
fn empty_scenario(config: WorldConfig) -> Scenario {
    Scenario { cluster: config, cluster_line: 0, steps: Vec::new() }
}

/// `64 MiB`, `512 KiB`.
fn fmt_bytes(bytes: usize) -> String {
    if bytes >= 1 << 20 {
        format!("{} MiB", bytes >> 20)
    } else {
        format!("{} KiB", bytes >> 10)
    }
}

fn violation_hit(world: &World) -> Option<Hit> {
    if !world.last_effects().iter().any(|e| matches!(e, Effect::Violation(_))) {
        return None;
    }
    Watch::new(vec![Breakpoint::Violation], world).check(world)
}

/// What [`observe`] writes to after each event: the session's records.
struct Records<'a> {
    feed: &'a mut Feed,
    history: &'a mut History,
    stop: &'a mut Option<Hit>,
    budget: &'a Budget,
    halt: &'a mut Option<OverBudget>,
    halt_news: &'a mut bool,
}

/// Records an event in the feed and history if the run is there for the
/// first time, and says whether to stop: a safety violation always stops,
/// and so does new ground over the budget.
fn observe(r: &mut Records, world: &World) -> bool {
    let new = world.last_event().is_some_and(|e| e.number > r.history.recorded_to());
    if new {
        r.feed.record(world);
        r.history.record(world);
        if let Err(over) = r.budget.check(world) {
            *r.halt = Some(over);
            *r.halt_news = true;
            return true;
        }
    }
    match violation_hit(world) {
        Some(hit) => {
            *r.stop = Some(hit);
            true
        }
        None => false,
    }
}

/// Splits a session into its timeline, player and records, so a closure
/// can observe into the records while the timeline drives the player.
macro_rules! parts {
    ($s:expr) => {{
        let Session { timeline, player, feed, history, stop, budget, halt, halt_news, .. } = $s;
        (timeline, player, Records { feed, history, stop, budget, halt, halt_news })
    }};
}

impl Session {
    /// A session playing `scenario` from its start.
    pub fn from_scenario(scenario: Scenario) -> Result<Session, String> {
        let (world, player) = Player::new(scenario)?;
        Ok(Session {
            history: History::new(&world),
            timeline: Timeline::new(world),
            player,
            feed: Feed::default(),
            stop: None,
            budget: Budget::DEFAULT,
            halt: None,
            halt_news: false,
            scenario_note: None,
            seek_ahead_max: SEEK_AHEAD_MAX,
        })
    }

    /// A session running a cluster live, with no scenario.
    pub fn live(config: WorldConfig) -> Result<Session, String> {
        Session::from_scenario(empty_scenario(config))
    }

    pub fn world(&self) -> &World {
        self.timeline.world()
    }

    pub fn timeline(&self) -> &Timeline {
        &self.timeline
    }

    pub fn player(&self) -> &Player {
        &self.player
    }

    pub fn feed(&self) -> &Feed {
        &self.feed
    }

    /// Reads the scenario's captions from the text it was parsed from.
    pub fn set_source(&mut self, source: &str) {
        self.player.set_source(source);
    }

    /// The caption of the current moment (see [`Player::caption_at`]).
    pub fn caption(&self) -> &[CaptionLine] {
        self.player.caption_at(self.world().event_count())
    }

    pub fn scenario_note(&self) -> Option<&str> {
        self.scenario_note.as_deref()
    }

    pub fn breakpoints(&self) -> &[Breakpoint] {
        self.player.watch().breakpoints()
    }

    /// Replaces the breakpoints (a scenario's `break` commands add to them).
    pub fn set_breakpoints(&mut self, breakpoints: Vec<Breakpoint>) {
        let world = self.timeline.world();
        *self.player.watch_mut() = Watch::new(breakpoints, world);
    }

    /// Where the run last stopped on a breakpoint or a violation, once.
    pub fn take_stop(&mut self) -> Option<Hit> {
        self.stop.take()
    }

    pub fn budget(&self) -> &Budget {
        &self.budget
    }

    /// Replaces the run's budget (tests use small ones).
    pub fn set_budget(&mut self, budget: Budget) {
        self.budget = budget;
    }

    /// Replaces the time-travel checkpoints' budget, in bytes.
    pub fn set_checkpoint_budget(&mut self, bytes: usize) {
        self.timeline.set_budget(bytes);
    }

    /// Where the run went over its budget, if it did (it stays so until a
    /// fork in the past replaces that future).
    pub fn halt(&self) -> Option<&OverBudget> {
        self.halt.as_ref()
    }

    /// The halt, once each time the run stops on it or tries to go past it.
    pub fn take_halt(&mut self) -> Option<OverBudget> {
        std::mem::take(&mut self.halt_news).then_some(self.halt).flatten()
    }

    /// At the end of the recorded future, over the budget: nothing more may
    /// happen. Says so to the page once more.
    fn halted_here(&mut self) -> bool {
        let halted = self.halt.is_some() && self.timeline.at_end();
        self.halt_news |= halted;
        halted
    }

    /// Advances virtual time by `virtual_us`, at most `max_events` events,
    /// stopping early at a breakpoint or violation (then `take_stop` says
    /// where). In the past it replays the recorded future; at its end the
    /// scenario player takes over.
    pub fn advance(&mut self, virtual_us: Micros, max_events: u64) -> Advance {
        let target = self.world().now().saturating_add(virtual_us);
        let mut events = 0;
        if !self.timeline.at_end() {
            let ahead = self.timeline.end() - self.timeline.event_count();
            let (timeline, player, mut records) = parts!(self);
            let watch = player.watch_mut();
            let (mut hit, mut stopped) = (None, false);
            events = timeline.run_until_with(target, max_events.min(ahead), &mut |w| {
                let violated = observe(&mut records, w);
                hit = watch.check(w);
                stopped = violated || hit.is_some();
                stopped
            });
            if let Some(hit) = hit {
                self.history.mark_hit(&hit, self.timeline.world());
                self.stop = Some(hit);
            }
            if stopped || !self.timeline.at_end() {
                return Advance { events, capped: stopped || events == max_events };
            }
        }
        if self.halted_here() {
            return Advance { events, capped: true };
        }
        let advance = self.play_on(target, max_events - events);
        Advance { events: events + advance.events, capped: advance.capped }
    }

    /// Plays new ground, the scenario player driving the live world at the
    /// end of the recorded future, up to the clock `target` and at most
    /// `max_events` events. It goes in slices of at most one checkpoint
    /// interval, so that the timeline checkpoints between them as it does
    /// between the page's frames, however much one call asks for: a jump
    /// back never replays more than about an interval.
    fn play_on(&mut self, target: Micros, max_events: u64) -> Advance {
        let mut events = 0;
        loop {
            let slice = (max_events - events).min(self.timeline.interval());
            let remaining = target.saturating_sub(self.world().now());
            let stop_before = self.stop.as_ref().map(|h| h.event);
            let (timeline, player, mut records) = parts!(self);
            let advance =
                timeline.drive(|w| player.advance_with(w, remaining, slice, &mut |w| observe(&mut records, w)));
            self.note_hit();
            events += advance.events;
            // Only a slice's event budget running out goes on; a stop, the
            // budget, the clock at the target or an idle world end it.
            let stopped = self.stop.as_ref().map(|h| h.event) != stop_before || self.halt.is_some();
            if !advance.capped || stopped || advance.events < slice || events == max_events {
                return Advance { events, capped: advance.capped };
            }
        }
    }

    /// A breakpoint the player stopped at becomes the stop to report, and a
    /// marker on the timeline (a violation has its own marker already).
    fn note_hit(&mut self) {
        if let Some(hit) = self.player.take_hit() {
            self.history.mark_hit(&hit, self.timeline.world());
            self.stop = Some(hit);
        }
    }

    /// Processes exactly one event (a scenario action counts as one) and
    /// returns it as text, or `None` when nothing is left to happen.
    pub fn step_forward(&mut self) -> Option<String> {
        let before = self.timeline.event_count();
        if !self.timeline.at_end() {
            self.timeline.step();
        } else if self.halted_here() {
            return None;
        } else {
            let world = self.world();
            // Up to the next event, so the player plays whatever scenario
            // commands come first; an idle world with nothing left to play
            // has no next event.
            let wait = match world.next_event_time() {
                Some(t) => t.saturating_sub(world.now()),
                None if self.player.is_done() => return None,
                None => RUN_TO_NEXT_LIMIT,
            };
            let (timeline, player, mut records) = parts!(self);
            timeline.drive(|w| player.advance_with(w, wait, 1, &mut |w| observe(&mut records, w)));
            self.note_hit();
        }
        if self.timeline.event_count() == before {
            return None;
        }
        self.world().last_event().map(|e| e.to_string())
    }

    /// One event back; false at the start of the reachable past.
    pub fn step_back(&mut self) -> bool {
        let now = self.timeline.event_count();
        if now <= self.timeline.reachable() {
            return false;
        }
        self.timeline.seek(now - 1);
        self.stop = None;
        let world = self.timeline.world();
        self.player.watch_mut().sync(world);
        true
    }

    /// Why `event` cannot be reached by going back, if it cannot: the
    /// checkpoints before it were dropped to stay within their budget.
    pub fn unreachable(&self, event: u64) -> Option<String> {
        let reachable = self.timeline.reachable();
        (event < reachable).then(|| {
            format!(
                "event {} is no longer reachable: the run before event {} was dropped to keep the time-travel \
                 checkpoints within {}",
                thousands(event),
                thousands(reachable),
                fmt_bytes(self.timeline.budget())
            )
        })
    }

    /// Jumps to the state right after event `event`. Beyond the recorded
    /// future it plays on (the scenario too) until it gets there, nothing is
    /// left to happen, or the run goes over its budget; breakpoints do not
    /// stop a jump. Before the reachable past it stays where it is and says
    /// why (see [`Session::unreachable`]).
    pub fn seek(&mut self, event: u64) -> Result<(), String> {
        if let Some(why) = self.unreachable(event) {
            return Err(why);
        }
        self.stop = None;
        let end = self.timeline.end();
        // A hand-edited link can ask for any number: past the recorded
        // future a jump plays new events, so it is bounded, or the page
        // would freeze computing them.
        let event = event.min(end.saturating_add(self.seek_ahead_max));
        self.timeline.seek(event.min(end));
        while self.timeline.event_count() < event && !self.halted_here() {
            let before = self.timeline.event_count();
            // A slice at a time, so the timeline checkpoints on the way.
            let budget = (event - before).min(self.timeline.interval());
            let (timeline, player, mut records) = parts!(self);
            timeline.drive(|w| player.advance_with(w, 3600 * SECOND, budget, &mut |w| observe(&mut records, w)));
            self.player.take_hit();
            self.stop = None;
            if self.timeline.event_count() == before {
                break;
            }
        }
        let world = self.timeline.world();
        self.player.watch_mut().sync(world);
        Ok(())
    }

    /// Applies a user action now. In the past this forks the run (see the
    /// module comment).
    pub fn act(&mut self, action: UserAction) -> Result<(), SimError> {
        let forking = !self.timeline.at_end();
        let at = self.timeline.event_count();
        self.timeline.act(action)?;
        if forking {
            self.feed.truncate_after(at);
            self.history.truncate_after(at);
            // The future that went over the budget is gone.
            self.halt = None;
            self.halt_news = false;
            if !self.player.is_done() {
                self.scenario_note = Some(format!(
                    "the scenario stopped at step {}: the run was changed in the past at event {at}",
                    self.player.step_index() + 1
                ));
            }
            let config = self.world().config().clone();
            let (_, mut fresh) = Player::new(empty_scenario(config))
                .unwrap_or_else(|e| unreachable!("the running world's options are valid: {e}"));
            *fresh.watch_mut() = self.player.watch().clone();
            self.player = fresh;
        }
        let (timeline, player, mut records) = parts!(self);
        observe(&mut records, timeline.world());
        // The action did not pass through the player: its watch must see
        // the term it may have raised (`timeout N`), or a term-change
        // breakpoint would fire one event late.
        player.watch_mut().sync(timeline.world());
        Ok(())
    }

    /// Plays `steps` from the current moment on, at the end of the recorded
    /// future, in place of what the player was playing (a lesson plays its
    /// script a segment at a time). With `hold`, the world stands still once
    /// they have played instead of running on live. The breakpoints stay.
    pub fn play(&mut self, steps: Vec<Step>, hold: bool) -> Result<(), String> {
        let scenario = Scenario { cluster: self.world().config().clone(), cluster_line: 0, steps };
        let (_, mut player) = Player::new(scenario)?;
        *player.watch_mut() = self.player.watch().clone();
        player.set_hold(hold);
        self.player = player;
        self.scenario_note = None;
        Ok(())
    }

    /// Runs until the next event that `breakpoint` matches, looking at most
    /// [`RUN_TO_NEXT_LIMIT`] of virtual time and [`RUN_TO_NEXT_MAX_EVENTS`]
    /// events ahead. When there is none, the run stays where it was (the
    /// events looked at become recorded future) and this returns `None`.
    /// The session's breakpoints stay as they were.
    pub fn run_to_next(&mut self, breakpoint: Breakpoint) -> Option<Hit> {
        let saved = self.player.watch().breakpoints().to_vec();
        let (start, start_time) = (self.timeline.event_count(), self.world().now());
        self.set_breakpoints(vec![breakpoint]);
        self.stop = None;
        let deadline = start_time.saturating_add(RUN_TO_NEXT_LIMIT);
        let mut events = 0;
        while self.stop.is_none() && events < RUN_TO_NEXT_MAX_EVENTS {
            let now = self.world().now();
            if now >= deadline {
                break;
            }
            let advance = self.advance((deadline - now).min(SECOND), RUN_TO_NEXT_MAX_EVENTS - events);
            events += advance.events;
            let idle = self.world().next_event_time().is_none() && self.player.is_done();
            // A player holding the world still moves neither events nor the clock.
            let still = self.world().now() == now;
            if advance.events == 0 && (idle || still || self.halted_here()) {
                break;
            }
        }
        self.set_breakpoints(saved);
        let hit = self.stop.take();
        if hit.is_none() {
            // Back to where the search began, the clock included (it may
            // have stood between two events).
            self.timeline.seek(start);
            self.timeline.restore_clock(start_time);
            let world = self.timeline.world();
            self.player.watch_mut().sync(world);
        }
        hit
    }

    /// The run so far, for the timeline bar.
    pub fn timeline_view(&self) -> TimelineView<'_> {
        TimelineView {
            start: self.timeline.origin(),
            reachable: self.timeline.reachable(),
            end: self.timeline.end(),
            current: self.timeline.event_count(),
            terms: self.history.terms(),
            markers: self.history.markers(),
        }
    }

    /// Scenario text that reproduces the run up to now: the cluster line and
    /// every user action, the scenario's own included, at its moment.
    /// The breakpoints set come right after the cluster line, so a shared
    /// link stops where the original would.
    pub fn recorded_scenario(&self) -> Result<String, String> {
        let world = self.world();
        let text = record::record(world.config(), world.journal())?;
        if self.breakpoints().is_empty() {
            return Ok(text);
        }
        // The `cluster` (or `kubernetes`) line follows the header comment.
        let cluster_line_end = text.match_indices('\n').nth(1).map(|(at, _)| at + 1);
        let Some(at) = cluster_line_end else { return Ok(text) };
        let breaks: String = self.breakpoints().iter().map(|b| format!("break {b}\n")).collect();
        Ok(format!("{}{breaks}{}", &text[..at], &text[at..]))
    }

    /// Every event from the start of the reachable past up to now (at most
    /// [`TRACE_MAX_EVENTS`]), and whether it was cut short.
    pub fn trace(&self) -> (Vec<TraceEvent>, bool) {
        let now = self.timeline.event_count();
        let upto = now.min(self.timeline.initial().event_count() + TRACE_MAX_EVENTS);
        let mut events = Vec::new();
        self.timeline.replay(upto, &mut |w| {
            if let Some(e) = w.last_event() {
                events.push(TraceEvent {
                    number: e.number,
                    time_us: e.time,
                    event: e.kind.to_string(),
                    effects: w.last_effects().iter().map(|x| x.to_string()).collect(),
                });
            }
        });
        (events, upto < now)
    }
}

#[cfg(test)]
#[path = "session_tests.rs"]
mod tests;
