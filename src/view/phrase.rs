//! Language-neutral text for the page: a message-catalogue key and its
//! arguments (`{key, args}`), which the page formats from `www/i18n/<lang>.js`.
//!
//! The engine's `Display` texts stay what the CLI, traces and tests read;
//! this module says the same things as data, so that the feed, the stop
//! banner and the event panel read in the page's language. Every key used
//! here is listed in [`KEYS`], and a test (tests/e2e/i18n.test.mjs) checks
//! that both catalogues define each of them.

use std::fmt::Write as _;

use serde::{Serialize, Serializer};

use crate::check::Invariant;
use crate::raft::{Applied, MessageKind, NodeEvent, NodeId, Role, CLIENT};
use crate::sim::{Effect, EventKind, LossReason, MessageFault, World};

/// A catalogue key and its arguments.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Phrase {
    pub key: &'static str,
    pub args: Args,
}

/// The arguments a phrase may carry, by name (`{node}` in a catalogue
/// text). Absent ones are left out of the object the page receives.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Args {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub node: Option<NodeId>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub term: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub candidate: Option<NodeId>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub index: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub count: Option<u64>,
    /// A client operation's number (`#3`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub op: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attempt: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<End>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to: Option<End>,
    /// A message type as the paper names it (`AppendEntries`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<&'static str>,
    /// Text that reads the same in every language: a command as the
    /// scenario language writes it (`put(x=1)`), a message's fields, a
    /// partition (`1,2 | 3,4,5`), a link (`1->2`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// A nested phrase: a client result, an invariant's name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub what: Option<Box<Phrase>>,
    /// Free text the engine has only in English (a violation's detail).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

/// One end of a message: a node, or the client (a phrase, so the page names
/// it in its language). Serialized as the node's number or as that phrase.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct End(pub NodeId);

impl Serialize for End {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if self.0 == CLIENT {
            Phrase::new("word.client").serialize(s)
        } else {
            s.serialize_u8(self.0)
        }
    }
}

/// Every key this module emits, for the catalogue test.
pub const KEYS: &[&str] = &[
    "word.client",
    "ev.deliver",
    "ev.lost.partitioned",
    "ev.lost.linkCut",
    "ev.lost.crashed",
    "ev.electionTimeout",
    "ev.heartbeatTimeout",
    "ev.clientRetry",
    "ev.clientLoad",
    "ev.clientLoadPaused",
    "ev.submit",
    "ev.crash",
    "ev.restart",
    "ev.forcedTimeout",
    "ev.partition",
    "ev.cut",
    "ev.uncut",
    "ev.heal",
    "ev.dropped",
    "ev.duplicated",
    "ev.armedDrop",
    "ev.armedDuplicate",
    "fx.becameFollower",
    "fx.becameCandidate",
    "fx.becameLeader",
    "fx.votedSelf",
    "fx.voted",
    "fx.committed",
    "fx.truncated",
    "fx.lost",
    "fx.faultDropped",
    "fx.faultDuplicated",
    "fx.clientDone",
    "fx.redirect",
    "fx.redirectNoLeader",
    "fx.violation",
    "res.ok",
    "res.value",
    "res.missing",
    "res.keys",
    "inv.electionSafety",
    "inv.leaderAppendOnly",
    "inv.logMatching",
    "inv.leaderCompleteness",
    "inv.stateMachineSafety",
    "stop.termChange",
];

impl Phrase {
    pub fn new(key: &'static str) -> Phrase {
        Phrase { key, args: Args::default() }
    }

    pub fn with(key: &'static str, args: Args) -> Phrase {
        Phrase { key, args }
    }
}

fn node(key: &'static str, id: NodeId) -> Phrase {
    Phrase::with(key, Args { node: Some(id), ..Args::default() })
}

fn link(key: &'static str, from: NodeId, to: NodeId, kind: Option<MessageKind>) -> Phrase {
    let kind = kind.map(|k| k.name());
    Phrase::with(key, Args { from: Some(End(from)), to: Some(End(to)), kind, ..Args::default() })
}

fn code(key: &'static str, code: String) -> Phrase {
    Phrase::with(key, Args { code: Some(code), ..Args::default() })
}

