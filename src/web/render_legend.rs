//! What the page adds to the drawing: the canvas's words in the page's
//! language (`setLabels`), the style fields of the page's modes
//! (presentation scale, touch, a link selected from the keyboard), and the
//! legend's pictures (`drawGlyph`), drawn by the same code as the canvas so
//! that the legend always matches it.

use std::fmt::Display;

use wasm_bindgen::prelude::*;
use web_sys::CanvasRenderingContext2d as Ctx;

use super::render_msg::{draw_message, Shape};
use super::render_node::{body, leader_crown, pre_candidate_ring, timer_ring, vote_dots, RING};
use super::{cross, dash, palette, txt, Dash, Palette, Style, Txt};
use crate::web::api::RaftLab;

/// A label with one number in it: `term {}` is written `term 3`.
#[derive(Clone, Debug)]
pub struct Template {
    before: String,
    after: String,
}

impl Template {
    fn parse(text: &str) -> Option<Template> {
        let (before, after) = text.split_once("{}")?;
        (!after.contains("{}")).then(|| Template { before: before.into(), after: after.into() })
    }

    pub(super) fn with(&self, n: impl Display) -> Txt {
        txt!("{}{n}{}", self.before, self.after)
    }
}

/// The words drawn on the canvases, in the page's language.
#[derive(Clone, Debug)]
pub struct Labels {
    pub term: Template,
    pub term_short: Template,
    pub voted: Template,
    pub voted_none: String,
    pub crashed: String,
    pub client: String,
    pub leader: String,
    pub no_quorum: String,
}

impl Default for Labels {
    fn default() -> Labels {
        let tpl = |t: &str| Template::parse(t).unwrap_or_else(|| unreachable!("a built-in label has one {{}}"));
        Labels {
            term: tpl("term {}"),
            term_short: tpl("T{}"),
            voted: tpl("voted S{}"),
            voted_none: "voted \u{2013}".into(),
            crashed: "crashed".into(),
            client: "client".into(),
            leader: "leader".into(),
            no_quorum: "no quorum".into(),
        }
    }
}

/// How many lines `setLabels` takes, in [`Labels`] order.
const LABEL_COUNT: usize = 8;

impl Labels {
    /// One label a line, in the order of the fields; the first three are
    /// templates with `{}` where the number goes.
    fn read(text: &str) -> Option<Labels> {
        let lines: Vec<&str> = text.split('\n').collect();
        if lines.len() != LABEL_COUNT || lines.iter().any(|l| l.chars().count() > 24) {
            return None;
        }
        Some(Labels {
            term: Template::parse(lines[0])?,
            term_short: Template::parse(lines[1])?,
            voted: Template::parse(lines[2])?,
            voted_none: lines[3].into(),
            crashed: lines[4].into(),
            client: lines[5].into(),
            leader: lines[6].into(),
            no_quorum: lines[7].into(),
        })
    }
}

/// Reads the page's style fields into `style`: `scale` (presentation mode,
/// 1 to 3), `coarsePointer` (touch: larger hit areas) and `selectedLink`
/// (`[a, b]`, a link chosen from the keyboard).
pub fn page_style(value: &JsValue, style: &mut Style, nodes: u8) -> Result<(), JsValue> {
    // A value of the wrong type or out of range: a TypeError, as for every
    // argument of the API (src/web/args.rs).
    let bad = |message: &str| -> JsValue { js_sys::TypeError::new(&format!("render: style.{message}")).into() };
    let get = |key: &str| {
        js_sys::Reflect::get(value, &JsValue::from_str(key)).ok().filter(|v| !v.is_undefined() && !v.is_null())
    };
    if let Some(v) = get("scale") {
        style.scale =
            v.as_f64().filter(|s| (1.0..=3.0).contains(s)).ok_or_else(|| bad("scale must be a number from 1 to 3"))?;
    }
    if let Some(v) = get("coarsePointer") {
        style.coarse_pointer = v.as_bool().ok_or_else(|| bad("coarsePointer must be true or false"))?;
    }
    if let Some(v) = get("selectedLink") {
        let link = || bad("selectedLink must be [a, b], two node ids");
        let array = v.dyn_ref::<js_sys::Array>().filter(|a| a.length() == 2).ok_or_else(link)?;
        let id = |i: u32| {
            array.get(i).as_f64().filter(|n| n.fract() == 0.0 && *n >= 1.0 && *n <= nodes as f64).map(|n| n as u8)
        };
        let (a, b) = (id(0).ok_or_else(link)?, id(1).ok_or_else(link)?);
        style.selected_link = (a != b).then_some((a.min(b), a.max(b)));
    }
    Ok(())
}

