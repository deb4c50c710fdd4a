//! The JavaScript API of Raft Lab: one `RaftLab` object per simulated
//! cluster. It owns the debugging session (the world's timeline, the
//! scenario player, the feed) and the layout of the last frame drawn. The
//! debugger's methods (step back, seek, breakpoints, share) are in
//! `api_debug.rs`.
//!
//! Every method that takes input from the page validates it and throws a
//! readable `Error` rather than panicking: JavaScript numbers can be
//! fractional, negative or NaN, so ids and durations arrive as `f64` and
//! are checked here instead of being silently truncated by the bindings.

use serde::Serialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::CanvasRenderingContext2d;

use crate::raft::{Command, NodeId, MAX_NODES};
use crate::scenario;
use crate::sim::{MessageFault, Micros, SimError, UserAction, WorldConfig, MS};
use crate::view::layout::{Hit, Layout};
use crate::view::player::CaptionLine;
use crate::view::session::Session;
use crate::view::snapshot::snapshot;
use crate::web::render::{self, Style};

/// Most events one `advance` call processes. At a few million events per
/// second this is well under a frame's budget, so a huge speed factor makes
/// the simulation lag behind rather than freeze the page.
pub const MAX_EVENTS_PER_ADVANCE: u64 = 200_000;
/// Most virtual time one `advance` call covers; more is clamped, so a
/// cluster with nothing scheduled cannot jump its clock to the far future.
pub const MAX_ADVANCE_MS: f64 = 3_600_000.0;
/// Longest duration the options accept (one hour), far from any overflow.
const MAX_OPTION_MS: f64 = 3_600_000.0;

/// Shows Rust panics in the browser console with their message, instead of
/// an opaque "unreachable executed".
#[wasm_bindgen(start)]
pub fn start() {
    console_error_panic_hook::set_once();
}

/// The `style` argument of `render` and `renderLog`, for the .d.ts.
#[wasm_bindgen(typescript_custom_section)]
const RENDER_STYLE: &str = "export type RenderStyle = {dark?: boolean, reducedMotion?: boolean, \
selectedNode?: number | null, selectedMessage?: number | null, hoverMessage?: number | null, highlightNodes?: number[], \
scale?: number, coarsePointer?: boolean, selectedLink?: [number, number] | null};";

/// A simulated Raft cluster in the browser.
#[wasm_bindgen]
pub struct RaftLab {
    pub(super) session: Session,
    /// What the last `render` drew, for `hitTest`.
    layout: Option<Layout>,
    /// The words on the canvases, in the page's language (`setLabels`).
    pub(super) labels: render::Labels,
}

/// The options of `RaftLab.create`; every field is optional.
const OPTION_NAMES: [&str; 6] = ["nodes", "seed", "electionMs", "heartbeatMs", "latencyMs", "lossPercent"];

#[derive(Default)]
struct Options {
    nodes: Option<f64>,
    seed: Option<f64>,
    election_ms: Option<[f64; 2]>,
    heartbeat_ms: Option<f64>,
    latency_ms: Option<[f64; 2]>,
    loss_percent: Option<f64>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ScenarioStatus<'a> {
    /// Steps completed (on failure: the index of the failed step).
    step: usize,
    total: usize,
    /// Source line of the step being played, or of the last step once done.
    line: u32,
    /// The text of that step, as written.
    command: String,
    /// The comment lines above the command playing (`{lang, text}`; `lang`
    /// is `null` or e.g. `"ko"` for a `#[ko]` line), shown as a caption.
    caption: &'a [CaptionLine],
    #[serde(skip_serializing_if = "Option::is_none")]
    failure: Option<String>,
    done: bool,
}

#[derive(Serialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
enum HitView {
    Node { id: NodeId },
    Message { id: u64 },
    Link { from: NodeId, to: NodeId },
}

pub(super) fn err(message: impl std::fmt::Display) -> JsError {
    JsError::new(&message.to_string())
}

pub(super) fn sim(result: Result<(), SimError>) -> Result<(), JsError> {
    result.map_err(err)
}

/// Plain objects for JavaScript: maps as objects, `None` as `null`.
pub(super) fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsError> {
    // JSON text and one JSON.parse: far less wasm than building the object
    // through the bindings field by field.
    let json = crate::web::json::to_json(value)
        .map_err(|e| err(format!("internal error: cannot convert to JavaScript: {e}")))?;
    js_sys::JSON::parse(&json).map_err(|_| err("internal error: cannot convert to JavaScript"))
}

