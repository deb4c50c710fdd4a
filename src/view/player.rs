//! Plays a scenario progressively in virtual time, so the page can animate
//! it: each frame gives the player a slice of virtual time, commands that
//! take time (`run`, `run until`, `step`) use it up as the world advances,
//! and instant commands (crash, partition, put, expect, show, ...) run the
//! moment they are reached. After the last step, or a failed one, the world
//! keeps running live.
//!
//! Command semantics are the scenario runner's, not a copy of them: timed
//! steps go through `Runner::begin`/`Runner::resume`, the same code that
//! `Runner::execute` uses for a whole step, so a scenario played in slices
//! ends in exactly the state `runner::run` reaches.
//!
//! The player owns the breakpoints (a [`Watch`]: the page's, plus whatever
//! the scenario's `break` commands set). It checks them after every event,
//! while the scenario plays and once the world runs live, and pauses right
//! after an event that hits one; [`Player::take_hit`] says which.
//!
//! It also knows the scenario's captions: the comment lines written right
//! above each command, which the page shows while that command (and the
//! commands after it, up to the next commented one) plays. `#[ko] ...` lines
//! are the Korean text of a caption, plain `#` lines the default.

use std::mem;

use serde::Serialize;

use crate::scenario::runner::{Failure, Runner, StepOutput, Timed, Trace};
use crate::scenario::{Command, Scenario, Step};
use crate::sim::{Hit, Micros, Watch, World, WorldConfig};

/// What one call to [`Player::advance`] did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Advance {
    /// Events processed, user actions of the scenario included.
    pub events: u64,
    /// The advance stopped before the clock reached the target: the event
    /// budget ran out (the page asked for more than it can compute in one
    /// frame), `observe` asked to pause, or a breakpoint was hit.
    pub capped: bool,
}

pub struct Player {
    scenario: Scenario,
    /// The step being played, or the next one; `steps.len()` when done.
    next: usize,
    /// The timed step in progress, if any.
    timed: Option<Timed>,
    /// Output of the step in progress so far.
    lines: Vec<String>,
    output: Vec<StepOutput>,
    failure: Option<Failure>,
    /// The runner owns the world it runs, while the page owns this player's
    /// world; during `advance` the world is moved into a runner and back,
    /// leaving this small stand-in in its place (moves, no copies).
    spare: Option<World>,
    /// The breakpoints, moved into the runner with the world and back.
    watch: Watch,
    /// The last breakpoint hit, until taken.
    hit: Option<Hit>,
    /// Per step, the comment lines right above it (empty: none).
    captions: Vec<Vec<CaptionLine>>,
    /// Per step begun so far, the event count when it began.
    started: Vec<u64>,
    /// Once every step has played, the world stands still instead of
    /// running on live (a lesson waits there for the learner).
    hold: bool,
}

/// One comment line of a caption: `# text` (no language) or `#[ko] text`.
/// An empty `text` separates paragraphs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CaptionLine {
    pub lang: Option<String>,
    pub text: String,
}

/// The comment block right above each of `lines` (1-based line numbers),
/// read from the scenario's `source`: consecutive whole-line comments, up to
/// a blank line or any other line. Lines end at `\n`, `\r\n` or a lone `\r`.
pub fn captions(source: &str, lines: impl Iterator<Item = u32>) -> Vec<Vec<CaptionLine>> {
    let all: Vec<&str> = source.split('\n').flat_map(|l| l.strip_suffix('\r').unwrap_or(l).split('\r')).collect();
    lines
        .map(|line| {
            let mut block: Vec<CaptionLine> = all
                .iter()
                .take((line as usize).saturating_sub(1))
                .rev()
                .map_while(|l| caption_line(l.trim()))
                .collect();
            block.reverse();
            block
        })
        .collect()
}

fn caption_line(line: &str) -> Option<CaptionLine> {
    let rest = line.strip_prefix('#')?;
    let tag = rest
        .strip_prefix('[')
        .and_then(|r| r.split_once(']'))
        .filter(|(lang, _)| (2..=8).contains(&lang.len()) && lang.chars().all(|c| c.is_ascii_alphabetic() || c == '-'));
    let (lang, text) = match tag {
        Some((lang, text)) => (Some(lang.to_ascii_lowercase()), text),
        None => (None, rest),
    };
    Some(CaptionLine { lang, text: text.trim().to_string() })
}

