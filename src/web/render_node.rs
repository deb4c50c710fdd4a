//! One node on the cluster canvas: its body (role colour, timer ring, name,
//! term, crown, vote dots) and, drawn after the messages so that they never
//! hide it, its labels (the vote, "no quorum").

use std::f64::consts::{FRAC_PI_2, TAU};

use web_sys::CanvasRenderingContext2d as Ctx;

use super::render_legend::Labels;
use super::{circle, cross, font, polygon, role_colour, text, text_width, txt, Palette};
use crate::raft::Role;
use crate::sim::{NodeSlot, World};
use crate::view::layout;

/// The timer ring's radius, as a multiple of the node's.
pub(super) const RING: f64 = 1.2;

pub(super) fn draw_node(
    ctx: &Ctx,
    pal: &Palette,
    world: &World,
    slot: &NodeSlot,
    c: (f64, f64),
    r: f64,
    selected: bool,
) {
    let node = &slot.node;
    let colour = role_colour(pal, slot);
    let arc_r = r * RING;

    // The timer: a ring that empties clockwise from the top as the deadline
    // nears. Leaders show their heartbeat timer, thinner.
    if slot.alive {
        let (deadline, armed, width) = if node.role() == Role::Leader {
            (slot.heartbeat_deadline, slot.heartbeat_armed_at, (r * 0.07).max(2.0))
        } else {
            (slot.election_deadline, slot.election_armed_at, (r * 0.14).max(3.5))
        };
        timer_ring(ctx, pal, c, arc_r, width, colour, deadline.map(|d| layout::timer_left(armed, d, world.now())));
    }
    if selected {
        ctx.set_stroke_style_str(pal.fg);
        ctx.set_line_width((r * 0.08).max(2.5));
        circle(ctx, c, r * 1.37);
        ctx.stroke();
    }
    let leads = slot.alive && node.role() == Role::Leader;
    let cut_off = leads && crate::view::snapshot::leader_without_quorum(world, node.id());
    body(ctx, pal, c, r, colour, slot.alive, leads);
    if slot.alive && node.role() == Role::PreCandidate {
        pre_candidate_ring(ctx, pal, c, r);
    }
    ctx.set_fill_style_str(if slot.alive { pal.on_role } else { pal.fg });
    font(ctx, true, r * 0.62);
    text(ctx, txt!("S{}", node.id()).as_str(), c.0, c.1 - r * 0.14, "center", "middle");

    // Above the node: a candidate's votes (one dot per server: filled when
    // granted, a cross when refused, hollow while unanswered); a crown for
    // the leader, hollow and struck through when it cannot reach a quorum.
    let above = c.1 - r * 1.58;
    // A pre-candidate's dots count pre-votes (§9.6).
    if slot.alive && matches!(node.role(), Role::Candidate | Role::PreCandidate) {
        let (mut granted, mut denied) = (0u16, 0u16);
        node.votes_granted().for_each(|v| granted |= 1 << v);
        node.votes_denied().for_each(|v| denied |= 1 << v);
        vote_dots(ctx, pal, (c.0, above), r, node.cluster_size() as usize, granted, denied);
    } else if leads {
        leader_crown(ctx, pal, (c.0, above + r * 0.05), r * 0.5, cut_off);
    }
}

/// The term inside the node and, under it, its vote (or "crashed") and, for
/// a leader cut off from a majority, "no quorum": on a background pill, after
/// the messages, so a message passing by never hides them.
pub(super) fn draw_node_labels(
    ctx: &Ctx,
    pal: &Palette,
    labels: &Labels,
    world: &World,
    slot: &NodeSlot,
    c: (f64, f64),
    r: f64,
) {
    let node = &slot.node;
    ctx.set_fill_style_str(if slot.alive { pal.on_role } else { pal.fg });
    if r >= 15.0 {
        font(ctx, false, (r * 0.36).max(8.0));
        let term = if r >= 28.0 { labels.term.with(node.term()) } else { labels.term_short.with(node.term()) };
        text(ctx, term.as_str(), c.0, c.1 + r * 0.44, "center", "middle");
    }

    let px = (r * 0.34).max(11.0);
    font(ctx, false, px);
    let label = match (slot.alive, node.voted_for()) {
        (false, _) => txt!("{}", labels.crashed),
        (true, Some(v)) => labels.voted.with(v),
        (true, None) => txt!("{}", labels.voted_none),
    };
    let below = c.1 + r * 1.5;
    pill(ctx, pal, label.as_str(), (c.0, below), px, if slot.alive { pal.fg } else { pal.muted });
    if slot.alive && node.role() == Role::Leader && crate::view::snapshot::leader_without_quorum(world, node.id()) {
        font(ctx, true, px);
        pill(ctx, pal, &labels.no_quorum, (c.0, below + px * 1.35), px, pal.bad);
    }
}

/// `s` centred at `top`, on a rounded background of the canvas colour.
fn pill(ctx: &Ctx, pal: &Palette, s: &str, (x, top): (f64, f64), px: f64, colour: &str) {
    let w = text_width(ctx, s) + px * 0.6;
    ctx.begin_path();
    let _ = ctx.round_rect_with_f64(x - w / 2.0, top - px * 0.1, w, px * 1.25, px * 0.4);
    ctx.set_fill_style_str(pal.bg);
    ctx.set_global_alpha(0.85);
    ctx.fill();
    ctx.set_global_alpha(1.0);
    ctx.set_fill_style_str(colour);
    text(ctx, s, x, top, "center", "top");
}

