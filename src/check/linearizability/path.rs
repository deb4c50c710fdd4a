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

/// The keys a placed operation read or wrote, so a path can be cut down to
/// some keys when a partition splits.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Scope {
    Key(Rc<str>),
    /// A `list`: every key under the prefix.
    Prefix(Rc<str>),
}

impl Scope {
    fn covers(&self, keys: &[Rc<str>]) -> bool {
        match self {
            Scope::Key(k) => keys.contains(k),
            Scope::Prefix(p) => keys.iter().any(|k| k.starts_with(&**p)),
        }
    }
}

/// One point of a path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Entry {
    pub point: Point,
    pub scope: Scope,
    /// A write that may be taken as placed here, just before a write of its
    /// key overwrote it unseen (see `Config::free`): its point if it is
    /// never placed for real.
    pub tentative: bool,
}

#[derive(Clone, Default)]
pub(super) struct Path(Option<Rc<Node>>);

/// The configurations of a partition that split (see `Partition::split`):
/// for each, which configuration of each piece it gave, and its path.
pub(super) struct SplitRecord {
    pub joint: Vec<(Vec<usize>, Path)>,
}

/// Where a piece's path begins: configuration `index` of piece `piece` of
/// a split.
struct Origin {
    record: Rc<SplitRecord>,
    piece: usize,
    index: usize,
}

struct Node {
    /// `None` for the join of two paths, and for an origin.
    entry: Option<Entry>,
    origin: Option<Origin>,
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
    pub(super) fn push(&self, point: Point, scope: Scope) -> Path {
        self.push_entry(Entry { point, scope, tentative: false })
    }

    pub(super) fn push_tentative(&self, point: Point, scope: Scope) -> Path {
        self.push_entry(Entry { point, scope, tentative: true })
    }

    fn push_entry(&self, entry: Entry) -> Path {
        let len = len(&self.0) + 1;
        Path(Some(Rc::new(Node { entry: Some(entry), origin: None, prev: self.0.clone(), other: None, len })))
    }

    /// The start of configuration `index` of piece `piece` of a split.
    pub(super) fn origin(record: Rc<SplitRecord>, piece: usize, index: usize) -> Path {
        let origin = Some(Origin { record, piece, index });
        Path(Some(Rc::new(Node { entry: None, origin, prev: None, other: None, len: 0 })))
    }

    /// Both paths: the operations of two partitions that become one.
    pub(super) fn join(&self, other: &Path) -> Path {
        match (&self.0, &other.0) {
            (None, _) => other.clone(),
            (_, None) => self.clone(),
            (a, b) => {
                let len = len(a) + len(b);
                Path(Some(Rc::new(Node { entry: None, origin: None, prev: a.clone(), other: b.clone(), len })))
            }
        }
    }

    pub(super) fn len(&self) -> usize {
        len(&self.0)
    }

    /// The points in linearization order: by time, and along a path by
    /// sequence. Points of two joined paths at the same time belong to
    /// different keys, so either order is valid.
    /// The operations really placed, tentative points left out.
    pub(super) fn points(&self) -> Vec<Point> {
        self.entries().into_iter().filter(|e| !e.tentative).map(|e| e.point).collect()
    }

    /// Every entry, in order; a tentative one comes just before the write
    /// that shares its time and sequence (the write that overwrote it).
    pub(super) fn entries(&self) -> Vec<Entry> {
        let mut entries = Vec::with_capacity(self.len());
        let mut stack: Vec<&Node> = self.0.as_deref().into_iter().collect();
        while let Some(node) = stack.pop() {
            entries.extend(node.entry.clone());
            stack.extend(node.prev.as_deref());
            stack.extend(node.other.as_deref());
        }
        sort(&mut entries);
        // A list's point goes with every key it reads when a partition
        // splits, so paths joined again can hold it twice.
        entries.dedup_by(|a, b| a.point == b.point && a.tentative == b.tentative);
        entries
    }

    fn from_entries(entries: &[Entry]) -> Path {
        entries.iter().fold(Path::default(), |path, e| path.push_entry(e.clone()))
    }

    /// The points of operations on `keys` only: the path of one piece of a
    /// partition that splits.
    pub(super) fn only(&self, keys: &[Rc<str>]) -> Path {
        let entries: Vec<Entry> = self.entries().into_iter().filter(|e| e.scope.covers(keys)).collect();
        Path::from_entries(&entries)
    }

