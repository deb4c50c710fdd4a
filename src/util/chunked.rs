//! A growable vector whose clones share everything but the last chunk.
//!
//! The time-travel timeline keeps a clone of the whole world every few tens
//! of thousands of events. Most of a world is history that only grows at the
//! end: logs, the client's operations, the checker's tables, each node's
//! record of applied requests. With a plain `Vec`, every checkpoint would
//! copy all of it; here elements live in fixed-size chunks behind `Rc`, so a
//! clone copies one pointer per full chunk plus the partly filled tail, and a
//! checkpoint costs about what changed since the one before.
//!
//! Writing to an element of a full chunk that a clone also holds copies that
//! chunk first (copy on write), so clones never see each other's changes.
//! Cutting a suffix (a Raft log conflict) copies at most one chunk.
//!
//! `Rc` rather than `Arc`: a world lives on one thread (its commands already
//! hold `Rc<str>`), and the fuzzer builds one world per thread.

use std::cell::OnceCell;
use std::fmt;
use std::ops::{Deref, DerefMut, Index, Range};
use std::rc::Rc;

/// Elements per chunk. A power of two, so locating an element is a shift
/// and a mask. Small enough that copying a chunk on write is cheap, large
/// enough that a clone copies few pointers (a one-hour run's log is ~150).
pub const CHUNK: usize = 256;

pub struct Chunked<T> {
    /// Full chunks, each exactly `CHUNK` long, shared with clones. A chunk
    /// is the tail's own buffer, moved behind an `Rc` when it fills up: an
    /// `Rc<[T]>` would save one indirection on reads but cost a copy of
    /// every chunk, which a short run (the engine benchmark) notices.
    sealed: Vec<Rc<Vec<T>>>,
    /// The elements after the last full chunk, fewer than `CHUNK`. Owned,
    /// so the common case, a push, never copies anything.
    tail: Vec<T>,
    /// A contiguous copy for [`Chunked::as_slice`], made on first use and
    /// kept in step by every change after that. Views and tests want slices;
    /// the engine never asks, so it never pays for this. A clone leaves it
    /// behind: checkpoints are meant to be small.
    flat: OnceCell<Vec<T>>,
}

impl<T> Chunked<T> {
    pub const fn new() -> Self {
        Chunked { sealed: Vec::new(), tail: Vec::new(), flat: OnceCell::new() }
    }

    pub fn len(&self) -> usize {
        self.sealed.len() * CHUNK + self.tail.len()
    }

    pub fn is_empty(&self) -> bool {
        self.sealed.is_empty() && self.tail.is_empty()
    }

    pub fn get(&self, i: usize) -> Option<&T> {
        // The tail first: the engine mostly reads the newest elements.
        let sealed = self.sealed.len() * CHUNK;
        match i.checked_sub(sealed) {
            Some(j) => self.tail.get(j),
            None => Some(&self.sealed[i / CHUNK][i % CHUNK]),
        }
    }

    /// The bytes a clone allocates of its own: one pointer per full chunk
    /// and a copy of the tail (the flat copy stays behind). Exact: `Vec`'s
    /// clone allocates its length, no spare capacity.
    pub fn clone_bytes(&self) -> usize {
        self.sealed.len() * std::mem::size_of::<Rc<Vec<T>>>() + self.tail.len() * std::mem::size_of::<T>()
    }

    /// The bytes of the full chunks this holds and `older` (an earlier
    /// clone) does not: what was sealed since.
    pub fn chunk_bytes_not_in(&self, older: &Chunked<T>) -> usize {
        let held: std::collections::HashSet<*const Vec<T>> = older.sealed.iter().map(Rc::as_ptr).collect();
        let new = self.sealed.iter().filter(|c| !held.contains(&Rc::as_ptr(c))).count();
        new * CHUNK * std::mem::size_of::<T>()
    }

    pub fn last(&self) -> Option<&T> {
        match self.tail.last() {
            Some(x) => Some(x),
            None => self.sealed.last().and_then(|c| c.last()),
        }
    }

