//! Messages in flight on the cluster canvas: one shape per message type,
//! placed along the lane of its direction at its simulated latency.

use std::f64::consts::PI;

use crate::view::trig;

use web_sys::CanvasRenderingContext2d as Ctx;

use super::{circle, cross, dash, font, lane_offset, polygon, text, txt, Dash, Palette, Style};
use crate::raft::{ClientOutcome, Message, CLIENT};
use crate::sim::{InFlight, World};
use crate::view::layout::{self, lane, lerp, toward, Layout, MessageSpot};

/// Messages travel along the lane of their direction at their simulated
/// latency; with reduced motion they stand still, spread over the middle of
/// the lane. Messages whose link is down now (or whose target crashed) are
/// faded: they will be lost when they arrive unless it heals first.
pub(super) fn draw_messages(ctx: &Ctx, pal: &Palette, world: &World, style: &Style, lay: &mut Layout) {
    let r = lay.node_radius;
    // Big enough to see from the back of a room: about a third of a node.
    let size = (r * 0.28).max(6.0);
    let offset = lane_offset(r);
    let mut flights: Vec<&InFlight> = world.network().in_flight().collect();
    // Sending order: stable from frame to frame, newest drawn on top.
    flights.sort_unstable_by_key(|m| m.id);
    // Per directed link (client = 0), how many messages are already placed:
    // spreads messages apart when they do not move.
    let mut placed = [[0u8; 10]; 10];
    lay.messages.clear();
    lay.messages.reserve(flights.len());
    for m in flights {
        let at = |id: u8| if id == CLIENT { Some(lay.client) } else { lay.node(id) };
        let (Some(a), Some(b)) = (at(m.from), at(m.to)) else { continue };
        let (a, b) = lane(a, b, offset);
        let (start, end) = (toward(a, b, r), toward(b, a, r));
        let t = if style.reduced_motion {
            let k = &mut placed[m.from as usize % 10][m.to as usize % 10];
            const SPREAD: [f64; 5] = [0.5, 0.34, 0.66, 0.2, 0.8];
            let t = SPREAD[*k as usize % SPREAD.len()];
            *k = k.saturating_add(1);
            t
        } else {
            layout::progress(m.sent_at, m.arrives_at, world.now())
        };
        let p = lerp(start, end, t);
        let emphasis = style.hover_message == Some(m.id) || style.selected_message == Some(m.id);
        let blocked = m.from != CLIENT
            && m.to != CLIENT
            && (world.network().link_state(m.from, m.to).is_err() || !world.slot(m.to).alive);
        ctx.set_global_alpha(if blocked && !emphasis { 0.4 } else { 1.0 });
        let dir = unit(start, end);
        let size = if emphasis { size * 1.6 } else { size };
        let radius = draw_message(ctx, pal, Shape::of(&m.msg), m.duplicate, p, dir, size, emphasis);
        lay.messages.push(MessageSpot { id: m.id, x: p.0, y: p.1, radius });
    }
    ctx.set_global_alpha(1.0);
}

fn unit(a: (f64, f64), b: (f64, f64)) -> (f64, f64) {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let len = dx.hypot(dy).max(f64::EPSILON);
    (dx / len, dy / len)
}

/// How a message is drawn: its type and the one fact its shape shows.
#[derive(Clone, Copy, PartialEq)]
pub(super) enum Shape {
    RequestVote,
    /// Granted or refused.
    VoteReply(bool),
    /// How many entries (0: a heartbeat).
    AppendEntries(usize),
    /// Success or failure.
    AppendReply(bool),
    ClientRequest,
    /// A result, or a redirect.
    ClientReply(bool),
    /// The vote family's shapes, hollow and dashed: a question (§9.6).
    PreVote,
    /// Granted or refused.
    PreVoteReply(bool),
    /// The leader's "start your election now" (§3.10): a star.
    TimeoutNow,
    /// §7: a whole snapshot on its way to a follower that fell behind.
    InstallSnapshot,
    InstallSnapshotReply,
}

