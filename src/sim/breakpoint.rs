//! Breakpoints: conditions on one event of the run that pause it, for the
//! step debugger and for scenarios that stop at a moment worth explaining.
//!
//! A breakpoint looks at one event and what it caused (the world's last
//! event and effects), never at the history, except for the highest term,
//! which a [`Watch`] remembers so "term change" means the cluster's term
//! rising, not every follower catching up to it.

use std::fmt;

use crate::check::Invariant;
use crate::raft::{MessageKind, NodeEvent, NodeId, Role, Term, CLIENT};

use super::event::{endpoint, Effect, EventKind};
use super::World;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Breakpoint {
    /// A node became candidate: its election timer fired (or was forced).
    ElectionStarted,
    /// A node became leader.
    LeaderElected,
    /// The highest term of any node rose.
    TermChange,
    /// A leader advanced its commit index.
    EntryCommitted,
    /// A safety invariant was found broken.
    Violation,
    /// A message of this type (any type: `None`) was delivered on from -> to.
    Message { kind: Option<MessageKind>, from: NodeId, to: NodeId },
    /// Any message delivered (run-to-next granularity for the debugger).
    Deliver,
    /// An election or heartbeat timer fired.
    Timer,
    /// A user action (crash, partition, put, ...).
    Action,
}

/// Where a breakpoint stopped the run and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hit {
    pub breakpoint: Breakpoint,
    /// The event that matched (the world's event count right after it).
    pub event: u64,
    /// What happened, as a sentence for the page and the trace.
    pub cause: String,
    /// The nodes involved, to highlight.
    pub nodes: Vec<NodeId>,
    /// For a violation: the invariant broken.
    pub invariant: Option<Invariant>,
}

/// The names the page and the scenario language use, in the order the
/// debugger lists them.
pub const SIMPLE_NAMES: [&str; 8] = [
    "election-started",
    "leader-elected",
    "term-change",
    "entry-committed",
    "violation",
    "deliver",
    "timeout",
    "action",
];

impl fmt::Display for Breakpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match self {
            Breakpoint::ElectionStarted => "election-started",
            Breakpoint::LeaderElected => "leader-elected",
            Breakpoint::TermChange => "term-change",
            Breakpoint::EntryCommitted => "entry-committed",
            Breakpoint::Violation => "violation",
            Breakpoint::Deliver => "deliver",
            Breakpoint::Timer => "timeout",
            Breakpoint::Action => "action",
            Breakpoint::Message { kind, from, to } => {
                let kind = kind.map_or("any", |k| k.name());
                return write!(f, "message {kind} {}->{}", endpoint(*from), endpoint(*to));
            }
        };
        f.write_str(name)
    }
}

impl Breakpoint {
    /// Reads a breakpoint from its words, as written in a scenario or sent
    /// by the page: a simple name, or `message TYPE A->B`. On error, gives
    /// the index of the offending word and what was expected there.
    pub fn from_words(words: &[&str]) -> Result<Breakpoint, (usize, String)> {
        let simple = match words.first().copied() {
            None => {
                return Err((0, format!("expected a breakpoint: {}, or message TYPE A->B", SIMPLE_NAMES.join(", "))))
            }
            Some("election-started") => Breakpoint::ElectionStarted,
            Some("leader-elected") => Breakpoint::LeaderElected,
            Some("term-change") => Breakpoint::TermChange,
            Some("entry-committed") => Breakpoint::EntryCommitted,
            Some("violation") => Breakpoint::Violation,
            Some("deliver") => Breakpoint::Deliver,
            Some("timeout") => Breakpoint::Timer,
            Some("action") => Breakpoint::Action,
            Some("message") => return Breakpoint::message_from_words(&words[1..]).map_err(|(i, e)| (i + 1, e)),
            Some(other) => {
                return Err((
                    0,
                    format!("unknown breakpoint '{other}': expected {}, or message TYPE A->B", SIMPLE_NAMES.join(", ")),
                ))
            }
        };
        match words.get(1) {
            Some(extra) => Err((1, format!("unexpected '{extra}' after breakpoint '{simple}'"))),
            None => Ok(simple),
        }
    }