fn stand_in() -> World {
    World::new(WorldConfig::with_nodes(1, 0)).expect("a one-node cluster with default options is valid")
}

impl Player {
    /// The scenario's world, at time zero, and a player at its first step.
    pub fn new(scenario: Scenario) -> Result<(World, Player), String> {
        let world = World::new(scenario.cluster.clone()).map_err(|e| e.to_string())?;
        let player = Player {
            scenario,
            next: 0,
            timed: None,
            lines: Vec::new(),
            output: Vec::new(),
            failure: None,
            spare: Some(stand_in()),
            watch: Watch::new(Vec::new(), &world),
            hit: None,
            captions: Vec::new(),
            started: Vec::new(),
            hold: false,
        };
        Ok((world, player))
    }

    /// Makes the world stand still once every step has played (or one
    /// failed), instead of running on live: [`Player::advance`] then
    /// processes nothing more and reports `capped`.
    pub fn set_hold(&mut self, hold: bool) {
        self.hold = hold;
    }

    /// Reads the captions from the text the scenario was parsed from.
    pub fn set_source(&mut self, source: &str) {
        self.captions = captions(source, self.scenario.steps.iter().map(|s| s.line));
    }

    /// The caption at event `event`: the comment block of the last step
    /// begun by then, or of the nearest commented step before it.
    pub fn caption_at(&self, event: u64) -> &[CaptionLine] {
        let begun = self.started.partition_point(|&e| e <= event);
        self.captions[..begun.min(self.captions.len())].iter().rev().find(|c| !c.is_empty()).map_or(&[], |c| c)
    }

    /// The breakpoints checked after every event.
    pub fn watch(&self) -> &Watch {
        &self.watch
    }

    /// The page sets its breakpoints here; the scenario's `break` commands
    /// add to the same set. After replacing the watch or moving the world in
    /// time, [`Watch::sync`] it with the world.
    pub fn watch_mut(&mut self) -> &mut Watch {
        &mut self.watch
    }

    /// The breakpoint hit that paused the last advance, once.
    pub fn take_hit(&mut self) -> Option<Hit> {
        self.hit.take()
    }

    /// Advances `world` by `virtual_us` of virtual time, playing the steps
    /// reached on the way.
    pub fn advance(&mut self, world: &mut World, virtual_us: Micros) -> Advance {
        self.advance_with(world, virtual_us, u64::MAX, &mut |_| false)
    }

    /// [`Player::advance`] processing at most `max_events` events and calling
    /// `observe` after each one (the page records its feed there). When
    /// `observe` returns true, or the event hits a breakpoint of
    /// [`Player::watch`], the advance stops right after that event and
    /// reports `capped`; the next call goes on from there, exactly as if it
    /// had not stopped.
    pub fn advance_with(
        &mut self,
        world: &mut World,
        virtual_us: Micros,
        max_events: u64,
        observe: &mut dyn FnMut(&World) -> bool,
    ) -> Advance {
        let target = world.now().saturating_add(virtual_us);
        let start = world.event_count();
        let mut capped = false;
        // Whether `observe` asked to pause: the clock may already be at the
        // target then, so the stop must be remembered, not inferred.
        let paused = std::cell::Cell::new(false);
        let observe = &mut |w: &World| {
            paused.set(observe(w));
            paused.get()
        };
        let mut hit = false;
        if self.is_playing() {
            let real = mem::replace(world, self.spare.take().unwrap_or_else(stand_in));
            let mut runner = Runner::with_watch(real, Trace::Notable, mem::take(&mut self.watch));
            runner.set_pause_on_hit(true);
            capped = self.play(&mut runner, target, start, max_events, observe);
            if let Some(h) = runner.take_hit() {
                self.hit = Some(h);
                hit = true;
            }
            let (real, watch) = runner.into_parts();
            self.watch = watch;
            self.spare = Some(mem::replace(world, real));
        }
        if paused.get() || hit {
            return Advance { events: world.event_count() - start, capped: true };
        }
        if !capped && !self.is_playing() && self.hold {
            capped = true;
        } else if !capped && !self.is_playing() {
            let used = world.event_count() - start;
            let Player { watch, hit, .. } = self;
            capped = run_live(world, target, max_events.saturating_sub(used), &mut |w| {
                // Both always look, so the watch sees every event.
                let pause = observe(w);
                match watch.check(w) {
                    Some(h) => {
                        *hit = Some(h);
                        true
                    }
                    None => pause,
                }
            })
            .capped;
        }
        Advance { events: world.event_count() - start, capped }
    }

