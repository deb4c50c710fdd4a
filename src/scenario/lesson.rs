//! Lessons: a scenario with directives that narrate, pause, ask the learner
//! to act, ask them to predict, and set them puzzles (docs/lessons.md).
//!
//! A lesson is cut into *stages* at its interactive directives: each stage
//! plays its script (scenario commands) and then waits, at a Continue, a
//! question, a task graded by a [`Predicate`], or the end. A stage is also
//! what a learner sees as a step and what a link reopens. The lesson's
//! scripted path (Continue, the right answers, the actions "show me"
//! performs) is canonical: it is what `raftlab check` plays and what a link
//! to a step replays up to that step.

use std::fmt;

use serde::ser::{Serialize, Serializer};

use crate::check::Invariant;
use crate::raft::NodeId;

use super::ast::{format_duration, ClusterSpec, Micros, Step, SECOND};

/// How long `raftlab check` (and a link to a later step) waits, after the
/// actions of "show me", for a task's predicate to hold, unless the task
/// says `within`.
pub const DEFAULT_TASK_WITHIN: Micros = 10 * SECOND;
/// A hint without `after` appears this long after its task began (real time).
pub const DEFAULT_HINT_AFTER_MS: u64 = 20_000;

/// One line of a text: `lang` is `None` for the default (English) text and
/// e.g. `Some("ko")` for a `[ko]` line. An empty `text` separates paragraphs.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct TextLine {
    pub lang: Option<String>,
    pub text: String,
}

/// A text in one or more languages, as the page gets it: the lines in file
/// order (the page shows those of its language, else the default ones).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Text {
    /// Where it starts, for messages about it.
    pub line: u32,
    pub lines: Vec<TextLine>,
}

impl Text {
    /// Whether some line is in `lang` (`None`: the default language).
    pub fn has(&self, lang: Option<&str>) -> bool {
        self.lines.iter().any(|l| l.lang.as_deref() == lang)
    }

    /// The lines in `lang`, or the default ones when it has none, joined.
    pub fn in_lang(&self, lang: Option<&str>) -> String {
        let lang = if self.has(lang) { lang } else { None };
        let lines: Vec<&str> =
            self.lines.iter().filter(|l| l.lang.as_deref() == lang).map(|l| l.text.as_str()).collect();
        lines.join(" ")
    }
}

