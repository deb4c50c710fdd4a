//! Canvas drawing of the Kubernetes view: zone bands, machines and their
//! processes, the load balancer and kubectl, and the Leases with their
//! countdowns. Geometry and state come from [`crate::view::kube`]; this
//! file only turns them into canvas calls (the etcd members' Raft ring is
//! the page's usual `render`, on a canvas of its own).

use web_sys::CanvasRenderingContext2d as Ctx;

use super::render::{dash, font, palette, text, Dash, Palette, Style};
use super::render::{txt, Txt};
use crate::view::kube::{KubeView, LeaseRow, MachineBox, ProcessRow, ProcessState, Rect, ZoneBand};

/// The words on the Kubernetes canvas, in the page's language
/// (`setKubeLabels`, one a line in this order).
#[derive(Clone, Debug)]
pub struct KubeLabels {
    pub leading: String,
    pub standby: String,
    pub exited: String,
    pub down: String,
    pub renew_deadline: String,
    pub takeover: String,
    pub no_holder: String,
    pub isolated: String,
    pub load_balancer: String,
}

impl Default for KubeLabels {
    fn default() -> KubeLabels {
        KubeLabels {
            leading: "leading".into(),
            standby: "standby".into(),
            exited: "exited".into(),
            down: "down".into(),
            renew_deadline: "renew deadline".into(),
            takeover: "standby may take over".into(),
            no_holder: "no holder".into(),
            isolated: "cut off".into(),
            load_balancer: "load balancer".into(),
        }
    }
}

pub const KUBE_LABEL_COUNT: usize = 9;

impl KubeLabels {
    /// One label a line, in field order, each at most 32 characters.
    pub fn read(text: &str) -> Option<KubeLabels> {
        let lines: Vec<&str> = text.split('\n').collect();
        if lines.len() != KUBE_LABEL_COUNT || lines.iter().any(|l| l.is_empty() || l.chars().count() > 32) {
            return None;
        }
        Some(KubeLabels {
            leading: lines[0].into(),
            standby: lines[1].into(),
            exited: lines[2].into(),
            down: lines[3].into(),
            renew_deadline: lines[4].into(),
            takeover: lines[5].into(),
            no_holder: lines[6].into(),
            isolated: lines[7].into(),
            load_balancer: lines[8].into(),
        })
    }
}

fn rect_path(ctx: &Ctx, r: &Rect, radius: f64) {
    ctx.begin_path();
    let rad = radius.min(r.w / 2.0).min(r.h / 2.0);
    ctx.move_to(r.x + rad, r.y);
    let _ = ctx.arc_to(r.x + r.w, r.y, r.x + r.w, r.y + r.h, rad);
    let _ = ctx.arc_to(r.x + r.w, r.y + r.h, r.x, r.y + r.h, rad);
    let _ = ctx.arc_to(r.x, r.y + r.h, r.x, r.y, rad);
    let _ = ctx.arc_to(r.x, r.y, r.x + r.w, r.y, rad);
    ctx.close_path();
}

fn state_colour(pal: &Palette, s: ProcessState) -> &'static str {
    match s {
        ProcessState::Down => pal.crashed,
        ProcessState::Running | ProcessState::Follower => pal.follower,
        ProcessState::Leading | ProcessState::Leader => pal.leader,
        ProcessState::Candidate | ProcessState::Exited => pal.candidate,
        ProcessState::Standby => pal.muted,
    }
}

/// Seconds with one decimal, as text, without Rust's float formatting.
fn seconds(ms: f64) -> Txt {
    let tenths = (ms / 100.0).ceil().max(0.0) as u64;
    txt!("{}.{} s", tenths / 10, tenths % 10)
}

/// Draws the view and returns nothing: the page hit-tests buttons of its own.
pub fn draw_kube(ctx: &Ctx, view: &KubeView, dpr: f64, style: &Style, labels: &KubeLabels) {
    let pal = palette(style);
    let _ = ctx.set_transform(dpr, 0.0, 0.0, dpr, 0.0, 0.0);
    ctx.set_global_alpha(1.0);
    dash(ctx, Dash::Solid);
    ctx.set_fill_style_str(pal.bg);
    ctx.fill_rect(0.0, 0.0, view.width, view.height);

    for zone in &view.zones {
        draw_zone(ctx, pal, zone, labels);
    }
    draw_front(ctx, pal, view, labels);
    for m in &view.machines {
        draw_machine(ctx, pal, m, labels);
    }
    for lease in &view.leases {
        draw_lease(ctx, pal, lease, labels);
    }
}