/// The timer ring: a grey track and, while armed, the part of the time left.
pub(super) fn timer_ring(
    ctx: &Ctx,
    pal: &Palette,
    c: (f64, f64),
    radius: f64,
    width: f64,
    colour: &str,
    left: Option<f64>,
) {
    ctx.set_line_width(width);
    ctx.set_stroke_style_str(pal.track);
    circle(ctx, c, radius);
    ctx.stroke();
    if let Some(left) = left.filter(|&l| l > 0.0) {
        ctx.begin_path();
        let _ = ctx.arc(c.0, c.1, radius, -FRAC_PI_2, -FRAC_PI_2 + TAU * left);
        ctx.set_stroke_style_str(colour);
        ctx.set_line_cap("butt");
        ctx.stroke();
        ctx.set_line_cap("round");
    }
}

/// The disc in the role colour; a leader's inner outline; a crashed node's cross.
/// A pre-candidate (PreVote, §9.6): a dashed ring around the candidate
/// colour, since it only asks whether it could win.
pub(super) fn pre_candidate_ring(ctx: &Ctx, pal: &Palette, c: (f64, f64), r: f64) {
    ctx.set_stroke_style_str(pal.fg);
    ctx.set_line_width((r * 0.07).max(2.0));
    super::dash(ctx, super::Dash::Short);
    circle(ctx, c, r * 1.14);
    ctx.stroke();
    super::dash(ctx, super::Dash::Solid);
}

pub(super) fn body(ctx: &Ctx, pal: &Palette, c: (f64, f64), r: f64, colour: &str, alive: bool, leads: bool) {
    circle(ctx, c, r);
    ctx.set_fill_style_str(colour);
    ctx.fill();
    if leads {
        // A second outline: the leader stands out even without colour.
        ctx.set_stroke_style_str(pal.fg);
        ctx.set_line_width((r * 0.06).max(2.0));
        circle(ctx, c, r * 0.86);
        ctx.stroke();
    }
    if !alive {
        ctx.set_stroke_style_str(pal.bad);
        cross(ctx, c, r * 0.62, (r * 0.1).max(3.0));
    }
}

/// One dot per server, centred on `at`: filled when granted, a cross when
/// refused, hollow while unanswered (bit `id` of each mask).
pub(super) fn vote_dots(ctx: &Ctx, pal: &Palette, at: (f64, f64), r: f64, n: usize, granted: u16, denied: u16) {
    let dot = (r * 0.1).max(3.0);
    let step = dot * 2.9;
    let x0 = at.0 - step * (n as f64 - 1.0) / 2.0;
    for i in 0..n {
        let p = (x0 + step * i as f64, at.1);
        let bit = 1u16 << (i + 1);
        ctx.set_line_width(1.5);
        if granted & bit != 0 {
            circle(ctx, p, dot);
            ctx.set_fill_style_str(pal.candidate);
            ctx.fill();
        } else if denied & bit != 0 {
            ctx.set_stroke_style_str(pal.bad);
            cross(ctx, p, dot * 0.8, 2.0);
        } else {
            circle(ctx, p, dot);
            ctx.set_stroke_style_str(pal.muted);
            ctx.stroke();
        }
    }
}

/// The leader's crown; without a quorum, an outline struck through in red.
pub(super) fn leader_crown(ctx: &Ctx, pal: &Palette, at: (f64, f64), w: f64, cut_off: bool) {
    if !cut_off {
        ctx.set_fill_style_str(pal.leader);
        crown(ctx, at, w);
        ctx.fill();
        return;
    }
    crown(ctx, at, w);
    ctx.set_stroke_style_str(pal.muted);
    ctx.set_line_width((w * 0.1).max(1.5));
    ctx.stroke();
    ctx.set_stroke_style_str(pal.bad);
    ctx.set_line_width((w * 0.12).max(2.0));
    ctx.begin_path();
    ctx.move_to(at.0 - w * 0.65, at.1 + w * 0.45);
    ctx.line_to(at.0 + w * 0.65, at.1 - w * 0.45);
    ctx.stroke();
}

/// A crown of width `w` centred on `c`, as a path (fill or stroke it).
/// Drawn rather than the U+265B glyph: the font fallback for that glyph cost
/// milliseconds a frame.
pub(super) fn crown(ctx: &Ctx, (x, y): (f64, f64), w: f64) {
    let (hw, h) = (w / 2.0, w * 0.7);
    let (top, bottom) = (y - h / 2.0, y + h / 2.0);
    polygon(
        ctx,
        &[
            (x - hw, bottom),
            (x - hw, top),
            (x - hw * 0.45, y),
            (x, top),
            (x + hw * 0.45, y),
            (x + hw, top),
            (x + hw, bottom),
        ],
    );
}

/// A dashed warning ring outside the selection ring: where a breakpoint or
/// a violation stopped the run.
pub(super) fn draw_highlight(ctx: &Ctx, pal: &Palette, c: (f64, f64), r: f64) {
    ctx.save();
    ctx.set_stroke_style_str(pal.bad);
    ctx.set_line_width((r * 0.1).max(3.0));
    let dash = js_sys::Array::of2(&(r * 0.3).into(), &(r * 0.18).into());
    let _ = ctx.set_line_dash(&dash);
    circle(ctx, c, r * 1.6);
    ctx.stroke();
    ctx.restore();
}