    /// Keeps the newest `keep` points once the path holds more than twice
    /// that, so a check that runs for hours keeps bounded paths (the live
    /// check only needs them to explain a violation).
    pub(super) fn bounded(self, keep: usize) -> Path {
        if self.len() <= 2 * keep {
            return self;
        }
        let entries = self.entries();
        Path::from_entries(&entries[entries.len().saturating_sub(keep)..])
    }
}

/// Sorts entries into order: by time, then along a path by sequence; a
/// tentative entry just before the write that shares its time and sequence.
pub(super) fn sort(entries: &mut [Entry]) {
    entries.sort_unstable_by_key(|e| (e.point.at, e.point.seq, !e.tentative, e.point.op));
}

/// Every entry of `roots`, the paths that settled one after the other and
/// those left at the end, with each split they start from resolved: the
/// pieces' paths each reach back to one configuration of their piece, and
/// the joint path that gave those configurations together is followed in
/// turn (splits can nest).
pub(super) fn resolve(roots: &[Path]) -> Vec<Entry> {
    let mut entries = Vec::new();
    let mut visited: super::model::QuickSet<*const Node> = super::model::QuickSet::default();
    // The records met, each with the configuration each piece ended in.
    let mut records: Vec<(Rc<SplitRecord>, Vec<Option<usize>>, bool)> = Vec::new();
    let mut stack: Vec<Rc<Node>> = roots.iter().filter_map(|p| p.0.clone()).collect();
    loop {
        while let Some(node) = stack.pop() {
            if !visited.insert(Rc::as_ptr(&node)) {
                continue;
            }
            entries.extend(node.entry.clone());
            if let Some(origin) = &node.origin {
                let at = match records.iter().position(|(r, _, _)| Rc::ptr_eq(r, &origin.record)) {
                    Some(at) => at,
                    None => {
                        let pieces = origin.record.joint.first().map_or(0, |(t, _)| t.len());
                        records.push((origin.record.clone(), vec![None; pieces], false));
                        records.len() - 1
                    }
                };
                records[at].1[origin.piece] = Some(origin.index);
            }
            stack.extend(node.prev.clone());
            stack.extend(node.other.clone());
        }
        // Follow a record whose pieces all showed their choice; once none is
        // left, one with choices missing (a piece that never got a path),
        // with any joint path that agrees with the choices known.
        let complete = records.iter().position(|(_, chosen, done)| !done && chosen.iter().all(Option::is_some));
        let next = complete.or_else(|| records.iter().position(|(_, _, done)| !done));
        let Some(at) = next else { break };
        let (record, chosen, done) = &mut records[at];
        *done = true;
        let agrees = |t: &Vec<usize>| t.iter().zip(chosen.iter()).all(|(i, c)| c.is_none_or(|c| c == *i));
        if let Some((_, path)) = record.joint.iter().find(|(t, _)| agrees(t)) {
            stack.extend(path.0.clone());
        }
    }
    entries
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

    fn key(k: &str) -> Scope {
        Scope::Key(k.into())
    }

    #[test]
    fn points_come_in_time_then_sequence_order() {
        let a = Path::default().push(p(1, 10, 1), key("x")).push(p(2, 20, 2), key("x")).push(p(3, 20, 3), key("x"));
        let b = Path::default().push(p(7, 15, 4), key("y"));
        let joined = a.join(&b).push(p(8, 30, 5), Scope::Prefix("".into()));
        let ops: Vec<RequestId> = joined.points().iter().map(|p| p.op).collect();
        assert_eq!(ops, [1, 7, 2, 3, 8]);
        assert_eq!(joined.len(), 5);
        let only_y: Vec<RequestId> = joined.only(&["y".into()]).points().iter().map(|p| p.op).collect();
        assert_eq!(only_y, [7, 8]);
    }

    #[test]
    fn bounded_keeps_the_newest_points_and_long_paths_drop_without_recursion() {
        let mut path = Path::default();
        for i in 0..1_000 {
            path = path.push(p(i, i, i), key("x")).bounded(16);
        }
        assert!(path.len() <= 32);
        assert_eq!(path.points().last().unwrap().op, 999);
        let mut long = Path::default();
        for i in 0..1_000_000 {
            long = long.push(p(i, i, i), key("x"));
        }
        drop(long);
    }
}
