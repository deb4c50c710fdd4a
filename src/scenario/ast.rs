//! The parsed form of a scenario. Its canonical text (`Scenario::to_text`,
//! each part's `Display`, `format_duration`) is in `ast_text.rs`.
//!
//! The canonical text matters beyond pretty-printing: scenarios travel in
//! URLs and fuzz reproductions as text, so `parse(&s.to_text())` must give
//! back the same scenario.

use std::fmt;

use crate::check::Invariant;
use crate::raft::{self, MessageKind, NodeId, Rule, Term};
use crate::sim::Breakpoint;
use crate::store::etcdctl::Call;
use crate::util::Msg;

pub use super::ast_kube::{Holder, KubeCommand};
pub use super::ast_text::{format_duration, format_percent, format_range};

/// Virtual time in microseconds.
pub type Micros = u64;

pub const MILLI: Micros = 1_000;
pub const SECOND: Micros = 1_000_000;
/// The longest duration the language accepts. It keeps every sum of
/// durations a run can reach far below `u64::MAX`.
pub const MAX_DURATION: Micros = 7 * 24 * 3600 * SECOND;
/// The limit of `run until ...` when no `within` is given.
pub const DEFAULT_WITHIN: Micros = 10 * SECOND;
/// The largest K of `step K`.
pub const MAX_STEP: u32 = 1_000_000;
/// 100% in parts per million.
pub const ALL_PPM: u32 = 1_000_000;

/// A node named by id, or `leader`, resolved when the command runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum NodeRef {
    Id(NodeId),
    Leader,
    /// The client, as an end of a `drop next` / `duplicate next` link
    /// (extension); the parser accepts it nowhere else.
    Client,
}

