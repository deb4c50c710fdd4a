//! The parsed form of a scenario, and its canonical text.
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
    /// The whole scenario in canonical text. Parsing it gives a scenario
    /// `equivalent` to this one, and parsing is a fixed point from then on:
    /// `to_text` of the re-parsed scenario is the same string.
    ///
    /// This holds for every scenario the parser can produce; one built by
    /// hand must keep to the same rules (keys are single words without `=`
    /// or `#`, expected lines are single, non-blank lines).
    pub fn to_text(&self) -> String {
        let mut out = format!("{}\n", self.cluster);
        for step in &self.steps {
            out.push_str(&step.command.to_string());
            out.push('\n');
            if let Some(expected) = &step.expected {
                out.push_str("----\n");
                for line in &expected.lines {
                    out.push_str(line);
                    out.push('\n');
                }
                // A blank line is the only way to end a block.
                out.push('\n');
            }
        }
        out
    }

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

/// The shortest exact spelling the lexer reads back with a whole part of at
/// least 1, and the largest unit between spellings of one length: `150ms`,
/// `100ms` (not `0.1s`), `1.5s`, `1.234s` (not `1234ms`), `1234us`, `2s`.
pub fn format_duration(us: Micros) -> String {
    if us == 0 {
        return "0s".to_string();
    }
    let mut best: Option<String> = None;
    for (unit, factor) in [("s", SECOND), ("ms", MILLI), ("us", 1)] {
        let (whole, frac) = (us / factor, us % factor);
        if whole == 0 {
            continue;
        }
        let text = if frac == 0 {
            format!("{whole}{unit}")
        } else {
            let width = factor.ilog10() as usize;
            let digits = format!("{frac:0width$}");
            format!("{whole}.{}{unit}", digits.trim_end_matches('0'))
        };
        // Units come largest first: a later one must be strictly shorter.
        if best.as_ref().is_none_or(|b| text.len() < b.len()) {
            best = Some(text);
        }
    }
    best.unwrap_or_default()
}

/// The largest unit that divides `us`: (count, unit, unit in microseconds).
fn split_unit(us: Micros) -> (Micros, &'static str, Micros) {
    if us != 0 && us.is_multiple_of(SECOND) {
        (us / SECOND, "s", SECOND)
    } else if us.is_multiple_of(MILLI) {
        (us / MILLI, "ms", MILLI)
    } else {
        (us, "us", 1)
    }
}

/// `LOW..HIGHunit` when LOW is exact in HIGH's unit, else both with units.
pub fn format_range((low, high): (Micros, Micros)) -> String {
    let (h, unit, factor) = split_unit(high);
    if low.is_multiple_of(factor) {
        format!("{}..{h}{unit}", low / factor)
    } else {
        format!("{}..{}", format_duration(low), format_duration(high))
    }
}

/// Parts per million as a percentage: 5000 is `0.5%`.
pub fn format_percent(ppm: u32) -> String {
    let whole = ppm / 10_000;
    let frac = ppm % 10_000;
    if frac == 0 {
        format!("{whole}%")
    } else {
        let digits = format!("{frac:04}");
        format!("{whole}.{}%", digits.trim_end_matches('0'))
    }
}

/// `cluster N ...`, or for a control plane `kubernetes stacked ...` with the
/// lease timings, then the same cluster options.
impl fmt::Display for ClusterSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kube {
            Some(kube) => write!(
                f,
                "kubernetes {kube} lease-duration={} renew-deadline={} retry-period={}",
                format_duration(kube.lease.duration),
                format_duration(kube.lease.renew_deadline),
                format_duration(kube.lease.retry_period)
            )?,
            None => write!(f, "cluster {}", self.nodes)?,
        }
        write!(
            f,
            " seed={} election={} heartbeat={} latency={} loss={}",
            self.seed,
            format_range(self.election),
            format_duration(self.heartbeat),
            format_range(self.latency),
            format_percent(self.loss_ppm)
        )?;
        // Written only when they differ from the line's default (off on a
        // `cluster` line, etcd's on a `kubernetes` one), so lines without
        // them read back unchanged.
        let (prevote, check_quorum) = match self.kube {
            Some(_) => (crate::kube::ETCD_RAFT.prevote, crate::kube::ETCD_RAFT.checkquorum),
            None => (false, false),
        };
        let word = |on: bool| if on { "on" } else { "off" };
        if self.prevote != prevote {
            write!(f, " prevote={}", word(self.prevote))?;
        }
        if self.check_quorum != check_quorum {
            write!(f, " checkquorum={}", word(self.check_quorum))?;
        }
        // Version 2 options, written only when set, so that version 1
        // scenarios and links read as they always did.
        if self.disk != (0, 0) {
            write!(f, " disk={}", format_range(self.disk))?;
        }
        if self.drift_ppm != 0 {
            write!(f, " drift={}", format_percent(self.drift_ppm))?;
        }
        if self.snapshot > 0 {
            write!(f, " snapshot={}", self.snapshot)?;
        }
        Ok(())
    }
}

impl fmt::Display for NodeRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NodeRef::Id(id) => write!(f, "{id}"),
            NodeRef::Leader => f.write_str("leader"),
            NodeRef::Client => f.write_str("client"),
        }
    }
}

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

impl fmt::Display for ExpectedRole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
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

impl fmt::Display for ShowWhat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

fn arrow(both: bool) -> &'static str {
    if both {
        "<->"
    } else {
        "->"
    }
}

