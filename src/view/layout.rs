//! Where things are drawn on the cluster canvas, in CSS pixels.
//!
//! Pure geometry with no browser types, so it compiles natively and is unit
//! tested there; the canvas renderer (`web::render`) fills a [`Layout`] while
//! drawing, and the page hit-tests clicks against that same `Layout`, so what
//! is clicked is exactly what was drawn.

use std::f64::consts::{FRAC_PI_2, PI};

use super::trig;

/// What a click landed on.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Hit {
    Node(u8),
    /// An in-flight message, by its network id.
    Message(u64),
    /// The link between two nodes, smaller id first (a link is one line on
    /// screen; which direction to cut is the page's question to ask).
    Link(u8, u8),
}

/// A message as drawn this frame.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MessageSpot {
    pub id: u64,
    pub x: f64,
    pub y: f64,
    pub radius: f64,
}

/// A link as drawn this frame: the segment from rim to rim, `a < b`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LinkSpot {
    pub a: u8,
    pub b: u8,
    pub from: (f64, f64),
    pub to: (f64, f64),
}

#[derive(Clone, Debug, Default)]
pub struct Layout {
    /// Centre of node `i + 1`.
    pub nodes: Vec<(f64, f64)>,
    pub node_radius: f64,
    /// Where the client sits (client messages start or end there).
    pub client: (f64, f64),
    /// In drawing order: later ones are on top.
    pub messages: Vec<MessageSpot>,
    pub links: Vec<LinkSpot>,
    /// How far outside a message, and from a link's line, a click still hits.
    pub message_slop: f64,
    pub link_slop: f64,
}

/// Messages are small: accept a click this many pixels outside them.
const MESSAGE_SLOP: f64 = 4.0;
/// How close to a link's line a click must be to select it.
const LINK_SLOP: f64 = 6.0;
/// A fingertip covers about 10 mm: on a touch screen, both grow to this.
const TOUCH_SLOP: f64 = 14.0;

impl Layout {
    /// A layout with nodes on a ring and every link between them, no messages.
    pub fn for_ring(n: usize, width: f64, height: f64) -> Layout {
        Layout::for_ring_scaled(n, width, height, 1.0)
    }

    /// [`Layout::for_ring`] with nodes `scale` times larger (presentation
    /// mode), as far as the canvas has room.
    pub fn for_ring_scaled(n: usize, width: f64, height: f64, scale: f64) -> Layout {
        let (nodes, node_radius) = ring_scaled(n, width, height, scale);
        let mut layout = Layout {
            nodes,
            node_radius,
            client: (width / 2.0, height / 2.0),
            message_slop: MESSAGE_SLOP,
            link_slop: LINK_SLOP,
            ..Layout::default()
        };
        layout.add_links();
        layout
    }

    /// On a touch screen, messages and links are hit from further away.
    pub fn set_coarse_pointer(&mut self, coarse: bool) {
        let (m, l) = if coarse { (TOUCH_SLOP, TOUCH_SLOP) } else { (MESSAGE_SLOP, LINK_SLOP) };
        self.message_slop = m;
        self.link_slop = l;
    }

    /// Fills `links` with every pair of nodes, from rim to rim.
    pub fn add_links(&mut self) {
        self.links.clear();
        let n = self.nodes.len();
        for a in 0..n {
            for b in a + 1..n {
                let (pa, pb) = (self.nodes[a], self.nodes[b]);
                self.links.push(LinkSpot {
                    a: a as u8 + 1,
                    b: b as u8 + 1,
                    from: toward(pa, pb, self.node_radius),
                    to: toward(pb, pa, self.node_radius),
                });
            }
        }
    }

    /// Centre of node `id` (1-based).
    pub fn node(&self, id: u8) -> Option<(f64, f64)> {
        self.nodes.get((id as usize).wrapping_sub(1)).copied()
    }

    /// Messages first (small and drawn on top, so the topmost wins), then
    /// nodes, then the nearest link within a few pixels of the click.
    pub fn hit_test(&self, x: f64, y: f64) -> Option<Hit> {
        if let Some(m) = self.messages.iter().rev().find(|m| dist((x, y), (m.x, m.y)) <= m.radius + self.message_slop) {
            return Some(Hit::Message(m.id));
        }
        if let Some(i) = self.nodes.iter().position(|&c| dist((x, y), c) <= self.node_radius) {
            return Some(Hit::Node(i as u8 + 1));
        }
        self.links
            .iter()
            .map(|l| (dist_to_segment((x, y), l.from, l.to), l))
            .filter(|(d, _)| *d <= self.link_slop)
            .min_by(|a, b| a.0.total_cmp(&b.0))
            .map(|(_, l)| Hit::Link(l.a, l.b))
    }
}

