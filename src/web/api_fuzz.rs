//! The counterexample search in the browser: one fuzz seed, and the shrink
//! of a seed that breaks an invariant, as `raftlab search` does them
//! (`scenario::fuzz::run_seed`, `scenario::fuzz_search::shrink`, the CLI's
//! default `FuzzOptions` but for the cluster size and the rules off). The
//! page runs these in Web Workers (www/lab-fuzz-worker.js), one seed at a
//! time, so that the same seed gives the same scenario as the CLI.

use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::raft::Rule;
use crate::scenario::fuzz::{run_seed, FuzzOptions, Verdict};
use crate::scenario::fuzz_search::shrink;
use crate::scenario::fuzz_swarm::generate;

use super::api::{err, to_js, Js, MAX_SAFE};
use super::args::{range_error, Arg};

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SeedRun {
    seed: f64,
    /// `passed`, `violation`, `liveness` or `panic`, as `raftlab fuzz` counts them.
    verdict: &'static str,
    events: f64,
    /// What failed: the violation, or the expectation the cluster missed.
    failure: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Counterexample {
    seed: f64,
    /// As the paper names it: `Election Safety`.
    invariant: &'static str,
    /// As the scenario language writes it: `election-safety`.
    invariant_word: &'static str,
    /// The shrunk scenario, ending with `expect violation INVARIANT`.
    scenario: String,
    commands_before: usize,
    commands_after: usize,
    /// Candidate runs the shrink took.
    runs: usize,
}

/// The arguments every search call shares: seed, cluster size, rules off.
fn search_options(method: &'static str, seed: &JsValue, nodes: &JsValue, rules: &JsValue) -> Js<(u64, FuzzOptions)> {
    let seed = Arg { method, name: "seed", value: seed }.whole(0.0, MAX_SAFE, "a fuzz seed")? as u64;
    let nodes = Arg { method, name: "nodes", value: nodes }.whole(1.0, 9.0, "the cluster size")? as u8;
    let names = Arg { method, name: "rules", value: rules }.array("an array of rule names", |v| v.as_string())?;
    let mut rules_off = Vec::new();
    for name in names {
        let rule = Rule::from_name(&name).ok_or_else(|| {
            let shown: String = name.chars().take(40).collect();
            let known = Rule::ALL.map(Rule::name).join(", ");
            range_error(&format!("{method}: unknown rule \"{shown}\": expected one of: {known}"))
        })?;
        if !rules_off.contains(&rule) {
            rules_off.push(rule);
        }
    }
    Ok((seed, FuzzOptions { nodes, rules_off, ..FuzzOptions::default() }))
}

/// Runs fuzz seed `seed` at `nodes` servers with `rules` (names, as
/// `setRule` takes them) switched off: `{seed, verdict, events, failure}`.
/// Throws a `TypeError` for an argument of the wrong type, a `RangeError`
/// for a seed, a size or a rule name out of range.
#[wasm_bindgen(js_name = fuzzSeed, unchecked_return_type = "{seed: number, verdict: string, events: number, failure: string | null}")]
pub fn fuzz_seed(
    #[wasm_bindgen(unchecked_param_type = "number")] seed: JsValue,
    #[wasm_bindgen(unchecked_param_type = "number")] nodes: JsValue,
    #[wasm_bindgen(unchecked_param_type = "string[]")] rules: JsValue,
) -> Js<JsValue> {
    let (seed, options) = search_options("fuzzSeed", &seed, &nodes, &rules)?;
    let run = run_seed(seed, &options);
    let verdict = match run.verdict {
        Verdict::Passed => "passed",
        Verdict::Violation => "violation",
        Verdict::Liveness => "liveness",
        Verdict::Panic => "panic",
    };
    to_js(&SeedRun { seed: seed as f64, verdict, events: run.events as f64, failure: run.failure.map(|f| f.message) })
}

/// Shrinks the scenario of fuzz seed `seed` (same arguments as `fuzzSeed`)
/// as `raftlab search` does: `{seed, invariant, invariantWord, scenario,
/// commandsBefore, commandsAfter, runs}`, the scenario ending with `expect
/// violation INVARIANT`. Throws an `Error` when the seed breaks no invariant.
#[wasm_bindgen(
    js_name = shrinkSeed,
    unchecked_return_type = "{seed: number, invariant: string, invariantWord: string, scenario: string, commandsBefore: number, commandsAfter: number, runs: number}"
)]
pub fn shrink_seed(
    #[wasm_bindgen(unchecked_param_type = "number")] seed: JsValue,
    #[wasm_bindgen(unchecked_param_type = "number")] nodes: JsValue,
    #[wasm_bindgen(unchecked_param_type = "string[]")] rules: JsValue,
) -> Js<JsValue> {
    let (seed, options) = search_options("shrinkSeed", &seed, &nodes, &rules)?;
    let shrunk = shrink(&generate(seed, &options))
        .ok_or_else(|| err(format!("shrinkSeed: seed {seed} breaks no safety invariant with these rules off")))?;
    to_js(&Counterexample {
        seed: seed as f64,
        invariant: shrunk.invariant.name(),
        invariant_word: shrunk.invariant.word(),
        scenario: shrunk.to_text(),
        commands_before: shrunk.commands_before,
        commands_after: shrunk.generated.commands.len(),
        runs: shrunk.runs,
    })
}
