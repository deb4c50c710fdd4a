//! The options of `RaftLab.create`: a plain object whose fields are all
//! optional, each checked (a wrong type throws a `TypeError` naming the
//! field, a value out of range a `RangeError`), and an unknown field named
//! rather than ignored.

use wasm_bindgen::prelude::*;

use crate::raft::MAX_NODES;
use crate::sim::{Micros, WorldConfig, MS};

use super::api::{err, Js, MAX_SAFE};
use super::args::{field, field_error, in_range, num, range_error};

/// Longest duration the options accept (one hour), far from any overflow.
const MAX_OPTION_MS: f64 = 3_600_000.0;

/// The options of `RaftLab.create`; every field is optional.
const OPTION_NAMES: [&str; 9] =
    ["nodes", "seed", "electionMs", "heartbeatMs", "latencyMs", "lossPercent", "prevote", "checkQuorum", "snapshot"];

#[derive(Default)]
pub(super) struct Options {
    nodes: Option<f64>,
    seed: Option<f64>,
    election_ms: Option<[f64; 2]>,
    heartbeat_ms: Option<f64>,
    latency_ms: Option<[f64; 2]>,
    loss_percent: Option<f64>,
    /// `prevote=on`, `checkquorum=on` of the cluster line.
    prevote: Option<bool>,
    check_quorum: Option<bool>,
    /// §7, the scenario option `snapshot=K`: K applied entries between
    /// snapshots, 0 for none.
    snapshot: Option<f64>,
}

fn boolean(value: &JsValue, key: &str) -> Js<bool> {
    value.as_bool().ok_or_else(|| field_error("RaftLab.create: options", key, "true or false", value))
}

fn number(value: &JsValue, key: &str) -> Js<f64> {
    value.as_f64().ok_or_else(|| field_error("RaftLab.create: options", key, "a number", value))
}

/// A pair `[low, high]` of numbers.
fn pair(value: &JsValue, key: &str) -> Js<[f64; 2]> {
    let bad = || field_error("RaftLab.create: options", key, "an array of two numbers [low, high]", value);
    let array = js_sys::Array::from(value);
    if !js_sys::Array::is_array(value) || array.length() != 2 {
        return Err(bad());
    }
    let (low, high) = (array.get(0).as_f64(), array.get(1).as_f64());
    Ok([low.ok_or_else(bad)?, high.ok_or_else(bad)?])
}

impl Options {
    pub(super) fn read(object: &js_sys::Object) -> Js<Options> {
        let value: &JsValue = object;
        // Only the known fields are read; a misspelt option would be
        // ignored without a word, so name it.
        for key in js_sys::Object::keys(object).iter().filter_map(|k| k.as_string()) {
            if !OPTION_NAMES.contains(&key.as_str()) {
                return Err(err(format!(
                    "unknown cluster option '{key}', expected one of: {}",
                    OPTION_NAMES.join(", ")
                ))
                .into());
            }
        }
        let number = |key: &str| field(value, key)?.map(|v| number(&v, key)).transpose();
        let pair = |key: &str| field(value, key)?.map(|v| pair(&v, key)).transpose();
        let boolean = |key: &str| field(value, key)?.map(|v| boolean(&v, key)).transpose();
        Ok(Options {
            nodes: number("nodes")?,
            seed: number("seed")?,
            election_ms: pair("electionMs")?,
            heartbeat_ms: number("heartbeatMs")?,
            latency_ms: pair("latencyMs")?,
            loss_percent: number("lossPercent")?,
            prevote: boolean("prevote")?,
            check_quorum: boolean("checkQuorum")?,
            snapshot: number("snapshot")?,
        })
    }
}

/// Milliseconds in `0..=MAX_OPTION_MS` to microseconds.
pub(super) fn duration(value: f64, what: &str) -> Js<Micros> {
    if !value.is_finite() || !(0.0..=MAX_OPTION_MS).contains(&value) {
        return Err(range_error(&format!(
            "{what} must be a number of milliseconds from 0 to {}, not {}",
            num(MAX_OPTION_MS),
            num(value)
        )));
    }
    Ok((value * MS as f64).round() as Micros)
}

fn range(value: [f64; 2], what: &str) -> Js<(Micros, Micros)> {
    Ok((duration(value[0], what)?, duration(value[1], what)?))
}

impl Options {
    pub(super) fn config(&self) -> Js<WorldConfig> {
        let mut config = WorldConfig::default();
        if let Some(nodes) = self.nodes {
            config.nodes = in_range(nodes, 1.0, MAX_NODES as f64, "RaftLab.create: options.nodes")? as u8;
        }
        if let Some(seed) = self.seed {
            // Seeds beyond 2^53 cannot be written exactly as JavaScript numbers.
            config.seed = in_range(seed, 0.0, MAX_SAFE, "RaftLab.create: options.seed")? as u64;
        }
        if let Some(election) = self.election_ms {
            config.election = range(election, "electionMs")?;
        }
        if let Some(heartbeat) = self.heartbeat_ms {
            config.heartbeat = duration(heartbeat, "heartbeatMs")?;
        }
        if let Some(latency) = self.latency_ms {
            config.latency = range(latency, "latencyMs")?;
        }
        if let Some(loss) = self.loss_percent {
            if !loss.is_finite() || !(0.0..=100.0).contains(&loss) {
                return Err(range_error(&format!("lossPercent must be a number from 0 to 100, not {}", num(loss))));
            }
            config.loss_ppm = (loss * 10_000.0).round() as u32;
        }
        config.prevote = self.prevote.unwrap_or(false);
        config.check_quorum = self.check_quorum.unwrap_or(false);
        if let Some(every) = self.snapshot {
            config.snapshot = in_range(every, 0.0, MAX_SAFE, "RaftLab.create: options.snapshot")? as u64;
        }
        // The world's own checks: nonzero heartbeat, LOW <= HIGH, ...
        config.validate().map_err(err)?;
        Ok(config)
    }
}
