//! The `expect` commands of the scenario language, split from `parse.rs`
//! by concern: every expectation and its arguments.

use super::lexer::{uint, uint_word, Cursor, Word};
use super::{key, Parser, END};
use crate::check::Invariant;
use crate::raft;
use crate::scenario::ast::{Command, ExpectedRole, ParseError};
use crate::util::Msg;

pub(super) const EXPECTS: Msg =
    Msg::new("parse.want.expect", "one of: leader, term, role, committed, snapshot, log, value, missing, read, linearizable, not-linearizable, no-violations, violation, lease, apiserver");
const ON_OR_END: Msg = Msg::new("parse.want.onOrEnd", "'on N' or end of line");
const LOG_ENTRY: Msg =
    Msg::new("parse.want.logEntry", "a log entry like 1:noop, 1:put(x=1), 2:del(x), 2:get(x) or 3:list(prefix)");

/// What `expect violation` takes: the invariants' words.
fn invariants() -> Msg {
    let words: Vec<&str> = Invariant::ALL.iter().map(|i| i.word()).collect();
    Msg::new("parse.want.invariant", "an invariant: {names}").text("names", words.join(", "))
}

impl Parser {
    pub(super) fn expect(&self, c: &mut Cursor) -> Result<(Command, Msg), ParseError> {
        let what = c.word(&EXPECTS)?;
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
                const TERM: Msg = Msg::new("parse.want.term", "a term like 2");
                let term = uint_word(&c.word(&TERM)?, &TERM)?;
                Command::ExpectTerm { node, term }
            }
            "role" => {
                const ROLES: Msg =
                    Msg::new("parse.want.role", "one of: follower, pre-candidate, candidate, leader, crashed");
                let node = self.next_node(c)?;
                let w = c.word(&ROLES)?;
                let role = match w.text {
                    "follower" => ExpectedRole::Follower,
                    "pre-candidate" => ExpectedRole::PreCandidate,
                    "candidate" => ExpectedRole::Candidate,
                    "leader" => ExpectedRole::Leader,
                    "crashed" => ExpectedRole::Crashed,
                    _ => return Err(w.error(ROLES)),
                };
                Command::ExpectRole { node, role }
            }
            "committed" => {
                let node = self.next_node(c)?;
                let index = Msg::new("parse.want.logIndex", "a log index like {example}").num("example", 3u64);
                let index = uint_word(&c.word(&index)?, &index)?;
                Command::ExpectCommitted { node, index }
            }
            "snapshot" => {
                let node = self.next_node(c)?;
                let index = Msg::new("parse.want.logIndex", "a log index like {example}").num("example", 10u64);
                let index = uint_word(&c.word(&index)?, &index)?;
                Command::ExpectSnapshot { node, index }
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
                let value = c.word(&Msg::new("parse.want.value", "a value"))?.text.to_string();
                let on = self.suffix(c, "on")?;
                return Ok((Command::ExpectValue { key, value, on }, ON_OR_END));
            }
            "missing" => {
                let key = key(c)?;
                let on = self.suffix(c, "on")?;
                return Ok((Command::ExpectMissing { key, on }, ON_OR_END));
            }
            "no-violations" => Command::ExpectNoViolations,
            "violation" => {
                let w = c.word(&invariants())?;
                Command::ExpectViolation(Invariant::from_word(w.text).ok_or_else(|| w.error(invariants()))?)
            }
            "read" | "linearizable" | "not-linearizable" => super::history::expect(c, &what)?,
            "lease" => self.expect_lease(&what, c)?,
            "apiserver" => self.expect_apiserver(&what, c)?,
            _ => return Err(what.error(EXPECTS)),
        };
        Ok((command, END))
    }
}

/// `TERM:COMMAND` with COMMAND one of `noop`, `put(k=v)`, `del(k)`,
/// `get(k)`, `list(prefix)`, as `raft::Command` displays them.
fn log_entry(w: &Word) -> Result<(raft::Term, raft::Command), ParseError> {
    // An empty side would make an empty word, which reads as a missing one.
    let Some((term, _)) = w.text.split_once(':').filter(|(t, c)| !t.is_empty() && !c.is_empty()) else {
        return Err(w.error(LOG_ENTRY));
    };
    let cmd = w.tail(term.len() + 1);
    let term = uint(term).ok_or_else(|| {
        w.sub(0, term.len()).error(Msg::new("parse.want.termBeforeColon", "a term like 2, before ':'"))
    })?;
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
