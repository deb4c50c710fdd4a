//! What a violation of linearizability reports: the operation that cannot
//! be placed, the longest partial linearization before it, and what its
//! keys could hold then, in words a student can follow.

use std::fmt;

use crate::raft::{Applied, Command, NodeId, RequestId};
use crate::util::msg::{chain, code};
use crate::util::Msg;

use super::model;
use super::partition::Stuck;
use super::path::Point;
use super::Operation;

/// Partial linearization shown, newest last.
const SHOWN: usize = 8;
/// Distinct states shown.
const STATES: usize = 4;

/// One operation as a report names it.
#[derive(Clone, Debug, PartialEq)]
pub struct OpSummary {
    pub id: RequestId,
    pub command: Command,
    pub invoked_at: u64,
    pub response: Option<(u64, Applied)>,
    pub node: Option<NodeId>,
}

impl OpSummary {
    pub(super) fn of(op: &Operation) -> OpSummary {
        OpSummary {
            id: op.id,
            command: op.command.clone(),
            invoked_at: op.invoked_at,
            response: op.response.clone(),
            node: op.node,
        }
    }

    pub(super) fn open(id: RequestId, command: &Command, invoked_at: u64) -> OpSummary {
        OpSummary { id, command: command.clone(), invoked_at, response: None, node: None }
    }
}

/// Seconds with microseconds as the trace prints them: `2.180512s`.
pub fn seconds(us: u64) -> String {
    format!("{}.{:06}s", us / 1_000_000, us % 1_000_000)
}

/// `#7 get(x) → value 1 (2.100000s to 2.180000s)`, or for one pending:
/// `#8 put(x=3) (invoked 2.150000s, pending)`.
impl fmt::Display for OpSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.msg())
    }
}

impl OpSummary {
    /// The summary as a sentence the page words in its language.
    pub fn msg(&self) -> Msg {
        let m = match &self.response {
            Some((at, result)) => Msg::new("v.op.done", "#{op} {command} → {result} ({from} to {to})")
                .text("result", result.to_string())
                .text("to", seconds(*at)),
            None => Msg::new("v.op.pending", "#{op} {command} (invoked {from}, pending)"),
        };
        m.num("op", self.id).text("command", self.command.to_string()).text("from", seconds(self.invoked_at))
    }
}

/// Why a history is not linearizable.
#[derive(Clone, Debug, PartialEq)]
pub struct Counterexample {
    /// The operation whose response no linearization of what came before
    /// allows.
    pub op: OpSummary,
    /// The longest partial linearization before it, on its keys, oldest
    /// first (its last few operations).
    pub before: Vec<OpSummary>,
    /// What its keys could hold just before it returned, in every
    /// linearization of what came before (`x = 2`).
    pub states: Vec<String>,
    /// Operations open meanwhile that the checker also tried placing
    /// before it.
    pub concurrent: Vec<OpSummary>,
}

impl Counterexample {
    /// Every operation the report names: the one that cannot be placed
    /// first.
    pub fn operations(&self) -> Vec<RequestId> {
        let mut ids = vec![self.op.id];
        for s in self.before.iter().chain(&self.concurrent) {
            if !ids.contains(&s.id) {
                ids.push(s.id);
            }
        }
        ids
    }

    /// The nodes that answered those operations.
    pub fn nodes(&self) -> Vec<NodeId> {
        let mut nodes: Vec<NodeId> = Vec::new();
        for n in std::iter::once(&self.op).chain(&self.before).chain(&self.concurrent).filter_map(|s| s.node) {
            if let Err(at) = nodes.binary_search(&n) {
                nodes.insert(at, n);
            }
        }
        nodes
    }
}

impl Counterexample {
    /// The report as a sentence the page words in its language.
    pub fn msg(&self) -> Msg {
        let states = chain("v.or", "{a} or {b}", self.states.iter().map(code).collect())
            .unwrap_or_else(|| Msg::new("v.nothing", "nothing"));
        let m = if self.before.is_empty() {
            Msg::new("v.lin", "{op} cannot be linearized: when it had to take effect, {states}")
        } else {
            Msg::new("v.lin.after", "{op} cannot be linearized: when it had to take effect, {states}, after {before}")
                .list("before", self.before.iter().map(OpSummary::msg).collect())
        };
        let m = m.msg("op", self.op.msg()).msg("states", states);
        if self.concurrent.is_empty() {
            return m;
        }
        Msg::new("v.lin.open", "{report}; open meanwhile, and no help placed first: {open}")
            .msg("report", m)
            .list("open", self.concurrent.iter().map(OpSummary::msg).collect())
    }
}

impl fmt::Display for Counterexample {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.msg())
    }
}

/// Whether two commands read or write a common key.
fn overlap(a: &Command, b: &Command) -> bool {
    let key = |c: &Command| match c {
        Command::Put { key, .. } | Command::Del { key } | Command::Get { key } => Some(key.clone()),
        _ => None,
    };
    match (a, b, key(a), key(b)) {
        (_, _, Some(x), Some(y)) => x == y,
        (Command::List { prefix }, _, None, Some(k)) | (_, Command::List { prefix }, Some(k), None) => {
            k.starts_with(&**prefix)
        }
        (Command::List { prefix: p }, Command::List { prefix: q }, _, _) => p.starts_with(&**q) || q.starts_with(&**p),
        _ => false,
    }
}

/// Builds the report of `stuck`. `settled`: the points placed for good
/// before the configurations' paths begin (the one-shot check moves them
/// out of the paths); `describe` finds an operation by id.
pub(super) fn explain(
    stuck: &Stuck,
    settled: &[Point],
    describe: impl Fn(RequestId) -> Option<OpSummary>,
) -> Counterexample {
    let command = &stuck.op.command;
    let longest = stuck.before.iter().max_by_key(|c| c.path.len());
    let path = longest.map(|c| c.path.points()).unwrap_or_default();
    let mut before: Vec<OpSummary> =
        settled.iter().chain(&path).filter_map(|p| describe(p.op)).filter(|s| overlap(&s.command, command)).collect();
    before.drain(..before.len().saturating_sub(SHOWN));
    let mut states: Vec<String> = Vec::new();
    for config in &stuck.before {
        let s = model::describe(&stuck.keys, &config.state, command);
        if !states.contains(&s) && states.len() < STATES {
            states.push(s);
        }
    }
    let concurrent = stuck
        .concurrent
        .iter()
        .map(|o| describe(o.id).unwrap_or_else(|| OpSummary::open(o.id, &o.command, o.invoked_at)))
        .collect();
    let op = describe(stuck.op.id).unwrap_or_else(|| OpSummary::open(stuck.op.id, command, stuck.op.invoked_at));
    Counterexample { op, before, states, concurrent }
}
