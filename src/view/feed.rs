//! The page's running log: user actions and the notable effects of events
//! (role changes, client results, faults fired, violations), newest last.
//!
//! It is recorded after each event, because the world only keeps the
//! effects of the latest one. It is bounded: a cluster under load for an
//! hour would otherwise keep millions of lines nobody scrolls to.
//!
//! Each line has its English `text` (the CLI and tests read it) and the same
//! as language-neutral data, `phrase` (`{key, args}`), which the page formats
//! in its language.

use std::collections::VecDeque;

use serde::Serialize;

use crate::raft::{NodeEvent, Role};
use crate::sim::{thousands, Breakpoint, Effect, EventKind, Hit, Limit, OverBudget, World};

use super::phrase::{self, Phrase};
use super::snapshot::ms;
use super::why::Why;

/// Lines kept; older ones are forgotten.
pub const FEED_CAPACITY: usize = 500;

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FeedLine {
    /// The number of the event the line belongs to.
    pub event: u64,
    pub time_ms: f64,
    pub text: String,
    /// Why the node made the change the line reports (a role taken, a
    /// vote, a commit, a conflict repaired), when it has a reason.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub why: Option<Why>,
    pub phrase: Phrase,
}

#[derive(Clone, Debug, Default)]
pub struct Feed {
    lines: VecDeque<FeedLine>,
}

impl Feed {
    /// Records the world's last event, if it is worth a line: a user action
    /// is, and so is each notable effect. Call after every event processed.
    pub fn record(&mut self, world: &World) {
        let Some(event) = world.last_event() else { return };
        let (number, time_ms) = (event.number, ms(event.time));
        // A client retry is worth a line: it is how a write sent to a
        // minority leader gets through once a majority is reachable again.
        if event.kind.is_user_action() || matches!(event.kind, EventKind::ClientRetry(_)) {
            let text = match &event.kind {
                // The event only names the request; say what it asks and where.
                EventKind::Submit(op) => world.describe_submit(*op),
                kind => kind.to_string(),
            };
            self.push(FeedLine { event: number, time_ms, text, phrase: phrase::event(&event.kind, world), why: None });
        }
        let effects = world.last_effects();
        for effect in effects.iter().filter(|e| e.is_notable()) {
            let why = effects.iter().filter_map(|e| e.reason()).find(|r| effect.explained_by(r)).map(Why::of);
            let phrase = phrase::effect(effect);
            self.push(FeedLine { event: number, time_ms, text: effect.to_string(), phrase, why });
        }
    }

    fn push(&mut self, line: FeedLine) {
        if self.lines.len() == FEED_CAPACITY {
            self.lines.pop_front();
        }
        self.lines.push_back(line);
    }

    /// The lines of events numbered above `event`, oldest first (only those
    /// still kept).
    pub fn since(&self, event: u64) -> Vec<&FeedLine> {
        let newer = self.lines.iter().rev().take_while(|l| l.event > event).count();
        self.lines.iter().skip(self.lines.len() - newer).collect()
    }

    /// Forgets the lines of events after `event`: the future from there was
    /// replaced.
    pub fn truncate_after(&mut self, event: u64) {
        while self.lines.back().is_some_and(|l| l.event > event) {
            self.lines.pop_back();
        }
    }

    /// The lines of events numbered above `after` and at most `upto`.
    pub fn between(&self, after: u64, upto: u64) -> Vec<&FeedLine> {
        self.since(after).into_iter().filter(|l| l.event <= upto).collect()
    }

    pub fn len(&self) -> usize {
        self.lines.len()
    }

    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }
}

/// Why a breakpoint stopped the run, as a phrase, read from `world` at the
/// stop (the hit's event must be its last); `None` once the world moved on.
pub fn stop_phrase(hit: &Hit, world: &World) -> Option<Phrase> {
    let event = world.last_event().filter(|e| e.number == hit.event)?;
    let effects = world.last_effects();
    let became = |wanted: Role| {
        effects.iter().find(|e| matches!(e, Effect::Node(_, NodeEvent::Became { role, .. }) if *role == wanted))
    };
    match &hit.breakpoint {
        Breakpoint::ElectionStarted => became(Role::Candidate).map(phrase::effect),
        Breakpoint::LeaderElected => became(Role::Leader).map(phrase::effect),
        Breakpoint::TermChange => {
            let &node = hit.nodes.first()?;
            let term = world.node(node).term();
            Some(Phrase::new("stop.termChange").num("node", node).num("term", term))
        }
        Breakpoint::EntryCommitted => effects
            .iter()
            .find(|e| matches!(e, Effect::Node(id, NodeEvent::Committed { .. }) if hit.nodes.contains(id)))
            .map(phrase::effect),
        Breakpoint::Violation => effects.iter().find(|e| matches!(e, Effect::Violation(_))).map(phrase::effect),
        Breakpoint::Message { .. } | Breakpoint::Deliver | Breakpoint::Timer | Breakpoint::Action => {
            Some(phrase::event(&event.kind, world))
        }
    }
}

