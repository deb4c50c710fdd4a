//! The log grid: one row per node, one column per log index.
//!
//! Only the last columns that fit are drawn (at most [`MAX_COLUMNS`]), so a
//! frame costs at most a few hundred cells whatever the log length. Cell
//! text goes through the stack buffer [`Txt`], not `format!`.
//!
//! The grid is sized to its content: text is at least 11 px (16 px in
//! presentation mode), the page makes the canvas [`grid_height`] tall for
//! the cluster's size, and columns are as wide as the longest command shown,
//! so nothing is cut short while there is room.

use web_sys::CanvasRenderingContext2d as Ctx;

use super::render_legend::Labels;
use super::render_node::crown;
use super::{dash, font, palette, role_colour, text, text_width, txt, Dash, Palette, Style, Txt};
use crate::raft::{Command, LogIndex, NodeId, Term};
use crate::sim::World;
use crate::view::layout::log_window;

/// More columns than this would be too narrow to read on a projector.
const MAX_COLUMNS: usize = 60;
/// The smallest text in the grid, before the presentation scale.
const TEXT_PX: f64 = 11.0;

/// Text size for a presentation `scale`: 11 px, and 16 px from scale 1.45.
fn text_px(scale: f64) -> f64 {
    (TEXT_PX * scale).round().max(TEXT_PX)
}

fn header_height(px: f64) -> f64 {
    px * 1.9
}

/// One node's row: the band for the leader's m/n marks, two lines of text
/// (the term where a run starts, the command) and some padding.
fn row_height(px: f64) -> f64 {
    px * 3.6
}

/// The canvas height (CSS px) that fits `nodes` rows at presentation `scale`.
pub fn grid_height(nodes: u8, scale: f64) -> f64 {
    let px = text_px(scale.max(1.0));
    (header_height(px) + nodes.max(1) as f64 * row_height(px) + 6.0).ceil()
}

/// The grid's geometry for one frame.
struct Grid {
    left: f64,
    top: f64,
    row_h: f64,
    /// Above each row's cells: room for the leader's nextIndex/matchIndex marks.
    tick_h: f64,
    cell_w: f64,
    cell_h: f64,
    first: LogIndex,
    cols: usize,
    /// The text size.
    px: f64,
    /// Commands longer than this are cut with an ellipsis.
    max_chars: usize,
}

impl Grid {
    fn col_x(&self, index: LogIndex) -> f64 {
        self.left + (index as f64 - self.first as f64) * self.cell_w
    }
    fn row_y(&self, row: usize) -> f64 {
        self.top + row as f64 * self.row_h
    }
    fn visible(&self, index: LogIndex) -> bool {
        index >= self.first && index < self.first + self.cols as LogIndex
    }
}