fn draw_zone(ctx: &Ctx, pal: &Palette, zone: &ZoneBand, labels: &KubeLabels) {
    rect_path(ctx, &zone.rect, 8.0);
    ctx.set_fill_style_str(if zone.down { pal.track } else { pal.groups[0] });
    ctx.fill();
    ctx.set_stroke_style_str(if zone.isolated { pal.bad } else { pal.link });
    ctx.set_line_width(if zone.isolated { 2.5 } else { 1.0 });
    dash(ctx, if zone.isolated { Dash::Long } else { Dash::Solid });
    ctx.stroke();
    dash(ctx, Dash::Solid);
    ctx.set_fill_style_str(if zone.down { pal.muted } else { pal.fg });
    font(ctx, true, 12.0);
    let label = if zone.down {
        txt!("zone {} · {}", zone.name, labels.down)
    } else if zone.isolated {
        txt!("zone {} · {}", zone.name, labels.isolated)
    } else {
        txt!("zone {}", zone.name)
    };
    text(ctx, label.as_str(), zone.rect.x + 8.0, zone.rect.y + 4.0, "left", "top");
}

/// kubectl, the load balancer, and their lines to the apiservers.
fn draw_front(ctx: &Ctx, pal: &Palette, view: &KubeView, labels: &KubeLabels) {
    let lb = &view.load_balancer;
    let (lbx, _) = lb.center();
    ctx.set_line_width(1.5);
    for m in view.machines.iter().filter(|m| m.control_plane) {
        let Some(api) = m.processes.first() else { continue };
        let in_rotation = api.in_rotation.unwrap_or(false) && m.up;
        ctx.set_stroke_style_str(if in_rotation { pal.follower } else { pal.crashed });
        dash(ctx, if in_rotation { Dash::Solid } else { Dash::Short });
        ctx.begin_path();
        ctx.move_to(lbx, lb.y + lb.h);
        ctx.line_to(api.rect.x + api.rect.w / 2.0, api.rect.y + 2.0);
        ctx.stroke();
    }
    dash(ctx, Dash::Solid);
    let k = &view.kubectl;
    ctx.set_stroke_style_str(pal.client);
    ctx.begin_path();
    ctx.move_to(k.x + k.w, k.y + k.h / 2.0);
    ctx.line_to(lb.x, lb.y + lb.h / 2.0);
    ctx.stroke();

    for (r, colour, name) in [(k, pal.client, "kubectl"), (lb, pal.fg, labels.load_balancer.as_str())] {
        rect_path(ctx, r, 6.0);
        ctx.set_fill_style_str(pal.bg);
        ctx.fill();
        ctx.set_stroke_style_str(colour);
        ctx.set_line_width(2.0);
        ctx.stroke();
        ctx.set_fill_style_str(colour);
        font(ctx, true, (r.h * 0.34).clamp(10.0, 14.0));
        text(ctx, name, r.x + r.w / 2.0, r.y + r.h / 2.0, "center", "middle");
    }
}

fn draw_machine(ctx: &Ctx, pal: &Palette, m: &MachineBox, labels: &KubeLabels) {
    rect_path(ctx, &m.rect, 5.0);
    ctx.set_fill_style_str(if m.up { pal.bg } else { pal.track });
    ctx.fill();
    ctx.set_stroke_style_str(if m.up { pal.fg } else { pal.crashed });
    ctx.set_line_width(1.5);
    dash(ctx, if m.up { Dash::Solid } else { Dash::Short });
    ctx.stroke();
    dash(ctx, Dash::Solid);
    ctx.set_fill_style_str(if m.up { pal.fg } else { pal.muted });
    font(ctx, true, 12.0);
    let name = if m.up { txt!("{}", m.name) } else { txt!("{} · {}", m.name, labels.down) };
    text(ctx, name.as_str(), m.rect.x + 6.0, m.rect.y + 3.0, "left", "top");
    for p in &m.processes {
        draw_process(ctx, pal, p, labels);
    }
}