    fn message_from_words(words: &[&str]) -> Result<Breakpoint, (usize, String)> {
        let kinds: Vec<&str> = MessageKind::ALL.iter().map(|k| k.name()).collect();
        let expected_kind = || format!("expected a message type ({} or any)", kinds.join(", "));
        let kind = match words.first().copied() {
            None => return Err((0, expected_kind())),
            Some("any") => None,
            Some(name) => match MessageKind::from_name(name) {
                Some(kind) => Some(kind),
                None => return Err((0, format!("unknown message type '{name}': {}", expected_kind()))),
            },
        };
        let link = words.get(1).ok_or((1, "expected a link A->B after the message type".to_string()))?;
        let bad_link = || (1, format!("expected a link A->B (node ids or 'client'), found '{link}'"));
        let (from, to) = link.split_once("->").ok_or_else(bad_link)?;
        let id = |s: &str| if s == "client" { Some(CLIENT) } else { s.parse::<NodeId>().ok().filter(|&id| id > 0) };
        let (from, to) = (id(from).ok_or_else(bad_link)?, id(to).ok_or_else(bad_link)?);
        if let Some(extra) = words.get(2) {
            return Err((2, format!("unexpected '{extra}' after the link")));
        }
        Ok(Breakpoint::Message { kind, from, to })
    }

    /// Reads a breakpoint from one line of text, like `leader-elected` or
    /// `message AppendEntries 1->2`.
    pub fn parse(text: &str) -> Result<Breakpoint, String> {
        let words: Vec<&str> = text.split_whitespace().collect();
        Breakpoint::from_words(&words).map_err(|(_, e)| e)
    }

    /// The node ids it names, so a caller can check them against a cluster.
    pub fn named_nodes(&self) -> Vec<NodeId> {
        match self {
            Breakpoint::Message { from, to, .. } => [*from, *to].into_iter().filter(|&id| id != CLIENT).collect(),
            _ => Vec::new(),
        }
    }

    /// Whether the world's last event matches; `max_term_before` is the
    /// highest term before it (for term changes).
    fn matches(&self, world: &World, max_term_before: Term) -> Option<(String, Vec<NodeId>, Option<Invariant>)> {
        let event = world.last_event()?;
        let effects = world.last_effects();
        let became = |wanted: Role| {
            effects.iter().find_map(|e| match e {
                Effect::Node(id, NodeEvent::Became { role, term }) if *role == wanted => Some((*id, *term)),
                _ => None,
            })
        };
        match self {
            Breakpoint::ElectionStarted => became(Role::Candidate)
                .map(|(id, term)| (format!("node {id} started an election for term {term}"), vec![id], None)),
            Breakpoint::LeaderElected => became(Role::Leader)
                .map(|(id, term)| (format!("node {id} became leader of term {term}"), vec![id], None)),
            Breakpoint::TermChange => {
                let (id, term) = world
                    .nodes()
                    .iter()
                    .map(|s| (s.node.id(), s.node.term()))
                    .filter(|&(_, term)| term > max_term_before)
                    .max_by_key(|&(id, term)| (term, std::cmp::Reverse(id)))?;
                Some((format!("term {max_term_before} -> {term} (node {id})"), vec![id], None))
            }
            Breakpoint::EntryCommitted => effects.iter().find_map(|e| match e {
                Effect::Node(id, NodeEvent::Committed { index }) if world.node(*id).role() == Role::Leader => {
                    Some((format!("leader {id} committed up to index {index}"), vec![*id], None))
                }
                _ => None,
            }),
            Breakpoint::Violation => effects.iter().find_map(|e| match e {
                Effect::Violation(v) => Some((
                    {
                        let entries: Vec<String> = v
                            .entries
                            .iter()
                            .map(|e| format!("node {} index {} term {} {}", e.node, e.index, e.term, e.command))
                            .collect();
                        if entries.is_empty() {
                            format!("{} violated: {}", v.invariant, v.detail)
                        } else {
                            format!("{} violated: {} (entries: {})", v.invariant, v.detail, entries.join("; "))
                        }
                    },
                    v.nodes.clone(),
                    Some(v.invariant),
                )),
                _ => None,
            }),
            Breakpoint::Message { kind, from, to } => match &event.kind {
                EventKind::Deliver(m) if m.from == *from && m.to == *to && kind.is_none_or(|k| m.msg.kind() == k) => {
                    let nodes = [m.from, m.to].into_iter().filter(|&id| id != CLIENT).collect();
                    Some((format!("delivered {}->{} {}", endpoint(m.from), endpoint(m.to), m.msg), nodes, None))
                }
                _ => None,
            },
            Breakpoint::Deliver => match &event.kind {
                EventKind::Deliver(m) => {
                    let nodes = [m.from, m.to].into_iter().filter(|&id| id != CLIENT).collect();
                    Some((event.kind.to_string(), nodes, None))
                }
                _ => None,
            },
            Breakpoint::Timer => match &event.kind {
                EventKind::ElectionTimeout(id) | EventKind::HeartbeatTimeout(id) => {
                    Some((event.kind.to_string(), vec![*id], None))
                }
                _ => None,
            },
            Breakpoint::Action => event.kind.is_user_action().then(|| (event.kind.to_string(), Vec::new(), None)),
        }
    }
}