/// An iterable of iterables of numbers (what serde-wasm-bindgen reads as
/// `Vec<Vec<f64>>`, without its code), or `None`.
fn number_lists(value: &JsValue) -> Option<Vec<Vec<f64>>> {
    fn each(value: &JsValue, mut f: impl FnMut(JsValue) -> Option<()>) -> Option<()> {
        for item in js_sys::try_iter(value).ok()?? {
            f(item.ok()?)?;
        }
        Some(())
    }
    let mut lists = Vec::new();
    each(value, |group| {
        let mut list = Vec::new();
        each(&group, |id| {
            list.push(id.as_f64()?);
            Some(())
        })?;
        lists.push(list);
        Some(())
    })?;
    Some(lists)
}

/// A number as JavaScript writes it. Formatting an `f64` in Rust would
/// link its float-to-text code, several KB of wasm, for error messages.
pub(super) fn num(value: f64) -> String {
    js_sys::Number::from(value).to_string_with_radix(10).map(String::from).unwrap_or_default()
}

/// What a JavaScript value is, for error messages.
fn describe(value: &JsValue) -> String {
    match value.as_f64() {
        Some(n) => num(n),
        None if js_sys::Array::is_array(value) => "an array".into(),
        None => {
            value.as_string().map_or_else(|| value.js_typeof().as_string().unwrap_or_default(), |s| format!("\"{s}\""))
        }
    }
}

/// `object[key]`, or `None` when it is undefined or null.
fn field(object: &JsValue, key: &str) -> Result<Option<JsValue>, JsError> {
    let value =
        js_sys::Reflect::get(object, &JsValue::from_str(key)).map_err(|_| err(format!("cannot read '{key}'")))?;
    Ok(if value.is_undefined() || value.is_null() { None } else { Some(value) })
}

fn number(value: &JsValue, key: &str) -> Result<f64, JsError> {
    value.as_f64().ok_or_else(|| err(format!("bad cluster options: '{key}' must be a number, not {}", describe(value))))
}

/// A pair `[low, high]` of numbers.
fn pair(value: &JsValue, key: &str) -> Result<[f64; 2], JsError> {
    let bad = || err(format!("bad cluster options: '{key}' must be an array of two numbers [low, high]"));
    let array = value.dyn_ref::<js_sys::Array>().ok_or_else(bad)?;
    if array.length() != 2 {
        return Err(bad());
    }
    Ok([number(&array.get(0), key)?, number(&array.get(1), key)?])
}

fn plain_object<'a>(value: &'a JsValue, what: &str) -> Result<&'a js_sys::Object, JsError> {
    if value.is_object() && !js_sys::Array::is_array(value) {
        Ok(value.unchecked_ref())
    } else {
        Err(err(format!("{what} must be an object, not {}", describe(value))))
    }
}

impl Options {
    fn read(value: &JsValue) -> Result<Options, JsError> {
        let object = plain_object(value, "bad cluster options: the options")?;
        // Only the known fields are read; a misspelt option would be
        // ignored without a word, so name it.
        for key in js_sys::Object::keys(object).iter().filter_map(|k| k.as_string()) {
            if !OPTION_NAMES.contains(&key.as_str()) {
                return Err(err(format!(
                    "unknown cluster option '{key}', expected one of: {}",
                    OPTION_NAMES.join(", ")
                )));
            }
        }
        let number = |key: &str| field(value, key)?.map(|v| number(&v, key)).transpose();
        let pair = |key: &str| field(value, key)?.map(|v| pair(&v, key)).transpose();
        Ok(Options {
            nodes: number("nodes")?,
            seed: number("seed")?,
            election_ms: pair("electionMs")?,
            heartbeat_ms: number("heartbeatMs")?,
            latency_ms: pair("latencyMs")?,
            loss_percent: number("lossPercent")?,
        })
    }
}

/// A whole number in `low..=high`, or a message naming `what`.
pub(super) fn whole(value: f64, low: f64, high: f64, what: &str) -> Result<f64, JsError> {
    if !value.is_finite() || value.fract() != 0.0 || value < low || value > high {
        return Err(err(format!(
            "{what} must be a whole number from {} to {}, not {}",
            num(low),
            num(high),
            num(value)
        )));
    }
    Ok(value)
}