pub fn draw_log(ctx: &Ctx, world: &World, width: f64, height: f64, dpr: f64, style: &Style, labels: &Labels) {
    let pal = palette(style);
    let _ = ctx.set_transform(dpr, 0.0, 0.0, dpr, 0.0, 0.0);
    ctx.set_global_alpha(1.0);
    dash(ctx, Dash::Solid);
    ctx.set_fill_style_str(pal.bg);
    ctx.fill_rect(0.0, 0.0, width, height);
    let n = world.nodes().len();
    let px = text_px(style.scale());
    let header = header_height(px);
    if n == 0 || width < 40.0 || height < header + 10.0 {
        return;
    }

    let label_w = (px * 5.2).clamp(52.0, 110.0);
    let row_h = ((height - header - 4.0) / n as f64).min(row_height(px) * 1.4);
    let tick_h = (row_h * 0.3).max(px * 1.05);
    let cell_h = (row_h - tick_h - 3.0).max(6.0);
    let room = width - label_w - 10.0;
    // One column past the longest log, where an up-to-date follower's
    // nextIndex points.
    let longest = world.nodes().iter().map(|s| s.node.log().last_index()).max().unwrap_or(0);
    let narrowest = (px * 3.2).max(cell_h * 0.9);
    let fit = ((room / narrowest).floor() as usize).clamp(1, MAX_COLUMNS);
    // As wide as the longest command among the columns that could show:
    // one measurement of the longest text, not one per cell.
    font(ctx, true, px);
    let (first, _) = log_window(longest + 1, fit);
    let widest = widest_command(world, first, longest);
    let measured = text_width(ctx, widest.as_str());
    let wanted = (measured + px).max(narrowest).min(px * 12.0);
    let fit = ((room / wanted).floor() as usize).clamp(1, fit);
    let (first, cols) = log_window(longest + 1, fit);
    let cell_w = (room / cols as f64).min(wanted * 1.3);
    // Commands are cut only when even the widest column allowed is too narrow.
    let per_char = measured / widest.as_str().chars().count().max(1) as f64;
    let max_chars = if cell_w >= measured + 4.0 { usize::MAX } else { ((cell_w - 4.0) / per_char) as usize };
    let g = Grid { left: label_w, top: header, row_h, tick_h, cell_w, cell_h, first, cols, px, max_chars };

    draw_header(ctx, pal, &g);
    for (row, slot) in world.nodes().iter().enumerate() {
        ctx.set_global_alpha(if slot.alive { 1.0 } else { 0.4 });
        draw_row(ctx, pal, &g, row, slot, style);
    }
    ctx.set_global_alpha(1.0);
    if let Some(leader) = world.current_leader() {
        draw_progress(ctx, pal, &g, world, leader, labels);
    }
}

/// The command of most characters among log indexes `first..=last` of any node.
fn widest_command(world: &World, first: LogIndex, last: LogIndex) -> Txt {
    let mut best = txt!("noop");
    let mut best_len = 4;
    for slot in world.nodes() {
        let log = slot.node.log();
        for index in first.max(log.first_index())..=last.min(log.last_index()) {
            let Some(entry) = log.entry(index) else { break };
            let t = short_command(&entry.command, usize::MAX);
            let len = t.as_str().chars().count();
            if len > best_len {
                best_len = len;
                best = t;
            }
        }
    }
    best
}

/// Index numbers above the columns; every fifth only when columns are narrow.
fn draw_header(ctx: &Ctx, pal: &Palette, g: &Grid) {
    let px = g.px;
    font(ctx, false, px);
    ctx.set_fill_style_str(pal.muted);
    let every = if g.cell_w >= px * 2.6 { 1 } else { 5 };
    for c in 0..g.cols {
        let index = g.first + c as LogIndex;
        if index.is_multiple_of(every) {
            let t = txt!("{index}");
            text(ctx, t.as_str(), g.col_x(index) + g.cell_w / 2.0, g.top - 4.0, "center", "bottom");
        }
    }
}

