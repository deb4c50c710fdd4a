//! The JavaScript API of Raft Lab: one `RaftLab` object per simulated
//! cluster. It owns the debugging session (the world's timeline, the
//! scenario player, the feed) and the layout of the last frame drawn. The
//! debugger's methods (step back, seek, breakpoints, share) are in
//! `api_debug.rs`.
//!
//! Every method that takes input from the page checks it and throws rather
//! than panicking: a `TypeError` naming the argument when a value has the
//! wrong type (arguments arrive as `JsValue` and are read in `args.rs`), a
//! `RangeError` when a number is out of range (JavaScript numbers can be
//! fractional, negative or NaN), an `Error` with the reason when the
//! simulation refuses (an unknown node, a node already crashed). Results
//! cross as plain objects made by serde-wasm-bindgen.

use serde::Serialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::CanvasRenderingContext2d;

use crate::raft::{Command, NodeId, ReadMode};
use crate::scenario;
use crate::sim::{MessageFault, Micros, SimError, UserAction, MS};
use crate::util::Msg;
use crate::view::history_check::HistoryCheck;
use crate::view::layout::{Hit, Layout};
use crate::view::lesson::LessonPlayer;
use crate::view::phrase::from_msg;
use crate::view::player::CaptionLine;
use crate::view::session::Session;
use crate::view::snapshot::snapshot;
use crate::web::args::{arg, field, field_error, in_range, range_error, Arg};
use crate::web::options::{duration, Options};
use crate::web::render::{self, Style};

pub(super) use crate::web::args::num;

/// What a method returns: its value, or the error it throws.
pub(super) type Js<T> = Result<T, JsValue>;

/// The largest whole number JavaScript holds exactly (2^53 - 1).
pub(super) const MAX_SAFE: f64 = 9_007_199_254_740_991.0;

/// Most events one `advance` call processes. At a few million events per
/// second this is well under a frame's budget, so a huge speed factor makes
/// the simulation lag behind rather than freeze the page.
pub const MAX_EVENTS_PER_ADVANCE: u64 = 200_000;
/// Most virtual time one `advance` call covers; more is clamped, so a
/// cluster with nothing scheduled cannot jump its clock to the far future.
pub const MAX_ADVANCE_MS: f64 = 3_600_000.0;
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
    /// The history view's check, kept up to date between calls of
    /// `history` (beside the world, so checkpoints do not carry it).
    history: HistoryCheck,
    /// What the last `render` drew, for `hitTest`.
    layout: Option<Layout>,
    /// The words on the canvases, in the page's language (`setLabels`).
    pub(super) labels: render::Labels,
    /// The words on the Kubernetes canvas (`setKubeLabels`).
    #[cfg(feature = "kube")]
    pub(super) kube_labels: super::render_kube::KubeLabels,
    /// The lesson this cluster plays, if any (`api_lesson.rs`).
    pub(super) lesson: Option<LessonPlayer>,
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

/// An `Error` whose message is the English sentence and which carries the
/// sentence's catalogue `key` and `args` too, for the page to word in its
/// language (a parse error).
pub(super) fn msg_error(msg: &Msg) -> JsValue {
    let e = js_sys::Error::new(&msg.to_string());
    let phrase = from_msg(msg);
    // Setting a property on a fresh Error cannot fail; the arguments are
    // numbers, strings and nested phrases, which always convert.
    let _ = js_sys::Reflect::set(&e, &"key".into(), &phrase.key.into());
    if let Ok(args) = to_js(&phrase.args) {
        let _ = js_sys::Reflect::set(&e, &"args".into(), &args);
    }
    e.into()
}

pub(super) fn sim(result: Result<(), SimError>) -> Result<(), JsError> {
    result.map_err(err)
}

/// Plain objects for JavaScript: structs and maps as objects, `None` as
/// `null`, numbers as numbers.
pub(super) fn to_js<T: Serialize + ?Sized>(value: &T) -> Js<JsValue> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| err(format!("internal error: cannot convert to JavaScript: {e}")).into())
}

