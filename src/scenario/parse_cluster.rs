//! The parser of the `cluster` line and its options (`seed=`, `election=`,
//! `heartbeat=`, `latency=`, `loss=`, `prevote=`, `checkquorum=`, `disk=`,
//! `drift=`, `snapshot=`), which the `kubernetes` header takes too.

use super::lexer::{duration, percent, range, uint, uint_word, Cursor, Line, Word};
use super::FIRST;
use crate::raft::MAX_NODES;
use crate::scenario::ast::{ClusterSpec, ParseError};
use crate::sim::{Micros, MAX_DRIFT_PPM};
use crate::util::Msg;

pub(super) const OPTIONS: Msg = Msg::new(
    "parse.want.option",
    "an option: seed, election, heartbeat, latency, loss, prevote, checkquorum, disk, drift, snapshot",
);

/// `cluster N [options]`: the first line of a scenario that is not a
/// `kubernetes` one.
pub(super) fn cluster_line(line: &Line) -> Result<ClusterSpec, ParseError> {
    let size = Msg::new("parse.want.clusterSize", "a cluster size 1..{max}").num("max", MAX_NODES as u64);
    let mut c = Cursor::new(line);
    let first = c.word(&FIRST)?;
    if first.text != "cluster" {
        return Err(first.error(FIRST));
    }
    let n = c.word(&size)?;
    let mut spec = match uint(n.text) {
        Some(v) if (1..=MAX_NODES as u64).contains(&v) => ClusterSpec::new(v as u8),
        _ => return Err(n.error(size)),
    };
    let mut seen: Vec<&str> = Vec::new();
    while let Some(w) = c.next() {
        let Some((key, value)) = w.text.split_once('=').filter(|(k, _)| !k.is_empty()) else {
            return Err(
                w.error(Msg::new("parse.want.optionLike", "an option like seed=7, election=150..300ms or loss=5%"))
            );
        };
        let name = w.sub(0, key.len());
        let v = w.tail(key.len() + 1);
        if !["seed", "election", "heartbeat", "latency", "loss", "prevote", "checkquorum", "disk", "drift", "snapshot"]
            .contains(&key)
        {
            return Err(name.error(OPTIONS));
        }
        if seen.contains(&key) {
            return Err(name.error(Msg::new("parse.want.optionOnce", "each option at most once")));
        }
        seen.push(key);
        if value.is_empty() {
            return Err(w.error(Msg::new("parse.want.valueAfter", "a value after '{key}='").text("key", key)));
        }
        cluster_option(&mut spec, key, &v)?;
    }
    Ok(spec)
}

/// One option of the `cluster` line (also taken by the `kubernetes` one):
/// `key` with its value `v`; an unknown key is an error expecting [`OPTIONS`].
pub(super) fn cluster_option(spec: &mut ClusterSpec, key: &str, v: &Word) -> Result<(), ParseError> {
    match key {
        "seed" => spec.seed = uint_word(v, &Msg::new("parse.want.seed", "a seed like 7"))?,
        "election" => {
            spec.election = range(v)?;
            if spec.election.0 == 0 {
                return Err(
                    v.error(Msg::new("parse.want.electionAboveZero", "an election timeout above 0, like 150..300ms"))
                );
            }
        }
        "heartbeat" => {
            spec.heartbeat = duration(v)?;
            // A zero interval would fire forever at one instant.
            if spec.heartbeat == 0 {
                return Err(
                    v.error(Msg::new("parse.want.heartbeatAboveZero", "a heartbeat interval above 0, like 50ms"))
                );
            }
        }
        "latency" => spec.latency = range(v)?,
        "loss" => spec.loss_ppm = percent(v)?,
        "prevote" => spec.prevote = on_off(v)?,
        "checkquorum" => spec.check_quorum = on_off(v)?,
        "disk" => spec.disk = range_or_duration(v)?,
        "drift" => {
            spec.drift_ppm = percent(v)?;
            if spec.drift_ppm > MAX_DRIFT_PPM {
                return Err(v.error(Msg::new("parse.want.driftAtMost", "a clock drift of at most 50%, like 2%")));
            }
        }
        "snapshot" => {
            const EVERY: Msg = Msg::new(
                "parse.want.snapshotEvery",
                "a number of applied entries above 0, like snapshot=100, or 'off'",
            );
            spec.snapshot = match v.text {
                "off" => 0,
                text => match uint(text) {
                    Some(k) if k > 0 => k,
                    _ => return Err(v.error(EVERY)),
                },
            };
        }
        _ => return Err(v.error(OPTIONS)),
    }
    Ok(())
}

/// `on` or `off`, the value of a protocol option such as `prevote=on`.
fn on_off(v: &Word) -> Result<bool, ParseError> {
    match v.text {
        "on" => Ok(true),
        "off" => Ok(false),
        _ => Err(v.error(Msg::new("parse.want.onOff", "'on' or 'off'"))),
    }
}

/// `5..15ms`, or one duration `10ms` for a fixed latency (`disk=0ms`).
fn range_or_duration(w: &Word) -> Result<(Micros, Micros), ParseError> {
    if w.text.contains("..") {
        range(w)
    } else {
        duration(w).map(|d| (d, d))
    }
}