fn draw_process(ctx: &Ctx, pal: &Palette, p: &ProcessRow, labels: &KubeLabels) {
    let r = &p.rect;
    let colour = state_colour(pal, p.state);
    let dot = (r.h * 0.28).clamp(2.5, 6.0);
    let cy = r.y + r.h / 2.0;
    ctx.begin_path();
    let _ = ctx.arc(r.x + dot + 1.0, cy, dot, 0.0, std::f64::consts::TAU);
    ctx.set_fill_style_str(colour);
    ctx.fill();
    let px = (r.h * 0.62).clamp(8.0, 13.0);
    font(ctx, p.state == ProcessState::Leading || p.state == ProcessState::Leader, px);
    ctx.set_fill_style_str(if p.state == ProcessState::Down { pal.muted } else { pal.fg });
    let name = p.kind.name();
    text(ctx, name, r.x + 2.0 * dot + 5.0, cy, "left", "middle");
    let state = match (p.state, p.member, p.term) {
        (ProcessState::Down, _, _) => txt!("{}", labels.down),
        (_, Some(id), Some(term)) => txt!("S{id} T{term}"),
        (ProcessState::Leading, _, _) => txt!("★ {}", labels.leading),
        (ProcessState::Standby, _, _) => txt!("{}", labels.standby),
        (ProcessState::Exited, _, _) => txt!("{}", labels.exited),
        (ProcessState::Running, _, _) if p.in_rotation == Some(false) => txt!("LB ✕"),
        _ => txt!(""),
    };
    ctx.set_fill_style_str(colour);
    font(ctx, true, px);
    text(ctx, state.as_str(), r.x + r.w - 2.0, cy, "right", "middle");
}

/// A lease: its name and holder, then two bars emptying toward the holder's
/// renew deadline and the first standby's takeover.
fn draw_lease(ctx: &Ctx, pal: &Palette, lease: &LeaseRow, labels: &KubeLabels) {
    let r = &lease.rect;
    rect_path(ctx, r, 6.0);
    ctx.set_fill_style_str(pal.bg);
    ctx.fill();
    ctx.set_stroke_style_str(pal.link);
    ctx.set_line_width(1.0);
    ctx.stroke();
    let px = (r.h * 0.32).clamp(9.0, 13.0);
    font(ctx, true, px);
    ctx.set_fill_style_str(pal.fg);
    let name_w = (r.w * 0.36).min(300.0);
    text(ctx, lease.name, r.x + 8.0, r.y + r.h * 0.3, "left", "middle");
    let holder = match &lease.holder {
        Some(h) => txt!("→ {h}"),
        None => txt!("{}", labels.no_holder),
    };
    ctx.set_fill_style_str(if lease.holder.is_some() { pal.leader } else { pal.bad });
    text(ctx, holder.as_str(), r.x + 8.0, r.y + r.h * 0.72, "left", "middle");

    let bars_x = r.x + name_w;
    let bar_w = (r.w - name_w - 16.0) / 2.0;
    let bars = [
        (&labels.renew_deadline, lease.renew_left_ms, lease.renew_deadline_ms, pal.leader),
        (&labels.takeover, lease.takeover_left_ms, lease.duration_ms, pal.candidate),
    ];
    font(ctx, false, px);
    for (i, (label, left, total, colour)) in bars.into_iter().enumerate() {
        let x = bars_x + i as f64 * (bar_w + 8.0);
        ctx.set_fill_style_str(pal.muted);
        let caption = match left {
            Some(ms) => txt!("{} {}", label, seconds(ms).as_str()),
            None => txt!("{} –", label),
        };
        text(ctx, caption.as_str(), x, r.y + r.h * 0.3, "left", "middle");
        let bar = Rect { x, y: r.y + r.h * 0.58, w: bar_w, h: (r.h * 0.22).max(4.0) };
        ctx.set_fill_style_str(pal.track);
        ctx.fill_rect(bar.x, bar.y, bar.w, bar.h);
        if let Some(ms) = left {
            let frac = if total > 0.0 { (ms / total).clamp(0.0, 1.0) } else { 0.0 };
            ctx.set_fill_style_str(colour);
            ctx.fill_rect(bar.x, bar.y, bar.w * frac, bar.h);
        }
    }
}
