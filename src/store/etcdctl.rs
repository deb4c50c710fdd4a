//! etcdctl (API v3): its command line and its output, for this store.
//!
//! [`parse`] reads the words after `etcdctl` as etcdctl reads them (flags
//! anywhere, `-w table` or `--write-out=table`), and the printers write what
//! etcdctl 3.6 writes: `OK` after a put, key and value lines after a get,
//! the count after a del, the member and endpoint tables (simple or
//! `-w table`, drawn as olekukonko/tablewriter v0.0.5 draws them, with
//! sizes written as go-humanize writes them).
//!
//! One deliberate difference: etcdctl prints an empty line for each key of
//! `get --keys-only` (the empty value); those lines are left out here, since
//! a blank line ends a scenario's expectation block.

use std::fmt;

use super::request::{Keys, Reply, Request, Response};
use crate::util::Msg;

/// What etcdctl's `--command-timeout` defaults to.
pub const COMMAND_TIMEOUT_US: u64 = 5_000_000;
/// What etcdctl prints when a request gets no answer within the timeout.
pub const DEADLINE_EXCEEDED: &str = "Error: context deadline exceeded";

/// The output format of `-w` / `--write-out`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Format {
    #[default]
    Simple,
    Table,
}

/// How a key-value reply is printed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub struct Print {
    /// `--print-value-only`.
    pub value_only: bool,
}

/// One etcdctl command.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Call {
    /// `put`, `get` and `del`: a request the cluster must answer, through
    /// its Raft log.
    Kv { request: Request, print: Print },
    /// `member list`: the membership, from the member asked.
    MemberList(Format),
    /// `endpoint status`: each member's own view of itself.
    EndpointStatus(Format),
}

/// A word of the command line that etcdctl would not accept: its position
/// among the words given to [`parse`], and what was expected there (a
/// sentence, so that the page words it in its language).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CallError {
    /// Index into the words; `words.len()` when a word is missing.
    pub word: usize,
    pub expected: Msg,
}

impl CallError {
    /// What the console prints for the refused line `words`, in etcdctl's
    /// manner: `Error: unexpected 'show', expected 'list'`.
    pub fn msg(&self, words: &[&str]) -> Msg {
        let why = match words.get(self.word) {
            Some(w) => Msg::new("etcdctl.unexpected", "unexpected '{word}', expected {expected}").text("word", *w),
            None => Msg::new("etcdctl.missing", "missing word, expected {expected}"),
        };
        refused(why.msg("expected", self.expected.clone()))
    }
}

/// `Error: ...`, as etcdctl introduces a line it refuses.
pub fn refused(why: Msg) -> Msg {
    Msg::new("etcdctl.error", "Error: {error}").msg("error", why)
}

const COMMANDS: Msg =
    Msg::new("etcdctl.want.command", "an etcdctl command: put, get, del, member list, endpoint status");
const FLAGS: Msg = Msg::new("etcdctl.want.flag", "a flag: --prefix, --keys-only, --print-value-only, -w table");
const FORMATS: Msg = Msg::new("etcdctl.want.format", "an output format: simple or table");
const KEY: Msg = Msg::new("etcdctl.want.key", "a key");
const END: Msg = Msg::new("etcdctl.want.endOfLine", "end of line");