fn draw_row(ctx: &Ctx, pal: &Palette, g: &Grid, row: usize, slot: &crate::sim::NodeSlot, style: &Style) {
    let node = &slot.node;
    let y = g.row_y(row) + g.tick_h;
    let (cw, ch) = (g.cell_w, g.cell_h);

    // The label: the node's name on its role colour.
    let colour = role_colour(pal, slot);
    ctx.begin_path();
    let _ = ctx.round_rect_with_f64(4.0, y, g.left - 12.0, ch, 6.0);
    ctx.set_fill_style_str(colour);
    ctx.fill();
    if style.selected_node == Some(node.id()) {
        ctx.set_stroke_style_str(pal.fg);
        ctx.set_line_width(2.5);
        ctx.stroke();
    }
    ctx.set_fill_style_str(if slot.alive { pal.on_role } else { pal.fg });
    font(ctx, true, (ch * 0.42).min(g.px * 1.6).max(g.px));
    text(ctx, txt!("S{}", node.id()).as_str(), 4.0 + (g.left - 12.0) / 2.0, y + ch / 2.0, "center", "middle");

    let log = node.log();
    let commit = node.commit_index();
    let last = log.last_index().min(g.first + g.cols as LogIndex - 1);
    let alpha = ctx.global_alpha();
    // §7: the entries a snapshot replaced are one block, up to its point;
    // the cells start after it.
    let point = log.snapshot().index;
    if point >= g.first {
        let to = point.min(g.first + g.cols as LogIndex - 1);
        let (x0, x1) = (g.col_x(g.first), g.col_x(to) + cw);
        snapshot_block(ctx, pal, x0 + 1.0, y, x1 - x0 - 2.0, ch);
        if x1 - x0 >= g.px * 4.0 {
            font(ctx, false, g.px);
            ctx.set_fill_style_str(pal.fg);
            text(ctx, txt!("\u{2264}{point}").as_str(), (x0 + x1) / 2.0, y + ch / 2.0, "center", "middle");
        }
    }
    let from = g.first.max(point + 1);

    // The row is drawn in passes, each with one font or one style, because
    // changing the font or dash pattern per cell was most of a frame's cost.
    // 1. Cell fills: solid when committed, faded when not.
    let mut fill_term = None;
    for index in from..=last {
        let Some(entry) = log.entry(index) else { break };
        if fill_term != Some(entry.term) {
            fill_term = Some(entry.term);
            ctx.set_fill_style_str(term_colour(pal, entry.term).as_str());
        }
        ctx.set_global_alpha(if index <= commit { alpha } else { alpha * 0.35 });
        ctx.fill_rect(g.col_x(index) + 1.0, y, cw - 2.0, ch);
    }
    ctx.set_global_alpha(alpha);
    // 2. Uncommitted entries get a dashed border in their term's colour.
    if last > commit {
        dash(ctx, Dash::Short);
        ctx.set_line_width(2.0);
        for index in (commit + 1).max(from)..=last {
            let Some(entry) = log.entry(index) else { break };
            ctx.set_stroke_style_str(term_colour(pal, entry.term).as_str());
            ctx.stroke_rect(g.col_x(index) + 2.0, y + 1.0, cw - 4.0, ch - 2.0);
        }
        dash(ctx, Dash::Solid);
    }
    // 3. Empty slots: a faint outline keeps the grid readable.
    ctx.begin_path();
    for c in (last + 1).max(g.first)..g.first + g.cols as LogIndex {
        ctx.rect(g.col_x(c) + 1.5, y + 0.5, cw - 3.0, ch - 1.0);
    }
    ctx.set_stroke_style_str(pal.track);
    ctx.set_line_width(1.0);
    ctx.stroke();

    // 4. The term, small in the top-left corner, where a run of one term
    // starts (the colour carries it along the run).
    let term_px = g.px;
    let two_lines = ch >= g.px * 2.2;
    if two_lines {
        font(ctx, false, term_px);
        ctx.set_text_align("left");
        ctx.set_text_baseline("top");
        for index in from..=last {
            let Some(entry) = log.entry(index) else { break };
            if index == from || log.term_at(index - 1) != Some(entry.term) {
                ctx.set_fill_style_str(if index <= commit { pal.on_role } else { pal.fg });
                let _ = ctx.fill_text(txt!("t{}", entry.term).as_str(), g.col_x(index) + 4.0, y + 1.0);
            }
        }
    }
    // 5. The command, cut only when wider than the widest column allowed.
    let cmd_px = g.px;
    let max_chars = g.max_chars;
    if max_chars >= 2 {
        font(ctx, true, cmd_px);
        ctx.set_text_align("center");
        ctx.set_text_baseline("middle");
        let cy = if two_lines { y + 1.0 + term_px + (ch - term_px) / 2.0 } else { y + ch / 2.0 };
        for index in from..=last {
            let Some(entry) = log.entry(index) else { break };
            ctx.set_fill_style_str(if index <= commit { pal.on_role } else { pal.fg });
            let cmd = short_command(&entry.command, max_chars);
            let _ = ctx.fill_text(cmd.as_str(), g.col_x(index) + cw / 2.0, cy);
        }
    }

    // The commit index: a thick bar after its column (at the left edge when
    // it is 0 or scrolled off to the left).
    if commit + 1 >= g.first && commit < g.first + g.cols as LogIndex {
        let x = g.col_x(commit + 1) - 1.0;
        ctx.set_fill_style_str(pal.fg);
        ctx.fill_rect(x - 2.0, y - 3.0, 4.0, ch + 6.0);
    }
}