/// A run over its budget as a phrase: which limit, what the world held and
/// the most it may hold, at which event (the page's stop banner).
pub fn budget_phrase(over: &OverBudget) -> Phrase {
    let key = match over.limit {
        Limit::Events => "stop.over.events",
        Limit::InFlight => "stop.over.inFlight",
        Limit::Pending => "stop.over.pending",
        Limit::Actions => "stop.over.actions",
        Limit::LogEntries => "stop.over.logEntries",
    };
    Phrase::new(key)
        .text("event", thousands(over.event))
        .text("value", thousands(over.value))
        .text("max", thousands(over.max))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::raft::Command;
    use crate::sim::{WorldConfig, MS};

    /// A run over its budget reaches the page as a phrase with the limit
    /// and its figures, so the banner is in the page's language.
    #[test]
    fn a_budget_stop_is_a_phrase_naming_the_limit() {
        let over = OverBudget { limit: Limit::InFlight, value: 10_001, max: 10_000, event: 123_456 };
        let json = serde_json::to_string(&budget_phrase(&over)).unwrap();
        assert!(json.contains("stop.over.inFlight"), "{json}");
        assert!(json.contains("123,456") && json.contains("10,001") && json.contains("10,000"), "{json}");
        assert!(KEYS_OF_BUDGET.iter().all(|k| phrase::KEYS.contains(k)));
    }

    const KEYS_OF_BUDGET: [&str; 5] =
        ["stop.over.events", "stop.over.inFlight", "stop.over.pending", "stop.over.actions", "stop.over.logEntries"];

    #[test]
    fn records_elections_and_user_actions_and_filters_by_event() {
        let mut world = World::new(WorldConfig::with_nodes(3, 1)).unwrap();
        let mut feed = Feed::default();
        while world.established_leader().is_none() {
            world.step();
            feed.record(&world);
        }
        assert!(feed.since(0).iter().any(|l| l.text.contains("became leader")));
        let mark = world.event_count();
        world.submit(Command::put("x", "1"), None).unwrap();
        feed.record(&world);
        world.crash(1).unwrap();
        feed.record(&world);
        let new: Vec<&str> = feed.since(mark).iter().map(|l| l.text.as_str()).collect();
        assert_eq!(new.len(), 2);
        assert!(new[0].starts_with("client submits #1 put(x=1) to node "), "{new:?}");
        assert_eq!(new[1], "crash node 1");
        assert_eq!(feed.since(mark)[1].phrase.key, "ev.crash");
        assert_eq!(feed.since(mark)[1].phrase.args.get("node"), Some(&phrase::Arg::Num(1)));
        assert!(feed.since(world.event_count()).is_empty());
    }

    #[test]
    fn a_role_change_line_carries_its_reason() {
        let mut world = World::new(WorldConfig::with_nodes(3, 1)).unwrap();
        let mut feed = Feed::default();
        world.force_timeout(2).unwrap();
        feed.record(&world);
        while world.established_leader().is_none() {
            world.step();
            feed.record(&world);
        }
        let lines = feed.since(0);
        let candidate = lines.iter().find(|l| l.text == "node 2 became candidate of term 1").expect("a candidate line");
        assert_eq!(candidate.why.as_ref().map(|w| w.key), Some("role.candidate.forced"));
        let leader = lines.iter().find(|l| l.text == "node 2 became leader of term 1").expect("a leader line");
        let why = leader.why.as_ref().expect("a reason");
        assert_eq!(why.key, "role.leader.won");
        assert!(
            why.text.starts_with("S2 became leader of term 1: it won the election with votes from S"),
            "{}",
            why.text
        );
        // A user action's own line has no reason, and no line is a bare reason.
        assert!(lines.iter().all(|l| !l.text.starts_with("why:")));
        assert_eq!(lines[0].why, None);
    }

    #[test]
    fn stays_bounded() {
        let mut world = World::new(WorldConfig::with_nodes(3, 2)).unwrap();
        world.set_client_load(Some(MS));
        let mut feed = Feed::default();
        for _ in 0..50_000 {
            world.step();
            feed.record(&world);
        }
        assert_eq!(feed.len(), FEED_CAPACITY);
        let lines = feed.since(0);
        assert!(lines.windows(2).all(|w| w[0].event <= w[1].event));
    }
}
