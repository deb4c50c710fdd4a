//! Canvas drawing of the cluster (nodes, timers, messages in flight,
//! partitions and cut links) and, in `render_log.rs`, of the log grid.
//!
//! Drawing only reads the world. Geometry lives in [`crate::view::layout`]
//! so it is tested natively; this file turns it into canvas calls. It runs
//! every animation frame, so text goes through a stack buffer ([`Txt`])
//! instead of `format!`, and the few dash patterns are built once.

use std::f64::consts::TAU;
use std::fmt::{self, Write as _};

use wasm_bindgen::JsValue;
use web_sys::CanvasRenderingContext2d as Ctx;

use crate::raft::Role;
use crate::sim::{NodeSlot, World};
use crate::view::layout::{self, lane, lerp, toward, Layout};
use crate::view::trig;

#[path = "render_legend.rs"]
mod render_legend;
#[path = "render_log.rs"]
mod render_log;
#[path = "render_msg.rs"]
mod render_msg;
#[path = "render_node.rs"]
mod render_node;
pub use render_legend::{page_style, Labels};
pub use render_log::draw_log;
use render_msg::draw_messages;
use render_node::{draw_highlight, draw_node, draw_node_labels};

/// How the page wants the canvas drawn; sent from JavaScript as an object.
#[derive(Clone, Debug, Default)]
pub struct Style {
    pub dark: bool,
    pub reduced_motion: bool,
    pub selected_node: Option<u8>,
    pub selected_message: Option<u64>,
    pub hover_message: Option<u64>,
    /// Nodes a breakpoint stop names (bit `id`): drawn with a warning ring,
    /// so the cause of a stop is visible on the canvas.
    pub highlight_nodes: u16,
    /// Presentation mode: nodes, messages and text this many times larger
    /// (1 to 3; 0 reads as 1).
    pub scale: f64,
    /// A touch screen: larger hit areas for fingers.
    pub coarse_pointer: bool,
    /// A link chosen from the keyboard, smaller id first.
    pub selected_link: Option<(u8, u8)>,
}

impl Style {
    /// The presentation scale, at least 1.
    pub fn scale(&self) -> f64 {
        self.scale.max(1.0)
    }
}

/// One colour scheme. Role fills are dark enough for white text in the
/// light scheme and light enough for black text in the dark one, so labels
/// stay readable on a projector.
pub(super) struct Palette {
    pub bg: &'static str,
    pub fg: &'static str,
    pub muted: &'static str,
    pub link: &'static str,
    pub track: &'static str,
    pub on_role: &'static str,
    pub follower: &'static str,
    pub candidate: &'static str,
    pub leader: &'static str,
    pub crashed: &'static str,
    pub client: &'static str,
    pub bad: &'static str,
    /// Tints for partition groups, indexed by group number.
    pub groups: [&'static str; 4],
    /// Saturation and lightness of the log cells' term hues.
    pub term_sl: (u8, u8),
}

const LIGHT: Palette = Palette {
    bg: "#ffffff",
    fg: "#111827",
    muted: "#6b7280",
    link: "#cbd2da",
    track: "#e5e7eb",
    on_role: "#ffffff",
    follower: "#2563eb",
    candidate: "#d97706",
    leader: "#15803d",
    crashed: "#9ca3af",
    client: "#7c3aed",
    bad: "#dc2626",
    groups: ["#eef2ff", "#fef3c7", "#dcfce7", "#fce7f3"],
    term_sl: (65, 42),
};

const DARK: Palette = Palette {
    bg: "#0f1216",
    fg: "#f3f4f6",
    muted: "#9ca3af",
    link: "#3b4452",
    track: "#262c35",
    on_role: "#0b0d10",
    follower: "#60a5fa",
    candidate: "#fb923c",
    leader: "#4ade80",
    crashed: "#4b5563",
    client: "#c4b5fd",
    bad: "#f87171",
    groups: ["#1e2540", "#3a2f12", "#13301f", "#3a1830"],
    term_sl: (60, 62),
};

pub(super) fn palette(style: &Style) -> &'static Palette {
    if style.dark {
        &DARK
    } else {
        &LIGHT
    }
}