/// Reads the words after `etcdctl`.
pub fn parse(words: &[&str]) -> Result<Call, CallError> {
    let err = |word: usize, expected: Msg| CallError { word, expected };
    let mut args: Vec<(usize, &str)> = Vec::new();
    let (mut prefix, mut keys_only, mut value_only, mut format) = (false, false, false, None);
    let mut i = 0;
    while i < words.len() {
        let w = words[i];
        match w {
            "--prefix" => prefix = true,
            "--keys-only" => keys_only = true,
            "--print-value-only" => value_only = true,
            // Every member is listed anyway (see `Call::EndpointStatus`).
            "--cluster" => {}
            "-w" | "--write-out" => {
                i += 1;
                format = Some((i, words.get(i).copied().unwrap_or("")));
            }
            _ if w.starts_with("--write-out=") || w.starts_with("-w=") => {
                format = Some((i, w.split_once('=').map_or("", |(_, f)| f)));
            }
            _ if w.starts_with('-') => return Err(err(i, FLAGS)),
            _ => args.push((i, w)),
        }
        i += 1;
    }
    let format = match format {
        None => Format::Simple,
        Some((_, "simple")) => Format::Simple,
        Some((_, "table")) => Format::Table,
        Some((i, _)) => return Err(err(i, FORMATS)),
    };
    let Some(&(c, command)) = args.first() else {
        return Err(err(words.len(), COMMANDS));
    };
    let flag_misused = |ok: &[bool]| -> Result<(), CallError> {
        let names = ["--prefix", "--keys-only", "--print-value-only"];
        let given = [prefix, keys_only, value_only];
        match names.iter().zip(given).zip(ok).find(|((_, given), ok)| *given && !**ok) {
            Some(((name, _), _)) => {
                let at = words.iter().position(|w| w == name).unwrap_or(c);
                let no = Msg::new("etcdctl.want.noFlag", "no {flag} with etcdctl {command}");
                Err(err(at, no.text("flag", *name).text("command", command)))
            }
            None => Ok(()),
        }
    };
    let positional = |n: usize, what: Msg| -> Result<Vec<&str>, CallError> {
        let rest: Vec<(usize, &str)> = args[1..].to_vec();
        if rest.len() > n {
            return Err(err(rest[n].0, END));
        }
        if rest.len() < n {
            return Err(err(words.len(), what));
        }
        Ok(rest.into_iter().map(|(_, w)| w).collect())
    };
    let kv_format = |format: Format| match format {
        // etcdctl's table printer prints key-value replies as the simple one does.
        Format::Simple | Format::Table => Ok(()),
    };
    let keys = |key: &str| if prefix { Keys::Prefix(key.into()) } else { Keys::Key(key.into()) };
    let call = match command {
        "put" => {
            flag_misused(&[false, false, false])?;
            kv_format(format)?;
            let a = positional(2, Msg::new("etcdctl.want.keyAndValue", "a key and a value"))?;
            Call::Kv { request: Request::put(a[0], a[1]), print: Print::default() }
        }
        "get" => {
            flag_misused(&[true, true, true])?;
            kv_format(format)?;
            let a = positional(1, KEY)?;
            let keys = keys(a[0]);
            let request = Request::Range(super::RangeRequest { keys, keys_only });
            Call::Kv { request, print: Print { value_only } }
        }
        "del" => {
            flag_misused(&[true, false, false])?;
            kv_format(format)?;
            let a = positional(1, KEY)?;
            Call::Kv { request: Request::delete(keys(a[0])), print: Print::default() }
        }
        "member" | "endpoint" => {
            flag_misused(&[false, false, false])?;
            let sub = if command == "member" { "list" } else { "status" };
            let expected = Msg::new("etcdctl.want.subcommand", "'{word}'").text("word", sub);
            match args.get(1) {
                Some((_, s)) if *s == sub => {}
                Some((i, _)) => return Err(err(*i, expected)),
                None => return Err(err(words.len(), expected)),
            }
            if let Some((i, _)) = args.get(2) {
                return Err(err(*i, END));
            }
            if command == "member" {
                Call::MemberList(format)
            } else {
                Call::EndpointStatus(format)
            }
        }
        _ => return Err(err(c, COMMANDS)),
    };
    Ok(call)
}

