//! The step debugger's half of the `RaftLab` API: moving through time,
//! breakpoints, the timeline bar, the inspector, and sharing the run.

use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::raft::NodeId;
use crate::sim::{Breakpoint, Hit, OverBudget, BREAKPOINT_NAMES};
use crate::view::feed::{budget_phrase, stop_phrase};
use crate::view::phrase::{self, Phrase};
use crate::view::snapshot::{ms, node_view_with, INSPECT_LOG_LIMIT};
use crate::view::why::Why;

use super::api::{err, num, to_js, Js, RaftLab, MAX_SAFE};
use super::args::{arg, range_error};

/// A decision's reason, for the .d.ts (`lastEvent`, `feed`; docs/why.md).
#[wasm_bindgen(typescript_custom_section)]
const WHY: &str = "export type Why = {key: string, args: Record<string, number | number[] | string>, section: string, lesion?: string, text: string};";

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

    /// The run went over its budget: kind `budget`, the limit in the cause.
    fn halted(over: OverBudget) -> StopView {
        StopView {
            phrase: Some(budget_phrase(&over)),
            event: over.event,
            kind: "budget".into(),
            cause: over.to_string(),
            nodes: Vec::new(),
            invariant: None,
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct EventView {
    number: u64,
    time_ms: f64,
    text: String,
    /// What the event caused, in English; reasons are in `why`.
    effects: Vec<String>,
    /// The reason of every decision a node took in the event, in order.
    why: Vec<Why>,
    /// `text` and `effects` as phrases, for the page's language.
    phrase: Phrase,
    effect_phrases: Vec<Phrase>,
}

#[derive(Serialize)]
struct TraceView<'a> {
    seed: String,
    nodes: u8,
    /// The first event the export could hold: the start of the reachable
    /// past (0 unless the checkpoint budget dropped the oldest part).
    from: u64,
    /// True when the run is longer than the export holds.
    truncated: bool,
    events: &'a [crate::view::session::TraceEvent],
}

/// What the run holds that grows with it, and its limits (`memory()`).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct MemoryView {
    /// Time-travel checkpoints kept, what they are charged (bytes,
    /// estimated) and their budget.
    checkpoints: usize,
    checkpoint_bytes: usize,
    checkpoint_budget: usize,
    /// The first event one can still go back to.
    reachable: u64,
    events: u64,
    /// Entries in all the logs together, and in the longest; what the
    /// entries and their digests take (bytes, from the types' sizes; the
    /// keys and values they share are not counted).
    log_entries: u64,
    longest_log: u64,
    log_bytes: u64,
    in_flight: usize,
    pending: usize,
    /// Client operations kept in the history, of all submitted.
    client_ops_kept: usize,
    client_ops_total: usize,
    actions: usize,
    /// The run's limits.
    budget: BudgetView,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct BudgetView {
    events: u64,
    in_flight: usize,
    pending: usize,
    actions: usize,
    log_entries: u64,
}

fn stop_js(hit: Option<Hit>, world: &crate::sim::World) -> Js<JsValue> {
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
    /// there, nothing is left to happen or the run goes over its budget, and
    /// at most 2,000,000 new events. An event before the reachable past
    /// (`timeline().reachable`) throws a `RangeError` saying why, and the
    /// run stays where it is.
    pub fn seek(&mut self, #[wasm_bindgen(unchecked_param_type = "number")] event: JsValue) -> Js<()> {
        let event = arg!("seek", event).whole(0.0, MAX_SAFE, "an event number")? as u64;
        self.session.seek(event).map_err(|why| range_error(&format!("seek: {why}")))
    }

    /// Where the last `advance` (or step, or jump) stopped on a breakpoint,
    /// a safety violation or the run's budget, once; else `null`. A budget
    /// stop has kind `budget` and names the limit in its cause; the run
    /// goes no further than that event (go back in time, or act in the past
    /// to fork).
    #[wasm_bindgen(js_name = takeStop, unchecked_return_type = "Stop | null")]
    pub fn take_stop(&mut self) -> Js<JsValue> {
        if let Some(over) = self.session.take_halt() {
            return to_js(&StopView::halted(over));
        }
        let hit = self.session.take_stop();
        stop_js(hit, self.session.world())
    }

    /// Runs until the next event of `kind` (a breakpoint name, see
    /// `setBreakpoints`, or `deliver`, `timeout`, `action`), looking at most
    /// 60 s of virtual time ahead. Returns where it stopped, or `null` when
    /// nothing of the kind came: the run then stays where it was.
    #[wasm_bindgen(js_name = runToNext, unchecked_return_type = "Stop | null")]
    pub fn run_to_next(&mut self, #[wasm_bindgen(unchecked_param_type = "string")] kind: JsValue) -> Js<JsValue> {
        let kind = arg!("runToNext", kind).string()?;
        let breakpoint = self.breakpoint(&kind)?;
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
    pub fn set_breakpoints(&mut self, #[wasm_bindgen(unchecked_param_type = "string[]")] names: JsValue) -> Js<()> {
        let names = arg!("setBreakpoints", names).array("an array of breakpoint names", |n| n.as_string())?;
        let breakpoints = names.iter().map(|name| self.breakpoint(name)).collect::<Result<Vec<_>, _>>()?;
        self.session.set_breakpoints(breakpoints);
        Ok(())
    }

    /// The breakpoints set, by name (a scenario's `break` commands included).
    #[wasm_bindgen(unchecked_return_type = "string[]")]
    pub fn breakpoints(&self) -> Js<JsValue> {
        let names: Vec<String> = self.session.breakpoints().iter().map(|b| b.to_string()).collect();
        to_js(&names)
    }

    /// The simple breakpoint names, for a menu.
    #[wasm_bindgen(js_name = breakpointNames, unchecked_return_type = "string[]")]
    pub fn breakpoint_names() -> Js<JsValue> {
        to_js(&BREAKPOINT_NAMES)
    }

    /// The run so far for the timeline bar: `{start, reachable, end,
    /// current, terms: [[event, term], ...], markers: [{event, kind,
    /// label}]}`; `reachable` is the first event one can go back to (after
    /// `start` once the time-travel budget dropped the oldest part of a long
    /// run), `terms` lists where the highest term rose, `kind` is one of
    /// election, leader, crash, restart, partition, heal, action, violation,
    /// breakpoint.
    #[wasm_bindgen(
        unchecked_return_type = "{start: number, reachable: number, end: number, current: number, terms: [number, number][], markers: {event: number, kind: string, label: string}[]}"
    )]
    pub fn timeline(&self) -> Js<JsValue> {
        to_js(&self.session.timeline_view())
    }

    /// What the run holds that grows with it, against its limits:
    /// `{checkpoints, checkpointBytes, checkpointBudget, reachable, events,
    /// logEntries, longestLog, logBytes, inFlight, pending, clientOpsKept,
    /// clientOpsTotal, actions, budget: {events, inFlight, pending, actions,
    /// logEntries}}`. Bytes are the engine's estimates; counts are exact.
    pub fn memory(&self) -> Js<JsValue> {
        let (timeline, world) = (self.session.timeline(), self.session.world());
        // The entries the logs hold, past their snapshots (§7).
        let logs = world.nodes().iter().map(|s| s.node.log().last_index() - s.node.log().snapshot().index);
        let client = world.client();
        let b = self.session.budget();
        to_js(&MemoryView {
            checkpoints: timeline.checkpoint_count(),
            checkpoint_bytes: timeline.held_bytes(),
            checkpoint_budget: timeline.budget(),
            reachable: timeline.reachable(),
            events: world.event_count(),
            log_entries: logs.clone().sum(),
            longest_log: logs.clone().max().unwrap_or(0),
            log_bytes: logs.sum::<u64>() * (std::mem::size_of::<crate::raft::Entry>() + 8) as u64,
            in_flight: world.network().in_flight_count(),
            pending: client.pending_count(),
            client_ops_kept: client.op_count() + 1 - client.first_kept() as usize,
            client_ops_total: client.op_count(),
            actions: world.journal().len(),
            budget: BudgetView {
                events: b.events,
                in_flight: b.in_flight,
                pending: b.pending,
                actions: b.actions,
                log_entries: b.log_entries,
            },
        })
    }

    /// Sets the bytes the time-travel checkpoints may hold (by default 64
    /// MiB); a smaller budget drops the oldest now, and the reachable past
    /// begins later. For experiments and tests.
    #[wasm_bindgen(js_name = setCheckpointBudget)]
    pub fn set_checkpoint_budget(&mut self, #[wasm_bindgen(unchecked_param_type = "number")] bytes: JsValue) -> Js<()> {
        let bytes = arg!("setCheckpointBudget", bytes).whole(0.0, MAX_SAFE, "bytes")?;
        self.session.set_checkpoint_budget(bytes as usize);
        Ok(())
    }

    /// Node `id`'s whole state now, as in `snapshot().nodes`, with up to
    /// 10,000 of its newest log entries.
    pub fn inspect(&self, #[wasm_bindgen(unchecked_param_type = "number")] id: JsValue) -> Js<JsValue> {
        let id = self.node(arg!("inspect", id))?;
        to_js(&node_view_with(self.session.world(), id, INSPECT_LOG_LIMIT))
    }

    /// The event that produced the current state, `{number, timeMs, text,
    /// effects, phrase, effectPhrases, why}`, or `null` at the start.
    /// `phrase` and `effectPhrases` are `text` and `effects` as
    /// language-neutral data; `why` lists the reason of every decision a
    /// node took in it, each `{key, args, section, lesion?, text}`
    /// (docs/why.md).
    #[wasm_bindgen(
        js_name = lastEvent,
        unchecked_return_type = "{number: number, timeMs: number, text: string, effects: string[], phrase: Phrase, effectPhrases: Phrase[], why: Why[]} | null"
    )]
    pub fn last_event(&self) -> Js<JsValue> {
        let world = self.session.world();
        match world.last_event() {
            None => Ok(JsValue::NULL),
            Some(e) => to_js(&EventView {
                number: e.number,
                time_ms: ms(e.time),
                text: e.kind.to_string(),
                effects: world.last_effects().iter().filter(|x| x.reason().is_none()).map(|x| x.to_string()).collect(),
                phrase: phrase::event(&e.kind, world),
                effect_phrases: world
                    .last_effects()
                    .iter()
                    .filter(|x| x.reason().is_none())
                    .map(phrase::effect)
                    .collect(),
                why: world.last_effects().iter().filter_map(Why::of_effect).collect(),
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

    /// The events from the start of the reachable past up to now (the first
    /// 100,000) as JSON text: `{seed, nodes, from, truncated, events:
    /// [{number, timeUs, event, effects}]}`.
    #[wasm_bindgen(js_name = traceJson)]
    pub fn trace_json(&self) -> Js<String> {
        let (events, truncated) = self.session.trace();
        let config = self.session.world().config();
        let from = self.session.timeline().reachable();
        let view = TraceView { seed: config.seed.to_string(), nodes: config.nodes, from, truncated, events: &events };
        let json = js_sys::JSON::stringify(&to_js(&view)?)?;
        json.as_string().ok_or_else(|| err("internal error: cannot export the trace").into())
    }
}

impl RaftLab {
    /// A breakpoint from its name, with its node ids checked against the
    /// cluster.
    fn breakpoint(&self, name: &str) -> Result<Breakpoint, JsError> {
        let name = &crate::scenario::parse::shown(name);
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
