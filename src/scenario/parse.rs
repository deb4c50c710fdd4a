//! The parser of the scenario language (docs: scenario-language.md).
//!
//! It stops at the first error: a scenario with an error does not start, so
//! there is nothing to gain from recovering, and one precise message is
//! easier for a course author than a cascade.

// Declared here rather than in mod.rs so that the module tree of
// `scenario` stays `ast` + `parse`.
#[path = "lexer.rs"]
mod lexer;

use super::ast::{
    ClusterSpec, Command, Expected, ExpectedRole, LinkKind, NodeRef, ParseError, Scenario, ShowWhat, Step,
    DEFAULT_WITHIN, MAX_STEP,
};
use crate::raft::{self, MessageKind, NodeId, MAX_NODES};
use lexer::{duration, percent, range, uint, uint_word, Cursor, Line, Word, DURATION};

const SEPARATOR: &str = "----";
const COMMANDS: &str = "one of: run, step, crash, restart, timeout, partition, cut, uncut, heal, \
                        drop, duplicate, put, get, del, list, expect, show";
/// The first words of commands.
const KEYWORDS: [&str; 18] = [
    "cluster", "run", "step", "crash", "restart", "timeout", "partition", "cut", "uncut", "heal", "drop", "duplicate",
    "put", "get", "del", "list", "expect", "show",
];
const EXPECTS: &str = "one of: leader, term, role, committed, log, value, missing, no-violations";
const MESSAGE_TYPE: &str = "a message type: RequestVote, RequestVoteReply, AppendEntries, AppendEntriesReply, any";
const OPTIONS: &str = "an option: seed, election, heartbeat, latency, loss";
const LOG_ENTRY: &str = "a log entry like 1:noop, 1:put(x=1), 2:del(x), 2:get(x) or 3:list(prefix)";
const END: &str = "end of line";

/// Parses a whole scenario, stopping at the first error.
pub fn parse(text: &str) -> Result<Scenario, ParseError> {
    // Editors on Windows may start the file with a byte order mark.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let raw: Vec<&str> = text.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l)).collect();
    let number = |i: usize| u32::try_from(i + 1).unwrap_or(u32::MAX);
    let is_separator = |i: usize| raw.get(i).is_some_and(|l| l.trim() == SEPARATOR);

    let mut cluster: Option<(ClusterSpec, u32)> = None;
    let mut steps = Vec::new();
    let mut i = 0;
    while i < raw.len() {
        // Every `----` that follows a command is consumed with it, so one
        // seen here follows a blank line, a comment or an expectation block.
        if is_separator(i) {
            return Err(separator_error(raw[i], number(i), "a command on the line just before it"));
        }
        let line = Line::new(raw[i], number(i));
        i += 1;
        let Some(first) = line.words.first() else {
            continue;
        };
        let Some((spec, _)) = &cluster else {
            cluster = Some((parse_cluster(&line)?, line.number));
            if is_separator(i) {
                return Err(separator_error(raw[i], number(i), "a step before it; the cluster line has no output"));
            }
            continue;
        };
        let command = Parser { nodes: spec.nodes }.command(&line)?;
        let mut expected = None;
        if is_separator(i) {
            let separator_line = number(i);
            i += 1;
            let mut lines = Vec::new();
            while let Some(l) = raw.get(i).filter(|l| !l.trim().is_empty()) {
                // No command prints a line that starts with a command word, so
                // such a line is a command whose blank line was forgotten: left
                // in the block, `check --rewrite` would overwrite it.
                let first_word = l.split_whitespace().next().unwrap_or("");
                if KEYWORDS.contains(&first_word) {
                    let column = l.chars().take_while(|c| c.is_whitespace()).count() + 1;
                    return Err(ParseError {
                        line: number(i),
                        column: u32::try_from(column).unwrap_or(u32::MAX),
                        word: first_word.to_string(),
                        expected: "a blank line ending the expectation block before this command".into(),
                    });
                }
                lines.push(l.trim_end().to_string());
                i += 1;
            }
            expected = Some(Expected { separator_line, lines });
        }
        steps.push(Step { line: line.number, column: first.col, text: line.content.to_string(), command, expected });
    }
    match cluster {
        Some((cluster, cluster_line)) => Ok(Scenario { cluster, cluster_line, steps }),
        None => Err(ParseError {
            line: 1,
            column: 1,
            word: String::new(),
            expected: "'cluster N' as the first command".into(),
        }),
    }
}