    /// The elements of `range` (clamped to the length), in order.
    pub fn range(&self, range: Range<usize>) -> impl DoubleEndedIterator<Item = &T> {
        let end = range.end.min(self.len());
        let start = range.start.min(end);
        // The chunks the range touches, each cut to the part inside it; the
        // tail counts as chunk `sealed.len()`.
        let chunks = if start == end { 0..0 } else { start / CHUNK..(end - 1) / CHUNK + 1 };
        chunks.flat_map(move |k| {
            let chunk: &[T] = self.sealed.get(k).map_or(&self.tail[..], |c| &c[..]);
            let lo = if k == start / CHUNK { start % CHUNK } else { 0 };
            let hi = if k == (end - 1) / CHUNK { (end - 1) % CHUNK + 1 } else { CHUNK };
            &chunk[lo..hi]
        })
    }

    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &T> {
        self.range(0..self.len())
    }

    /// The first index where `pred` is false, given that it holds on a
    /// prefix and fails from there on (as `slice::partition_point`).
    pub fn partition_point(&self, mut pred: impl FnMut(&T) -> bool) -> usize {
        // Whole chunks first, by their last element, then inside one.
        let k = self.sealed.partition_point(|c| pred(&c[CHUNK - 1]));
        let inside = match self.sealed.get(k) {
            Some(chunk) => chunk.partition_point(pred),
            None => self.tail.partition_point(pred),
        };
        k * CHUNK + inside
    }
}

impl<T: Clone> Chunked<T> {
    pub fn push(&mut self, value: T) {
        if let Some(flat) = self.flat.get_mut() {
            flat.push(value.clone());
        }
        if self.tail.len() == self.tail.capacity() {
            self.grow_tail();
        }
        self.tail.push(value);
        if self.tail.len() == CHUNK {
            self.seal();
        }
    }

    // The two rare steps of a push are kept out of line, so that the common
    // one stays small where it is inlined, all over the engine's hot path.

    #[inline(never)]
    fn grow_tail(&mut self) {
        // To exactly one chunk: a cloned tail has no room to spare, and
        // doubling it would overshoot.
        self.tail.reserve_exact(CHUNK - self.tail.len());
    }

    #[inline(never)]
    fn seal(&mut self) {
        // The next push allocates a new tail.
        self.sealed.push(Rc::new(std::mem::take(&mut self.tail)));
    }

    /// Forgets the first `chunks` full chunks (`chunks * CHUNK` elements,
    /// or every full chunk if there are fewer): a bounded history drops its
    /// oldest part this way, without copying the rest. Indices shift down.
    pub fn forget_front(&mut self, chunks: usize) {
        let chunks = chunks.min(self.sealed.len());
        self.sealed.drain(..chunks);
        if let Some(flat) = self.flat.get_mut() {
            flat.drain(..chunks * CHUNK);
        }
    }

    /// Keeps the first `len` elements (no-op if there are fewer).
    pub fn truncate(&mut self, len: usize) {
        if len >= self.len() {
            return;
        }
        if let Some(flat) = self.flat.get_mut() {
            flat.truncate(len);
        }
        let k = len / CHUNK;
        if k < self.sealed.len() {
            // The cut falls in a full chunk: its kept part becomes the owned
            // tail, copied only if a clone shares the chunk.
            self.sealed.truncate(k + 1);
            let chunk = self.sealed.pop().expect("chunk k");
            self.tail = Rc::try_unwrap(chunk).unwrap_or_else(|shared| {
                let mut tail = Vec::with_capacity(CHUNK);
                tail.extend_from_slice(&shared[..len % CHUNK]);
                tail
            });
            self.tail.truncate(len % CHUNK);
        } else {
            self.tail.truncate(len % CHUNK);
        }
    }

    /// Grows to `len` elements with copies of `value`, or cuts to `len`.
    pub fn resize(&mut self, len: usize, value: T) {
        self.truncate(len);
        for _ in self.len()..len {
            self.push(value.clone());
        }
    }

    /// The element at `i`, to change in place. A full chunk still shared
    /// with a clone is copied first, so the clone keeps the old value.
    pub fn get_mut(&mut self, i: usize) -> Option<ElemMut<'_, T>> {
        let (k, sealed) = (i / CHUNK, self.sealed.len());
        let elem = match self.sealed.get_mut(k) {
            Some(chunk) => &mut Rc::make_mut(chunk)[i % CHUNK],
            None if k == sealed => self.tail.get_mut(i % CHUNK)?,
            None => return None,
        };
        let flat = self.flat.get_mut().map(|f| &mut f[i]);
        Some(ElemMut { elem, flat })
    }

    /// All elements as one slice. The first call copies them into a
    /// contiguous buffer that later changes keep up to date, so this suits
    /// views and tests; the engine uses [`Chunked::get`] and
    /// [`Chunked::range`], which copy nothing.
    pub fn as_slice(&self) -> &[T] {
        self.flat.get_or_init(|| self.iter().cloned().collect())
    }
}

