//! Language-neutral text for the page: a message-catalogue key and its
//! arguments (`{key, args}`), which the page formats from `www/i18n/<lang>.js`.
//!
//! The engine's `Display` texts stay what the CLI, traces and tests read;
//! this module says the same things as data, so that the feed, the stop
//! banner and the event panel read in the page's language. Every key used
//! here is listed in [`KEYS`], and a test (tests/e2e/i18n.test.mjs) checks
//! that both catalogues define each of them.

use std::fmt::Write as _;

use serde::ser::SerializeStruct;
use serde::{Serialize, Serializer};

use crate::check::Invariant;
use crate::kube::KubeEffect;
use crate::raft::{Applied, MessageKind, NodeEvent, NodeId, Role, CLIENT};
use crate::sim::{Effect, EventKind, KubeEvent, LossReason, MachineAction, MessageFault, World};
use crate::util::msg::{Msg, MsgArg};

/// A catalogue key and its arguments.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Phrase {
    pub key: &'static str,
    pub args: Args,
}

/// The arguments of a phrase, by name (`{node}` in a catalogue text); the
/// page receives them as an object `{node: 3, term: 2}`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Args(Vec<(&'static str, Arg)>);

/// One argument's value.
#[derive(Clone, Debug, PartialEq)]
pub enum Arg {
    Num(u64),
    /// Text that reads the same in every language: a command as the
    /// scenario language writes it (`put(x=1)`), a message's fields, a
    /// partition (`1,2 | 3,4,5`), a link (`1->2`), a message type as the
    /// paper names it.
    Text(String),
    /// One end of a message: a node's number, or the client (a phrase, so
    /// the page names it in its language).
    End(NodeId),
    /// A nested phrase: a client result, an invariant's name, what a
    /// parse error expected.
    Phrase(Box<Phrase>),
    /// Phrases the page joins with `, `.
    List(Vec<Phrase>),
}

impl Args {
    pub fn get(&self, name: &str) -> Option<&Arg> {
        self.0.iter().find(|(n, _)| *n == name).map(|(_, v)| v)
    }
}

impl Serialize for Args {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("Args", self.0.len())?;
        for (name, value) in &self.0 {
            st.serialize_field(name, value)?;
        }
        st.end()
    }
}