impl Shape {
    pub(super) fn of(msg: &Message) -> Shape {
        match msg {
            Message::RequestVote { .. } => Shape::RequestVote,
            Message::RequestVoteReply(reply) => Shape::VoteReply(reply.vote_granted),
            Message::AppendEntries(append) => Shape::AppendEntries(append.entries.len()),
            Message::AppendEntriesReply(reply) => Shape::AppendReply(reply.success),
            Message::ClientRequest { .. } => Shape::ClientRequest,
            Message::ClientReply { outcome, .. } => Shape::ClientReply(matches!(outcome, ClientOutcome::Applied(_))),
            Message::PreVote(_) => Shape::PreVote,
            Message::PreVoteReply(reply) => Shape::PreVoteReply(reply.vote_granted),
            Message::TimeoutNow(_) => Shape::TimeoutNow,
            Message::InstallSnapshot(_) => Shape::InstallSnapshot,
            Message::InstallSnapshotReply(_) => Shape::InstallSnapshotReply,
        }
    }
}

/// One message's shape at `p`; returns its radius for hit testing.
/// The vote family is drawn in the candidate colour and round, the
/// replication family in the leader colour and square (requests) or
/// diamond (replies), the client's in violet and pointed. A copy made by a
/// duplicate fault is ringed.
#[allow(clippy::too_many_arguments)]
pub(super) fn draw_message(
    ctx: &Ctx,
    pal: &Palette,
    shape: Shape,
    duplicate: bool,
    p: (f64, f64),
    dir: (f64, f64),
    s: f64,
    emphasis: bool,
) -> f64 {
    let (x, y) = p;
    ctx.set_line_width((s * 0.3).max(2.0));
    let radius = match shape {
        Shape::RequestVote => {
            circle(ctx, p, s * 1.1);
            ctx.set_fill_style_str(pal.candidate);
            ctx.fill();
            s * 1.1
        }
        Shape::PreVote => {
            circle(ctx, p, s * 1.1);
            ctx.set_fill_style_str(pal.bg);
            ctx.fill();
            ctx.set_stroke_style_str(pal.candidate);
            dash(ctx, Dash::Short);
            ctx.stroke();
            dash(ctx, Dash::Solid);
            s * 1.1
        }
        Shape::VoteReply(granted) | Shape::PreVoteReply(granted) => {
            let pre = matches!(shape, Shape::PreVoteReply(_));
            circle(ctx, p, s * 1.1);
            // A granted pre-vote is a promise, not a vote: hollow, like the question.
            ctx.set_fill_style_str(if granted && !pre { pal.candidate } else { pal.bg });
            ctx.fill();
            ctx.set_stroke_style_str(pal.candidate);
            if pre {
                dash(ctx, Dash::Short);
            }
            ctx.stroke();
            dash(ctx, Dash::Solid);
            // The check mark is drawn on the candidate colour, or in it on a hollow reply.
            let mark = if pre { pal.candidate } else { pal.bg };
            if granted {
                ctx.set_stroke_style_str(mark);
                ctx.begin_path();
                ctx.move_to(x - s * 0.55, y);
                ctx.line_to(x - s * 0.12, y + s * 0.45);
                ctx.line_to(x + s * 0.6, y - s * 0.45);
                ctx.stroke();
            } else {
                ctx.set_stroke_style_str(pal.bad);
                cross(ctx, p, s * 0.45, (s * 0.3).max(2.0));
            }
            s * 1.1
        }
        Shape::AppendEntries(0) => {
            let h = s * 0.75;
            ctx.set_fill_style_str(pal.leader);
            ctx.fill_rect(x - h, y - h, 2.0 * h, 2.0 * h);
            h * 1.2
        }
        Shape::AppendEntries(entries) => {
            let h = s * 1.35;
            ctx.set_fill_style_str(pal.leader);
            ctx.fill_rect(x - h, y - h, 2.0 * h, 2.0 * h);
            ctx.set_fill_style_str(pal.on_role);
            font(ctx, true, h * 1.3);
            text(ctx, txt!("{entries}").as_str(), x, y + h * 0.08, "center", "middle");
            h * 1.3
        }
        Shape::AppendReply(success) => {
            let h = s * 1.25;
            polygon(ctx, &[(x, y - h), (x + h, y), (x, y + h), (x - h, y)]);
            ctx.set_fill_style_str(if success { pal.leader } else { pal.bg });
            ctx.fill();
            ctx.set_stroke_style_str(pal.leader);
            ctx.stroke();
            h
        }
        Shape::ClientRequest => {
            // A triangle pointing where it goes.
            let h = s * 1.5;
            let (ux, uy) = dir;
            let tip = (x + ux * h, y + uy * h);
            let base = (x - ux * h * 0.7, y - uy * h * 0.7);
            polygon(
                ctx,
                &[tip, (base.0 - uy * h * 0.8, base.1 + ux * h * 0.8), (base.0 + uy * h * 0.8, base.1 - ux * h * 0.8)],
            );
            ctx.set_fill_style_str(pal.client);
            ctx.fill();
            h
        }
        Shape::TimeoutNow => {
            // A five-pointed star in the leader colour.
            let h = s * 1.5;
            let mut pts = [(0.0, 0.0); 10];
            for (i, q) in pts.iter_mut().enumerate() {
                let a = PI / 5.0 * i as f64 - PI / 2.0;
                let k = if i % 2 == 0 { h } else { h * 0.45 };
                *q = (x + k * trig::cos(a), y + k * trig::sin(a));
            }
            polygon(ctx, &pts);
            ctx.set_fill_style_str(pal.leader);
            ctx.fill();
            h
        }
        Shape::ClientReply(applied) => {
            // A hexagon: filled when it carries a result, hollow for a redirect.
            let h = s * 1.2;
            let mut pts = [(0.0, 0.0); 6];
            for (i, q) in pts.iter_mut().enumerate() {
                let a = PI / 3.0 * i as f64;
                *q = (x + h * trig::cos(a), y + h * trig::sin(a));
            }
            polygon(ctx, &pts);
            ctx.set_fill_style_str(if applied { pal.client } else { pal.bg });
            ctx.fill();
            ctx.set_stroke_style_str(pal.client);
            ctx.stroke();
            h
        }
        Shape::InstallSnapshot => {
            // The replication family's square, large, with the stacked
            // bands of a disk image: a whole state machine, not entries.
            let h = s * 1.6;
            ctx.set_fill_style_str(pal.leader);
            ctx.fill_rect(x - h, y - h, 2.0 * h, 2.0 * h);
            ctx.set_stroke_style_str(pal.on_role);
            ctx.set_line_width((s * 0.25).max(1.5));
            ctx.begin_path();
            for k in [-0.45, 0.0, 0.45] {
                ctx.move_to(x - h * 0.6, y + h * k);
                ctx.line_to(x + h * 0.6, y + h * k);
            }
            ctx.stroke();
            h * 1.2
        }
        Shape::InstallSnapshotReply => {
            // The replication family's reply diamond, with one band.
            let h = s * 1.25;
            polygon(ctx, &[(x, y - h), (x + h, y), (x, y + h), (x - h, y)]);
            ctx.set_fill_style_str(pal.leader);
            ctx.fill();
            ctx.set_stroke_style_str(pal.on_role);
            ctx.set_line_width((s * 0.25).max(1.5));
            ctx.begin_path();
            ctx.move_to(x - h * 0.45, y);
            ctx.line_to(x + h * 0.45, y);
            ctx.stroke();
            h
        }
    };
    if duplicate {
        // A copy made by a duplicate fault: a dashed ring around it.
        ctx.set_stroke_style_str(pal.fg);
        ctx.set_line_width(1.5);
        dash(ctx, Dash::Short);
        circle(ctx, p, radius + 4.0);
        ctx.stroke();
        dash(ctx, Dash::Solid);
    }
    if emphasis {
        ctx.set_stroke_style_str(pal.fg);
        ctx.set_line_width(2.5);
        circle(ctx, p, radius + if duplicate { 8.0 } else { 4.0 });
        ctx.stroke();
    }
    radius + if duplicate { 4.0 } else { 0.0 }
}