/// The `cluster` line is the world's configuration, field for field.
pub use crate::sim::WorldConfig as ClusterSpec;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ExpectedRole {
    Follower,
    /// With `prevote=on` (an extension of `expect role`).
    PreCandidate,
    Candidate,
    Leader,
    Crashed,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ShowWhat {
    Nodes,
    Log,
    Kv,
    Messages,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LinkKind {
    Drop,
    Duplicate,
}

impl LinkKind {
    /// The command word: `drop` or `duplicate`.
    pub fn name(self) -> &'static str {
        match self {
            LinkKind::Drop => "drop",
            LinkKind::Duplicate => "duplicate",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    Run(Micros),
    RunUntilLeader {
        within: Micros,
    },
    RunUntilCommitted {
        index: u64,
        within: Micros,
    },
    Step(u32),
    Crash(NodeRef),
    Restart(NodeRef),
    Timeout(NodeRef),
    /// `transfer leader to N` (thesis §3.10).
    TransferLeader(NodeRef),
    /// `snapshot N` (version 2, §7): node N snapshots its state machine now.
    Snapshot(NodeRef),
    /// The groups as written; nodes not listed form one more group. No
    /// groups at all is `partition none` (extension): everyone in one
    /// group again, cut links left as they are.
    Partition(Vec<Vec<NodeRef>>),
    Cut {
        from: NodeRef,
        to: NodeRef,
        both: bool,
    },
    Uncut {
        from: NodeRef,
        to: NodeRef,
        both: bool,
    },
    Heal,
    /// `kind: None` is the word `any`. An end may be
    /// [`NodeRef::Client`] (extension).
    Message {
        action: LinkKind,
        kind: Option<MessageKind>,
        from: NodeRef,
        to: NodeRef,
    },
    /// `drop message ID` / `duplicate message ID` (extension): acts on the
    /// in-flight message with that id (ids are given in sending order, so
    /// they are the same in every run of the scenario).
    FaultMessage {
        action: LinkKind,
        id: u64,
    },
    /// `client load every DURATION` / `client load off` (extension): a
    /// steady `put` every DURATION, or none. Not an event.
    ClientLoad(Option<Micros>),
    /// `break BREAKPOINT` (extension): report, and in the browser pause at,
    /// every event the breakpoint matches from now on.
    Break(Breakpoint),
    /// `unbreak BREAKPOINT`, or `unbreak all` (`None`) (extension).
    Unbreak(Option<Breakpoint>),
    /// `rule NAME off` / `rule NAME on` (version 2): a lesion, on every node.
    Rule {
        rule: Rule,
        on: bool,
    },
    Put {
        key: String,
        value: String,
        via: Option<NodeRef>,
    },
    Get {
        key: String,
        via: Option<NodeRef>,
        /// `read=MODE` (version 2); `Log` when absent.
        read: raft::ReadMode,
    },
    Del {
        key: String,
        via: Option<NodeRef>,
    },
    /// An empty prefix (every key) is written `list` (extension).
    List {
        prefix: String,
        via: Option<NodeRef>,
        read: raft::ReadMode,
    },
    ExpectLeader(Option<NodeId>),
    ExpectTerm {
        node: NodeRef,
        term: u64,
    },
    ExpectRole {
        node: NodeRef,
        role: ExpectedRole,
    },
    ExpectCommitted {
        node: NodeRef,
        index: u64,
    },
    /// `expect snapshot N INDEX` (version 2, §7): node N's latest snapshot
    /// covers its log up to INDEX (0: it has none).
    ExpectSnapshot {
        node: NodeRef,
        index: u64,
    },
    /// An empty list expects an empty log.
    ExpectLog {
        node: NodeRef,
        entries: Vec<(Term, raft::Command)>,
    },
    ExpectValue {
        key: String,
        value: String,
        on: Option<NodeRef>,
    },
    ExpectMissing {
        key: String,
        on: Option<NodeRef>,
    },
    ExpectNoViolations,
    /// `expect violation INVARIANT` (version 2): the run broke it. Checked
    /// where the violation stops the run; the scenario then ends there.
    ExpectViolation(Invariant),
    /// `expect read N VALUE` / `expect read N missing`: client operation #N
    /// (a `get`) returned VALUE / that the key is missing.
    ExpectRead {
        op: u64,
        value: Option<String>,
    },
    /// `expect linearizable` (true) / `expect not-linearizable` (false): the
    /// whole client history so far, every operation included.
    ExpectLinearizable(bool),
    Show(ShowWhat),
    /// `etcdctl ...`: `put`, `get` and `del` go to the cluster and wait for
    /// the answer (at most etcdctl's 5 s command timeout); `member list` and
    /// `endpoint status` print the members' state at once.
    Etcdctl(Call),
    /// A form of the Kubernetes control plane (`ast_kube.rs`).
    Kube(KubeCommand),
}

/// The block after a `----` line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Expected {
    /// 1-based line number of the `----` line.
    pub separator_line: u32,
    /// The expected output, verbatim but for trailing whitespace.
    pub lines: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    pub line: u32,
    /// Column of the command's first word, in characters, 1-based.
    pub column: u32,
    /// The command as written, without comment and surrounding whitespace.
    pub text: String,
    pub command: Command,
    pub expected: Option<Expected>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scenario {
    pub cluster: ClusterSpec,
    pub cluster_line: u32,
    pub steps: Vec<Step>,
}

impl Scenario {
    /// Same cluster, commands and expected output; positions and the text
    /// as written are ignored.
    pub fn equivalent(&self, other: &Scenario) -> bool {
        self.cluster == other.cluster
            && self.steps.len() == other.steps.len()
            && self.steps.iter().zip(&other.steps).all(|(a, b)| {
                a.command == b.command && a.expected.as_ref().map(|e| &e.lines) == b.expected.as_ref().map(|e| &e.lines)
            })
    }
}

/// An error with the position of the offending word.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    pub line: u32,
    /// In characters, 1-based.
    pub column: u32,
    /// The offending word; empty when a word is missing.
    pub word: String,
    /// What the parser wanted there, in words for the author: a sentence
    /// the page words in its language (util::msg).
    pub expected: Msg,
}

impl ParseError {
    /// The message prefixed with the file name, as the CLI prints it.
    pub fn with_file(&self, file: &str) -> String {
        format!("{file}:{self}")
    }

    /// The whole message as a sentence with its arguments (`LINE:COLUMN`,
    /// the word, what was expected): the one English of `Display`, and the
    /// key and arguments the page words in its language.
    pub fn msg(&self) -> Msg {
        let at = if self.word.is_empty() {
            Msg::new("parse.missing", "{line}:{column}: missing word, expected {expected}")
        } else {
            Msg::new("parse.unexpected", "{line}:{column}: unexpected '{word}', expected {expected}")
                .text("word", self.word.clone())
        };
        at.num("line", self.line).num("column", self.column).msg("expected", self.expected.clone())
    }

    /// [`ParseError::msg`] prefixed with the file name.
    pub fn msg_with_file(&self, file: &str) -> Msg {
        Msg::new("parse.inFile", "{file}:{error}").text("file", file).msg("error", self.msg())
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.msg())
    }
}

impl std::error::Error for ParseError {}

impl ExpectedRole {
    pub fn name(self) -> &'static str {
        match self {
            ExpectedRole::Follower => "follower",
            ExpectedRole::PreCandidate => "pre-candidate",
            ExpectedRole::Candidate => "candidate",
            ExpectedRole::Leader => "leader",
            ExpectedRole::Crashed => "crashed",
        }
    }
}

impl ShowWhat {
    pub fn name(self) -> &'static str {
        match self {
            ShowWhat::Nodes => "nodes",
            ShowWhat::Log => "log",
            ShowWhat::Kv => "kv",
            ShowWhat::Messages => "messages",
        }
    }
}

impl Command {
    /// Whether running it is one event of the world (a user action), as
    /// opposed to taking time (`run`, `step`) or none (`expect`, `show`,
    /// `break`, `client load`). A player with no events left in its budget
    /// must stop before such a step.
    pub fn is_event(&self) -> bool {
        matches!(
            self,
            Command::Crash(_)
                | Command::Restart(_)
                | Command::Timeout(_)
                | Command::TransferLeader(_)
                | Command::Snapshot(_)
                | Command::Partition(_)
                | Command::Cut { .. }
                | Command::Uncut { .. }
                | Command::Heal
                | Command::Rule { .. }
                | Command::Message { .. }
                | Command::FaultMessage { .. }
                | Command::Put { .. }
                | Command::Get { .. }
                | Command::Del { .. }
                | Command::List { .. }
        ) || matches!(self, Command::Kube(k) if k.is_event())
    }
}