/// A client operation's result: `ok`, `value 1`, `missing`, `keys [a b]`.
pub fn applied(result: &Applied) -> Phrase {
    match result {
        Applied::Done => Phrase::new("res.ok"),
        Applied::Value(Some(v)) => code("res.value", v.to_string()),
        Applied::Value(None) => Phrase::new("res.missing"),
        Applied::Keys(keys) => code("res.keys", joined(keys.iter().map(|k| &**k), " ")),
    }
}

pub fn invariant(invariant: Invariant) -> Phrase {
    Phrase::new(match invariant {
        Invariant::ElectionSafety => "inv.electionSafety",
        Invariant::LeaderAppendOnly => "inv.leaderAppendOnly",
        Invariant::LogMatching => "inv.logMatching",
        Invariant::LeaderCompleteness => "inv.leaderCompleteness",
        Invariant::StateMachineSafety => "inv.stateMachineSafety",
    })
}

/// What an event was, as the event panel and the feed say it. `world` is the
/// world right after the event (a submission or retry names its target).
pub fn event(kind: &EventKind, world: &World) -> Phrase {
    match kind {
        EventKind::Deliver(m) => Phrase::with(
            "ev.deliver",
            Args { from: Some(End(m.from)), to: Some(End(m.to)), code: Some(m.msg.to_string()), ..Args::default() },
        ),
        EventKind::Undeliverable(m, reason) => {
            let key = match reason {
                LossReason::Partitioned => "ev.lost.partitioned",
                LossReason::LinkCut => "ev.lost.linkCut",
                LossReason::Crashed => "ev.lost.crashed",
            };
            link(key, m.from, m.to, Some(m.msg.kind()))
        }
        EventKind::ElectionTimeout(id) => node("ev.electionTimeout", *id),
        EventKind::HeartbeatTimeout(id) => node("ev.heartbeatTimeout", *id),
        EventKind::ClientRetry(op) => {
            let o = world.client().op(*op);
            Phrase::with(
                "ev.clientRetry",
                Args { op: Some(*op), node: o.map(|o| o.target), attempt: o.map(|o| o.attempts), ..Args::default() },
            )
        }
        EventKind::ClientLoad(Some(op)) => Phrase::with("ev.clientLoad", Args { op: Some(*op), ..Args::default() }),
        EventKind::ClientLoad(None) => Phrase::new("ev.clientLoadPaused"),
        EventKind::Submit(op) => {
            let o = world.client().op(*op);
            Phrase::with(
                "ev.submit",
                Args {
                    op: Some(*op),
                    node: o.map(|o| o.target),
                    code: o.map(|o| o.command.to_string()),
                    ..Args::default()
                },
            )
        }
        EventKind::Crash(id) => node("ev.crash", *id),
        EventKind::Restart(id) => node("ev.restart", *id),
        EventKind::ForcedTimeout(id) => node("ev.forcedTimeout", *id),
        EventKind::Partition(groups) => {
            let mut text = String::new();
            for (i, g) in groups.iter().enumerate() {
                text.push_str(if i > 0 { " | " } else { "" });
                for (j, id) in g.iter().enumerate() {
                    let _ = write!(text, "{}{id}", if j > 0 { "," } else { "" });
                }
            }
            code("ev.partition", text)
        }
        EventKind::Cut { from, to, both } => code("ev.cut", arrow(*from, *to, *both)),
        EventKind::Uncut { from, to, both } => code("ev.uncut", arrow(*from, *to, *both)),
        EventKind::Heal => Phrase::new("ev.heal"),
        EventKind::Dropped(m) => link("ev.dropped", m.from, m.to, Some(m.msg.kind())),
        EventKind::Duplicated { original, copy } => {
            Phrase::with("ev.duplicated", Args { id: Some(*original), count: Some(*copy), ..Args::default() })
        }
        EventKind::Armed(rule) => {
            let key = match rule.fault {
                MessageFault::Drop => "ev.armedDrop",
                MessageFault::Duplicate => "ev.armedDuplicate",
            };
            link(key, rule.from, rule.to, rule.kind)
        }
    }
}

/// `parts` with `sep` between them (without `join`'s code for one use).
fn joined<'a>(parts: impl Iterator<Item = &'a str>, sep: &str) -> String {
    let mut out = String::new();
    for (i, p) in parts.enumerate() {
        out.push_str(if i > 0 { sep } else { "" });
        out.push_str(p);
    }
    out
}