fn separator_error(raw: &str, line: u32, expected: &str) -> ParseError {
    let indent = raw.chars().take_while(|c| c.is_whitespace()).count();
    let column = u32::try_from(indent + 1).unwrap_or(u32::MAX);
    ParseError { line, column, word: SEPARATOR.into(), expected: expected.into() }
}

fn parse_cluster(line: &Line) -> Result<ClusterSpec, ParseError> {
    let size = format!("a cluster size 1..{MAX_NODES}");
    let mut c = Cursor::new(line);
    let first = c.word("'cluster N' as the first command")?;
    if first.text != "cluster" {
        return Err(first.error("'cluster N' as the first command"));
    }
    let n = c.word(&size)?;
    let mut spec = match uint(n.text) {
        Some(v) if (1..=MAX_NODES as u64).contains(&v) => ClusterSpec::new(v as u8),
        _ => return Err(n.error(size)),
    };
    let mut seen: Vec<&str> = Vec::new();
    while let Some(w) = c.next() {
        let Some((key, value)) = w.text.split_once('=').filter(|(k, _)| !k.is_empty()) else {
            return Err(w.error("an option like seed=7, election=150..300ms or loss=5%"));
        };
        let name = w.sub(0, key.len());
        let v = w.tail(key.len() + 1);
        if !["seed", "election", "heartbeat", "latency", "loss"].contains(&key) {
            return Err(name.error(OPTIONS));
        }
        if seen.contains(&key) {
            return Err(name.error("each option at most once"));
        }
        seen.push(key);
        if value.is_empty() {
            return Err(w.error(format!("a value after '{key}='")));
        }
        match key {
            "seed" => spec.seed = uint_word(&v, "a seed like 7")?,
            "election" => {
                spec.election = range(&v)?;
                if spec.election.0 == 0 {
                    return Err(v.error("an election timeout above 0, like 150..300ms"));
                }
            }
            "heartbeat" => {
                spec.heartbeat = duration(&v)?;
                // A zero interval would fire forever at one instant.
                if spec.heartbeat == 0 {
                    return Err(v.error("a heartbeat interval above 0, like 50ms"));
                }
            }
            "latency" => spec.latency = range(&v)?,
            _ => spec.loss_ppm = percent(&v)?,
        }
    }
    Ok(spec)
}

/// The grammar of every command but `cluster`, for a cluster of `nodes`.
struct Parser {
    nodes: u8,
}

impl Parser {
    fn node_expected(&self, or: &str) -> String {
        if self.nodes == 1 {
            format!("a node id 1 or '{or}'")
        } else {
            format!("a node id 1..{} or '{or}'", self.nodes)
        }
    }

    fn id(&self, w: &Word) -> Option<NodeId> {
        uint(w.text).filter(|&v| v >= 1 && v <= self.nodes as u64).map(|v| v as NodeId)
    }

    fn node(&self, w: &Word) -> Result<NodeRef, ParseError> {
        if w.text == "leader" {
            return Ok(NodeRef::Leader);
        }
        self.id(w).map(NodeRef::Id).ok_or_else(|| w.error(self.node_expected("leader")))
    }

    fn next_node(&self, c: &mut Cursor) -> Result<NodeRef, ParseError> {
        let w = c.word(&self.node_expected("leader"))?;
        self.node(&w)
    }

    /// `[WORD N]`, as in `put x 1 via 2` and `expect value x 1 on 2`.
    fn suffix(&self, c: &mut Cursor, word: &str) -> Result<Option<NodeRef>, ParseError> {
        match c.peek() {
            Some(w) if w.text == word => {
                c.next();
                self.next_node(c).map(Some)
            }
            _ => Ok(None),
        }
    }