/// The pictures of the legend, by name; `drawGlyph` takes the index.
pub const GLYPHS: [&str; 32] = [
    "follower",
    "candidate",
    "leader",
    "crashed",
    "leaderNoQuorum",
    "electionTimer",
    "heartbeatTimer",
    "votes",
    "RequestVote",
    "RequestVoteReply.granted",
    "RequestVoteReply.refused",
    "AppendEntries.heartbeat",
    "AppendEntries.entries",
    "AppendEntriesReply.success",
    "AppendEntriesReply.failure",
    "ClientRequest",
    "ClientReply.result",
    "ClientReply.redirect",
    "duplicate",
    "doomed",
    "partition",
    "cut",
    "logCommitted",
    "logUncommitted",
    "preCandidate",
    "PreVote",
    "PreVoteReply.granted",
    "PreVoteReply.refused",
    "TimeoutNow",
    "InstallSnapshot",
    "InstallSnapshotReply",
    "logSnapshot",
];

/// The glyphs added with PreVote and transfer, from `GLYPHS[25]` on.
const LATER_SHAPES: [Shape; 4] =
    [Shape::PreVote, Shape::PreVoteReply(true), Shape::PreVoteReply(false), Shape::TimeoutNow];

/// The message glyphs, from `GLYPHS[8]` on (the last two: a duplicate, a doomed message).
const SHAPES: [Shape; 12] = [
    Shape::RequestVote,
    Shape::VoteReply(true),
    Shape::VoteReply(false),
    Shape::AppendEntries(0),
    Shape::AppendEntries(2),
    Shape::AppendReply(true),
    Shape::AppendReply(false),
    Shape::ClientRequest,
    Shape::ClientReply(true),
    Shape::ClientReply(false),
    Shape::AppendEntries(0),
    Shape::AppendEntries(0),
];

/// Glyph `i` of [`GLYPHS`], centred in a `w` x `h` box; false if there is none.
fn draw_glyph(ctx: &Ctx, pal: &Palette, i: usize, w: f64, h: f64) -> bool {
    let c = (w / 2.0, h / 2.0);
    let r = (h * 0.3).min(w * 0.3);
    if let Some(&shape) = i.checked_sub(25).and_then(|m| LATER_SHAPES.get(m)) {
        draw_message(ctx, pal, shape, false, c, (1.0, 0.0), (h * 0.2).min(8.0), false);
        return true;
    }
    if let Some(&shape) = i.checked_sub(8).and_then(|m| SHAPES.get(m)) {
        ctx.set_global_alpha(if i == 19 { 0.4 } else { 1.0 });
        draw_message(ctx, pal, shape, i == 18, c, (1.0, 0.0), (h * 0.2).min(8.0), false);
        ctx.set_global_alpha(1.0);
        return true;
    }
    match i {
        0..=3 => {
            let colour = [pal.follower, pal.candidate, pal.leader, pal.crashed][i];
            body(ctx, pal, c, r, colour, i != 3, i == 2);
        }
        4 => leader_crown(ctx, pal, c, r * 1.6, true),
        5 | 6 => {
            let leader = i == 6;
            let colour = if leader { pal.leader } else { pal.follower };
            body(ctx, pal, c, r * 0.8, colour, true, leader);
            let width = if leader { (r * 0.07).max(2.0) } else { (r * 0.14).max(3.0) };
            timer_ring(ctx, pal, c, r * 0.8 * RING, width, colour, Some(0.65));
        }
        7 => vote_dots(ctx, pal, c, r * 2.0, 5, 0b0000_0110, 0b0001_0000),
        24 => {
            body(ctx, pal, c, r, pal.candidate, true, false);
            pre_candidate_ring(ctx, pal, c, r);
        }
        20 => {
            ctx.begin_path();
            let _ = ctx.round_rect_with_f64(w * 0.1, h * 0.15, w * 0.8, h * 0.7, h * 0.35);
            ctx.set_fill_style_str(pal.groups[1]);
            ctx.fill();
            ctx.set_stroke_style_str(pal.muted);
            ctx.set_line_width(2.0);
            dash(ctx, Dash::Long);
            ctx.stroke();
            dash(ctx, Dash::Solid);
        }
        21 => {
            ctx.set_stroke_style_str(pal.bad);
            ctx.set_line_width(2.5);
            dash(ctx, Dash::Short);
            ctx.begin_path();
            ctx.move_to(w * 0.1, c.1);
            ctx.line_to(w * 0.9, c.1);
            ctx.stroke();
            dash(ctx, Dash::Solid);
            cross(ctx, c, h * 0.18, 2.5);
        }
        29 | 30 => {
            let shape = if i == 29 { Shape::InstallSnapshot } else { Shape::InstallSnapshotReply };
            draw_message(ctx, pal, shape, false, c, (1.0, 0.0), (h * 0.2).min(8.0), false);
        }
        31 => super::render_log::snapshot_block(ctx, pal, w * 0.1, h * 0.15, w * 0.8, h * 0.7),
        22 | 23 => {
            let committed = i == 22;
            let colour = super::render_log::term_colour(pal, 2);
            ctx.set_fill_style_str(colour.as_str());
            ctx.set_global_alpha(if committed { 1.0 } else { 0.35 });
            ctx.fill_rect(w * 0.2, h * 0.15, w * 0.6, h * 0.7);
            ctx.set_global_alpha(1.0);
            if !committed {
                ctx.set_stroke_style_str(colour.as_str());
                ctx.set_line_width(2.0);
                dash(ctx, Dash::Short);
                ctx.stroke_rect(w * 0.2 + 1.0, h * 0.15 + 1.0, w * 0.6 - 2.0, h * 0.7 - 2.0);
                dash(ctx, Dash::Solid);
            }
        }
        _ => return false,
    }
    true
}

