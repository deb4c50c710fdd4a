//! The parser of the scenario language (docs: scenario-language.md).
//!
//! It stops at the first error: a scenario with an error does not start, so
//! there is nothing to gain from recovering, and one precise message is
//! easier for a course author than a cascade.
//!
//! Beside it, by concern: the `cluster` line and its options
//! (`parse_cluster.rs`), the network's faults and links (`parse_network.rs`),
//! the expectations (`parse_expect.rs`, `parse_history.rs`), the control
//! plane's forms (`parse_kube.rs`).

// Declared here rather than in mod.rs so that the module tree of
// `scenario` stays `ast` + `parse`.
#[path = "parse_history.rs"]
mod history;
#[path = "lexer.rs"]
pub(crate) mod lexer;
#[path = "parse_cluster.rs"]
mod parse_cluster;
#[path = "parse_expect.rs"]
mod parse_expect;
#[path = "parse_kube.rs"]
mod parse_kube;
#[path = "parse_network.rs"]
mod parse_network;

use super::ast::{
    ClusterSpec, Command, Expected, NodeRef, ParseError, Scenario, ShowWhat, Step, DEFAULT_WITHIN, MAX_STEP,
};
use crate::kube::KubeSpec;
use crate::raft::{MessageKind, NodeId, ReadMode, Rule};
use crate::sim::{Breakpoint, BREAKPOINT_NAMES};
use crate::util::Msg;
use lexer::{check_controls, check_invisible, duration, quoted, uint, uint_word, Cursor, Line, Word, DURATION};
use parse_network::Ends;

pub use lexer::{is_invisible, lines, shown};

const SEPARATOR: &str = "----";
const COMMANDS: Msg = Msg::new(
    "parse.want.command",
    "one of: run, step, crash, restart, timeout, transfer, snapshot, partition, cut, uncut, heal, \
                        drop, duplicate, put, get, del, list, client, break, unbreak, rule, expect, show, \
                        etcdctl, kubectl, fail, restore, isolate",
);
/// The first words of commands (`client` only when `load` follows it: the
/// runner prints lines like `client submits #1 ...`).
const KEYWORDS: [&str; 29] = [
    "cluster",
    "kubernetes",
    "etcdctl",
    "kubectl",
    "fail",
    "restore",
    "isolate",
    "run",
    "step",
    "crash",
    "restart",
    "timeout",
    "transfer",
    "snapshot",
    "partition",
    "cut",
    "uncut",
    "heal",
    "drop",
    "duplicate",
    "put",
    "get",
    "del",
    "list",
    "expect",
    "show",
    "break",
    "unbreak",
    "rule",
];
const END: Msg = Msg::new("parse.want.endOfLine", "end of line");
const FIRST: Msg = Msg::new("parse.want.firstCommand", "'cluster N' or 'kubernetes ...' as the first command");