fn arrow(from: NodeId, to: NodeId, both: bool) -> String {
    format!("{from}{}{to}", if both { "<->" } else { "->" })
}

/// What an effect of an event was.
pub fn effect(effect: &Effect) -> Phrase {
    match effect {
        Effect::Node(id, NodeEvent::Became { role, term }) => {
            let key = match role {
                Role::Follower => "fx.becameFollower",
                Role::Candidate => "fx.becameCandidate",
                Role::Leader => "fx.becameLeader",
            };
            Phrase::with(key, Args { node: Some(*id), term: Some(*term), ..Args::default() })
        }
        Effect::Node(id, NodeEvent::Voted { term, candidate }) if id == candidate => {
            Phrase::with("fx.votedSelf", Args { node: Some(*id), term: Some(*term), ..Args::default() })
        }
        Effect::Node(id, NodeEvent::Voted { term, candidate }) => Phrase::with(
            "fx.voted",
            Args { node: Some(*id), term: Some(*term), candidate: Some(*candidate), ..Args::default() },
        ),
        Effect::Node(id, NodeEvent::Committed { index }) => {
            Phrase::with("fx.committed", Args { node: Some(*id), index: Some(*index), ..Args::default() })
        }
        Effect::Node(id, NodeEvent::Truncated { after, removed }) => Phrase::with(
            "fx.truncated",
            Args { node: Some(*id), index: Some(*after), count: Some(*removed), ..Args::default() },
        ),
        Effect::Lost { from, to, kind } => link("fx.lost", *from, *to, Some(*kind)),
        Effect::FaultFired { fault, from, to, kind } => {
            let key = match fault {
                MessageFault::Drop => "fx.faultDropped",
                MessageFault::Duplicate => "fx.faultDuplicated",
            };
            link(key, *from, *to, Some(*kind))
        }
        Effect::ClientDone { op, node, result } => Phrase::with(
            "fx.clientDone",
            Args { op: Some(*op), node: Some(*node), what: Some(Box::new(applied(result))), ..Args::default() },
        ),
        Effect::ClientRedirect { op, from, to: Some(to) } => Phrase::with(
            "fx.redirect",
            Args { op: Some(*op), node: Some(*from), to: Some(End(*to)), ..Args::default() },
        ),
        Effect::ClientRedirect { op, from, to: None } => {
            Phrase::with("fx.redirectNoLeader", Args { op: Some(*op), node: Some(*from), ..Args::default() })
        }
        Effect::Violation(v) => Phrase::with(
            "fx.violation",
            Args { what: Some(Box::new(invariant(v.invariant))), detail: Some(v.detail.clone()), ..Args::default() },
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::raft::Command;
    use crate::sim::{WorldConfig, SECOND};

    #[test]
    fn the_phrases_of_a_busy_run_use_listed_keys() {
        let mut world = World::new(WorldConfig::with_nodes(3, 4)).unwrap();
        let mut seen = std::collections::BTreeSet::new();
        let mut note = |world: &World| {
            let Some(e) = world.last_event() else { return };
            let phrases = std::iter::once(event(&e.kind, world)).chain(world.last_effects().iter().map(effect));
            for p in phrases {
                for key in std::iter::once(p.key).chain(p.args.what.as_ref().map(|w| w.key)) {
                    assert!(KEYS.contains(&key), "{key} is not in KEYS");
                    seen.insert(key);
                }
            }
        };
        while world.now() < SECOND {
            world.step();
            note(&world);
        }
        world.submit(Command::put("x", "1"), None).unwrap();
        note(&world);
        while world.now() < 2 * SECOND {
            world.step();
            note(&world);
        }
        let leader = world.current_leader().unwrap();
        world.crash(leader).unwrap();
        note(&world);
        world.partition(vec![vec![leader % 3 + 1]]).unwrap();
        note(&world);
        world.submit(Command::get("x"), None).unwrap();
        while world.now() < 6 * SECOND {
            world.step();
            note(&world);
        }
        for key in [
            "ev.submit",
            "ev.crash",
            "ev.partition",
            "ev.deliver",
            "ev.electionTimeout",
            "ev.clientRetry",
            "fx.becameLeader",
            "fx.clientDone",
            "res.ok",
        ] {
            assert!(seen.contains(key), "{key} not seen in {seen:?}");
        }
    }
}