pub(super) fn role_colour(pal: &Palette, slot: &NodeSlot) -> &'static str {
    if !slot.alive {
        return pal.crashed;
    }
    match slot.node.role() {
        Role::Follower => pal.follower,
        // A pre-candidate is told apart by its dashed ring (render_node.rs).
        Role::PreCandidate | Role::Candidate => pal.candidate,
        Role::Leader => pal.leader,
    }
}

/// A short text built on the stack: labels are drawn every frame and this
/// avoids a heap string for each. Longer text is cut at a char boundary.
pub(super) struct Txt {
    buf: [u8; 96],
    len: usize,
}

impl Txt {
    pub fn new(args: fmt::Arguments<'_>) -> Txt {
        let mut t = Txt { buf: [0; 96], len: 0 };
        let _ = t.write_fmt(args);
        t
    }
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.buf[..self.len]).unwrap_or("")
    }
}

impl fmt::Write for Txt {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        for c in s.chars() {
            let n = c.len_utf8();
            if self.len + n > self.buf.len() {
                return Ok(());
            }
            c.encode_utf8(&mut self.buf[self.len..]);
            self.len += n;
        }
        Ok(())
    }
}

/// `format_args!` into a [`Txt`].
macro_rules! txt {
    ($($arg:tt)*) => { $crate::web::render::Txt::new(format_args!($($arg)*)) };
}
pub(super) use txt;

pub(super) fn font(ctx: &Ctx, bold: bool, px: f64) {
    // Whole pixels: the browser caches parsed fonts by their string.
    // Rounded as `{:.0}` would (ties to even) but printed as an integer:
    // formatting an f64 links Rust's float-to-text code into the wasm.
    let px = px.round_ties_even() as u32;
    let t = if bold { txt!("bold {px}px system-ui, sans-serif") } else { txt!("{px}px system-ui, sans-serif") };
    ctx.set_font(t.as_str());
}

pub(super) fn text(ctx: &Ctx, s: &str, x: f64, y: f64, align: &str, baseline: &str) {
    ctx.set_text_align(align);
    ctx.set_text_baseline(baseline);
    let _ = ctx.fill_text(s, x, y);
}

#[derive(Clone, Copy)]
pub(super) enum Dash {
    Solid,
    Short,
    Long,
}

thread_local! {
    // JS arrays for setLineDash, built once instead of every frame.
    static DASHES: [js_sys::Array; 3] = {
        let make = |v: &[f64]| v.iter().map(|&x| JsValue::from_f64(x)).collect::<js_sys::Array>();
        [make(&[]), make(&[4.0, 4.0]), make(&[10.0, 7.0])]
    };
}

pub(super) fn dash(ctx: &Ctx, d: Dash) {
    DASHES.with(|a| {
        let _ = ctx.set_line_dash(&a[d as usize]);
    });
}

pub(super) fn circle(ctx: &Ctx, (x, y): (f64, f64), r: f64) {
    ctx.begin_path();
    let _ = ctx.arc(x, y, r.max(0.5), 0.0, TAU);
}

fn line(ctx: &Ctx, a: (f64, f64), b: (f64, f64)) {
    ctx.begin_path();
    ctx.move_to(a.0, a.1);
    ctx.line_to(b.0, b.1);
    ctx.stroke();
}

pub(super) fn polygon(ctx: &Ctx, pts: &[(f64, f64)]) {
    ctx.begin_path();
    for (i, p) in pts.iter().enumerate() {
        if i == 0 {
            ctx.move_to(p.0, p.1);
        } else {
            ctx.line_to(p.0, p.1);
        }
    }
    ctx.close_path();
}