impl RaftLab {
    pub(super) fn with(session: Session) -> RaftLab {
        RaftLab {
            session,
            history: HistoryCheck::new(),
            layout: None,
            labels: render::Labels::default(),
            #[cfg(feature = "kube")]
            kube_labels: super::render_kube::KubeLabels::default(),
            lesson: None,
        }
    }

    /// A node id of this cluster, from the argument `arg`.
    pub(super) fn node(&self, arg: Arg) -> Js<NodeId> {
        let n = self.session.world().config().nodes;
        Ok(arg.whole(1.0, n as f64, "a node id")? as NodeId)
    }

    /// A node id of this cluster, already read as a number.
    fn node_id(&self, id: f64, what: &str) -> Js<NodeId> {
        let n = self.session.world().config().nodes;
        Ok(in_range(id, 1.0, n as f64, what)? as NodeId)
    }

    fn message(arg: Arg) -> Js<u64> {
        Ok(arg.whole(1.0, MAX_SAFE, "a message id")? as u64)
    }

    /// Applies a user action (in the past, forking the run). During a
    /// lesson, only when the lesson lets the learner act; the action may
    /// complete its task.
    pub(super) fn act(&mut self, action: UserAction) -> Js<()> {
        if self.lesson.as_ref().is_some_and(|l| !l.may_act(&self.session)) {
            return Err(super::api_lesson::not_your_turn());
        }
        sim(self.session.act(action))?;
        if let Some(lesson) = self.lesson.as_mut() {
            lesson.acted(&mut self.session);
        }
        Ok(())
    }

    pub(super) fn style(&self, style: Arg) -> Js<Style> {
        let Some(object) = style.optional_object()? else {
            return Ok(Style::default());
        };
        let style: &JsValue = object;
        let what = "render: style";
        let flag = |key: &str| -> Js<bool> {
            match field(style, key)? {
                None => Ok(false),
                Some(v) => v.as_bool().ok_or_else(|| field_error(what, key, "true or false", &v)),
            }
        };
        // A whole number from 0 to `max`, or null.
        let id = |key: &str, max: f64| -> Js<Option<f64>> {
            let Some(v) = field(style, key)? else { return Ok(None) };
            let n = v.as_f64().ok_or_else(|| field_error(what, key, "a whole number or null", &v))?;
            Ok(Some(in_range(n, 0.0, max, &format!("{what}.{key}"))?))
        };
        let mut highlight_nodes = 0u16;
        if let Some(list) = field(style, "highlightNodes")? {
            let ids = Arg { method: "render", name: "style.highlightNodes", value: &list }
                .array("an array of node ids", |v| v.as_f64())?;
            for id in ids {
                highlight_nodes |= 1 << self.node_id(id, "render: style.highlightNodes (a node id)")?;
            }
        }
        let mut page = Style::default();
        render::page_style(style, &mut page, self.session.world().config().nodes)?;
        Ok(Style {
            scale: page.scale,
            coarse_pointer: page.coarse_pointer,
            selected_link: page.selected_link,
            highlight_nodes,
            dark: flag("dark")?,
            reduced_motion: flag("reducedMotion")?,
            selected_node: id("selectedNode", u8::MAX as f64)?.map(|n| n as u8),
            selected_message: id("selectedMessage", MAX_SAFE)?.map(|n| n as u64),
            hover_message: id("hoverMessage", MAX_SAFE)?.map(|n| n as u64),
        })
    }