    /// Plays steps until the clock reaches `target`, the scenario ends or
    /// fails, the event budget runs out, or a breakpoint is hit (then returns
    /// true; the runner holds the hit).
    fn play(
        &mut self,
        runner: &mut Runner,
        target: Micros,
        start: u64,
        max_events: u64,
        observe: &mut dyn FnMut(&World) -> bool,
    ) -> bool {
        while self.is_playing() {
            if self.started.len() == self.next {
                self.started.push(runner.world().event_count());
            }
            let paused;
            let budget = max_events.saturating_sub(runner.world().event_count() - start);
            let step = &self.scenario.steps[self.next];
            let result = if let Some(timed) = self.timed.as_mut() {
                match runner.resume(timed, target, budget, &mut self.lines, observe) {
                    Some(result) => {
                        // The step's last event (a violation) may have hit one.
                        paused = runner.has_hit();
                        result
                    }
                    // Out of time (the clock is at the target), of events,
                    // paused by `observe`, or by a breakpoint.
                    None => return runner.world().now() < target || runner.has_hit(),
                }
            } else if let Some(timed) = runner.begin(step) {
                self.timed = Some(timed);
                continue;
            } else if budget == 0 && step.command.is_event() {
                // The action would be one event more than asked for: a
                // one-event step must not run a command and the next action.
                return true;
            } else {
                let before = runner.world().event_count();
                let result = runner.execute(step);
                // An action is one event of its own; expect and show are none.
                let observed = runner.world().event_count() != before && observe(runner.world());
                paused = observed || runner.has_hit();
                match result {
                    Ok(lines) => {
                        self.lines.extend(lines);
                        Ok(())
                    }
                    Err((lines, message)) => {
                        self.lines.extend(lines);
                        Err(message)
                    }
                }
            };
            self.timed = None;
            self.output.push(StepOutput { step: self.next, lines: mem::take(&mut self.lines) });
            match result {
                // It held, so the run stopped at a violation: the scenario ends.
                Ok(()) if matches!(step.command, Command::ExpectViolation(_)) => self.next = self.scenario.steps.len(),
                Ok(()) => self.next += 1,
                // A violation an `expect violation` names is checked now.
                Err(message) => match runner.expected_violation(&self.scenario.steps, self.next) {
                    Some(expectation) => self.next = expectation,
                    None => self.failure = Some(Failure { line: step.line, command: step.text.clone(), message }),
                },
            }
            if paused {
                return true;
            }
        }
        false
    }

    /// Still has steps to play: not finished and not failed.
    pub fn is_playing(&self) -> bool {
        self.failure.is_none() && self.next < self.scenario.steps.len()
    }

    /// Every step ran, or one failed; the world now runs live.
    pub fn is_done(&self) -> bool {
        !self.is_playing()
    }

    /// Steps completed; on failure, the index of the failed step.
    pub fn step_index(&self) -> usize {
        self.next
    }

    pub fn total(&self) -> usize {
        self.scenario.steps.len()
    }

    /// The step being played, or the failed one; `None` once all ran.
    pub fn current(&self) -> Option<&Step> {
        self.scenario.steps.get(self.next)
    }

    pub fn failure(&self) -> Option<&Failure> {
        self.failure.as_ref()
    }

    /// What the finished steps printed, as `runner::run` reports it.
    pub fn output(&self) -> &[StepOutput] {
        &self.output
    }

    /// Output of the step in progress so far.
    pub fn pending_lines(&self) -> &[String] {
        &self.lines
    }

    pub fn scenario(&self) -> &Scenario {
        &self.scenario
    }
}

/// Runs the world by itself up to `target`, at most `max_events` events,
/// calling `observe` after each. The clock reaches `target` unless capped.
pub fn run_live(
    world: &mut World,
    target: Micros,
    max_events: u64,
    observe: &mut dyn FnMut(&World) -> bool,
) -> Advance {
    let mut events = 0;
    while world.next_event_time().is_some_and(|t| t <= target) {
        if events == max_events {
            return Advance { events, capped: true };
        }
        world.step();
        events += 1;
        if observe(world) {
            return Advance { events, capped: true };
        }
    }
    world.run_until(target);
    Advance { events, capped: false }
}

#[cfg(test)]
#[path = "player_tests.rs"]
mod tests;