#[wasm_bindgen]
impl RaftLab {
    /// The words drawn on the canvases, in the page's language: eight
    /// lines, at most 24 characters each: `term {}`, `T{}`, `voted S{}`
    /// (`{}` is the number), `voted –`, `crashed`, `client`, `leader`,
    /// `no quorum`.
    #[wasm_bindgen(js_name = setLabels)]
    pub fn set_labels(&mut self, labels: &str) -> Result<(), JsError> {
        self.labels = Labels::read(labels).ok_or_else(|| {
            JsError::new("setLabels takes 8 lines of at most 24 characters; the first 3 contain {} once")
        })?;
        Ok(())
    }

    /// The legend's glyph number `index` of `RaftLab.glyphNames()`, centred
    /// on a canvas of `width` x `height` CSS pixels, as the cluster draws it.
    #[wasm_bindgen(js_name = drawGlyph)]
    pub fn draw_glyph(ctx: &Ctx, index: u32, width: f64, height: f64, dpr: f64, dark: bool) -> Result<(), JsError> {
        let style = Style { dark, ..Style::default() };
        let pal = palette(&style);
        let _ = ctx.set_transform(dpr, 0.0, 0.0, dpr, 0.0, 0.0);
        ctx.clear_rect(0.0, 0.0, width, height);
        ctx.set_line_cap("round");
        ctx.set_line_join("round");
        if !draw_glyph(ctx, pal, index as usize, width, height) {
            return Err(JsError::new("unknown glyph: see RaftLab.glyphNames()"));
        }
        Ok(())
    }

    /// The height in CSS pixels at which `renderLog` shows `nodes` rows
    /// without squeezing them, at presentation `scale` (1 to 3).
    #[wasm_bindgen(js_name = logGridHeight)]
    pub fn log_grid_height(nodes: f64, scale: f64) -> f64 {
        let nodes = if nodes.is_finite() { nodes.clamp(1.0, crate::raft::MAX_NODES as f64) as u8 } else { 1 };
        super::render_log::grid_height(nodes, if scale.is_finite() { scale.clamp(1.0, 3.0) } else { 1.0 })
    }

    /// The names `drawGlyph` takes.
    #[wasm_bindgen(js_name = glyphNames, unchecked_return_type = "string[]")]
    pub fn glyph_names() -> js_sys::Array {
        GLYPHS.iter().map(|g| JsValue::from_str(g)).collect()
    }
}

/// The client's box at the centre of the ring, with its label.
pub(super) fn draw_client(ctx: &Ctx, pal: &Palette, labels: &Labels, (x, y): (f64, f64), r: f64) {
    let (w, h) = (r * 1.5, (r * 0.5).max(14.0));
    super::font(ctx, true, (h * 0.6).max(10.0));
    let w = w.max(super::text_width(ctx, &labels.client) + h);
    ctx.begin_path();
    let _ = ctx.round_rect_with_f64(x - w / 2.0, y - h / 2.0, w, h, h / 2.0);
    ctx.set_fill_style_str(pal.bg);
    ctx.fill();
    ctx.set_stroke_style_str(pal.client);
    ctx.set_line_width(2.0);
    ctx.stroke();
    ctx.set_fill_style_str(pal.client);
    super::text(ctx, &labels.client, x, y, "center", "middle");
}