/// A mutable borrow of one element that, when dropped, copies the new value
/// into the contiguous view, if one was made.
pub struct ElemMut<'a, T: Clone> {
    elem: &'a mut T,
    flat: Option<&'a mut T>,
}

impl<T: Clone> Deref for ElemMut<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        self.elem
    }
}

impl<T: Clone> DerefMut for ElemMut<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        self.elem
    }
}

impl<T: Clone> Drop for ElemMut<'_, T> {
    fn drop(&mut self) {
        if let Some(flat) = self.flat.take() {
            flat.clone_from(self.elem);
        }
    }
}

impl<T: Clone> Clone for Chunked<T> {
    fn clone(&self) -> Self {
        Chunked { sealed: self.sealed.clone(), tail: self.tail.clone(), flat: OnceCell::new() }
    }
}

impl<T> Default for Chunked<T> {
    fn default() -> Self {
        Chunked::new()
    }
}

impl<T> Index<usize> for Chunked<T> {
    type Output = T;
    fn index(&self, i: usize) -> &T {
        let len = self.len();
        self.get(i).unwrap_or_else(|| panic!("index {i} out of range for length {len}"))
    }
}

/// Element by element, as a `Vec` compares; how the elements are chunked or
/// shared does not matter.
impl<T: PartialEq> PartialEq for Chunked<T> {
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.iter().eq(other.iter())
    }
}