impl Serialize for Text {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.lines.serialize(serializer)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lesson {
    pub title: Text,
    pub about: Text,
    pub cluster: ClusterSpec,
    pub cluster_line: u32,
    /// The `say` blocks, in file order; stages refer to them by index.
    pub narrations: Vec<Text>,
    /// At least one: the last one waits at [`Wait::End`].
    pub stages: Vec<Stage>,
}

/// A part of the lesson: its script plays, then it waits.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stage {
    /// The line of the directive it waits at (the last line for the end).
    pub line: u32,
    pub script: Vec<Step>,
    /// Per script step, the narration in force while it plays.
    pub narration: Vec<Option<usize>>,
    /// The narration in force while the stage waits.
    pub waiting_narration: Option<usize>,
    pub wait: Wait,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Wait {
    /// `pause`: the world stands still until the learner presses Continue.
    Pause,
    /// `predict`: the world stands still until the learner picks a right
    /// answer; a wrong one gets its feedback and another try.
    Predict(Vec<Choice>),
    /// `act` / `goal`: the world runs, the learner acts, and the stage is
    /// done at the first event after which the predicate holds.
    Task(Task),
    /// The end of the lesson: the world runs on, every control free.
    End,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Choice {
    pub text: Text,
    pub correct: bool,
    /// Shown when it is picked (may be empty).
    pub feedback: Text,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TaskKind {
    /// `act`: do this (a hint after a while, "show me" does it).
    Act,
    /// `goal`: a puzzle, every control free ("show a solution" solves it).
    Goal,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Task {
    pub kind: TaskKind,
    pub predicate: Predicate,
    /// After the actions of "show me", how long the scripted path waits for
    /// the predicate (virtual time).
    pub within: Micros,
    pub hints: Vec<Hint>,
    /// The actions "show me" performs (`do` lines): the scripted path.
    pub show: Vec<Step>,
}

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Hint {
    /// Real time after the task began, in milliseconds.
    pub after_ms: u64,
    pub text: Text,
}

impl Lesson {
    /// Every text without a line in `lang`: `(line, what)`.
    pub fn untranslated(&self, lang: &str) -> Vec<(u32, &'static str)> {
        let mut missing = Vec::new();
        let mut check = |text: &Text, what: &'static str| {
            if !text.lines.is_empty() && !text.has(Some(lang)) {
                missing.push((text.line, what));
            }
        };
        check(&self.title, "title");
        check(&self.about, "about");
        for text in &self.narrations {
            check(text, "say");
        }
        for stage in &self.stages {
            match &stage.wait {
                Wait::Predict(choices) => {
                    for c in choices {
                        check(&c.text, if c.correct { "answer" } else { "choice" });
                        check(&c.feedback, "feedback");
                    }
                }
                Wait::Task(task) => task.hints.iter().for_each(|h| check(&h.text, "hint")),
                Wait::Pause | Wait::End => {}
            }
        }
        missing.sort_unstable();
        missing
    }
}

// ---------- predicates ----------

/// A condition on the world, checked after every event while a task waits:
/// `ATOM and ATOM or ATOM ...` (`and` binds tighter), each atom optionally
/// preceded by `not`. docs/lessons.md lists every atom.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Predicate {
    /// Any of these holds: every atom of it holds.
    pub any: Vec<Vec<Atom>>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Atom {
    pub not: bool,
    pub test: Test,
}

/// Whom a node test is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Subject {
    Node(NodeId),
    /// `leader`: the server that was the leader when the step began, so that
    /// `leader crashed` can become true.
    StepLeader,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NodeState {
    Follower,
    Candidate,
    Leader,
    Crashed,
    Up,
    /// Cannot exchange messages both ways with any other server (the
    /// partition and the cut links decide; crashes do not).
    Isolated,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NodeNumber {
    Term,
    Commit,
    /// The last index of its log.
    Log,
    Applied,
    /// Entries after its commit index: last index − commit index.
    Uncommitted,
}

/// A number about the whole cluster.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Count {
    /// Live servers that believe they lead (any term).
    Leaders,
    Candidates,
    Crashed,
    Up,
    /// The highest term of any server.
    Term,
    /// The highest commit index of a live server.
    Commit,
    /// Live servers in the largest partition group.
    Side,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Value {
    Number(u64),
    /// The cluster's quorum: a strict majority of its servers.
    Quorum,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cmp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl Cmp {
    pub const ALL: [(&'static str, Cmp); 6] =
        [("=", Cmp::Eq), ("!=", Cmp::Ne), ("<", Cmp::Lt), ("<=", Cmp::Le), (">", Cmp::Gt), (">=", Cmp::Ge)];

    pub fn holds(self, a: u64, b: u64) -> bool {
        match self {
            Cmp::Eq => a == b,
            Cmp::Ne => a != b,
            Cmp::Lt => a < b,
            Cmp::Le => a <= b,
            Cmp::Gt => a > b,
            Cmp::Ge => a >= b,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Test {
    Node(Subject, NodeState),
    NodeNumber(Subject, NodeNumber, Cmp, Value),
    Count(Count, Cmp, Value),
    /// No live server is leader.
    NoLeader,
    /// A leader acknowledged by a quorum that is not the step's leader, or
    /// leads a higher term than it did.
    NewLeader,
    /// The network is partitioned into more than one group.
    Partitioned,
    /// That safety invariant (any, without a name) broke since the step began.
    Violation(Option<Invariant>),
    // Events: each holds at the event where it happens.
    /// A candidate's election timer ran out before it won or lost: it starts
    /// another term.
    SplitVote,
    /// An entry that was stored on a majority of the servers (at some moment
    /// since the step began) was replaced by another on some server.
    Overwritten,
    /// A client write (`put` or `del`) completed.
    WriteCommitted,
    /// A server answered a client request with a redirect.
    Redirect,
    /// The client sent a request again after getting no answer.
    Retry,
    /// A node decided with this reason (docs/why.md), or a reason whose key
    /// starts with it and a dot: `vote.refused` is every refused vote.
    Reason(String),
}

impl Test {
    /// True at the event where it happens rather than of a state.
    pub fn is_event(&self) -> bool {
        matches!(
            self,
            Test::SplitVote | Test::Overwritten | Test::WriteCommitted | Test::Redirect | Test::Retry | Test::Reason(_)
        )
    }
}

impl fmt::Display for Subject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Subject::Node(id) => write!(f, "node {id}"),
            Subject::StepLeader => f.write_str("leader"),
        }
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Number(n) => write!(f, "{n}"),
            Value::Quorum => f.write_str("quorum"),
        }
    }
}

pub const NODE_STATES: [(&str, NodeState); 6] = [
    ("follower", NodeState::Follower),
    ("candidate", NodeState::Candidate),
    ("leader", NodeState::Leader),
    ("crashed", NodeState::Crashed),
    ("up", NodeState::Up),
    ("isolated", NodeState::Isolated),
];
pub const NODE_NUMBERS: [(&str, NodeNumber); 5] = [
    ("term", NodeNumber::Term),
    ("commit", NodeNumber::Commit),
    ("log", NodeNumber::Log),
    ("applied", NodeNumber::Applied),
    ("uncommitted", NodeNumber::Uncommitted),
];
pub const COUNTS: [(&str, Count); 7] = [
    ("leaders", Count::Leaders),
    ("candidates", Count::Candidates),
    ("crashed", Count::Crashed),
    ("up", Count::Up),
    ("term", Count::Term),
    ("commit", Count::Commit),
    ("side", Count::Side),
];

fn name_of<T: PartialEq + Copy>(table: &[(&'static str, T)], value: T) -> &'static str {
    table.iter().find(|(_, v)| *v == value).map_or("?", |(n, _)| n)
}

impl fmt::Display for Test {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let cmp = |c: Cmp| name_of(&Cmp::ALL, c);
        match self {
            Test::Node(s, state) => write!(f, "{s} {}", name_of(&NODE_STATES, *state)),
            Test::NodeNumber(s, n, c, v) => write!(f, "{s} {} {} {v}", name_of(&NODE_NUMBERS, *n), cmp(*c)),
            Test::Count(n, c, v) => write!(f, "{} {} {v}", name_of(&COUNTS, *n), cmp(*c)),
            Test::NoLeader => f.write_str("no leader"),
            Test::NewLeader => f.write_str("new leader"),
            Test::Partitioned => f.write_str("partitioned"),
            Test::Violation(None) => f.write_str("violation"),
            Test::Violation(Some(i)) => write!(f, "violation {}", i.word()),
            Test::SplitVote => f.write_str("split vote"),
            Test::Overwritten => f.write_str("overwritten"),
            Test::WriteCommitted => f.write_str("write committed"),
            Test::Redirect => f.write_str("redirect"),
            Test::Retry => f.write_str("retry"),
            Test::Reason(key) => write!(f, "reason {key}"),
        }
    }
}

impl fmt::Display for Predicate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, all) in self.any.iter().enumerate() {
            if i > 0 {
                f.write_str(" or ")?;
            }
            for (j, atom) in all.iter().enumerate() {
                if j > 0 {
                    f.write_str(" and ")?;
                }
                if atom.not {
                    f.write_str("not ")?;
                }
                write!(f, "{}", atom.test)?;
            }
        }
        Ok(())
    }
}

impl fmt::Display for Task {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let word = match self.kind {
            TaskKind::Act => "act",
            TaskKind::Goal => "goal",
        };
        write!(f, "{word} {}", self.predicate)?;
        if self.within != DEFAULT_TASK_WITHIN {
            write!(f, " within {}", format_duration(self.within))?;
        }
        Ok(())
    }
}