/// A set of breakpoints checked after every event.
#[derive(Clone, Debug, Default)]
pub struct Watch {
    breakpoints: Vec<Breakpoint>,
    max_term: Term,
}

/// The highest term of any node.
pub fn max_term(world: &World) -> Term {
    world.nodes().iter().map(|s| s.node.term()).max().unwrap_or(0)
}

impl Watch {
    pub fn new(breakpoints: Vec<Breakpoint>, world: &World) -> Watch {
        Watch { breakpoints, max_term: max_term(world) }
    }

    pub fn breakpoints(&self) -> &[Breakpoint] {
        &self.breakpoints
    }

    pub fn is_empty(&self) -> bool {
        self.breakpoints.is_empty()
    }

    /// Adds a breakpoint unless it is already set.
    pub fn add(&mut self, breakpoint: Breakpoint) {
        if !self.breakpoints.contains(&breakpoint) {
            self.breakpoints.push(breakpoint);
        }
    }

    /// Removes a breakpoint; false when it was not set.
    pub fn remove(&mut self, breakpoint: &Breakpoint) -> bool {
        let before = self.breakpoints.len();
        self.breakpoints.retain(|b| b != breakpoint);
        self.breakpoints.len() != before
    }

    pub fn set(&mut self, breakpoints: Vec<Breakpoint>) {
        self.breakpoints = breakpoints;
    }

    /// Re-reads what the watch remembers from `world`, after a jump in time.
    pub fn sync(&mut self, world: &World) {
        self.max_term = max_term(world);
    }