/// Parses a whole scenario, stopping at the first error.
pub fn parse(text: &str) -> Result<Scenario, ParseError> {
    // Editors on Windows may start the file with a byte order mark.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let raw: Vec<&str> = lines(text).collect();
    let number = |i: usize| u32::try_from(i + 1).unwrap_or(u32::MAX);
    let is_separator = |i: usize| raw.get(i).is_some_and(|l| l.trim() == SEPARATOR);

    let mut cluster: Option<(ClusterSpec, u32)> = None;
    let mut parser: Option<Parser> = None;
    let mut steps = Vec::new();
    let mut i = 0;
    while i < raw.len() {
        // Every `----` that follows a command is consumed with it, so one
        // seen here follows a blank line, a comment or an expectation block.
        if is_separator(i) {
            return Err(separator_error(
                raw[i],
                number(i),
                Msg::new("parse.want.separatorAfterCommand", "a command on the line just before it"),
            ));
        }
        let line = Line::new(raw[i], number(i))?;
        i += 1;
        let Some(first) = line.words.first() else {
            continue;
        };
        let Some(parser) = parser.as_mut() else {
            let spec = match first.text {
                "kubernetes" => parse_kube::header(&line)?,
                _ => parse_cluster::cluster_line(&line)?,
            };
            parser = Some(Parser { nodes: spec.nodes, breakpoints: Vec::new(), kube: spec.kube.clone() });
            cluster = Some((spec, line.number));
            if is_separator(i) {
                return Err(separator_error(
                    raw[i],
                    number(i),
                    Msg::new("parse.want.separatorAfterStep", "a step before it; the cluster line has no output"),
                ));
            }
            continue;
        };
        let command = parser.command(&line)?;
        let mut expected = None;
        if is_separator(i) {
            let separator_line = number(i);
            i += 1;
            let mut lines = Vec::new();
            while let Some(l) = raw.get(i).filter(|l| !l.trim().is_empty()) {
                // Compared with output, and printed beside it on a mismatch.
                check_controls(l, number(i))?;
                check_invisible(l, number(i))?;
                // No command prints a line that starts with a command word, so
                // such a line is a command whose blank line was forgotten: left
                // in the block, `check --rewrite` would overwrite it.
                let mut words = l.split_whitespace();
                let first_word = words.next().unwrap_or("");
                let second_word = words.next().unwrap_or("");
                if KEYWORDS.contains(&first_word) || (first_word == "client" && second_word == "load") {
                    let column = l.chars().take_while(|c| c.is_whitespace()).count() + 1;
                    return Err(ParseError {
                        line: number(i),
                        column: u32::try_from(column).unwrap_or(u32::MAX),
                        word: first_word.to_string(),
                        expected: Msg::new(
                            "parse.want.blankBeforeCommand",
                            "a blank line ending the expectation block before this command",
                        ),
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
        None => Err(ParseError { line: 1, column: 1, word: String::new(), expected: FIRST }),
    }
}

fn separator_error(raw: &str, line: u32, expected: Msg) -> ParseError {
    let indent = raw.chars().take_while(|c| c.is_whitespace()).count();
    let column = u32::try_from(indent + 1).unwrap_or(u32::MAX);
    ParseError { line, column, word: SEPARATOR.into(), expected }
}

/// `read=log|index|lease|local` after a `get` or a `list` (version 2);
/// `log` when absent.
fn read_mode(c: &mut Cursor) -> Result<ReadMode, ParseError> {
    const MODES: Msg = Msg::new("parse.want.readMode", "a read mode: log, index, lease or local");
    match c.peek() {
        Some(w) if w.text.starts_with("read=") => {
            c.next();
            let v = w.tail("read=".len());
            ReadMode::from_name(v.text).ok_or_else(|| v.error(MODES))
        }
        _ => Ok(ReadMode::Log),
    }
}

/// The grammar of every command but `cluster`, for a cluster of `nodes`.
struct Parser {
    nodes: u8,
    /// The breakpoints the scenario's `break` commands have set so far, so
    /// that `unbreak` of one never set is an error with its position.
    breakpoints: Vec<Breakpoint>,
    /// The control plane of a `kubernetes` scenario: its machine names work
    /// wherever a node id does (for the etcd member on that machine).
    kube: Option<KubeSpec>,
}

impl Parser {
    /// The node ids of this cluster as an author writes them: `1` or `1..N`.
    fn ids(&self) -> String {
        if self.nodes == 1 {
            "1".to_string()
        } else {
            format!("1..{}", self.nodes)
        }
    }

    fn node_expected(&self, or: &str) -> Msg {
        match &self.kube {
            Some(spec) => {
                let (first, last) = (spec.machine_of_member(1), spec.machine_of_member(spec.etcd));
                let (first, last) = (spec.machine_name(first), spec.machine_name(last));
                Msg::new("parse.want.nodeOrMachine", "a node id {ids}, a member's machine {first}..{last}, or '{or}'")
                    .text("ids", self.ids())
                    .text("first", first.to_string())
                    .text("last", last.to_string())
                    .text("or", or)
            }
            None => Msg::new("parse.want.nodeOr", "a node id {ids} or '{or}'").text("ids", self.ids()).text("or", or),
        }
    }

    fn id(&self, w: &Word) -> Option<NodeId> {
        if let Some(spec) = &self.kube {
            if let Some(member) = spec.machine_named(w.text).and_then(|m| spec.member_of(m)) {
                return Some(member);
            }
        }
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

    fn command(&mut self, line: &Line) -> Result<Command, ParseError> {
        let mut c = Cursor::new(line);
        let w = c.word(&COMMANDS)?;
        let via_or_end = Msg::new("parse.want.viaOrEnd", "'via N' or end of line");
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
                    _ => return Err(k.error(Msg::new("parse.want.count", "a count 1..{max}").num("max", MAX_STEP))),
                },
            },
            "crash" | "restart" => {
                let node = c.word(&self.node_expected("leader"))?;
                match self.machine_command(&w, &node) {
                    Some(machine) => machine,
                    None if w.text == "crash" => Command::Crash(self.node(&node)?),
                    None => Command::Restart(self.node(&node)?),
                }
            }
            "fail" | "restore" | "isolate" => self.zone_command(&w, &mut c)?,
            "kubectl" => self.kubectl(&w, &mut c)?,
            "etcdctl" => parse_kube::etcdctl(&mut c)?,
            "timeout" => Command::Timeout(self.next_node(&mut c)?),
            "transfer" => self.transfer(&mut c)?,
            "snapshot" => Command::Snapshot(self.next_node(&mut c)?),
            "partition" => {
                let (command, e) = self.partition_command(&mut c)?;
                end = e;
                command
            }
            "cut" | "uncut" => self.cut(&w, &mut c)?,
            "heal" => Command::Heal,
            "drop" | "duplicate" => self.message_fault(&w, &mut c)?,
            "client" => {
                let load = c.word(&quoted("load"))?;
                if load.text != "load" {
                    return Err(load.error(quoted("load")));
                }
                const EVERY: Msg = Msg::new("parse.want.everyOrOff", "'every DURATION' or 'off'");
                let what = c.word(&EVERY)?;
                match what.text {
                    "off" => Command::ClientLoad(None),
                    "every" => {
                        let d = c.word(&DURATION)?;
                        let every = duration(&d)?;
                        if every == 0 {
                            return Err(
                                d.error(Msg::new("parse.want.intervalAboveZero", "an interval above 0, like 10ms"))
                            );
                        }
                        Command::ClientLoad(Some(every))
                    }
                    _ => return Err(what.error(EVERY)),
                }
            }
            "break" => {
                let breakpoint = self.breakpoint(&mut c)?;
                self.breakpoints.retain(|b| *b != breakpoint);
                self.breakpoints.push(breakpoint.clone());
                Command::Break(breakpoint)
            }
            "unbreak" => match c.peek() {
                Some(all) if all.text == "all" => {
                    c.next();
                    self.breakpoints.clear();
                    Command::Unbreak(None)
                }
                first => {
                    let breakpoint = self.breakpoint(&mut c)?;
                    if !self.breakpoints.contains(&breakpoint) {
                        let set: Vec<String> = self.breakpoints.iter().map(|b| b.to_string()).collect();
                        let first = first.expect("a breakpoint was read");
                        let expected = if set.is_empty() {
                            Msg::new(
                                "parse.want.breakpointNoneSet",
                                "a breakpoint set by an earlier 'break' (none is set), or 'all'",
                            )
                        } else {
                            Msg::new(
                                "parse.want.breakpointSet",
                                "a breakpoint set by an earlier 'break' ({set}), or 'all'",
                            )
                            .text("set", set.join(", "))
                        };
                        return Err(first.error(expected));
                    }
                    self.breakpoints.retain(|b| *b != breakpoint);
                    Command::Unbreak(Some(breakpoint))
                }
            },
            "rule" => {
                let names: Vec<&str> = Rule::ALL.iter().map(|r| r.name()).collect();
                let expected = Msg::new("parse.want.rule", "a rule: {names}").text("names", names.join(", "));
                let name = c.word(&expected)?;
                let rule = Rule::from_name(name.text).ok_or_else(|| name.error(expected))?;
                const ON_OFF: Msg = Msg::new("parse.want.onOff", "'on' or 'off'");
                let state = c.word(&ON_OFF)?;
                let on = match state.text {
                    "on" => true,
                    "off" => false,
                    _ => return Err(state.error(ON_OFF)),
                };
                Command::Rule { rule, on }
            }
            "put" => {
                let key = key(&mut c)?;
                let value = c.word(&Msg::new("parse.want.value", "a value"))?.text.to_string();
                end = via_or_end.clone();
                Command::Put { key, value, via: self.suffix(&mut c, "via")? }
            }
            "get" | "del" | "list" => {
                // `list` and `list via N` (extension; version 1 rejects both)
                // list every key: the empty prefix. `list via` stays the
                // prefix "via". A read may end with `read=MODE` (version 2).
                let is_read = w.text != "del";
                let has_mode = is_read && c.last().is_some_and(|v| v.text.starts_with("read="));
                let empty_prefix = w.text == "list"
                    && match c.remaining() - usize::from(has_mode) {
                        0 => true,
                        2 => c.peek().is_some_and(|v| v.text == "via"),
                        _ => false,
                    };
                let key = if empty_prefix { String::new() } else { key(&mut c)? };
                let via = self.suffix(&mut c, "via")?;
                end = via_or_end;
                let before_mode = c.remaining();
                let read = if is_read { read_mode(&mut c)? } else { ReadMode::Log };
                if is_read {
                    end = match (&via, c.remaining() < before_mode) {
                        (_, true) => END,
                        (None, false) => Msg::new("parse.want.viaReadOrEnd", "'via N', 'read=MODE' or end of line"),
                        (Some(_), false) => Msg::new("parse.want.readOrEnd", "'read=MODE' or end of line"),
                    };
                }
                match w.text {
                    "get" => Command::Get { key, via, read },
                    "del" => Command::Del { key, via },
                    _ => Command::List { prefix: key, via, read },
                }
            }
            "expect" => {
                let (command, e) = self.expect(&mut c)?;
                end = e;
                command
            }
            "show" => {
                const SHOW: Msg = Msg::new("parse.want.show", "one of: nodes, log, kv, messages");
                let what = c.word(&SHOW)?;
                Command::Show(match what.text {
                    "nodes" => ShowWhat::Nodes,
                    "log" => ShowWhat::Log,
                    "kv" => ShowWhat::Kv,
                    "messages" => ShowWhat::Messages,
                    _ => return Err(what.error(SHOW)),
                })
            }
            "cluster" => {
                return Err(w.error(Msg::new(
                    "parse.want.notCluster",
                    "a command other than 'cluster', which comes once, first",
                )))
            }
            _ => return Err(w.error(COMMANDS)),
        };
        c.end(&end)?;
        Ok(command)
    }

    /// `transfer leader to N` (version 2, thesis §3.10). N may not be
    /// `leader`: the leader cannot hand over to itself.
    fn transfer(&self, c: &mut Cursor) -> Result<Command, ParseError> {
        for keyword in ["leader", "to"] {
            let w = c.word(&quoted(keyword))?;
            if w.text != keyword {
                return Err(w.error(quoted(keyword)));
            }
        }
        let w = c.word(&self.node_expected("leader"))?;
        if w.text == "leader" {
            return Err(w.error(
                Msg::new("parse.want.notLeader", "a node other than the leader: a node id {ids}")
                    .text("ids", self.ids()),
            ));
        }
        Ok(Command::TransferLeader(self.node(&w)?))
    }

    /// `run DURATION`, `run until leader [within D]`,
    /// `run until committed INDEX [within D]`.
    fn run(&self, c: &mut Cursor) -> Result<(Command, Msg), ParseError> {
        let first = Msg::new("parse.want.durationOrUntil", "{duration}, or 'until'").msg("duration", DURATION);
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
        const UNTIL: Msg = Msg::new("parse.want.leaderOrCommitted", "'leader' or 'committed'");
        let what = c.word(&UNTIL)?;
        let index = match what.text {
            "leader" => None,
            "committed" => {
                let index = Msg::new("parse.want.logIndex", "a log index like {example}").num("example", 3u64);
                Some(uint_word(&c.word(&index)?, &index)?)
            }
            _ => return Err(what.error(UNTIL)),
        };
        let within = match c.peek() {
            Some(w) if w.text == "within" => {
                c.next();
                duration(&c.word(&DURATION)?)?
            }
            _ => DEFAULT_WITHIN,
        };
        let command = match index {
            None => Command::RunUntilLeader { within },
            Some(index) => Command::RunUntilCommitted { index, within },
        };
        Ok((command, Msg::new("parse.want.withinOrEnd", "'within DURATION' or end of line")))
    }

    /// What `break` and `unbreak` read, as [`Breakpoint::from_words`] reads
    /// it (the page reads the same words), with the link's node ids checked
    /// against the cluster and spaces around `->` optional.
    fn breakpoint(&self, c: &mut Cursor) -> Result<Breakpoint, ParseError> {
        let names = Msg::new("parse.want.breakpoint", "a breakpoint: {names}, or 'message TYPE A->B'")
            .text("names", BREAKPOINT_NAMES.join(", "));
        let first = c.word(&names)?;
        if first.text != "message" {
            return Breakpoint::from_words(&[first.text]).map_err(|_| first.error(names));
        }
        let kinds: Vec<&str> = MessageKind::ALL.iter().map(|k| k.name()).collect();
        let kind_expected =
            Msg::new("parse.want.messageTypeOrAny", "a message type: {kinds}, or any").text("kinds", kinds.join(", "));
        let kind = c.word(&kind_expected)?;
        let (from, to, _) = self.link(c, false, Ends { leader: false, client: true })?;
        let end = |n: NodeRef| match n {
            NodeRef::Id(id) => id.to_string(),
            _ => "client".to_string(),
        };
        let link = format!("{}->{}", end(from), end(to));
        // The link was checked here; the message type is left to the
        // breakpoint's own reading, word 1.
        Breakpoint::from_words(&["message", kind.text, &link]).map_err(|(i, _)| match i {
            1 => kind.error(kind_expected),
            _ => first.error(names),
        })
    }
}

/// Keys cannot hold `=`, so that `expect log` can always name them in
/// `put(KEY=VALUE)`, which splits at the first `=`.
fn key(c: &mut Cursor) -> Result<String, ParseError> {
    let w = c.word(&Msg::new("parse.want.key", "a key"))?;
    if w.text.contains('=') {
        return Err(w.error(Msg::new("parse.want.keyWithoutEquals", "a key without '='")));
    }
    Ok(w.text.to_string())
}

#[cfg(test)]
#[path = "parse_tests.rs"]
mod tests;