/// Draws the cluster and returns where everything went, for hit testing.
pub fn draw_cluster(
    ctx: &Ctx,
    world: &World,
    width: f64,
    height: f64,
    dpr: f64,
    style: &Style,
    labels: &Labels,
) -> Layout {
    let pal = palette(style);
    let _ = ctx.set_transform(dpr, 0.0, 0.0, dpr, 0.0, 0.0);
    ctx.set_global_alpha(1.0);
    dash(ctx, Dash::Solid);
    ctx.set_line_cap("round");
    ctx.set_line_join("round");
    ctx.set_fill_style_str(pal.bg);
    ctx.fill_rect(0.0, 0.0, width, height);

    let n = world.nodes().len();
    let mut lay = Layout::for_ring_scaled(n, width, height, style.scale());
    lay.set_coarse_pointer(style.coarse_pointer);
    let r = lay.node_radius;
    lay.client = if n <= 1 { (width / 2.0, height / 2.0 + 3.0 * r) } else { lay.client };

    if world.network().is_partitioned() {
        draw_groups(ctx, pal, world, &lay);
    }
    draw_links(ctx, pal, world, &lay, style.selected_link);
    render_legend::draw_client(ctx, pal, labels, lay.client, r);
    for (i, slot) in world.nodes().iter().enumerate() {
        let id = i as u8 + 1;
        draw_node(ctx, pal, world, slot, lay.nodes[i], r, style.selected_node == Some(id));
    }
    draw_messages(ctx, pal, world, style, &mut lay);
    ctx.set_global_alpha(1.0);
    dash(ctx, Dash::Solid);
    for (i, slot) in world.nodes().iter().enumerate() {
        draw_node_labels(ctx, pal, labels, world, slot, lay.nodes[i], r);
        if style.highlight_nodes & (1 << (i + 1)) != 0 {
            draw_highlight(ctx, pal, lay.nodes[i], r);
        }
    }

    ctx.set_fill_style_str(pal.fg);
    // max/min, not clamp: clamp with bounds not known at compile time links
    // float formatting for its panic message.
    font(ctx, true, (r * 0.34).max(12.0).min(20.0 * style.scale()));
    text(ctx, &crate::sim::fmt_time(world.now()), 10.0, 8.0, "left", "top");
    lay
}

/// Each partition group as a tinted region with a dashed outline: the hull
/// of its nodes, padded by about two node radii and rounded.
fn draw_groups(ctx: &Ctx, pal: &Palette, world: &World, lay: &Layout) {
    let r = lay.node_radius;
    // Wide enough to enclose the vote dots above and the text below a node.
    let pad = r * 2.05;
    for group in 0..=crate::raft::MAX_NODES as u8 {
        let mut pts = [(0.0, 0.0); 9];
        let mut k = 0;
        for id in 1..=lay.nodes.len() as u8 {
            if world.network().group_of(id) == group {
                pts[k] = lay.nodes[id as usize - 1];
                k += 1;
            }
        }
        if k == 0 {
            continue;
        }
        let mut hull = [(0.0, 0.0); 9];
        let m = layout::hull(&pts[..k], &mut hull);
        rounded_hull(ctx, &hull[..m], pad);
        ctx.set_fill_style_str(pal.groups[group as usize % pal.groups.len()]);
        ctx.fill();
        ctx.set_stroke_style_str(pal.muted);
        ctx.set_line_width(2.0);
        dash(ctx, Dash::Long);
        ctx.stroke();
    }
    dash(ctx, Dash::Solid);
}

/// The path around a convex polygon at distance `pad`: straight sides
/// joined by arcs around each vertex (a circle for one point, a capsule for
/// two).
fn rounded_hull(ctx: &Ctx, pts: &[(f64, f64)], pad: f64) {
    ctx.begin_path();
    let m = pts.len();
    if m == 1 {
        let _ = ctx.arc(pts[0].0, pts[0].1, pad, 0.0, TAU);
        return;
    }
    // Shoelace sign: which side of each edge is outside.
    let area: f64 = (0..m).map(|i| pts[i].0 * pts[(i + 1) % m].1 - pts[(i + 1) % m].0 * pts[i].1).sum();
    let s = if area >= 0.0 { 1.0 } else { -1.0 };
    // The outward normal of a -> b is s * (dy, -dx); atan2 takes (y, x).
    let normal = |a: (f64, f64), b: (f64, f64)| trig::atan2(s * -(b.0 - a.0), s * (b.1 - a.1));
    for i in 0..m {
        let (prev, here, next) = (pts[(i + m - 1) % m], pts[i], pts[(i + 1) % m]);
        let _ = ctx.arc_with_anticlockwise(here.0, here.1, pad, normal(prev, here), normal(here, next), s < 0.0);
    }
    ctx.close_path();
}

