//! What the debugger's timeline bar draws: the run so far as term spans and
//! markers for the moments worth finding again (elections, leaders, crashes,
//! partitions, user actions, violations, breakpoint stops).
//!
//! It is recorded as the run first reaches each event, and cut back when the
//! future is forked; replaying the same events again adds nothing, since a
//! replay passes through exactly the states already recorded.
//!
//! Both lists are bounded: a run with endless elections (a tiny election
//! timeout, a lossy network) forgets its oldest term changes and markers, a
//! quarter at a time, so that forgetting costs nothing per event.

use serde::Serialize;

use crate::raft::{NodeEvent, Role, Term};
use crate::sim::{Effect, EventKind, Hit, World};

use super::feed::stop_phrase;
use super::phrase::{self, Phrase};

/// Markers kept; a run with endless elections forgets the oldest ones.
pub const MARKER_CAPACITY: usize = 20_000;
/// Term changes kept, likewise.
pub const TERM_CAPACITY: usize = 20_000;

/// Makes room for one more element in a list of at most `capacity`,
/// forgetting its oldest quarter when it is full.
fn make_room<T>(list: &mut Vec<T>, capacity: usize) {
    if list.len() >= capacity {
        list.drain(..capacity / 4);
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum MarkerKind {
    Election,
    Leader,
    Crash,
    Restart,
    Partition,
    Heal,
    Action,
    Violation,
    Breakpoint,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Marker {
    pub event: u64,
    pub kind: MarkerKind,
    /// What happened, as a phrase the page words in its language.
    pub label: Phrase,
}

#[derive(Clone, Debug, Default)]
pub struct History {
    /// `(event, term)` each time the highest term rose, oldest first.
    terms: Vec<(u64, Term)>,
    markers: Vec<Marker>,
    /// The last event recorded: later ones are new, earlier ones replays.
    recorded_to: u64,
}

impl History {
    pub fn new(world: &World) -> History {
        History {
            terms: vec![(world.event_count(), crate::sim::max_term(world))],
            markers: Vec::new(),
            recorded_to: world.event_count(),
        }
    }

    /// Records the world's last event if the run has not been there before.
    pub fn record(&mut self, world: &World) {
        let Some(event) = world.last_event() else { return };
        if event.number <= self.recorded_to {
            return;
        }
        self.recorded_to = event.number;
        let number = event.number;
        let marker = match &event.kind {
            EventKind::Crash(_) => Some(MarkerKind::Crash),
            EventKind::Restart(_) => Some(MarkerKind::Restart),
            EventKind::Partition(_) | EventKind::Cut { .. } | EventKind::Uncut { .. } => Some(MarkerKind::Partition),
            EventKind::Heal => Some(MarkerKind::Heal),
            kind if kind.is_user_action() => Some(MarkerKind::Action),
            _ => None,
        };
        if let Some(kind) = marker {
            self.mark(number, kind, phrase::event(&event.kind, world));
        }
        for effect in world.last_effects() {
            match effect {
                Effect::Node(_, NodeEvent::Became { role: Role::Candidate, term }) => {
                    self.mark(number, MarkerKind::Election, phrase::effect(effect));
                    self.term(number, *term);
                }
                Effect::Node(_, NodeEvent::Became { role: Role::Leader, .. }) => {
                    self.mark(number, MarkerKind::Leader, phrase::effect(effect));
                }
                Effect::Node(_, NodeEvent::Became { term, .. }) => self.term(number, *term),
                Effect::Violation(_) => self.mark(number, MarkerKind::Violation, phrase::effect(effect)),
                _ => {}
            }
        }
    }

    /// Marks where a breakpoint stopped the run; `world` is at that event.
    pub fn mark_hit(&mut self, hit: &Hit, world: &World) {
        let cause = stop_phrase(hit, world);
        let label = match cause {
            Some(cause) => Phrase::new("marker.stop").text("name", hit.breakpoint.to_string()).nested("cause", cause),
            None => {
                Phrase::new("marker.stop").text("name", hit.breakpoint.to_string()).text("cause", hit.cause.clone())
            }
        };
        if !self.markers.iter().rev().take(8).any(|m| m.event == hit.event && m.label == label) {
            self.mark(hit.event, MarkerKind::Breakpoint, label);
        }
    }

    fn mark(&mut self, event: u64, kind: MarkerKind, label: Phrase) {
        make_room(&mut self.markers, MARKER_CAPACITY);
        self.markers.push(Marker { event, kind, label });
    }

    fn term(&mut self, event: u64, term: Term) {
        if self.terms.last().is_none_or(|&(_, t)| term > t) {
            make_room(&mut self.terms, TERM_CAPACITY);
            self.terms.push((event, term));
        }
    }

    /// Forgets everything after `event`: the future from there was replaced.
    pub fn truncate_after(&mut self, event: u64) {
        self.terms.retain(|&(e, _)| e <= event);
        self.markers.retain(|m| m.event <= event);
        self.recorded_to = self.recorded_to.min(event);
    }

    /// The last event recorded.
    pub fn recorded_to(&self) -> u64 {
        self.recorded_to
    }

    pub fn terms(&self) -> &[(u64, Term)] {
        &self.terms
    }

    pub fn markers(&self) -> &[Marker] {
        &self.markers
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::{WorldConfig, MS};

    #[test]
    fn endless_elections_keep_the_history_bounded() {
        // Election timeouts shorter than a message's way: no leader, ever.
        let config = WorldConfig { election: (MS, 2 * MS), latency: (5 * MS, 6 * MS), ..WorldConfig::with_nodes(3, 1) };
        let mut world = World::new(config).unwrap();
        let mut history = History::new(&world);
        let mut rises = 0;
        while rises <= TERM_CAPACITY + 10 {
            world.step();
            let before = history.terms().len();
            history.record(&world);
            rises += usize::from(history.terms().len() != before || before == TERM_CAPACITY);
        }
        assert!(history.terms().len() <= TERM_CAPACITY);
        assert!(history.markers().len() <= MARKER_CAPACITY);
        let newest = history.terms().last().unwrap().1;
        assert_eq!(newest, crate::sim::max_term(&world), "the newest are kept");
        assert!(history.terms().windows(2).all(|w| w[0] < w[1]));
    }
}
