//! The order in which one configuration linearized its operations: a
//! persistent list, so that the many configurations branching from one
//! share what they have in common.

use std::fmt;
use std::rc::Rc;

use crate::raft::RequestId;

/// One operation placed in a linearization.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Point {
    pub op: RequestId,
    /// The linearization point: a moment within the operation's interval
    /// (the time of the event at which the checker placed it).
    pub at: u64,
    /// Orders points of equal time: along one path it only grows.
    pub seq: u64,
}

#[derive(Clone, Default)]
pub(super) struct Path(Option<Rc<Node>>);

struct Node {
    /// `None` for the join of two paths.
    point: Option<Point>,
    prev: Option<Rc<Node>>,
    /// A join's second path.
    other: Option<Rc<Node>>,
    /// Points reachable from here (an upper bound after joins).
    len: usize,
}

fn len(node: &Option<Rc<Node>>) -> usize {
    node.as_ref().map_or(0, |n| n.len)
}

impl Path {
    pub(super) fn push(&self, point: Point) -> Path {
        let len = len(&self.0) + 1;
        Path(Some(Rc::new(Node { point: Some(point), prev: self.0.clone(), other: None, len })))
    }

    /// Both paths: the operations of two partitions that become one.
    pub(super) fn join(&self, other: &Path) -> Path {
        match (&self.0, &other.0) {
            (None, _) => other.clone(),
            (_, None) => self.clone(),
            (a, b) => {
                let len = len(a) + len(b);
                Path(Some(Rc::new(Node { point: None, prev: a.clone(), other: b.clone(), len })))
            }
        }
    }

    pub(super) fn len(&self) -> usize {
        len(&self.0)
    }

    pub(super) fn is_empty(&self) -> bool {
        self.0.is_none()
    }

    /// The points in linearization order: by time, and along a path by
    /// sequence. Points of two joined paths at the same time belong to
    /// different keys, so either order is valid.
    pub(super) fn points(&self) -> Vec<Point> {
        let mut points = Vec::with_capacity(self.len());
        let mut stack: Vec<&Node> = self.0.as_deref().into_iter().collect();
        while let Some(node) = stack.pop() {
            points.extend(node.point);
            stack.extend(node.prev.as_deref());
            stack.extend(node.other.as_deref());
        }
        points.sort_unstable_by_key(|p| (p.at, p.seq));
        // Paths split and joined again (in the live check) can reach one
        // node twice.
        points.dedup();
        points
    }

    /// Keeps the newest `keep` points once the path holds more than twice
    /// that, so a check that runs for hours keeps bounded paths (the live
    /// check only needs them to explain a violation).
    pub(super) fn bounded(self, keep: usize) -> Path {
        if self.len() <= 2 * keep {
            return self;
        }
        let points = self.points();
        let mut path = Path::default();
        for &p in &points[points.len().saturating_sub(keep)..] {
            path = path.push(p);
        }
        path
    }
}

/// Long paths are dropped without recursion.
impl Drop for Node {
    fn drop(&mut self) {
        let mut stack: Vec<Rc<Node>> = self.prev.take().into_iter().chain(self.other.take()).collect();
        while let Some(rc) = stack.pop() {
            if let Ok(mut node) = Rc::try_unwrap(rc) {
                stack.extend(node.prev.take());
                stack.extend(node.other.take());
            }
        }
    }
}

impl PartialEq for Path {
    fn eq(&self, other: &Path) -> bool {
        match (&self.0, &other.0) {
            (Some(a), Some(b)) if Rc::ptr_eq(a, b) => true,
            _ => self.points() == other.points(),
        }
    }
}

impl fmt::Debug for Path {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.points().iter().map(|p| p.op)).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(op: RequestId, at: u64, seq: u64) -> Point {
        Point { op, at, seq }
    }

    #[test]
    fn points_come_in_time_then_sequence_order() {
        let a = Path::default().push(p(1, 10, 1)).push(p(2, 20, 2)).push(p(3, 20, 3));
        let b = Path::default().push(p(7, 15, 4));
        let joined = a.join(&b).push(p(8, 30, 5));
        let ops: Vec<RequestId> = joined.points().iter().map(|p| p.op).collect();
        assert_eq!(ops, [1, 7, 2, 3, 8]);
        assert_eq!(joined.len(), 5);
    }

    #[test]
    fn bounded_keeps_the_newest_points_and_long_paths_drop_without_recursion() {
        let mut path = Path::default();
        for i in 0..1_000 {
            path = path.push(p(i, i, i)).bounded(16);
        }
        assert!(path.len() <= 32);
        assert_eq!(path.points().last().unwrap().op, 999);
        let mut long = Path::default();
        for i in 0..1_000_000 {
            long = long.push(p(i, i, i));
        }
        drop(long);
    }
}