    fn command(&self, line: &Line) -> Result<Command, ParseError> {
        let mut c = Cursor::new(line);
        let w = c.word(COMMANDS)?;
        let via_or_end = "'via N' or end of line";
        let mut end = END;
        let command = match w.text {
            "run" => {
                let (command, e) = self.run(&mut c)?;
                end = e;
                command
            }
            "step" => match c.next() {
                None => Command::Step(1),
                Some(k) => match uint(k.text) {
                    Some(v) if v >= 1 && v <= MAX_STEP as u64 => Command::Step(v as u32),
                    _ => return Err(k.error(format!("a count 1..{MAX_STEP}"))),
                },
            },
            "crash" => Command::Crash(self.next_node(&mut c)?),
            "restart" => Command::Restart(self.next_node(&mut c)?),
            "timeout" => Command::Timeout(self.next_node(&mut c)?),
            "partition" => {
                end = "',', '|' or end of line";
                Command::Partition(self.partition(&mut c)?)
            }
            "cut" | "uncut" => {
                let (from, to, both) = self.link(&mut c, true)?;
                if w.text == "cut" {
                    Command::Cut { from, to, both }
                } else {
                    Command::Uncut { from, to, both }
                }
            }
            "heal" => Command::Heal,
            "drop" | "duplicate" => {
                let next = c.word("'next'")?;
                if next.text != "next" {
                    return Err(next.error("'next'"));
                }
                let t = c.word(MESSAGE_TYPE)?;
                let kind = match t.text {
                    "any" => None,
                    name => Some(MessageKind::from_name(name).ok_or_else(|| t.error(MESSAGE_TYPE))?),
                };
                let (from, to, _) = self.link(&mut c, false)?;
                let action = if w.text == "drop" { LinkKind::Drop } else { LinkKind::Duplicate };
                Command::Message { action, kind, from, to }
            }
            "put" => {
                let key = key(&mut c)?;
                let value = c.word("a value")?.text.to_string();
                end = via_or_end;
                Command::Put { key, value, via: self.suffix(&mut c, "via")? }
            }
            "get" | "del" | "list" => {
                let key = key(&mut c)?;
                let via = self.suffix(&mut c, "via")?;
                end = via_or_end;
                match w.text {
                    "get" => Command::Get { key, via },
                    "del" => Command::Del { key, via },
                    _ => Command::List { prefix: key, via },
                }
            }
            "expect" => {
                let (command, e) = self.expect(&mut c)?;
                end = e;
                command
            }
            "show" => {
                const SHOW: &str = "one of: nodes, log, kv, messages";
                let what = c.word(SHOW)?;
                Command::Show(match what.text {
                    "nodes" => ShowWhat::Nodes,
                    "log" => ShowWhat::Log,
                    "kv" => ShowWhat::Kv,
                    "messages" => ShowWhat::Messages,
                    _ => return Err(what.error(SHOW)),
                })
            }
            "cluster" => return Err(w.error("a command other than 'cluster', which comes once, first")),
            _ => return Err(w.error(COMMANDS)),
        };
        c.end(end)?;
        Ok(command)
    }

    /// `run DURATION`, `run until leader [within D]`,
    /// `run until committed INDEX [within D]`.
    fn run(&self, c: &mut Cursor) -> Result<(Command, &'static str), ParseError> {
        let first = format!("{DURATION}, or 'until'");
        let w = c.word(&first)?;
        if w.text != "until" {
            return match duration(&w) {
                Ok(d) => Ok((Command::Run(d), END)),
                // A word that is not even shaped like a duration may be a
                // misspelt `until`, so mention both.
                Err(e) if w.text.starts_with(|ch: char| ch.is_ascii_digit()) => Err(e),
                Err(_) => Err(w.error(first)),
            };
        }
        const UNTIL: &str = "'leader' or 'committed'";
        let what = c.word(UNTIL)?;
        let index = match what.text {
            "leader" => None,
            "committed" => Some(uint_word(&c.word("a log index like 3")?, "a log index like 3")?),
            _ => return Err(what.error(UNTIL)),
        };
        let within = match c.peek() {
            Some(w) if w.text == "within" => {
                c.next();
                duration(&c.word(DURATION)?)?
            }
            _ => DEFAULT_WITHIN,
        };
        let command = match index {
            None => Command::RunUntilLeader { within },
            Some(index) => Command::RunUntilCommitted { index, within },
        };
        Ok((command, "'within DURATION' or end of line"))
    }

    /// `A->B`, or `A<->B` when `both_ok`; spaces around the arrow optional.
    fn link(&self, c: &mut Cursor, both_ok: bool) -> Result<(NodeRef, NodeRef, bool), ParseError> {
        c.split_rest();
        let from = self.next_node(c)?;
        let arrows = if both_ok { "'->' or '<->'" } else { "'->'" };
        let a = c.word(arrows)?;
        let both = match a.text {
            "->" => false,
            "<->" if both_ok => true,
            _ => return Err(a.error(arrows)),
        };
        let w = c.word(&self.node_expected("leader"))?;
        let to = self.node(&w)?;
        if to == from {
            return Err(w.error(format!("a node other than {from}")));
        }
        Ok((from, to, both))
    }

