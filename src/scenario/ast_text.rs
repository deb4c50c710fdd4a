//! The canonical text of a scenario: how each part of the parsed form
//! ([`super::ast`]) prints in the scenario language, and the formats of
//! durations, ranges and percentages. Scenarios travel in URLs and fuzz
//! reproductions as text, so `parse(&s.to_text())` must give back the same
//! scenario.

use std::fmt;

use super::ast::{
    ClusterSpec, Command, ExpectedRole, Micros, NodeRef, Scenario, ShowWhat, DEFAULT_WITHIN, MILLI, SECOND,
};
use crate::raft;

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
}

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

impl fmt::Display for ExpectedRole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
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