impl Serialize for Arg {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Arg::Num(n) => s.serialize_u64(*n),
            Arg::Text(t) => s.serialize_str(t),
            Arg::End(CLIENT) => Phrase::new("word.client").serialize(s),
            Arg::End(id) => s.serialize_u8(*id),
            Arg::Phrase(p) => p.serialize(s),
            Arg::List(items) => items.serialize(s),
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
    "ev.leaseTimeout",
    "ev.clientRetry",
    "ev.clientLoad",
    "ev.clientLoadPaused",
    "ev.submit",
    "ev.crash",
    "ev.restart",
    "ev.forcedTimeout",
    "ev.transferLeader",
    "ev.snapshot",
    "fx.snapshotted",
    "ev.partition",
    "ev.cut",
    "ev.uncut",
    "ev.heal",
    "ev.dropped",
    "ev.duplicated",
    "ev.armedDrop",
    "ev.armedDuplicate",
    "ev.ruleOn",
    "ev.ruleOff",
    "ev.clientGiveUp",
    "ev.kubeDeliver",
    "ev.kubeLost",
    "ev.kubeTimer",
    "ev.kubeletRestart",
    "ev.machineCrash",
    "ev.machineRestart",
    "ev.zoneFail",
    "ev.zoneRestore",
    "ev.zoneIsolate",
    "fx.why",
    "fx.overwrote",
    "fx.kubeStartedLeading",
    "fx.kubeStoppedLeading",
    "fx.kubeBackendUp",
    "fx.kubeBackendDown",
    "res.etcd",
    "inv.leaseSafety",
    "inv.clientAcknowledged",
    "inv.appliedState",
    "inv.linearizability",
    "fx.becameFollower",
    "fx.becameCandidate",
    "fx.becamePreCandidate",
    "fx.becameLeader",
    "fx.votedSelf",
    "fx.voted",
    "fx.committed",
    "fx.truncated",
    "fx.lost",
    "fx.faultDropped",
    "fx.faultDuplicated",
    "fx.clientDone",
    "fx.clientDoneRead",
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
    "marker.stop",
    "stop.over.events",
    "stop.over.inFlight",
    "stop.over.pending",
    "stop.over.actions",
    "stop.over.logEntries",
    // The engine's sentences (util::Msg): parse errors, violation details
    // and the etcdctl console's errors.
    "word.code",
    "parse.inFile",
    "parse.missing",
    "parse.unexpected",
    "parse.want.afterCluster",
    "parse.want.afterPredict",
    "parse.want.afterTask",
    "parse.want.andOrWithin",
    "parse.want.apiserverState",
    "parse.want.arrows",
    "parse.want.beforeCluster",
    "parse.want.beforeTranslations",
    "parse.want.blankBeforeCommand",
    "parse.want.breakpoint",
    "parse.want.breakpointNoneSet",
    "parse.want.breakpointSet",
    "parse.want.choices",
    "parse.want.clientOp",
    "parse.want.clusterSize",
    "parse.want.command",
    "parse.want.commandAfterDo",
    "parse.want.comparison",
    "parse.want.condition",
    "parse.want.controlPlaneCount",
    "parse.want.controlPlaneOrNone",
    "parse.want.controlPlanes",
    "parse.want.count",
    "parse.want.directive",
    "parse.want.directiveOrCommand",
    "parse.want.doAfterTask",
    "parse.want.doLines",
    "parse.want.driftAtMost",
    "parse.want.duration",
    "parse.want.durationAtMost",
    "parse.want.durationOrUntil",
    "parse.want.electionAboveZero",
    "parse.want.endOfLine",
    "parse.want.etcdCount",
    "parse.want.etcdExternal",
    "parse.want.everyOrOff",
    "parse.want.expect",
    "parse.want.feedbackFirst",
    "parse.want.feedbackOnce",
    "parse.want.firstCommand",
    "parse.want.getLeases",
    "parse.want.heartbeatAboveZero",
    "parse.want.hintText",
    "parse.want.intervalAboveZero",
    "parse.want.invariant",
    "parse.want.key",
    "parse.want.keyWithoutEquals",
    "parse.want.kubeHeader",
    "parse.want.kubeOption",
    "parse.want.kubeOptionLike",
    "parse.want.kubeSystemFlag",
    "parse.want.kubeSystemLeases",
    "parse.want.langTag",
    "parse.want.leaderOrCommitted",
    "parse.want.leaseName",
    "parse.want.leaseState",
    "parse.want.leaseTimings",
    "parse.want.leasesWord",
    "parse.want.logEntry",
    "parse.want.logIndex",
    "parse.want.messageId",
    "parse.want.messageType",
    "parse.want.messageTypeOrAny",
    "parse.want.namespace",
    "parse.want.nextOrMessage",
    "parse.want.noControl",
    "parse.want.noEtcdStacked",
    "parse.want.noInvisible",
    "parse.want.noInvisibleInWord",
    "parse.want.noLangTag",
    "parse.want.nodeId",
    "parse.want.nodeLeaderOrClient",
    "parse.want.nodeNotListed",
    "parse.want.nodeOr",
    "parse.want.nodeOrMachine",
    "parse.want.notCluster",
    "parse.want.notLeader",
    "parse.want.numberOrQuorum",
    "parse.want.onOff",
    "parse.want.onOrEnd",
    "parse.want.oneLine",
    "parse.want.oneNamespace",
    "parse.want.option",
    "parse.want.optionLike",
    "parse.want.optionOnce",
    "parse.want.otherNode",
    "parse.want.partitionMore",
    "parse.want.percent",
    "parse.want.percentDecimals",
    "parse.want.percentRange",
    "parse.want.plainCommand",
    "parse.want.range",
    "parse.want.rangeOrder",
    "parse.want.readMode",
    "parse.want.readOrEnd",
    "parse.want.reasonKey",
    "parse.want.role",
    "parse.want.rule",
    "parse.want.sayTwin",
    "parse.want.seed",
    "parse.want.separatorAfterCommand",
    "parse.want.separatorAfterStep",
    "parse.want.show",
    "parse.want.snapshotEvery",
    "parse.want.stateOrNumber",
    "parse.want.term",
    "parse.want.termBeforeColon",
    "parse.want.textOf",
    "parse.want.title",
    "parse.want.topology",
    "parse.want.twinAfter",
    "parse.want.value",
    "parse.want.valueAfter",
    "parse.want.valueOrMissing",
    "parse.want.viaOrEnd",
    "parse.want.viaReadOrEnd",
    "parse.want.wholeMicros",
    "parse.want.withinOrEnd",
    "parse.want.word",
    "parse.want.zone",
    "parse.want.zoneName",
    "parse.want.zonePerMachine",
    "etcdctl.error",
    "etcdctl.hash",
    "etcdctl.missing",
    "etcdctl.unexpected",
    "etcdctl.want.command",
    "etcdctl.want.endOfLine",
    "etcdctl.want.flag",
    "etcdctl.want.format",
    "etcdctl.want.key",
    "etcdctl.want.keyAndValue",
    "etcdctl.want.noFlag",
    "etcdctl.want.subcommand",
    "v.acknowledged",
    "v.acknowledged.uncommitted",
    "v.and",
    "v.appliedState",
    "v.appliedState.digest",
    "v.beyondLog.applied",
    "v.beyondLog.commit",
    "v.completeness",
    "v.goneEntry",
    "v.keyMissing",
    "v.kvDifferences",
    "v.kvDiffers",
    "v.lease",
    "v.lin",
    "v.lin.after",
    "v.lin.open",
    "v.matching.before",
    "v.matching.commands",
    "v.matching.earlier",
    "v.nothing",
    "v.op.done",
    "v.op.pending",
    "v.or",
    "v.rewrite.deleted",
    "v.rewrite.overwrote",
    "v.rewrite.shorter",
    "v.rewrite.unknown",
    "v.stateMachine.applied",
    "v.stateMachine.committed",
    "v.twoLeaders",
];