    /// `A,B | C,D,E`: groups split by `|`, nodes by `,`.
    fn partition(&self, c: &mut Cursor) -> Result<Vec<Vec<NodeRef>>, ParseError> {
        c.split_rest();
        let mut groups = vec![Vec::new()];
        let mut seen = Vec::new();
        loop {
            let w = c.word(&self.node_expected("leader"))?;
            let node = self.node(&w)?;
            if seen.contains(&node) {
                return Err(w.error("a node not already listed in this partition"));
            }
            seen.push(node);
            groups.last_mut().expect("starts with one group").push(node);
            match c.peek().map(|p| p.text) {
                Some(",") => {}
                Some("|") => groups.push(Vec::new()),
                _ => return Ok(groups),
            }
            c.next();
        }
    }

    fn expect(&self, c: &mut Cursor) -> Result<(Command, &'static str), ParseError> {
        let what = c.word(EXPECTS)?;
        let command = match what.text {
            "leader" => {
                let expected = self.node_expected("none");
                let w = c.word(&expected)?;
                match w.text {
                    "none" => Command::ExpectLeader(None),
                    _ => Command::ExpectLeader(Some(self.id(&w).ok_or_else(|| w.error(expected))?)),
                }
            }
            "term" => {
                let node = self.next_node(c)?;
                let term = uint_word(&c.word("a term like 2")?, "a term like 2")?;
                Command::ExpectTerm { node, term }
            }
            "role" => {
                const ROLES: &str = "one of: follower, candidate, leader, crashed";
                let node = self.next_node(c)?;
                let w = c.word(ROLES)?;
                let role = match w.text {
                    "follower" => ExpectedRole::Follower,
                    "candidate" => ExpectedRole::Candidate,
                    "leader" => ExpectedRole::Leader,
                    "crashed" => ExpectedRole::Crashed,
                    _ => return Err(w.error(ROLES)),
                };
                Command::ExpectRole { node, role }
            }
            "committed" => {
                let node = self.next_node(c)?;
                let index = uint_word(&c.word("a log index like 3")?, "a log index like 3")?;
                Command::ExpectCommitted { node, index }
            }
            "log" => {
                let node = self.next_node(c)?;
                let mut entries = Vec::new();
                while let Some(w) = c.next() {
                    entries.push(log_entry(&w)?);
                }
                Command::ExpectLog { node, entries }
            }
            "value" => {
                let key = key(c)?;
                let value = c.word("a value")?.text.to_string();
                let on = self.suffix(c, "on")?;
                return Ok((Command::ExpectValue { key, value, on }, "'on N' or end of line"));
            }
            "missing" => {
                let key = key(c)?;
                let on = self.suffix(c, "on")?;
                return Ok((Command::ExpectMissing { key, on }, "'on N' or end of line"));
            }
            "no-violations" => Command::ExpectNoViolations,
            _ => return Err(what.error(EXPECTS)),
        };
        Ok((command, END))
    }
}

/// Keys cannot hold `=`, so that `expect log` can always name them in
/// `put(KEY=VALUE)`, which splits at the first `=`.
fn key(c: &mut Cursor) -> Result<String, ParseError> {
    let w = c.word("a key")?;
    if w.text.contains('=') {
        return Err(w.error("a key without '='"));
    }
    Ok(w.text.to_string())
}

/// `TERM:COMMAND` with COMMAND one of `noop`, `put(k=v)`, `del(k)`,
/// `get(k)`, `list(prefix)`, as `raft::Command` displays them.
fn log_entry(w: &Word) -> Result<(raft::Term, raft::Command), ParseError> {
    // An empty side would make an empty word, which reads as a missing one.
    let Some((term, _)) = w.text.split_once(':').filter(|(t, c)| !t.is_empty() && !c.is_empty()) else {
        return Err(w.error(LOG_ENTRY));
    };
    let cmd = w.tail(term.len() + 1);
    let term = uint(term).ok_or_else(|| w.sub(0, term.len()).error("a term like 2, before ':'"))?;
    let bad = || cmd.error(LOG_ENTRY);
    if cmd.text == "noop" {
        return Ok((term, raft::Command::Noop));
    }
    let (name, inner) = cmd.text.split_once('(').ok_or_else(bad)?;
    let inner = inner.strip_suffix(')').filter(|i| !i.is_empty()).ok_or_else(bad)?;
    let command = match name {
        "put" => {
            let (k, v) = inner.split_once('=').filter(|(k, v)| !k.is_empty() && !v.is_empty()).ok_or_else(bad)?;
            raft::Command::put(k, v)
        }
        _ if inner.contains('=') => return Err(bad()),
        "del" => raft::Command::del(inner),
        "get" => raft::Command::get(inner),
        "list" => raft::Command::list(inner),
        _ => return Err(bad()),
    };
    Ok((term, command))
}

#[cfg(test)]
#[path = "parse_tests.rs"]
mod tests;