    /// The canvas and size arguments of `render` and `renderLog`.
    pub(super) fn canvas<'a>(
        method: &'static str,
        ctx: &'a JsValue,
        width: &JsValue,
        height: &JsValue,
        dpr: &JsValue,
    ) -> Js<(&'a CanvasRenderingContext2d, f64, f64, f64)> {
        let ctx = Arg { method, name: "ctx", value: ctx }.instance("a CanvasRenderingContext2D")?;
        let size = |name, value| {
            let n = Arg { method, name, value }.number()?;
            if n.is_finite() && n >= 0.0 {
                Ok(n)
            } else {
                Err(range_error(&format!("{method}: '{name}' must be a number of at least 0, not {}", num(n))))
            }
        };
        Ok((ctx, size("width", width)?, size("height", height)?, size("dpr", dpr)?))
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
            unchecked_param_type = "{nodes?: number, seed?: number, electionMs?: [number, number], heartbeatMs?: number, latencyMs?: [number, number], lossPercent?: number, prevote?: boolean, checkQuorum?: boolean} | null | undefined"
        )]
        options: JsValue,
    ) -> Js<RaftLab> {
        let options = match arg!("RaftLab.create", options).optional_object()? {
            Some(object) => Options::read(object)?,
            None => Options::default(),
        };
        Ok(RaftLab::with(Session::live(options.config()?).map_err(err)?))
    }

    /// Creates the cluster a scenario describes; `advance` then plays its
    /// commands as virtual time passes. Throws `LINE:COLUMN: ...` on a parse
    /// error.
    #[wasm_bindgen(js_name = fromScenario)]
    pub fn from_scenario(#[wasm_bindgen(unchecked_param_type = "string")] text: JsValue) -> Js<RaftLab> {
        let text = arg!("RaftLab.fromScenario", text).string()?;
        let scenario = scenario::parse(&text).map_err(|e| msg_error(&e.msg()))?;
        let mut session = Session::from_scenario(scenario).map_err(err)?;
        session.set_source(&text);
        Ok(RaftLab::with(session))
    }

    /// A fresh random seed (a whole number below 2^53), from the browser's
    /// `crypto.getRandomValues`: for a new run nobody has seen. The run it
    /// gives is as deterministic as any other; show the seed, and links
    /// carry it.
    #[wasm_bindgen(js_name = randomSeed)]
    pub fn random_seed() -> Js<f64> {
        let seed = getrandom::u64().map_err(|e| err(format!("no random numbers available: {e}")))?;
        Ok((seed & MAX_SAFE as u64) as f64)
    }

    /// Advances virtual time by `virtualMs` (clamped to one hour), playing
    /// the scenario's commands reached on the way (after seeking back: the
    /// recorded future). Processes at most 200,000 events per call: past
    /// that the clock stays behind. Stops early at a breakpoint, a safety
    /// violation or the run's budget: `takeStop()` then says where. Returns
    /// the number of events processed.
    pub fn advance(
        &mut self,
        #[wasm_bindgen(js_name = virtualMs, unchecked_param_type = "number")] virtual_ms: JsValue,
    ) -> Js<u32> {
        let virtual_ms = arg!("advance", virtual_ms as "virtualMs").number()?;
        if !virtual_ms.is_finite() || virtual_ms < 0.0 {
            return Err(range_error(&format!(
                "advance: 'virtualMs' must be a number of milliseconds of at least 0, not {}",
                num(virtual_ms)
            )));
        }
        let us = (virtual_ms.min(MAX_ADVANCE_MS) * MS as f64).round() as Micros;
        let advance = match self.lesson.as_mut() {
            Some(lesson) => lesson.advance(&mut self.session, us, MAX_EVENTS_PER_ADVANCE),
            None => self.session.advance(us, MAX_EVENTS_PER_ADVANCE),
        };
        Ok(advance.events as u32)
    }

    /// Processes exactly one event and returns it as text (`#12 182.345ms
    /// deliver 1->2 RequestVote ...`), or `undefined` when nothing is
    /// scheduled (or the run is over its budget: `takeStop()` says so). A
    /// scenario command that acts (crash, put, ...) counts as one event;
    /// after seeking back, the step replays the recorded future.
    #[wasm_bindgen(js_name = stepEvent)]
    pub fn step_event(&mut self) -> Option<String> {
        match self.lesson.as_mut() {
            Some(lesson) => lesson.step(&mut self.session),
            None => self.session.step_forward(),
        }
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
    pub fn crash(&mut self, #[wasm_bindgen(unchecked_param_type = "number")] id: JsValue) -> Js<()> {
        let id = self.node(arg!("crash", id))?;
        self.act(UserAction::Crash(id))
    }

    /// Restarts crashed node `id` with its persistent state.
    pub fn restart(&mut self, #[wasm_bindgen(unchecked_param_type = "number")] id: JsValue) -> Js<()> {
        let id = self.node(arg!("restart", id))?;
        self.act(UserAction::Restart(id))
    }

    /// Fires node `id`'s election timer now (on a leader too: it starts an
    /// election for the next term).
    pub fn timeout(&mut self, #[wasm_bindgen(unchecked_param_type = "number")] id: JsValue) -> Js<()> {
        let id = self.node(arg!("timeout", id))?;
        self.act(UserAction::Timeout(id))
    }

    /// The current leader hands its leadership to node `id` (thesis §3.10;
    /// recorded as `transfer leader to N`). Throws if there is no leader or
    /// `id` is the leader.
    #[wasm_bindgen(js_name = transferLeader)]
    pub fn transfer_leader(&mut self, #[wasm_bindgen(unchecked_param_type = "number")] id: JsValue) -> Js<()> {
        let id = self.node(arg!("transferLeader", id))?;
        self.act(UserAction::TransferLeader(id))
    }

    /// §7: node `id` snapshots its state machine now, up to its applied
    /// index, and discards its log up to there (recorded as `snapshot N`).
    #[wasm_bindgen(js_name = takeSnapshot)]
    pub fn take_snapshot(&mut self, #[wasm_bindgen(unchecked_param_type = "number")] id: JsValue) -> Js<()> {
        let id = self.node(arg!("takeSnapshot", id))?;
        self.act(UserAction::Snapshot(id))
    }

    /// Splits the cluster into groups, e.g. `[[1, 2], [3, 4, 5]]`; nodes not
    /// listed form one more group. Replaces any earlier partition.
    pub fn partition(&mut self, #[wasm_bindgen(unchecked_param_type = "number[][]")] groups: JsValue) -> Js<()> {
        const GROUPS: &str = "an array of groups of node ids, e.g. [[1, 2], [3, 4, 5]]";
        let raw = arg!("partition", groups).array(GROUPS, |group| {
            let group = group.dyn_ref::<js_sys::Array>()?;
            group.iter().map(|id| id.as_f64()).collect::<Option<Vec<f64>>>()
        })?;
        let groups = raw
            .into_iter()
            .map(|g| g.into_iter().map(|id| self.node_id(id, "partition: 'groups' (node ids)")).collect())
            .collect::<Js<Vec<Vec<NodeId>>>>()?;
        self.act(UserAction::Partition(groups))
    }

    /// Takes the link `from -> to` down; `both` (default false) also
    /// `to -> from`.
    pub fn cut(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "number")] from: JsValue,
        #[wasm_bindgen(unchecked_param_type = "number")] to: JsValue,
        #[wasm_bindgen(unchecked_param_type = "boolean | undefined")] both: JsValue,
    ) -> Js<()> {
        let (from, to) = (self.node(arg!("cut", from))?, self.node(arg!("cut", to))?);
        let both = arg!("cut", both).flag(false)?;
        self.act(UserAction::Cut { from, to, both, down: true })
    }

    /// Repairs the link `from -> to`; `both` (default false) also `to -> from`.
    pub fn uncut(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "number")] from: JsValue,
        #[wasm_bindgen(unchecked_param_type = "number")] to: JsValue,
        #[wasm_bindgen(unchecked_param_type = "boolean | undefined")] both: JsValue,
    ) -> Js<()> {
        let (from, to) = (self.node(arg!("uncut", from))?, self.node(arg!("uncut", to))?);
        let both = arg!("uncut", both).flag(false)?;
        self.act(UserAction::Cut { from, to, both, down: false })
    }

    /// Removes every partition and cut link.
    pub fn heal(&mut self) -> Js<()> {
        self.act(UserAction::Heal)
    }

    /// Drops the in-flight message with this id (`snapshot().messages[i].id`).
    #[wasm_bindgen(js_name = dropMessage)]
    pub fn drop_message(&mut self, #[wasm_bindgen(unchecked_param_type = "number")] id: JsValue) -> Js<()> {
        let id = Self::message(arg!("dropMessage", id))?;
        self.act(UserAction::FaultMessage { fault: MessageFault::Drop, id })
    }

    /// Sends a second copy of the in-flight message with this id, with a
    /// latency of its own.
    #[wasm_bindgen(js_name = duplicateMessage)]
    pub fn duplicate_message(&mut self, #[wasm_bindgen(unchecked_param_type = "number")] id: JsValue) -> Js<()> {
        let id = Self::message(arg!("duplicateMessage", id))?;
        self.act(UserAction::FaultMessage { fault: MessageFault::Duplicate, id })
    }

    /// Submits a client operation: `op` is `"put"` (needs `value`), `"get"`,
    /// `"del"` or `"list"` (`key` is then the prefix, may be empty). `via`
    /// sends it to that node, else to the current leader. `read` (`"log"`,
    /// the default, `"index"`, `"lease"` or `"local"`) says how a `get` or
    /// `list` is served. Returns the request id (`snapshot().clientOps[i].id`).
    pub fn submit(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "'put' | 'get' | 'del' | 'list'")] op: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] key: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string | null | undefined")] value: JsValue,
        #[wasm_bindgen(unchecked_param_type = "number | null | undefined")] via: JsValue,
        #[wasm_bindgen(unchecked_param_type = "'log' | 'index' | 'lease' | 'local' | null | undefined")] read: JsValue,
    ) -> Js<f64> {
        let op = arg!("submit", op).string()?;
        let key = arg!("submit", key).string()?;
        let value = arg!("submit", value).optional_string()?;
        let via = arg!("submit", via).optional_number()?;
        let read = match arg!("submit", read).optional_string()? {
            None => ReadMode::Log,
            Some(name) => ReadMode::from_name(&name).ok_or_else(|| {
                err(format!(
                    "unknown read mode '{}', expected log, index, lease or local",
                    scenario::parse::shown(&name)
                ))
            })?,
        };
        if op != "list" && key.is_empty() {
            return Err(err(format!("{op} needs a key")).into());
        }
        // What is submitted must fit the scenario language, or the run could
        // not be shared as a link: keys and values are single words of
        // visible characters.
        for (what, text) in [("key", key.as_str()), ("value", value.as_deref().unwrap_or("x"))] {
            let bad = |c: char| c.is_whitespace() || c == '#' || c.is_control() || scenario::parse::is_invisible(c);
            if text.chars().any(bad) || (what == "key" && text.contains('=')) {
                let extra =
                    if what == "key" { ", '#', '=' or invisible characters" } else { ", '#' or invisible characters" };
                return Err(err(format!(
                    "the {what} \"{}\" cannot contain spaces{extra}: it must be one word",
                    scenario::parse::shown(text)
                ))
                .into());
            }
        }
        if op == "put" && value.as_deref() == Some("") {
            return Err(err("put needs a value").into());
        }
        let command = match op.as_str() {
            "put" => {
                let value = value.ok_or_else(|| err("put needs a value"))?;
                Command::put(&key, &value)
            }
            "get" => Command::get(&key),
            "del" => Command::del(&key),
            "list" => Command::list(&key),
            other => {
                return Err(err(format!(
                    "unknown operation '{}', expected put, get, del or list",
                    scenario::parse::shown(other)
                ))
                .into())
            }
        };
        let via = via.map(|id| self.node_id(id, "submit: 'via' (a node id)")).transpose()?;
        match read {
            ReadMode::Log => self.act(UserAction::Submit { command, via })?,
            _ if !matches!(op.as_str(), "get" | "list") => {
                return Err(err(format!("{op} is not a read: only get and list take a read mode")).into())
            }
            mode => self.act(UserAction::Read { command, via, mode })?,
        }
        // Request ids number the operations from 1.
        Ok(self.session.world().client().op_count() as f64)
    }

    /// Steady client load: a `put` every `intervalMs` of virtual time; 0 turns
    /// it off.
    #[wasm_bindgen(js_name = setClientLoad)]
    pub fn set_client_load(
        &mut self,
        #[wasm_bindgen(js_name = intervalMs, unchecked_param_type = "number")] interval_ms: JsValue,
    ) -> Js<()> {
        let interval_ms = arg!("setClientLoad", interval_ms as "intervalMs").number()?;
        let interval = duration(interval_ms, "setClientLoad: 'intervalMs'")?;
        // Any positive interval means "on", even one below a microsecond.
        self.act(UserAction::SetClientLoad((interval_ms > 0.0).then_some(interval.max(1))))
    }

    /// The whole visible state as a plain object: `{timeMs, events, leader,
    /// establishedLeader, config, nodes: [...], messages: [...], partition,
    /// cuts, clientOps, clientOpsTotal, violations, stats}`. Missing values
    /// are `null`. Logs hold the newest 200 entries (`logLength` tells all).
    pub fn snapshot(&self) -> Js<JsValue> {
        to_js(&snapshot(self.session.world()))
    }

    /// The client history as the history view draws it (every kept
    /// operation with its interval, read mode, point and rank in the chosen
    /// linearization; the verdict, the explanation and the operations it
    /// names). It checks what is new in the history since the last call
    /// (all of it after a jump back or a fork): call it when the view shows.
    pub fn history(&mut self) -> Js<JsValue> {
        to_js(&self.history.view(self.session.world()))
    }

    /// Feed lines `{event, timeMs, text, phrase, why?}` of events numbered
    /// above `sinceEvent` (default 0), oldest first: user actions and
    /// notable effects (role changes, client results, faults, violations);
    /// `phrase` is `text` as language-neutral data for the page's language;
    /// `why` is the reason of the change a line reports, when it has one
    /// (docs/why.md). The last 500 are kept. After seeking back, lines of
    /// events after the current one are left out.
    #[wasm_bindgen(
        unchecked_return_type = "Array<{event: number, timeMs: number, text: string, phrase: Phrase, why?: Why}>"
    )]
    pub fn feed(
        &self,
        #[wasm_bindgen(js_name = sinceEvent, unchecked_param_type = "number | undefined")] since_event: JsValue,
    ) -> Js<JsValue> {
        let since_event = arg!("feed", since_event as "sinceEvent").optional_number()?.unwrap_or(0.0);
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
    pub fn scenario_status(&self) -> Js<JsValue> {
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
        #[wasm_bindgen(unchecked_param_type = "CanvasRenderingContext2D")] ctx: JsValue,
        #[wasm_bindgen(unchecked_param_type = "number")] width: JsValue,
        #[wasm_bindgen(unchecked_param_type = "number")] height: JsValue,
        #[wasm_bindgen(unchecked_param_type = "number")] dpr: JsValue,
        #[wasm_bindgen(unchecked_param_type = "RenderStyle | null | undefined")] style: JsValue,
    ) -> Js<()> {
        let (ctx, width, height, dpr) = Self::canvas("render", &ctx, &width, &height, &dpr)?;
        let style = self.style(arg!("render", style))?;
        self.layout = Some(render::draw_cluster(ctx, self.session.world(), width, height, dpr, &style, &self.labels));
        Ok(())
    }

    /// Draws the nodes' logs side by side onto `ctx` (same arguments as
    /// `render`).
    #[wasm_bindgen(js_name = renderLog)]
    pub fn render_log(
        &self,
        #[wasm_bindgen(unchecked_param_type = "CanvasRenderingContext2D")] ctx: JsValue,
        #[wasm_bindgen(unchecked_param_type = "number")] width: JsValue,
        #[wasm_bindgen(unchecked_param_type = "number")] height: JsValue,
        #[wasm_bindgen(unchecked_param_type = "number")] dpr: JsValue,
        #[wasm_bindgen(unchecked_param_type = "RenderStyle | null | undefined")] style: JsValue,
    ) -> Js<()> {
        let (ctx, width, height, dpr) = Self::canvas("renderLog", &ctx, &width, &height, &dpr)?;
        let style = self.style(arg!("renderLog", style))?;
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
    pub fn hit_test(
        &self,
        #[wasm_bindgen(unchecked_param_type = "number")] x: JsValue,
        #[wasm_bindgen(unchecked_param_type = "number")] y: JsValue,
    ) -> Js<JsValue> {
        let (x, y) = (arg!("hitTest", x).number()?, arg!("hitTest", y).number()?);
        let hit = self.layout.as_ref().and_then(|layout| layout.hit_test(x, y));
        match hit {
            None => Ok(JsValue::NULL),
            Some(Hit::Node(id)) => to_js(&HitView::Node { id }),
            Some(Hit::Message(id)) => to_js(&HitView::Message { id }),
            Some(Hit::Link(from, to)) => to_js(&HitView::Link { from, to }),
        }
    }
}