impl Phrase {
    pub fn new(key: &'static str) -> Phrase {
        Phrase { key, args: Args::default() }
    }

    fn arg(mut self, name: &'static str, value: Arg) -> Phrase {
        self.args.0.push((name, value));
        self
    }

    /// With a number argument.
    pub fn num(self, name: &'static str, n: impl Into<u64>) -> Phrase {
        self.arg(name, Arg::Num(n.into()))
    }

    /// With a text argument (see [`Arg::Text`]).
    pub fn text(self, name: &'static str, text: impl Into<String>) -> Phrase {
        self.arg(name, Arg::Text(text.into()))
    }

    fn end(self, name: &'static str, id: NodeId) -> Phrase {
        self.arg(name, Arg::End(id))
    }

    pub fn nested(self, name: &'static str, phrase: Phrase) -> Phrase {
        self.arg(name, Arg::Phrase(Box::new(phrase)))
    }
}

/// An engine sentence (a parse error, a violation's detail) as a phrase.
pub fn from_msg(msg: &Msg) -> Phrase {
    let args = msg.args.iter().map(|(name, value)| {
        let value = match value {
            MsgArg::Num(n) => Arg::Num(*n),
            MsgArg::Text(t) => Arg::Text(t.clone()),
            MsgArg::Msg(m) => Arg::Phrase(Box::new(from_msg(m))),
            MsgArg::List(items) => Arg::List(items.iter().map(from_msg).collect()),
        };
        (*name, value)
    });
    Phrase { key: msg.key, args: Args(args.collect()) }
}

fn node(key: &'static str, id: NodeId) -> Phrase {
    Phrase::new(key).num("node", id)
}

fn link(key: &'static str, from: NodeId, to: NodeId, kind: Option<MessageKind>) -> Phrase {
    let p = Phrase::new(key).end("from", from).end("to", to);
    match kind {
        Some(k) => p.text("kind", k.name()),
        None => p.text("kind", "any"),
    }
}