/// Milliseconds in `0..=MAX_OPTION_MS` to microseconds.
fn duration(value: f64, what: &str) -> Result<Micros, JsError> {
    if !value.is_finite() || !(0.0..=MAX_OPTION_MS).contains(&value) {
        return Err(err(format!(
            "{what} must be a number of milliseconds from 0 to {}, not {}",
            num(MAX_OPTION_MS),
            num(value)
        )));
    }
    Ok((value * MS as f64).round() as Micros)
}

fn range(value: [f64; 2], what: &str) -> Result<(Micros, Micros), JsError> {
    Ok((duration(value[0], what)?, duration(value[1], what)?))
}

impl Options {
    fn config(&self) -> Result<WorldConfig, JsError> {
        let mut config = WorldConfig::default();
        if let Some(nodes) = self.nodes {
            config.nodes = whole(nodes, 1.0, MAX_NODES as f64, "nodes")? as u8;
        }
        if let Some(seed) = self.seed {
            // Seeds beyond 2^53 cannot be written exactly as JavaScript numbers.
            config.seed = whole(seed, 0.0, 9_007_199_254_740_991.0, "seed")? as u64;
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
                return Err(err(format!("lossPercent must be a number from 0 to 100, not {}", num(loss))));
            }
            config.loss_ppm = (loss * 10_000.0).round() as u32;
        }
        // The world's own checks: nonzero heartbeat, LOW <= HIGH, ...
        config.validate().map_err(err)?;
        Ok(config)
    }
}

impl RaftLab {
    fn with(session: Session) -> RaftLab {
        RaftLab { session, layout: None, labels: render::Labels::default() }
    }

    pub(super) fn node(&self, id: f64) -> Result<NodeId, JsError> {
        let n = self.session.world().config().nodes;
        Ok(whole(id, 1.0, n as f64, "a node id")? as NodeId)
    }

    fn message(id: f64) -> Result<u64, JsError> {
        Ok(whole(id, 1.0, 9_007_199_254_740_991.0, "a message id")? as u64)
    }

    /// Applies a user action (in the past, forking the run).
    fn act(&mut self, action: UserAction) -> Result<(), JsError> {
        sim(self.session.act(action))
    }

    fn style(&self, style: JsValue) -> Result<Style, JsError> {
        if style.is_undefined() || style.is_null() {
            return Ok(Style::default());
        }
        let bad = |key: &str, what: &str, value: &JsValue| {
            err(format!("bad style object: '{key}' must be {what}, not {}", describe(value)))
        };
        plain_object(&style, "bad style object: the style")?;
        let flag = |key: &str| -> Result<bool, JsError> {
            match field(&style, key)? {
                None => Ok(false),
                Some(v) => v.as_bool().ok_or_else(|| bad(key, "true or false", &v)),
            }
        };
        // A whole number from 0 to `max`, or null.
        let id = |key: &str, max: f64| -> Result<Option<f64>, JsError> {
            let Some(v) = field(&style, key)? else { return Ok(None) };
            match v.as_f64() {
                Some(n) if n.fract() == 0.0 && (0.0..=max).contains(&n) => Ok(Some(n)),
                _ => Err(bad(key, "a whole number or null", &v)),
            }
        };
        let mut highlight_nodes = 0u16;
        if let Some(list) = field(&style, "highlightNodes")? {
            let ids = js_sys::try_iter(&list)
                .ok()
                .flatten()
                .ok_or_else(|| bad("highlightNodes", "an array of node ids", &list))?;
            for id in ids {
                let id = id
                    .ok()
                    .and_then(|v| v.as_f64())
                    .ok_or_else(|| bad("highlightNodes", "an array of node ids", &list))?;
                highlight_nodes |= 1 << self.node(id)?;
            }
        }
        let mut page = Style::default();
        render::page_style(&style, &mut page, self.session.world().config().nodes)?;
        Ok(Style {
            scale: page.scale,
            coarse_pointer: page.coarse_pointer,
            selected_link: page.selected_link,
            highlight_nodes,
            dark: flag("dark")?,
            reduced_motion: flag("reducedMotion")?,
            selected_node: id("selectedNode", u8::MAX as f64)?.map(|n| n as u8),
            selected_message: id("selectedMessage", 9_007_199_254_740_991.0)?.map(|n| n as u64),
            hover_message: id("hoverMessage", 9_007_199_254_740_991.0)?.map(|n| n as u64),
        })
    }
}