/// Printed as a list, like a `Vec`.
impl<T: fmt::Debug> fmt::Debug for Chunked<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl<T: Clone> FromIterator<T> for Chunked<T> {
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Self {
        let mut c = Chunked::new();
        for x in iter {
            c.push(x);
        }
        c
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn upto(n: usize) -> Chunked<usize> {
        (0..n).collect()
    }

    fn contents(c: &Chunked<usize>) -> Vec<usize> {
        c.iter().copied().collect()
    }

    #[test]
    fn push_get_and_iterate_across_chunks() {
        for n in [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK + 7] {
            let c = upto(n);
            assert_eq!(c.len(), n);
            assert_eq!(c.is_empty(), n == 0);
            assert_eq!(contents(&c), (0..n).collect::<Vec<_>>());
            assert_eq!(c.iter().rev().copied().collect::<Vec<_>>(), (0..n).rev().collect::<Vec<_>>());
            for i in 0..n {
                assert_eq!(c.get(i), Some(&i));
                assert_eq!(c[i], i);
            }
            assert_eq!(c.get(n), None);
            assert_eq!(c.get(n + CHUNK), None);
            assert_eq!(c.last(), n.checked_sub(1).as_ref());
            assert_eq!(c.as_slice(), &(0..n).collect::<Vec<_>>()[..]);
        }
    }

    #[test]
    fn ranges_are_clamped_and_cross_chunks() {
        let c = upto(3 * CHUNK + 7);
        let n = c.len();
        for (a, b) in [(0, 0), (5, 5), (0, n), (CHUNK - 2, CHUNK + 3), (CHUNK, 2 * CHUNK), (10, 3 * CHUNK + 2)] {
            assert_eq!(c.range(a..b).copied().collect::<Vec<_>>(), (a..b).collect::<Vec<_>>(), "{a}..{b}");
        }
        assert_eq!(c.range(n - 3..n + 100).count(), 3);
        assert_eq!(c.range(n + 1..n + 5).count(), 0);
        let (start, end) = (7, 3);
        assert_eq!(c.range(start..end).count(), 0, "a reversed range is empty");
    }

    #[test]
    fn partition_point_matches_a_slice() {
        let c = upto(3 * CHUNK + 7);
        let v = contents(&c);
        for t in [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK, 3 * CHUNK + 6, 3 * CHUNK + 7, 10_000] {
            assert_eq!(c.partition_point(|&x| x < t), v.partition_point(|&x| x < t), "below {t}");
        }
        assert_eq!(upto(0).partition_point(|_| true), 0);
    }

    #[test]
    fn truncate_anywhere_then_push_again() {
        let n = 3 * CHUNK + 7;
        for len in [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 2 * CHUNK, 3 * CHUNK + 6, n, n + 5] {
            let mut c = upto(n);
            c.truncate(len);
            let kept = len.min(n);
            assert_eq!(contents(&c), (0..kept).collect::<Vec<_>>(), "truncate to {len}");
            for x in kept..kept + CHUNK + 3 {
                c.push(x);
            }
            assert_eq!(contents(&c), (0..kept + CHUNK + 3).collect::<Vec<_>>(), "pushed after {len}");
        }
    }

    #[test]
    fn clones_are_independent() {
        let mut a = upto(2 * CHUNK + 5);
        let snapshot = a.clone();
        let mut b = a.clone();
        a.push(1_000);
        a.truncate(CHUNK + 1);
        a.push(2_000);
        b.truncate(3);
        b.resize(CHUNK + 2, 7);
        assert_eq!(contents(&snapshot), (0..2 * CHUNK + 5).collect::<Vec<_>>());
        let mut want_a: Vec<usize> = (0..=CHUNK).collect();
        want_a.push(2_000);
        assert_eq!(contents(&a), want_a);
        assert_eq!(contents(&b), [0, 1, 2].into_iter().chain(std::iter::repeat_n(7, CHUNK - 1)).collect::<Vec<_>>());
    }

    #[test]
    fn writing_a_shared_chunk_copies_it_and_only_it() {
        let mut a = upto(3 * CHUNK + 1);
        let old = a.clone();
        *a.get_mut(CHUNK + 4).unwrap() = 99;
        *a.get_mut(3 * CHUNK).unwrap() = 98;
        assert!(a.get_mut(3 * CHUNK + 1).is_none());
        assert_eq!(a[CHUNK + 4], 99);
        assert_eq!(a[3 * CHUNK], 98);
        assert_eq!(old[CHUNK + 4], CHUNK + 4, "the clone keeps the old value");
        assert_eq!(old[3 * CHUNK], 3 * CHUNK);
        // Only the written chunk was copied; the others are still shared.
        assert!(Rc::ptr_eq(&a.sealed[0], &old.sealed[0]));
        assert!(!Rc::ptr_eq(&a.sealed[1], &old.sealed[1]));
        assert!(Rc::ptr_eq(&a.sealed[2], &old.sealed[2]));
        // A chunk no clone holds any more is written in place.
        drop(old);
        let before = Rc::as_ptr(&a.sealed[2]);
        *a.get_mut(2 * CHUNK).unwrap() = 97;
        assert_eq!(Rc::as_ptr(&a.sealed[2]), before);
    }

    #[test]
    fn forgetting_the_front_keeps_the_rest_and_the_clones() {
        let mut a = upto(3 * CHUNK + 5);
        assert_eq!(a.as_slice().len(), 3 * CHUNK + 5);
        let old = a.clone();
        a.forget_front(2);
        assert_eq!(contents(&a), (2 * CHUNK..3 * CHUNK + 5).collect::<Vec<_>>());
        assert_eq!(a.as_slice(), &contents(&a)[..]);
        assert_eq!(old.len(), 3 * CHUNK + 5, "a clone keeps what was forgotten");
        a.forget_front(10);
        assert_eq!(contents(&a), (3 * CHUNK..3 * CHUNK + 5).collect::<Vec<_>>(), "the tail is never forgotten");
    }

    #[test]
    fn a_clone_shares_full_chunks() {
        let a = upto(4 * CHUNK + 3);
        let b = a.clone();
        assert!(a.sealed.iter().zip(&b.sealed).all(|(x, y)| Rc::ptr_eq(x, y)));
        assert_eq!(a, b);
        assert_ne!(a, upto(4 * CHUNK + 2));
    }

    #[test]
    fn the_slice_view_follows_every_change() {
        let mut c = upto(CHUNK + 3);
        assert_eq!(c.as_slice().len(), CHUNK + 3);
        c.push(500);
        *c.get_mut(2).unwrap() = 42;
        *c.get_mut(CHUNK + 1).unwrap() = 43;
        c.truncate(CHUNK + 2);
        c.resize(CHUNK + 5, 6);
        assert_eq!(c.as_slice(), &contents(&c)[..]);
        let copy = c.clone();
        assert!(copy.flat.get().is_none(), "a clone does not copy the view");
        assert_eq!(copy.as_slice(), c.as_slice());
        assert_eq!(format!("{c:?}"), format!("{:?}", c.as_slice()));
    }
}