/// Node centres on a circle, node 1 at the top and the rest clockwise, and a
/// node radius that grows with the canvas but leaves room between
/// neighbours and around each node for its timer arc and the text under it.
pub fn ring(n: usize, width: f64, height: f64) -> (Vec<(f64, f64)>, f64) {
    ring_scaled(n, width, height, 1.0)
}

/// [`ring`] with nodes `scale` times larger where there is room.
pub fn ring_scaled(n: usize, width: f64, height: f64, scale: f64) -> (Vec<(f64, f64)>, f64) {
    let (w, h) = (width.max(1.0), height.max(1.0));
    // A wide, low canvas (a desktop page) gets larger nodes than its height
    // alone would give: they spread sideways on an ellipse.
    let wanted = (h * 0.11).min(w * 0.075).clamp(8.0, 64.0);
    let plain = ring_of(n, width, height, wanted);
    let scale = scale.clamp(1.0, 3.0);
    if scale <= 1.0 {
        return plain;
    }
    // Never so large that the margin around the nodes would not fit.
    let scaled = ring_of(n, width, height, (wanted * scale).min(w.min(h) / 6.0));
    // A larger node shrinks the ring, and neighbours may then force a
    // smaller radius than without the scale: keep whichever is larger.
    if scaled.1 >= plain.1 {
        scaled
    } else {
        plain
    }
}

/// Nodes of radius at most `r` on the largest ellipse that leaves room
/// around them: above for the crown or vote dots, below for the labels
/// (about 2.3 radii), beside for the timer ring and the labels' width.
fn ring_of(n: usize, width: f64, height: f64, r: f64) -> (Vec<(f64, f64)>, f64) {
    let (cx, cy) = (width / 2.0, height / 2.0);
    let side = width.min(height).max(1.0);
    if n <= 1 {
        return (vec![(cx, cy); n], r);
    }
    let ry = (height / 2.0 - 2.3 * r).max(side * 0.25);
    // At most this much wider than tall: a flatter ring would put the
    // nodes on the sides far from the others.
    let rx = (width / 2.0 - 2.0 * r).max(side * 0.25).min(ry * 2.2).max(ry);
    let point = |i: usize| {
        // Canvas y grows downwards, so increasing angles run clockwise.
        let angle = -FRAC_PI_2 + 2.0 * PI * i as f64 / n as f64;
        (cx + rx * trig::cos(angle), cy + ry * trig::sin(angle))
    };
    let centres: Vec<(f64, f64)> = (0..n).map(point).collect();
    // Neighbours must not touch: keep more than one and a half radii between
    // their rims. One right above another (on the sides of a flat ring) needs
    // more: the labels under the upper one and the crown or vote dots over
    // the lower one take about four radii between the centres.
    let fit = (0..n)
        .map(|i| {
            let (a, b) = (centres[i], centres[(i + 1) % n]);
            let (dx, dy) = ((a.0 - b.0).abs(), (a.1 - b.1).abs());
            (dist(a, b) / 3.6).min(((dx - 10.0) / 1.6).max(dy / 4.0))
        })
        .fold(f64::INFINITY, f64::min)
        .max(6.0);
    // Smaller nodes need less margin: place them once more on the larger ring.
    if fit < r * 0.95 {
        return ring_of(n, width, height, fit);
    }
    (centres, r.min(fit))
}

/// Where a message is now on its way from node `from` to node `to`: along the
/// line from the rim of one to the rim of the other, in proportion to the
/// simulated time elapsed since it was sent, so it travels at its real
/// latency and lands exactly when it is delivered.
pub fn message_point(
    from: (f64, f64),
    to: (f64, f64),
    sent_us: u64,
    arrives_us: u64,
    now_us: u64,
    node_radius: f64,
) -> (f64, f64) {
    let t = progress(sent_us, arrives_us, now_us);
    let a = toward(from, to, node_radius);
    let b = toward(to, from, node_radius);
    lerp(a, b, t)
}