fn code(key: &'static str, code: String) -> Phrase {
    Phrase::new(key).text("code", code)
}

/// A client operation's result: `ok`, `value 1`, `missing`, `keys [a b]`.
pub fn applied(result: &Applied) -> Phrase {
    match result {
        Applied::Done => Phrase::new("res.ok"),
        Applied::Value(Some(v)) => code("res.value", v.to_string()),
        Applied::Value(None) => Phrase::new("res.missing"),
        Applied::Keys(keys) => code("res.keys", joined(keys.iter().map(|k| &**k), " ")),
        // etcd's own answer, as etcdctl would print it: the same in every language.
        Applied::Etcd(_) => code("res.etcd", result.to_string()),
    }
}

pub fn invariant(invariant: Invariant) -> Phrase {
    Phrase::new(match invariant {
        Invariant::ElectionSafety => "inv.electionSafety",
        Invariant::LeaderAppendOnly => "inv.leaderAppendOnly",
        Invariant::LogMatching => "inv.logMatching",
        Invariant::LeaderCompleteness => "inv.leaderCompleteness",
        Invariant::StateMachineSafety => "inv.stateMachineSafety",
        Invariant::LeaseSafety => "inv.leaseSafety",
        Invariant::ClientAcknowledged => "inv.clientAcknowledged",
        Invariant::AppliedState => "inv.appliedState",
        Invariant::Linearizability => "inv.linearizability",
    })
}

/// What an event was, as the event panel and the feed say it. `world` is the
/// world right after the event (a submission or retry names its target).
pub fn event(kind: &EventKind, world: &World) -> Phrase {
    match kind {
        EventKind::Deliver(m) => {
            Phrase::new("ev.deliver").end("from", m.from).end("to", m.to).text("code", m.msg.to_string())
        }
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
        EventKind::LeaseTimeout(id) => node("ev.leaseTimeout", *id),
        EventKind::ClientRetry(op) => {
            let p = Phrase::new("ev.clientRetry").num("op", *op);
            match world.client().op(*op) {
                Some(o) => p.num("node", o.target).num("attempt", o.attempts),
                None => p,
            }
        }
        EventKind::ClientLoad(Some(op)) => Phrase::new("ev.clientLoad").num("op", *op),
        EventKind::ClientLoad(None) => Phrase::new("ev.clientLoadPaused"),
        EventKind::Submit(op) => {
            let p = Phrase::new("ev.submit").num("op", *op);
            match world.client().op(*op) {
                Some(o) => p.num("node", o.target).text("code", o.command.to_string()),
                None => p,
            }
        }
        EventKind::Crash(id) => node("ev.crash", *id),
        EventKind::Restart(id) => node("ev.restart", *id),
        EventKind::ForcedTimeout(id) => node("ev.forcedTimeout", *id),
        EventKind::TransferLeader { from, to } => node("ev.transferLeader", *from).num("to", *to),
        EventKind::Snapshot(id) => node("ev.snapshot", *id),
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
            Phrase::new("ev.duplicated").num("id", *original).num("count", *copy)
        }
        EventKind::Armed(rule) => {
            let key = match rule.fault {
                MessageFault::Drop => "ev.armedDrop",
                MessageFault::Duplicate => "ev.armedDuplicate",
            };
            link(key, rule.from, rule.to, rule.kind)
        }
        EventKind::SetRule { rule, on } => {
            Phrase::new(if *on { "ev.ruleOn" } else { "ev.ruleOff" }).text("code", rule.name().to_string())
        }
        EventKind::ClientGiveUp(op) => Phrase::new("ev.clientGiveUp").num("op", *op),
        EventKind::Kube(event) => kube_event(event),
        EventKind::Machines(action) => match action {
            MachineAction::Crash(m) => code("ev.machineCrash", m.to_string()),
            MachineAction::Restart(m) => code("ev.machineRestart", m.to_string()),
            MachineAction::FailZone(z) => code("ev.zoneFail", z.clone()),
            MachineAction::RestoreZone(z) => code("ev.zoneRestore", z.clone()),
            MachineAction::IsolateZone(z) => code("ev.zoneIsolate", z.clone()),
        },
    }
}