/// The command line that [`parse`] reads back as this call, flags in a
/// fixed order: `put K V`, `get K --prefix --keys-only`, `member list -w table`.
impl fmt::Display for Call {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let keys = |f: &mut fmt::Formatter<'_>, keys: &Keys| match keys {
            Keys::Key(k) => write!(f, " {k}"),
            Keys::Prefix(p) => write!(f, " {p} --prefix"),
        };
        let table = |format: &Format| if *format == Format::Table { " -w table" } else { "" };
        match self {
            Call::Kv { request: Request::Put(p), .. } => write!(f, "put {} {}", p.key, p.value),
            Call::Kv { request: Request::Range(r), print } => {
                f.write_str("get")?;
                keys(f, &r.keys)?;
                if r.keys_only {
                    f.write_str(" --keys-only")?;
                }
                if print.value_only {
                    f.write_str(" --print-value-only")?;
                }
                Ok(())
            }
            Call::Kv { request: Request::Delete(d), .. } => {
                f.write_str("del")?;
                keys(f, &d.keys)
            }
            // `parse` makes no transactions; written as the request reads.
            Call::Kv { request, .. } => write!(f, "txn {request}"),
            Call::MemberList(format) => write!(f, "member list{}", table(format)),
            Call::EndpointStatus(format) => write!(f, "endpoint status{}", table(format)),
        }
    }
}

/// What etcdctl prints for the reply to a `put`, `get` or `del`.
pub fn print_reply(print: Print, reply: &Reply) -> Vec<String> {
    let mut out = Vec::new();
    print_response(print, &reply.response, &mut out);
    out
}

fn print_response(print: Print, response: &Response, out: &mut Vec<String>) {
    match response {
        Response::Put => out.push("OK".to_string()),
        Response::Delete { deleted } => out.push(deleted.to_string()),
        Response::Range { kvs, .. } => {
            for kv in kvs {
                if !print.value_only {
                    out.push(kv.key.to_string());
                }
                // A keys-only range has empty values; etcdctl prints them
                // as empty lines, which are left out (see the module note).
                if !kv.value.is_empty() {
                    out.push(kv.value.to_string());
                }
            }
        }
        Response::Txn { succeeded, responses } => {
            out.push(if *succeeded { "SUCCESS" } else { "FAILURE" }.to_string());
            for r in responses {
                print_response(print, r, out);
            }
        }
    }
}

/// One row of `etcdctl member list`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Member {
    pub id: u64,
    pub name: String,
    pub peer_url: String,
    pub client_url: String,
}

/// What one member's Status RPC answers, as `etcdctl endpoint status`
/// shows it; `None` for an endpoint that did not answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Status {
    pub endpoint: String,
    pub id: u64,
    pub version: &'static str,
    pub storage_version: &'static str,
    pub db_size: u64,
    pub db_size_in_use: u64,
    pub quota: u64,
    /// The leader this member knows is itself.
    pub is_leader: bool,
    pub raft_term: u64,
    /// The member's commit index (etcd's `RaftIndex`).
    pub raft_index: u64,
    pub raft_applied_index: u64,
}

/// `etcdctl member list [-w table]`.
pub fn print_members(format: Format, members: &[Member]) -> Vec<String> {
    let header = ["ID", "Status", "Name", "Peer Addrs", "Client Addrs", "Is Learner"];
    let rows: Vec<Vec<String>> = members
        .iter()
        .map(|m| {
            vec![
                format!("{:x}", m.id),
                "started".to_string(),
                m.name.clone(),
                m.peer_url.clone(),
                m.client_url.clone(),
                "false".to_string(),
            ]
        })
        .collect();
    render(format, &header, &rows)
}