/// Elapsed fraction of `start..end` at `now`, clamped to 0..1.
pub fn progress(start: u64, end: u64, now: u64) -> f64 {
    if end <= start {
        return if now >= end { 1.0 } else { 0.0 };
    }
    (now.saturating_sub(start) as f64 / (end - start) as f64).clamp(0.0, 1.0)
}

/// What is left of a timer armed at `armed_at` that fires at `deadline`:
/// 1 when just armed, 0 when due.
pub fn timer_left(armed_at: u64, deadline: u64, now: u64) -> f64 {
    1.0 - progress(armed_at, deadline, now)
}

/// The point `by` pixels from `from` towards `to` (a node's rim).
pub fn toward(from: (f64, f64), to: (f64, f64), by: f64) -> (f64, f64) {
    let (dx, dy) = (to.0 - from.0, to.1 - from.1);
    let len = dx.hypot(dy);
    if len <= f64::EPSILON {
        return from;
    }
    // Never past the middle, so the two rims do not cross on tiny canvases.
    let by = by.min(len / 2.0);
    (from.0 + dx / len * by, from.1 + dy / len * by)
}

/// The segment `from -> to` moved `offset` pixels to the right of its
/// direction of travel. Messages of the two directions of one link use the
/// two sides, so a request and its reply do not sit on top of each other.
pub fn lane(from: (f64, f64), to: (f64, f64), offset: f64) -> ((f64, f64), (f64, f64)) {
    let (dx, dy) = (to.0 - from.0, to.1 - from.1);
    let len = dx.hypot(dy);
    if len <= f64::EPSILON {
        return (from, to);
    }
    // Right of travel on a y-down screen is (-dy, dx).
    let (nx, ny) = (-dy / len * offset, dx / len * offset);
    ((from.0 + nx, from.1 + ny), (to.0 + nx, to.1 + ny))
}

pub fn lerp(a: (f64, f64), b: (f64, f64), t: f64) -> (f64, f64) {
    (a.0 + (b.0 - a.0) * t, a.1 + (b.1 - a.1) * t)
}

pub fn dist(a: (f64, f64), b: (f64, f64)) -> f64 {
    (a.0 - b.0).hypot(a.1 - b.1)
}

/// Distance from `p` to the segment `a..b`.
pub fn dist_to_segment(p: (f64, f64), a: (f64, f64), b: (f64, f64)) -> f64 {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let len2 = dx * dx + dy * dy;
    if len2 <= f64::EPSILON {
        return dist(p, a);
    }
    let t = (((p.0 - a.0) * dx + (p.1 - a.1) * dy) / len2).clamp(0.0, 1.0);
    dist(p, (a.0 + t * dx, a.1 + t * dy))
}

/// The convex hull of up to 9 points (a partition group's node centres),
/// written to `out` in clockwise screen order (y down); returns how many.
/// Fixed-size so drawing a partition every frame does not allocate.
pub fn hull(points: &[(f64, f64)], out: &mut [(f64, f64); 9]) -> usize {
    let mut p = [(0.0, 0.0); 9];
    let n = points.len().min(9);
    p[..n].copy_from_slice(&points[..n]);
    let p = &mut p[..n];
    // Unstable is enough: points that compare equal are the same point.
    p.sort_unstable_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
    if n <= 2 {
        out[..n].copy_from_slice(p);
        return n;
    }
    // Andrew's monotone chain on a 2n buffer, then copied out.
    let cross = |o: (f64, f64), a: (f64, f64), b: (f64, f64)| (a.0 - o.0) * (b.1 - o.1) - (a.1 - o.1) * (b.0 - o.0);
    let mut h = [(0.0, 0.0); 18];
    let mut k = 0;
    for &q in p.iter() {
        while k >= 2 && cross(h[k - 2], h[k - 1], q) <= 1e-9 {
            k -= 1;
        }
        h[k] = q;
        k += 1;
    }
    let lower = k + 1;
    for &q in p.iter().rev().skip(1) {
        while k >= lower && cross(h[k - 2], h[k - 1], q) <= 1e-9 {
            k -= 1;
        }
        h[k] = q;
        k += 1;
    }
    let m = (k - 1).min(9);
    out[..m].copy_from_slice(&h[..m]);
    // With positive cross products kept, the chain turns counter-clockwise in
    // y-up terms, which is clockwise on a y-down screen.
    m
}

