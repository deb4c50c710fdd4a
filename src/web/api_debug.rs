//! The step debugger's half of the `RaftLab` API: moving through time,
//! breakpoints, the timeline bar, the inspector, and sharing the run.

use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::raft::NodeId;
use crate::sim::{Breakpoint, Hit, BREAKPOINT_NAMES};
use crate::view::feed::stop_phrase;
use crate::view::phrase::{self, Phrase};
use crate::view::snapshot::{ms, node_view_with, INSPECT_LOG_LIMIT};

use super::api::{err, num, to_js, whole, RaftLab};

/// Where a run stopped, for the .d.ts (`takeStop`, `runToNext`).
#[wasm_bindgen(typescript_custom_section)]
const STOP: &str =
    "export type Stop = {event: number, kind: string, cause: string, nodes: number[], invariant?: string, \
phrase?: Phrase};
/** Language-neutral text: a key of the page's message catalogues (www/i18n/) and its arguments. */
export type Phrase = {key: string, args: {[name: string]: number | string | Phrase}};";

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct StopView {
    event: u64,
    /// The breakpoint's name, e.g. `leader-elected`.
    kind: String,
    cause: String,
    nodes: Vec<NodeId>,
    #[serde(skip_serializing_if = "Option::is_none")]
    invariant: Option<&'static str>,
    /// The cause as a phrase, for the page's language.
    #[serde(skip_serializing_if = "Option::is_none")]
    phrase: Option<Phrase>,
}

impl StopView {
    fn of(hit: Hit, world: &crate::sim::World) -> StopView {
        StopView {
            phrase: stop_phrase(&hit, world),
            event: hit.event,
            kind: hit.breakpoint.to_string(),
            cause: hit.cause,
            nodes: hit.nodes,
            invariant: hit.invariant.map(|i| i.name()),
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct EventView {
    number: u64,
    time_ms: f64,
    text: String,
    effects: Vec<String>,
    /// `text` and `effects` as phrases, for the page's language.
    phrase: Phrase,
    effect_phrases: Vec<Phrase>,
}

#[derive(Serialize)]
struct TraceView<'a> {
    seed: String,
    nodes: u8,
    /// True when the run is longer than the export holds.
    truncated: bool,
    events: &'a [crate::view::session::TraceEvent],
}

/// A whole event number from JavaScript.
fn event_number(value: f64) -> Result<u64, JsError> {
    Ok(whole(value, 0.0, 9_007_199_254_740_991.0, "an event number")? as u64)
}

fn stop_js(hit: Option<Hit>, world: &crate::sim::World) -> Result<JsValue, JsError> {
    match hit {
        Some(hit) => to_js(&StopView::of(hit, world)),
        None => Ok(JsValue::NULL),
    }
}

#[wasm_bindgen]
impl RaftLab {
    /// The furthest event of the current future: after seeking back, the
    /// run can be replayed up to here.
    #[wasm_bindgen(js_name = endEvent)]
    pub fn end_event(&self) -> f64 {
        self.session.timeline().end() as f64
    }

    /// Whether the cluster is at the end of its recorded future (running on
    /// makes new history rather than replaying it).
    #[wasm_bindgen(js_name = atEnd)]
    pub fn at_end(&self) -> bool {
        self.session.timeline().at_end()
    }

    /// One event back; false at the start of the run.
    #[wasm_bindgen(js_name = stepBack)]
    pub fn step_back(&mut self) -> bool {
        self.session.step_back()
    }

    /// Jumps to the state right after event `event` (0: the start). Beyond
    /// the recorded future it runs on, playing the scenario, until it gets
    /// there or nothing is left to happen, and at most 2,000,000 new events.
    pub fn seek(&mut self, event: f64) -> Result<(), JsError> {
        let event = event_number(event)?;
        self.session.seek(event);
        Ok(())
    }

    /// Where the last `advance` stopped on a breakpoint or a safety
    /// violation, once; else `null`.
    #[wasm_bindgen(js_name = takeStop, unchecked_return_type = "Stop | null")]
    pub fn take_stop(&mut self) -> Result<JsValue, JsError> {
        let hit = self.session.take_stop();
        stop_js(hit, self.session.world())
    }

    /// Runs until the next event of `kind` (a breakpoint name, see
    /// `setBreakpoints`, or `deliver`, `timeout`, `action`), looking at most
    /// 60 s of virtual time ahead. Returns where it stopped, or `null`.
    #[wasm_bindgen(js_name = runToNext, unchecked_return_type = "Stop | null")]
    pub fn run_to_next(&mut self, kind: &str) -> Result<JsValue, JsError> {
        let breakpoint = self.breakpoint(kind)?;
        let hit = self.session.run_to_next(breakpoint);
        stop_js(hit, self.session.world())
    }

    /// Replaces the breakpoints. Names: `election-started`,
    /// `leader-elected`, `term-change`, `entry-committed`, `violation`,
    /// `deliver`, `timeout`, `action`, or `message TYPE A->B` (TYPE:
    /// RequestVote, RequestVoteReply, AppendEntries, AppendEntriesReply,
    /// ClientRequest, ClientReply or any). Throws on an unknown name, and
    /// then changes nothing.
    #[wasm_bindgen(js_name = setBreakpoints)]
    pub fn set_breakpoints(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "string[]")] names: JsValue,
    ) -> Result<(), JsError> {
        let list = js_sys::try_iter(&names)
            .ok()
            .flatten()
            .ok_or_else(|| err("setBreakpoints takes an array of breakpoint names"))?;
        let mut breakpoints = Vec::new();
        for name in list {
            let name = name.ok().and_then(|n| n.as_string()).ok_or_else(|| err("breakpoint names must be strings"))?;
            breakpoints.push(self.breakpoint(&name)?);
        }
        self.session.set_breakpoints(breakpoints);
        Ok(())
    }