/// `etcdctl endpoint status [-w table]`, one entry per endpoint asked:
/// etcdctl reports the ones that did not answer on stderr as it goes, and
/// prints the others together at the end.
pub fn print_statuses(format: Format, statuses: &[Result<Status, String>]) -> Vec<String> {
    let header = [
        "endpoint",
        "ID",
        "version",
        "storage version",
        "db size",
        "in use",
        "percentage not in use",
        "quota",
        "is leader",
        "is learner",
        "raft term",
        "raft index",
        "raft applied index",
        "errors",
        "downgrade target version",
        "downgrade enabled",
    ];
    let mut out: Vec<String> = statuses
        .iter()
        .filter_map(|s| s.as_ref().err())
        .map(|endpoint| format!("Failed to get the status of endpoint {endpoint} (context deadline exceeded)"))
        .collect();
    let rows: Vec<Vec<String>> = statuses
        .iter()
        .filter_map(|s| s.as_ref().ok())
        .map(|s| {
            let not_in_use = 100 - (s.db_size_in_use * 100 / s.db_size.max(1));
            vec![
                s.endpoint.clone(),
                format!("{:x}", s.id),
                s.version.to_string(),
                s.storage_version.to_string(),
                humanize_bytes(s.db_size),
                humanize_bytes(s.db_size_in_use),
                format!("{not_in_use}%"),
                humanize_bytes(s.quota),
                s.is_leader.to_string(),
                "false".to_string(),
                s.raft_term.to_string(),
                s.raft_index.to_string(),
                s.raft_applied_index.to_string(),
                String::new(),
                String::new(),
                "false".to_string(),
            ]
        })
        .collect();
    out.extend(render(format, &header, &rows));
    out
}

fn render(format: Format, header: &[&str], rows: &[Vec<String>]) -> Vec<String> {
    match format {
        Format::Simple => rows.iter().map(|r| r.join(", ")).collect(),
        Format::Table => table(header, rows),
    }
}

/// A table as olekukonko/tablewriter v0.0.5 draws one with etcdctl's
/// settings: headers upper-cased and centred, cells aligned right, a border
/// around everything, one space of padding.
fn table(header: &[&str], rows: &[Vec<String>]) -> Vec<String> {
    // Headers are ASCII: no Unicode case tables needed.
    let header: Vec<String> = header.iter().map(|h| h.replace(['_', '.'], " ").trim().to_ascii_uppercase()).collect();
    let width = |s: &str| s.chars().count();
    let widths: Vec<usize> = (0..header.len())
        .map(|c| rows.iter().map(|r| width(&r[c])).chain([width(&header[c])]).max().unwrap_or(0))
        .collect();
    let line = || {
        let mut s = String::from("+");
        for w in &widths {
            s.push_str(&"-".repeat(w + 2));
            s.push('+');
        }
        s
    };
    let mut out = vec![line()];
    let mut head = String::from("|");
    for (h, w) in header.iter().zip(&widths) {
        // tablewriter's Pad: the smaller half of the gap goes left.
        let gap = w - width(h);
        let left = gap / 2;
        head.push_str(&format!(" {}{h}{} |", " ".repeat(left), " ".repeat(gap - left)));
    }
    out.push(head);
    out.push(line());
    for row in rows {
        let mut s = String::from("|");
        for (cell, w) in row.iter().zip(&widths) {
            s.push_str(&format!(" {}{cell} |", " ".repeat(w - width(cell))));
        }
        out.push(s);
    }
    out.push(line());
    out
}

/// go-humanize's `Bytes`: SI units, one decimal below 10, none from 10 up,
/// written with integer arithmetic as Go's `%.1f`/`%.0f` round it.
pub fn humanize_bytes(s: u64) -> String {
    if s < 10 {
        return format!("{s} B");
    }
    let units = ["B", "kB", "MB", "GB", "TB", "PB", "EB"];
    let mut e = 0;
    let mut scale: u64 = 1;
    while s / scale >= 1000 {
        scale *= 1000;
        e += 1;
    }
    // floor(s / 1000^e * 10 + 0.5): the value in tenths, rounded half up,
    // as the whole part times 10 plus the rounded rest (no overflow).
    let tenths = (s / scale) * 10 + ((s % scale) * 10 + scale / 2) / scale;
    if tenths < 100 {
        format!("{}.{} {}", tenths / 10, tenths % 10, units[e])
    } else {
        // %.0f of a value with one decimal: ties go to the even neighbour.
        let (whole, frac) = (tenths / 10, tenths % 10);
        let rounded = if frac > 5 || (frac == 5 && whole % 2 == 1) { whole + 1 } else { whole };
        format!("{rounded} {}", units[e])
    }
}

#[cfg(test)]
#[path = "etcdctl_tests.rs"]
mod tests;