/// Which columns of a log are shown: the last `fit` indexes up to
/// `last_index` (at least index 1). Returns (first index, column count).
pub fn log_window(last_index: u64, fit: usize) -> (u64, usize) {
    let fit = fit.max(1) as u64;
    let first = last_index.saturating_sub(fit - 1).max(1);
    (first, fit as usize)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: (f64, f64), b: (f64, f64)) -> bool {
        dist(a, b) < 1e-6
    }

    #[test]
    fn ring_puts_node_1_on_top_and_goes_clockwise() {
        let (c, r) = ring(4, 800.0, 600.0);
        assert_eq!(c.len(), 4);
        assert!(r > 10.0);
        // Node 1 straight above the centre, node 2 to the right (clockwise
        // on screen), node 3 below, node 4 to the left.
        assert!((c[0].0 - 400.0).abs() < 1e-6 && c[0].1 < 300.0);
        assert!(c[1].0 > 400.0 && (c[1].1 - 300.0).abs() < 1e-6);
        assert!((c[2].0 - 400.0).abs() < 1e-6 && c[2].1 > 300.0);
        assert!(c[3].0 < 400.0);
    }

    #[test]
    fn ring_fits_the_canvas_and_nodes_do_not_touch() {
        for n in 1..=9 {
            for &(w, h) in &[(300.0, 200.0), (800.0, 600.0), (1920.0, 1080.0)] {
                let (c, r) = ring(n, w, h);
                for &(x, y) in &c {
                    assert!(x - r >= 0.0 && x + r <= w && y - r >= 0.0 && y + r <= h, "n={n} {w}x{h}");
                }
                for i in 0..n {
                    for j in i + 1..n {
                        assert!(dist(c[i], c[j]) > 2.5 * r, "n={n} nodes {i},{j} too close");
                    }
                }
            }
        }
    }

    #[test]
    fn presentation_mode_makes_nodes_larger_and_they_still_fit() {
        for n in 1..=9 {
            for &(w, h) in &[(300.0, 200.0), (800.0, 600.0), (1920.0, 1080.0)] {
                let (_, r1) = ring(n, w, h);
                let (c, r) = ring_scaled(n, w, h, 1.6);
                assert!(r >= r1, "n={n} {w}x{h}");
                for &(x, y) in &c {
                    assert!(x - r >= 0.0 && x + r <= w && y - r >= 0.0 && y + r <= h, "n={n} {w}x{h}");
                }
            }
        }
        assert!(ring_scaled(5, 1920.0, 1080.0, 1.6).1 > 1.4 * ring(5, 1920.0, 1080.0).1);
    }

    #[test]
    fn touch_widens_the_hit_areas() {
        let mut l = layout_with_message();
        let m = l.messages[0];
        assert_ne!(l.hit_test(m.x, m.y + m.radius + 10.0), Some(Hit::Message(42)));
        l.set_coarse_pointer(true);
        assert_eq!(l.hit_test(m.x, m.y + m.radius + 10.0), Some(Hit::Message(42)));
    }

    #[test]
    fn node_radius_scales_with_the_canvas() {
        let (_, small) = ring(5, 400.0, 300.0);
        let (_, big) = ring(5, 1600.0, 1200.0);
        assert!(big > 2.0 * small);
    }

    #[test]
    fn messages_move_from_rim_to_rim_in_proportion_to_time() {
        let (a, b) = ((0.0, 0.0), (100.0, 0.0));
        assert!(close(message_point(a, b, 1000, 2000, 1000, 10.0), (10.0, 0.0)));
        assert!(close(message_point(a, b, 1000, 2000, 1500, 10.0), (50.0, 0.0)));
        assert!(close(message_point(a, b, 1000, 2000, 1750, 10.0), (70.0, 0.0)));
        assert!(close(message_point(a, b, 1000, 2000, 2000, 10.0), (90.0, 0.0)));
    }

    #[test]
    fn message_position_is_clamped_and_handles_zero_latency() {
        let (a, b) = ((0.0, 0.0), (0.0, 100.0));
        assert!(close(message_point(a, b, 1000, 2000, 0, 10.0), (0.0, 10.0)));
        assert!(close(message_point(a, b, 1000, 2000, 9000, 10.0), (0.0, 90.0)));
        assert!(close(message_point(a, b, 1000, 1000, 1000, 10.0), (0.0, 90.0)));
        assert!(close(message_point(a, a, 0, 10, 5, 10.0), a));
    }

    #[test]
    fn timers_shrink_to_zero_at_the_deadline() {
        assert_eq!(timer_left(100, 300, 100), 1.0);
        assert_eq!(timer_left(100, 300, 200), 0.5);
        assert_eq!(timer_left(100, 300, 300), 0.0);
        assert_eq!(timer_left(100, 300, 999), 0.0);
    }

    #[test]
    fn lanes_of_the_two_directions_are_on_opposite_sides() {
        let (a, b) = ((0.0, 0.0), (100.0, 0.0));
        let (f1, _) = lane(a, b, 5.0);
        let (f2, _) = lane(b, a, 5.0);
        assert!(close(f1, (0.0, 5.0)));
        assert!(close(f2, (100.0, -5.0)));
    }

    fn layout_with_message() -> Layout {
        let mut l = Layout::for_ring(3, 600.0, 600.0);
        let (a, b) = (l.node(1).unwrap(), l.node(2).unwrap());
        let (x, y) = message_point(a, b, 0, 100, 50, l.node_radius);
        l.messages.push(MessageSpot { id: 42, x, y, radius: 6.0 });
        l
    }

    #[test]
    fn hit_test_finds_nodes() {
        let l = layout_with_message();
        for id in 1..=3u8 {
            let (x, y) = l.node(id).unwrap();
            assert_eq!(l.hit_test(x, y), Some(Hit::Node(id)));
            assert_eq!(l.hit_test(x + l.node_radius * 0.9, y), Some(Hit::Node(id)));
        }
        assert_eq!(l.hit_test(300.0, 300.0), None, "the centre is empty for 3 nodes");
    }

    #[test]
    fn hit_test_prefers_messages_and_allows_some_slop() {
        let l = layout_with_message();
        let m = l.messages[0];
        assert_eq!(l.hit_test(m.x, m.y), Some(Hit::Message(42)));
        assert_eq!(l.hit_test(m.x + m.radius + 3.0, m.y), Some(Hit::Message(42)));
        // The message sits on link 1-2: away from it, the link is hit.
        let link = l.links.iter().find(|s| (s.a, s.b) == (1, 2)).unwrap();
        let p = lerp(link.from, link.to, 0.2);
        assert_eq!(l.hit_test(p.0, p.1), Some(Hit::Link(1, 2)));
    }

    #[test]
    fn topmost_message_wins() {
        let mut l = layout_with_message();
        let m = l.messages[0];
        l.messages.push(MessageSpot { id: 7, ..m });
        assert_eq!(l.hit_test(m.x, m.y), Some(Hit::Message(7)));
    }

    #[test]
    fn hit_test_finds_links_near_the_line_only() {
        let l = Layout::for_ring(4, 800.0, 800.0);
        // Link 1-3 is the vertical diameter; 2-4 the horizontal one: they
        // cross at the centre, so test a point above it.
        let (x, y) = (400.0, 300.0);
        assert_eq!(l.hit_test(x + 4.0, y), Some(Hit::Link(1, 3)));
        assert_eq!(l.hit_test(x + 20.0, y), None);
        let (a, b) = (l.node(2).unwrap(), l.node(3).unwrap());
        let mid = lerp(a, b, 0.5);
        assert_eq!(l.hit_test(mid.0, mid.1 - 3.0), Some(Hit::Link(2, 3)));
    }

    #[test]
    fn hull_of_a_ring_subset_keeps_the_outer_points() {
        let (c, _) = ring(6, 600.0, 600.0);
        let mut out = [(0.0, 0.0); 9];
        let n = hull(&c, &mut out);
        assert_eq!(n, 6);
        // A point inside the triangle of three ring points is not on the hull.
        let inside = ((c[0].0 + c[1].0 + c[2].0) / 3.0, (c[0].1 + c[1].1 + c[2].1) / 3.0);
        let n = hull(&[c[0], inside, c[1], c[2]], &mut out);
        assert_eq!(n, 3);
        assert!(!out[..3].contains(&inside));
        assert_eq!(hull(&c[..2], &mut out), 2);
        assert_eq!(hull(&c[..1], &mut out), 1);
    }

    #[test]
    fn log_window_shows_the_last_columns() {
        assert_eq!(log_window(0, 10), (1, 10));
        assert_eq!(log_window(7, 10), (1, 10));
        assert_eq!(log_window(25, 10), (16, 10));
        assert_eq!(log_window(5, 0), (5, 1));
    }
}