    /// The breakpoints set, by name (a scenario's `break` commands included).
    #[wasm_bindgen(unchecked_return_type = "string[]")]
    pub fn breakpoints(&self) -> Result<JsValue, JsError> {
        let names: Vec<String> = self.session.breakpoints().iter().map(|b| b.to_string()).collect();
        to_js(&names)
    }

    /// The simple breakpoint names, for a menu.
    #[wasm_bindgen(js_name = breakpointNames, unchecked_return_type = "string[]")]
    pub fn breakpoint_names() -> Result<JsValue, JsError> {
        to_js(&BREAKPOINT_NAMES)
    }

    /// The run so far for the timeline bar: `{start, end, current, terms:
    /// [[event, term], ...], markers: [{event, kind, label}]}`; `terms` lists
    /// where the highest term rose, `kind` is one of election, leader, crash,
    /// restart, partition, heal, action, violation, breakpoint.
    #[wasm_bindgen(
        unchecked_return_type = "{start: number, end: number, current: number, terms: [number, number][], markers: {event: number, kind: string, label: string}[]}"
    )]
    pub fn timeline(&self) -> Result<JsValue, JsError> {
        to_js(&self.session.timeline_view())
    }

    /// Node `id`'s whole state now, as in `snapshot().nodes`, with up to
    /// 10,000 of its newest log entries.
    pub fn inspect(&self, id: f64) -> Result<JsValue, JsError> {
        let id = self.node(id)?;
        to_js(&node_view_with(self.session.world(), id, INSPECT_LOG_LIMIT))
    }

    /// The event that produced the current state, `{number, timeMs, text,
    /// effects, phrase, effectPhrases}`, or `null` at the start.
    #[wasm_bindgen(
        js_name = lastEvent,
        unchecked_return_type = "{number: number, timeMs: number, text: string, effects: string[], phrase: Phrase, effectPhrases: Phrase[]} | null"
    )]
    pub fn last_event(&self) -> Result<JsValue, JsError> {
        let world = self.session.world();
        match world.last_event() {
            None => Ok(JsValue::NULL),
            Some(e) => to_js(&EventView {
                number: e.number,
                time_ms: ms(e.time),
                text: e.kind.to_string(),
                effects: world.last_effects().iter().map(|x| x.to_string()).collect(),
                phrase: phrase::event(&e.kind, world),
                effect_phrases: world.last_effects().iter().map(phrase::effect).collect(),
            }),
        }
    }

    /// Scenario text reproducing the run up to now: the cluster line with
    /// every option, and every user action at its moment. With `seek` to the
    /// current event count, it gives this exact state again.
    #[wasm_bindgen(js_name = recordedScenario)]
    pub fn recorded_scenario(&self) -> Result<String, JsError> {
        self.session.recorded_scenario().map_err(err)
    }

    /// The events from the start up to now (the first 100,000) as JSON
    /// text: `{seed, nodes, truncated, events: [{number, timeUs, event,
    /// effects}]}`.
    #[wasm_bindgen(js_name = traceJson)]
    pub fn trace_json(&self) -> Result<String, JsError> {
        let (events, truncated) = self.session.trace();
        let config = self.session.world().config();
        let view = TraceView { seed: config.seed.to_string(), nodes: config.nodes, truncated, events: &events };
        crate::web::json::to_json(&view).map_err(|e| err(format!("internal error: cannot export the trace: {e}")))
    }
}

impl RaftLab {
    /// A breakpoint from its name, with its node ids checked against the
    /// cluster.
    fn breakpoint(&self, name: &str) -> Result<Breakpoint, JsError> {
        let breakpoint = Breakpoint::parse(name).map_err(err)?;
        let n = self.session.world().config().nodes;
        if let Some(id) = breakpoint.named_nodes().into_iter().find(|&id| id > n) {
            return Err(err(format!(
                "breakpoint '{name}' names node {id}, but the cluster has {} node{}",
                num(n as f64),
                if n == 1 { "" } else { "s" }
            )));
        }
        Ok(breakpoint)
    }
}