    /// Checks the world's last event against every breakpoint, in the order
    /// they were set; the first that matches is the hit.
    pub fn check(&mut self, world: &World) -> Option<Hit> {
        let before = self.max_term;
        if self.breakpoints.contains(&Breakpoint::TermChange) {
            self.max_term = max_term(world);
        }
        if self.breakpoints.is_empty() {
            return None;
        }
        self.breakpoints.iter().find_map(|b| {
            b.matches(world, before).map(|(cause, nodes, invariant)| Hit {
                breakpoint: b.clone(),
                event: world.event_count(),
                cause,
                nodes,
                invariant,
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::{WorldConfig, SECOND};

    fn run_to_hit(world: &mut World, watch: &mut Watch) -> Option<Hit> {
        while world.now() < 10 * SECOND {
            world.step()?;
            if let Some(hit) = watch.check(world) {
                return Some(hit);
            }
        }
        None
    }

    #[test]
    fn names_round_trip() {
        for name in SIMPLE_NAMES {
            assert_eq!(Breakpoint::parse(name).unwrap().to_string(), name);
        }
        for text in ["message AppendEntries 1->2", "message any 3->client", "message ClientRequest client->4"] {
            assert_eq!(Breakpoint::parse(text).unwrap().to_string(), text);
        }
    }

    #[test]
    fn bad_names_say_which_word_and_what_was_expected() {
        assert!(Breakpoint::parse("leader").unwrap_err().contains("unknown breakpoint 'leader'"));
        assert_eq!(Breakpoint::from_words(&["message", "Vote", "1->2"]).unwrap_err().0, 1);
        assert_eq!(Breakpoint::from_words(&["message", "any", "1-2"]).unwrap_err().0, 2);
        assert_eq!(Breakpoint::from_words(&["message", "any", "0->2"]).unwrap_err().0, 2);
        assert_eq!(Breakpoint::from_words(&["violation", "now"]).unwrap_err().0, 1);
        assert!(Breakpoint::parse("").is_err());
    }

    #[test]
    fn election_then_leader_then_commit_in_order() {
        let mut world = World::new(WorldConfig::with_nodes(5, 7)).unwrap();
        let mut watch = Watch::new(vec![Breakpoint::ElectionStarted], &world);
        let hit = run_to_hit(&mut world, &mut watch).unwrap();
        assert_eq!(hit.event, world.event_count());
        assert!(world.node(hit.nodes[0]).role() == Role::Candidate, "{hit:?}");
        watch.set(vec![Breakpoint::LeaderElected]);
        let hit = run_to_hit(&mut world, &mut watch).unwrap();
        let leader = hit.nodes[0];
        assert_eq!(world.node(leader).role(), Role::Leader);
        assert!(hit.cause.contains("became leader"), "{}", hit.cause);
        watch.set(vec![Breakpoint::EntryCommitted]);
        let hit = run_to_hit(&mut world, &mut watch).unwrap();
        assert_eq!(hit.nodes, vec![leader]);
        assert_eq!(world.node(leader).commit_index(), 1, "the leader's no-op commits first");
    }

    #[test]
    fn term_change_fires_once_per_new_term_not_per_follower() {
        let mut world = World::new(WorldConfig::with_nodes(5, 7)).unwrap();
        let mut watch = Watch::new(vec![Breakpoint::TermChange], &world);
        let mut terms = Vec::new();
        while let Some(hit) = run_to_hit(&mut world, &mut watch) {
            terms.push(max_term(&world));
            assert!(hit.cause.starts_with(&format!("term {} -> ", terms.len() - 1)), "{}", hit.cause);
            if terms.len() == 3 {
                break;
            }
            let leader = world.current_leader();
            if let Some(id) = leader {
                world.crash(id).unwrap();
            }
        }
        let mut sorted = terms.clone();
        sorted.dedup();
        assert_eq!(terms, sorted, "one hit per term");
        assert!(!terms.is_empty());
    }

    #[test]
    fn message_on_a_link_and_user_actions() {
        let mut world = World::new(WorldConfig::with_nodes(3, 1)).unwrap();
        let bp = Breakpoint::parse("message RequestVoteReply 2->1").unwrap();
        let mut watch = Watch::new(vec![bp.clone()], &world);
        world.force_timeout(1).unwrap();
        let hit = run_to_hit(&mut world, &mut watch).unwrap();
        assert_eq!(hit.breakpoint, bp);
        match &world.last_event().unwrap().kind {
            EventKind::Deliver(m) => assert_eq!((m.from, m.to, m.msg.kind()), (2, 1, MessageKind::RequestVoteReply)),
            other => panic!("stopped at {other:?}"),
        }
        watch.set(vec![Breakpoint::Action]);
        world.crash(3).unwrap();
        assert_eq!(watch.check(&world).unwrap().cause, "crash node 3");
    }
}