struct Suffix<'a>(&'a str, &'a Option<NodeRef>);

impl fmt::Display for Suffix<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.1 {
            Some(node) => write!(f, " {} {node}", self.0),
            None => Ok(()),
        }
    }
}

/// ` read=MODE`, left out for the default `log`.
struct ReadSuffix(raft::ReadMode);

impl fmt::Display for ReadSuffix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            raft::ReadMode::Log => Ok(()),
            mode => write!(f, " read={mode}"),
        }
    }
}

struct Within(Micros);

impl fmt::Display for Within {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Defaults are left out to keep shared URLs short.
        if self.0 == DEFAULT_WITHIN {
            Ok(())
        } else {
            write!(f, " within {}", format_duration(self.0))
        }
    }
}

/// The command in the scenario language; it parses back to an equal command.
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

impl fmt::Display for Command {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Command::Run(d) => write!(f, "run {}", format_duration(*d)),
            Command::RunUntilLeader { within } => write!(f, "run until leader{}", Within(*within)),
            Command::RunUntilCommitted { index, within } => {
                write!(f, "run until committed {index}{}", Within(*within))
            }
            Command::Step(1) => f.write_str("step"),
            Command::Step(k) => write!(f, "step {k}"),
            Command::Crash(n) => write!(f, "crash {n}"),
            Command::Restart(n) => write!(f, "restart {n}"),
            Command::Timeout(n) => write!(f, "timeout {n}"),
            Command::TransferLeader(n) => write!(f, "transfer leader to {n}"),
            Command::Snapshot(n) => write!(f, "snapshot {n}"),
            Command::Partition(groups) if groups.is_empty() => f.write_str("partition none"),
            Command::Partition(groups) => {
                f.write_str("partition ")?;
                for (i, group) in groups.iter().enumerate() {
                    if i > 0 {
                        f.write_str(" | ")?;
                    }
                    for (j, node) in group.iter().enumerate() {
                        if j > 0 {
                            f.write_str(",")?;
                        }
                        write!(f, "{node}")?;
                    }
                }
                Ok(())
            }
            Command::Cut { from, to, both } => write!(f, "cut {from}{}{to}", arrow(*both)),
            Command::Uncut { from, to, both } => write!(f, "uncut {from}{}{to}", arrow(*both)),
            Command::Heal => f.write_str("heal"),
            Command::Message { action, kind, from, to } => {
                let action = action.name();
                let kind = kind.map_or("any", |k| k.name());
                write!(f, "{action} next {kind} {from}->{to}")
            }
            Command::FaultMessage { action, id } => write!(f, "{} message {id}", action.name()),
            Command::ClientLoad(Some(every)) => write!(f, "client load every {}", format_duration(*every)),
            Command::ClientLoad(None) => f.write_str("client load off"),
            Command::Break(breakpoint) => write!(f, "break {breakpoint}"),
            Command::Unbreak(Some(breakpoint)) => write!(f, "unbreak {breakpoint}"),
            Command::Unbreak(None) => f.write_str("unbreak all"),
            Command::Rule { rule, on } => write!(f, "rule {rule} {}", if *on { "on" } else { "off" }),
            Command::Put { key, value, via } => write!(f, "put {key} {value}{}", Suffix("via", via)),
            Command::Get { key, via, read } => write!(f, "get {key}{}{}", Suffix("via", via), ReadSuffix(*read)),
            Command::Del { key, via } => write!(f, "del {key}{}", Suffix("via", via)),
            // The empty prefix is the bare `list` (extension).
            Command::List { prefix, via, read } if prefix.is_empty() => {
                write!(f, "list{}{}", Suffix("via", via), ReadSuffix(*read))
            }
            Command::List { prefix, via, read } => {
                write!(f, "list {prefix}{}{}", Suffix("via", via), ReadSuffix(*read))
            }
            Command::ExpectLeader(Some(id)) => write!(f, "expect leader {id}"),
            Command::ExpectLeader(None) => f.write_str("expect leader none"),
            Command::ExpectTerm { node, term } => write!(f, "expect term {node} {term}"),
            Command::ExpectRole { node, role } => write!(f, "expect role {node} {role}"),
            Command::ExpectCommitted { node, index } => write!(f, "expect committed {node} {index}"),
            Command::ExpectSnapshot { node, index } => write!(f, "expect snapshot {node} {index}"),
            Command::ExpectLog { node, entries } => {
                write!(f, "expect log {node}")?;
                for (term, command) in entries {
                    write!(f, " {term}:{command}")?;
                }
                Ok(())
            }
            Command::ExpectValue { key, value, on } => {
                write!(f, "expect value {key} {value}{}", Suffix("on", on))
            }
            Command::ExpectMissing { key, on } => write!(f, "expect missing {key}{}", Suffix("on", on)),
            Command::ExpectNoViolations => f.write_str("expect no-violations"),
            Command::ExpectViolation(invariant) => write!(f, "expect violation {}", invariant.word()),
            Command::ExpectRead { op, value } => {
                write!(f, "expect read {op} {}", value.as_deref().unwrap_or("missing"))
            }
            Command::ExpectLinearizable(true) => f.write_str("expect linearizable"),
            Command::ExpectLinearizable(false) => f.write_str("expect not-linearizable"),
            Command::Show(what) => write!(f, "show {what}"),
            Command::Etcdctl(call) => write!(f, "etcdctl {call}"),
            Command::Kube(command) => write!(f, "{command}"),
        }
    }
}