/// What the control plane did by itself. Process names (`cp1/apiserver`)
/// and message names read the same in every language.
fn kube_event(event: &KubeEvent) -> Phrase {
    match event {
        KubeEvent::Deliver(m) => Phrase::new("ev.kubeDeliver")
            .text("from", m.from_name.to_string())
            .text("to", m.to_name.to_string())
            .text("code", m.msg.to_string()),
        KubeEvent::Lost(m, _) => Phrase::new("ev.kubeLost")
            .text("from", m.from_name.to_string())
            .text("to", m.to_name.to_string())
            .text("kind", m.msg.name().to_string()),
        KubeEvent::Timer(at, kind) => {
            Phrase::new("ev.kubeTimer").text("at", at.to_string()).text("code", format!("{kind:?}"))
        }
        KubeEvent::KubeletRestart(at) => code("ev.kubeletRestart", at.to_string()),
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
                Role::PreCandidate => "fx.becamePreCandidate",
                Role::Candidate => "fx.becameCandidate",
                Role::Leader => "fx.becameLeader",
            };
            node(key, *id).num("term", *term)
        }
        Effect::Node(id, NodeEvent::Voted { term, candidate }) if id == candidate => {
            node("fx.votedSelf", *id).num("term", *term)
        }
        Effect::Node(id, NodeEvent::Voted { term, candidate }) => {
            node("fx.voted", *id).num("term", *term).num("candidate", *candidate)
        }
        Effect::Node(id, NodeEvent::Committed { index }) => node("fx.committed", *id).num("index", *index),
        Effect::Node(id, NodeEvent::Truncated { after, removed }) => {
            node("fx.truncated", *id).num("index", *after).num("count", *removed)
        }
        Effect::Node(id, NodeEvent::Overwrote { from, kept }) => {
            node("fx.overwrote", *id).num("index", *from).num("count", *kept)
        }
        Effect::Node(id, NodeEvent::Snapshotted { index }) => node("fx.snapshotted", *id).num("index", *index),
        Effect::Lost { from, to, kind } => link("fx.lost", *from, *to, Some(*kind)),
        Effect::FaultFired { fault, from, to, kind } => {
            let key = match fault {
                MessageFault::Drop => "fx.faultDropped",
                MessageFault::Duplicate => "fx.faultDuplicated",
            };
            link(key, *from, *to, Some(*kind))
        }
        Effect::ClientDone { op, node: by, result, at: None } => {
            node("fx.clientDone", *by).num("op", *op).nested("what", applied(result))
        }
        Effect::ClientDone { op, node: by, result, at: Some((index, term)) } => node("fx.clientDoneRead", *by)
            .num("op", *op)
            .nested("what", applied(result))
            .num("index", *index)
            .num("term", *term),
        Effect::ClientRedirect { op, from, to: Some(to) } => node("fx.redirect", *from).num("op", *op).end("to", *to),
        Effect::ClientRedirect { op, from, to: None } => node("fx.redirectNoLeader", *from).num("op", *op),
        Effect::Violation(v) => {
            Phrase::new("fx.violation").nested("what", invariant(v.invariant)).nested("detail", from_msg(&v.detail))
        }
        // A reason reaches the page as its own `{key, args}` (`why`, see
        // view::why); as an effect line it is its English sentence.
        Effect::Why(reason) => Phrase::new("fx.why").text("text", reason.to_string()),
        Effect::Kube { place, effect } => match effect {
            KubeEffect::StartedLeading { lease, .. } => {
                Phrase::new("fx.kubeStartedLeading").text("lease", lease.to_string()).text("place", place.to_string())
            }
            KubeEffect::StoppedLeading { lease, .. } => {
                Phrase::new("fx.kubeStoppedLeading").text("lease", lease.to_string()).text("place", place.to_string())
            }
            KubeEffect::BackendUp(_) => code("fx.kubeBackendUp", place.to_string()),
            KubeEffect::BackendDown(_) => code("fx.kubeBackendDown", place.to_string()),
        },
    }
}

#[cfg(test)]
#[path = "phrase_tests.rs"]
mod tests;