/// §7: the part of a log a snapshot replaced, as one block: a muted fill
/// with diagonal bands, so it reads as "stored elsewhere", not as entries.
pub(super) fn snapshot_block(ctx: &Ctx, pal: &Palette, x: f64, y: f64, w: f64, h: f64) {
    ctx.set_fill_style_str(pal.track);
    ctx.fill_rect(x, y, w, h);
    ctx.save();
    ctx.begin_path();
    ctx.rect(x, y, w, h);
    ctx.clip();
    ctx.set_stroke_style_str(pal.muted);
    ctx.set_line_width(1.5);
    ctx.begin_path();
    let mut k = x - h;
    while k < x + w {
        ctx.move_to(k, y + h);
        ctx.line_to(k + h, y);
        k += 8.0;
    }
    ctx.stroke();
    ctx.restore();
    ctx.set_stroke_style_str(pal.muted);
    ctx.set_line_width(1.0);
    ctx.stroke_rect(x + 0.5, y + 0.5, w - 1.0, h - 1.0);
}

/// The fill of a term's cells.
pub(super) fn term_colour(pal: &Palette, term: Term) -> Txt {
    let (sat, light) = pal.term_sl;
    txt!("hsl({},{sat}%,{light}%)", term_hue(term))
}

/// Distinct hues for neighbouring terms: steps of the golden angle.
fn term_hue(term: Term) -> u32 {
    ((200.0 + term as f64 * 137.508) % 360.0) as u32
}

/// `x=1`, `noop`, `get x`, `del x`, `ls p`, cut to `max` characters with an
/// ellipsis.
fn short_command(command: &Command, max: usize) -> Txt {
    let full = match command {
        Command::Noop => txt!("noop"),
        Command::Put { key, value } => txt!("{key}={value}"),
        Command::Del { key } => txt!("del {key}"),
        Command::Get { key } => txt!("get {key}"),
        Command::List { prefix } => txt!("ls {prefix}"),
        Command::Etcd(request) => txt!("{request}"),
    };
    let s = full.as_str();
    if s.chars().count() <= max {
        return txt!("{s}");
    }
    let cut: usize = s.char_indices().nth(max.saturating_sub(1)).map_or(s.len(), |(i, _)| i);
    txt!("{}\u{2026}", &s[..cut])
}

/// On each follower's row, the leader's view of it: "m" over its
/// matchIndex column and "n" over its nextIndex column, in the leader's
/// colour, in the band above the row's cells.
fn draw_progress(ctx: &Ctx, pal: &Palette, g: &Grid, world: &World, leader: NodeId, labels: &Labels) {
    let node = world.node(leader);
    let px = g.px;
    font(ctx, true, px);
    for (row, slot) in world.nodes().iter().enumerate() {
        let peer = slot.node.id();
        let Some(p) = node.progress(peer) else { continue };
        let base = g.row_y(row) + g.tick_h - 1.0;
        for (index, label, colour) in [(p.match_index, "m", pal.leader), (p.next_index, "n", pal.fg)] {
            if index == 0 || !g.visible(index) {
                continue;
            }
            let x = g.col_x(index) + g.cell_w / 2.0;
            // A small downward triangle pointing at the column, and its letter.
            let s = (g.tick_h * 0.35).clamp(3.0, 7.0);
            ctx.begin_path();
            ctx.move_to(x - s, base - s);
            ctx.line_to(x + s, base - s);
            ctx.line_to(x, base);
            ctx.close_path();
            ctx.set_fill_style_str(colour);
            ctx.fill();
            text(ctx, label, x + s + 2.0, base, "left", "bottom");
        }
    }
    // The leader's own row is marked by its label colour and a crown.
    let y = g.row_y(leader as usize - 1) + g.tick_h - 1.0;
    ctx.set_fill_style_str(pal.leader);
    font(ctx, false, px);
    crown(ctx, (6.0 + px * 0.5, y - px * 0.45), px);
    ctx.fill();
    text(ctx, &labels.leader, 6.0 + px * 1.3, y, "left", "bottom");
}