/// Every pair of nodes is joined by a faint line. Across a partition the
/// line is dashed and fainter; a cut link is red and dashed, with an arrow
/// head on each direction that is down and a cross in the middle.
fn draw_links(ctx: &Ctx, pal: &Palette, world: &World, lay: &Layout, selected: Option<(u8, u8)>) {
    let net = world.network();
    let r = lay.node_radius;
    let offset = lane_offset(r);
    for l in &lay.links {
        if selected == Some((l.a, l.b)) {
            // Chosen from the keyboard: a wide halo under the link.
            ctx.set_stroke_style_str(pal.client);
            ctx.set_line_width((r * 0.3).max(8.0));
            ctx.set_global_alpha(0.45);
            line(ctx, l.from, l.to);
            ctx.set_global_alpha(1.0);
        }
        let (ab, ba) = (net.is_cut(l.a, l.b), net.is_cut(l.b, l.a));
        let apart = net.group_of(l.a) != net.group_of(l.b);
        if ab || ba {
            ctx.set_stroke_style_str(pal.bad);
            ctx.set_fill_style_str(pal.bad);
            ctx.set_line_width((r * 0.07).max(2.5));
            dash(ctx, Dash::Short);
            // A one-way cut is drawn on the lane of the direction that is
            // down, the lane its messages would travel on.
            let (from, to) = match (ab, ba) {
                (true, false) => lane(l.from, l.to, offset),
                (false, true) => lane(l.to, l.from, offset),
                _ => (l.from, l.to),
            };
            // Stop outside the timer ring so the arrow heads stay visible.
            let (from, to) = (toward(from, to, r * 0.4), toward(to, from, r * 0.4));
            line(ctx, from, to);
            dash(ctx, Dash::Solid);
            let head = (r * 0.32).max(7.0);
            arrow_head(ctx, from, to, head);
            if ab && ba {
                arrow_head(ctx, to, from, head);
            }
            cross(ctx, lerp(from, to, 0.5), head * 0.8, (r * 0.07).max(2.5));
        } else {
            ctx.set_stroke_style_str(pal.link);
            ctx.set_line_width(if apart { 1.5 } else { (r * 0.04).max(1.5) });
            ctx.set_global_alpha(if apart { 0.55 } else { 1.0 });
            dash(ctx, if apart { Dash::Short } else { Dash::Solid });
            line(ctx, l.from, l.to);
            ctx.set_global_alpha(1.0);
        }
    }
    dash(ctx, Dash::Solid);
}

/// A filled arrow head with its tip at `tip`, pointing away from `from`.
fn arrow_head(ctx: &Ctx, from: (f64, f64), tip: (f64, f64), size: f64) {
    let back = toward(tip, from, size);
    let (dx, dy) = (tip.0 - back.0, tip.1 - back.1);
    let w = 0.6;
    polygon(ctx, &[tip, (back.0 - dy * w, back.1 + dx * w), (back.0 + dy * w, back.1 - dx * w)]);
    ctx.fill();
}

pub(super) fn cross(ctx: &Ctx, (x, y): (f64, f64), half: f64, width: f64) {
    ctx.set_line_width(width);
    line(ctx, (x - half, y - half), (x + half, y + half));
    line(ctx, (x - half, y + half), (x + half, y - half));
}

/// Sideways shift of each direction's lane: replies do not hide requests.
pub(super) fn lane_offset(r: f64) -> f64 {
    (r * 0.13).max(3.0)
}

pub(super) fn text_width(ctx: &Ctx, s: &str) -> f64 {
    ctx.measure_text(s).map(|m| m.width()).unwrap_or(s.len() as f64 * 7.0)
}