#[wasm_bindgen]
impl RaftLab {
    /// Creates a cluster. `options` (all optional): `{nodes: 1..9, seed,
    /// electionMs: [low, high], heartbeatMs, latencyMs: [low, high],
    /// lossPercent: 0..100}`; defaults: 5 nodes, seed 0, election 150..300 ms,
    /// heartbeat 50 ms, latency 10..20 ms, no loss. Throws on a bad option.
    pub fn create(
        #[wasm_bindgen(
            unchecked_param_type = "{nodes?: number, seed?: number, electionMs?: [number, number], heartbeatMs?: number, latencyMs?: [number, number], lossPercent?: number} | null | undefined"
        )]
        options: JsValue,
    ) -> Result<RaftLab, JsError> {
        let options =
            if options.is_undefined() || options.is_null() { Options::default() } else { Options::read(&options)? };
        Ok(RaftLab::with(Session::live(options.config()?).map_err(err)?))
    }

    /// Creates the cluster a scenario describes; `advance` then plays its
    /// commands as virtual time passes. Throws `LINE:COLUMN: ...` on a parse
    /// error.
    #[wasm_bindgen(js_name = fromScenario)]
    pub fn from_scenario(text: &str) -> Result<RaftLab, JsError> {
        let scenario = scenario::parse(text).map_err(err)?;
        let mut session = Session::from_scenario(scenario).map_err(err)?;
        session.set_source(text);
        Ok(RaftLab::with(session))
    }

    /// Advances virtual time by `virtualMs` (clamped to one hour), playing
    /// the scenario's commands reached on the way (after seeking back: the
    /// recorded future). Processes at most 200,000 events per call: past
    /// that the clock stays behind. Stops early at a breakpoint or a safety
    /// violation: `takeStop()` then says where. Returns the number of events
    /// processed.
    pub fn advance(&mut self, #[wasm_bindgen(js_name = virtualMs)] virtual_ms: f64) -> Result<u32, JsError> {
        if !virtual_ms.is_finite() || virtual_ms < 0.0 {
            return Err(err(format!("advance takes a number of milliseconds of at least 0, not {}", num(virtual_ms))));
        }
        let us = (virtual_ms.min(MAX_ADVANCE_MS) * MS as f64).round() as Micros;
        Ok(self.session.advance(us, MAX_EVENTS_PER_ADVANCE).events as u32)
    }

    /// Processes exactly one event and returns it as text (`#12 182.345ms
    /// deliver 1->2 RequestVote ...`), or `undefined` when nothing is
    /// scheduled. A scenario command that acts (crash, put, ...) counts as
    /// one event; after seeking back, the step replays the recorded future.
    #[wasm_bindgen(js_name = stepEvent)]
    pub fn step_event(&mut self) -> Option<String> {
        self.session.step_forward()
    }

    /// Virtual time in milliseconds.
    #[wasm_bindgen(js_name = nowMs)]
    pub fn now_ms(&self) -> f64 {
        self.session.world().now() as f64 / MS as f64
    }

    /// Events processed so far, user actions included.
    #[wasm_bindgen(js_name = eventCount)]
    pub fn event_count(&self) -> f64 {
        self.session.world().event_count() as f64
    }

    /// Crashes node `id` (1-based). Throws if unknown or already crashed.
    pub fn crash(&mut self, id: f64) -> Result<(), JsError> {
        let id = self.node(id)?;
        self.act(UserAction::Crash(id))
    }

    /// Restarts crashed node `id` with its persistent state.
    pub fn restart(&mut self, id: f64) -> Result<(), JsError> {
        let id = self.node(id)?;
        self.act(UserAction::Restart(id))
    }

    /// Fires node `id`'s election timer now (on a leader too: it starts an
    /// election for the next term).
    pub fn timeout(&mut self, id: f64) -> Result<(), JsError> {
        let id = self.node(id)?;
        self.act(UserAction::Timeout(id))
    }

    /// Splits the cluster into groups, e.g. `[[1, 2], [3, 4, 5]]`; nodes not
    /// listed form one more group. Replaces any earlier partition.
    pub fn partition(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "number[][]")] groups: JsValue,
    ) -> Result<(), JsError> {
        let raw = number_lists(&groups)
            .ok_or_else(|| err("partition takes an array of groups of node ids, e.g. [[1, 2], [3, 4, 5]]"))?;
        let groups = raw
            .into_iter()
            .map(|g| g.into_iter().map(|id| self.node(id)).collect::<Result<Vec<_>, _>>())
            .collect::<Result<Vec<_>, _>>()?;
        self.act(UserAction::Partition(groups))
    }

    /// Takes the link `from -> to` down; `both` also `to -> from`.
    pub fn cut(&mut self, from: f64, to: f64, both: bool) -> Result<(), JsError> {
        let (from, to) = (self.node(from)?, self.node(to)?);
        self.act(UserAction::Cut { from, to, both, down: true })
    }

    /// Repairs the link `from -> to`; `both` also `to -> from`.
    pub fn uncut(&mut self, from: f64, to: f64, both: bool) -> Result<(), JsError> {
        let (from, to) = (self.node(from)?, self.node(to)?);
        self.act(UserAction::Cut { from, to, both, down: false })
    }

    /// Removes every partition and cut link.
    pub fn heal(&mut self) -> Result<(), JsError> {
        self.act(UserAction::Heal)
    }

    /// Drops the in-flight message with this id (`snapshot().messages[i].id`).
    #[wasm_bindgen(js_name = dropMessage)]
    pub fn drop_message(&mut self, id: f64) -> Result<(), JsError> {
        let id = Self::message(id)?;
        self.act(UserAction::FaultMessage { fault: MessageFault::Drop, id })
    }

    /// Sends a second copy of the in-flight message with this id, with a
    /// latency of its own.
    #[wasm_bindgen(js_name = duplicateMessage)]
    pub fn duplicate_message(&mut self, id: f64) -> Result<(), JsError> {
        let id = Self::message(id)?;
        self.act(UserAction::FaultMessage { fault: MessageFault::Duplicate, id })
    }

    /// Submits a client operation: `op` is `"put"` (needs `value`), `"get"`,
    /// `"del"` or `"list"` (`key` is then the prefix, may be empty). `via`
    /// sends it to that node, else to the current leader. Returns the
    /// request id (`snapshot().clientOps[i].id`).
    pub fn submit(&mut self, op: &str, key: &str, value: Option<String>, via: Option<f64>) -> Result<f64, JsError> {
        if op != "list" && key.is_empty() {
            return Err(err(format!("{op} needs a key")));
        }
        // What is submitted must fit the scenario language, or the run could
        // not be shared as a link: keys and values are single words.
        for (what, text) in [("key", key), ("value", value.as_deref().unwrap_or("x"))] {
            if text.chars().any(|c| c.is_whitespace() || c == '#') || (what == "key" && text.contains('=')) {
                let extra = if what == "key" { ", '#' or '='" } else { " or '#'" };
                return Err(err(format!("the {what} \"{text}\" cannot contain spaces{extra}: it must be one word")));
            }
        }
        if op == "put" && value.as_deref() == Some("") {
            return Err(err("put needs a value"));
        }
        let command = match op {
            "put" => {
                let value = value.ok_or_else(|| err("put needs a value"))?;
                Command::put(key, &value)
            }
            "get" => Command::get(key),
            "del" => Command::del(key),
            "list" => Command::list(key),
            other => return Err(err(format!("unknown operation '{other}', expected put, get, del or list"))),
        };
        let via = via.map(|id| self.node(id)).transpose()?;
        self.act(UserAction::Submit { command, via })?;
        // Request ids number the operations from 1.
        Ok(self.session.world().client().op_count() as f64)
    }

    /// Steady client load: a `put` every `intervalMs` of virtual time; 0 turns
    /// it off.
    #[wasm_bindgen(js_name = setClientLoad)]
    pub fn set_client_load(&mut self, #[wasm_bindgen(js_name = intervalMs)] interval_ms: f64) -> Result<(), JsError> {
        let interval = duration(interval_ms, "the client load interval")?;
        // Any positive interval means "on", even one below a microsecond.
        self.act(UserAction::SetClientLoad((interval_ms > 0.0).then_some(interval.max(1))))
    }

    /// The whole visible state as a plain object: `{timeMs, events, leader,
    /// establishedLeader, config, nodes: [...], messages: [...], partition,
    /// cuts, clientOps, clientOpsTotal, violations, stats}`. Missing values
    /// are `null`. Logs hold the newest 200 entries (`logLength` tells all).
    pub fn snapshot(&self) -> Result<JsValue, JsError> {
        to_js(&snapshot(self.session.world()))
    }

    /// Feed lines `{event, timeMs, text, phrase}` of events numbered above
    /// `sinceEvent`, oldest first: user actions and notable effects (role
    /// changes, client results, faults, violations). The last 500 are kept.
    /// After seeking back, lines of events after the current one are left
    /// out.
    #[wasm_bindgen(unchecked_return_type = "Array<{event: number, timeMs: number, text: string, phrase: Phrase}>")]
    pub fn feed(&self, #[wasm_bindgen(js_name = sinceEvent)] since_event: f64) -> Result<JsValue, JsError> {
        let since = if since_event.is_finite() && since_event > 0.0 { since_event as u64 } else { 0 };
        to_js(&self.session.feed().between(since, self.session.world().event_count()))
    }

    /// `null` without a scenario, else `{step, total, line, command,
    /// failure?, done}`: steps completed, the source line and text of the
    /// step being played (or that failed), and whether playback is over.
    /// Acting in the past stops a scenario: `failure` then says so.
    #[wasm_bindgen(
        js_name = scenarioStatus,
        unchecked_return_type = "{step: number, total: number, line: number, command: string, caption: {lang: string | null, text: string}[], failure?: string, done: boolean} | null"
    )]
    pub fn scenario_status(&self) -> Result<JsValue, JsError> {
        if let Some(note) = self.session.scenario_note() {
            return to_js(&ScenarioStatus {
                step: 0,
                total: 0,
                line: 0,
                command: String::new(),
                caption: &[],
                failure: Some(note.to_string()),
                done: true,
            });
        }
        let player = self.session.player();
        if player.total() == 0 {
            return Ok(JsValue::NULL);
        }
        let step = player.current().or_else(|| player.scenario().steps.last());
        to_js(&ScenarioStatus {
            step: player.step_index(),
            total: player.total(),
            line: step.map_or(player.scenario().cluster_line, |s| s.line),
            command: step.map_or_else(String::new, |s| s.text.clone()),
            caption: self.session.caption(),
            failure: player.failure().map(|f| f.to_string()),
            done: player.is_done(),
        })
    }

    /// Draws the cluster onto `ctx`, a canvas of `width` x `height` CSS
    /// pixels at device pixel ratio `dpr`. `style`: `{dark, reducedMotion,
    /// selectedNode?, selectedMessage?, hoverMessage?, highlightNodes?}`
    /// (`highlightNodes`: the nodes a breakpoint stop names, ringed). Remembers what was
    /// drawn where, for `hitTest`.
    pub fn render(
        &mut self,
        ctx: &CanvasRenderingContext2d,
        width: f64,
        height: f64,
        dpr: f64,
        #[wasm_bindgen(unchecked_param_type = "RenderStyle | null | undefined")] style: JsValue,
    ) -> Result<(), JsError> {
        let style = self.style(style)?;
        self.layout = Some(render::draw_cluster(ctx, self.session.world(), width, height, dpr, &style, &self.labels));
        Ok(())
    }

    /// Draws the nodes' logs side by side onto `ctx` (same arguments as
    /// `render`).
    #[wasm_bindgen(js_name = renderLog)]
    pub fn render_log(
        &self,
        ctx: &CanvasRenderingContext2d,
        width: f64,
        height: f64,
        dpr: f64,
        #[wasm_bindgen(unchecked_param_type = "RenderStyle | null | undefined")] style: JsValue,
    ) -> Result<(), JsError> {
        let style = self.style(style)?;
        render::draw_log(ctx, self.session.world(), width, height, dpr, &style, &self.labels);
        Ok(())
    }

    /// What the last `render` drew at (`x`, `y`) in CSS pixels: `null`,
    /// `{kind: "node", id}`, `{kind: "message", id}` or `{kind: "link",
    /// from, to}` (a link's smaller id first).
    #[wasm_bindgen(
        js_name = hitTest,
        unchecked_return_type = "{kind: 'node', id: number} | {kind: 'message', id: number} | {kind: 'link', from: number, to: number} | null"
    )]
    pub fn hit_test(&self, x: f64, y: f64) -> Result<JsValue, JsError> {
        let hit = self.layout.as_ref().and_then(|layout| layout.hit_test(x, y));
        match hit {
            None => Ok(JsValue::NULL),
            Some(Hit::Node(id)) => to_js(&HitView::Node { id }),
            Some(Hit::Message(id)) => to_js(&HitView::Message { id }),
            Some(Hit::Link(from, to)) => to_js(&HitView::Link { from, to }),
        }
    }
}
