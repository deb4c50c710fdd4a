//! The replicated log of one node, with a digest of every prefix.
//!
//! The digest of index `i` fingerprints entries `1..=i` (terms and commands).
//! Two logs with equal digests at `i` hold the same prefix up to `i`, which
//! lets the safety checker test Log Matching, Leader Completeness and State
//! Machine Safety in constant time per event instead of comparing whole logs.
//!
//! Entries and digests are [`Chunked`], so the time-travel checkpoints of a
//! long run share the prefix their logs have in common instead of each
//! holding a copy.
//!
//! Log compaction (§7): a snapshot replaces the prefix up to its last
//! included entry, whose index, term and prefix digest the log keeps as its
//! [`SnapshotPoint`]. The log then holds entries `first_index()..=last_index()`
//! only; `term_at` and `digest_at` still answer for the snapshot point itself
//! (the consistency check and the checker need it) and answer `None` below it.
//! Whole chunks of the discarded prefix are freed at once; at most one
//! partly discarded chunk stays allocated (never readable) until the next
//! compaction frees it.

use super::types::{Entry, Fnv, LogIndex, Term};
use crate::util::chunked::CHUNK;
use crate::util::Chunked;

/// Why [`Log::maybe_append`] refused: the consistency check failed at the
/// message's `prev_index`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mismatch {
    /// The log is too short to hold an entry there.
    Missing { last_index: LogIndex },
    /// The log's entry there is of `term`, whose first entry is at
    /// `first_index` (the fast-backtracking hint).
    Term { term: Term, first_index: LogIndex },
}

/// What [`Log::maybe_append`] did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Appended {
    /// The index of the message's last entry (its `prev_index` for a
    /// heartbeat): the log agrees with the leader's up to here.
    pub last_new: LogIndex,
    /// The first conflicting entry, if one was replaced.
    pub conflict: Option<Conflict>,
}

/// An entry of the log that conflicted with the leader's (§5.3).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Conflict {
    pub index: LogIndex,
    /// Our entry's term there, and the leader's.
    pub ours: Term,
    pub theirs: Term,
    /// How many of our entries from `index` on were deleted (or, without
    /// truncation, overwritten).
    pub removed: LogIndex,
    /// Without truncation (the lesion `truncate-on-conflict off`), how many
    /// stale entries after the message's last one were kept; else 0.
    pub kept: LogIndex,
}

/// The last entry a snapshot covers (§7, "last included index" and "last
/// included term"), with the digest of the prefix it replaces.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SnapshotPoint {
    pub index: LogIndex,
    pub term: Term,
    pub digest: u64,
}

/// What [`Log::install`] did with the entries after a snapshot's point.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Installed {
    /// The log held the snapshot's last entry: the entries after it stay
    /// (§7: "retain log entries following it").
    KeptSuffix { kept: LogIndex },
    /// The log did not hold it: the whole log was discarded.
    Discarded { removed: LogIndex },
}

#[derive(Clone, Debug, Default)]
pub struct Log {
    /// The entries from index `base + 1` on (those up to the snapshot point
    /// are no longer readable).
    entries: Chunked<Entry>,
    /// `digests[i - base - 1]` is the digest of the prefix ending at index `i`.
    digests: Chunked<u64>,
    /// The index before the first stored entry: a multiple of the chunk
    /// size at or below the snapshot point, or the point itself after an
    /// install discarded the log.
    base: LogIndex,
    /// The latest snapshot's point (index 0 when there is none).
    snapshot: SnapshotPoint,
}

/// The digest of the empty prefix (index 0).
pub const EMPTY_DIGEST: u64 = 0;

impl Log {
    pub fn new() -> Self {
        Self::default()
    }

    /// What a clone allocates of its own: one pointer per full chunk of
    /// entries and digests, and their tails (the entries' commands are
    /// shared). The chunks are aligned to the index, not to the snapshot
    /// point: the stored entries start at `base + 1`.
    pub fn clone_bytes(&self) -> usize {
        self.entries.clone_bytes() + self.digests.clone_bytes()
    }

    /// The bytes of the full chunks of entries and digests this log holds
    /// and `older` (an earlier clone) does not. Compaction lets go of a
    /// chunk once its entries are under a snapshot; the clones that still
    /// hold it then hold it alone.
    pub fn chunk_bytes_not_in(&self, older: &Log) -> usize {
        self.entries.chunk_bytes_not_in(&older.entries) + self.digests.chunk_bytes_not_in(&older.digests)
    }

    /// Index of the last entry (or of the snapshot point when no entry
    /// follows it), 0 when empty.
    pub fn last_index(&self) -> LogIndex {
        self.base + self.entries.len() as LogIndex
    }

    /// Term of the last entry (or of the snapshot point), 0 when empty.
    pub fn last_term(&self) -> Term {
        self.entries.last().map_or(self.snapshot.term, |e| e.term)
    }

    /// The first index the log still holds an entry for: just after the
    /// snapshot point (1 without a snapshot).
    pub fn first_index(&self) -> LogIndex {
        self.snapshot.index + 1
    }

    /// The latest snapshot's point: index 0 when there is none.
    pub fn snapshot(&self) -> SnapshotPoint {
        self.snapshot
    }

    /// Term of the entry at `index`; 0 for index 0; the snapshot's term at
    /// its point; `None` past the end and below the snapshot point.
    pub fn term_at(&self, index: LogIndex) -> Option<Term> {
        if index == self.snapshot.index {
            return Some(self.snapshot.term);
        }
        self.entry(index).map(|e| e.term)
    }

    /// The entry at `index`; `None` past the end and at or below the
    /// snapshot point (discarded).
    pub fn entry(&self, index: LogIndex) -> Option<&Entry> {
        if index <= self.snapshot.index {
            return None;
        }
        self.entries.get((index - self.base) as usize - 1)
    }

    /// Entries `from..=to` (1-based, inclusive), clamped to the entries the
    /// log holds. Copies nothing: what the engine uses to read a run of entries.
    pub fn range(&self, from: LogIndex, to: LogIndex) -> impl DoubleEndedIterator<Item = &Entry> {
        // Clamped as `LogIndex` first: on wasm32 a `usize` is narrower.
        let last = self.last_index();
        let from = from.clamp(self.first_index(), last + 1);
        let to = to.min(last).max(from - 1);
        self.entries.range((from - self.base - 1) as usize..(to - self.base) as usize)
    }

    /// Entries `from..=to` (1-based, inclusive), clamped to the entries the
    /// log holds, as a slice. Like [`Log::entries`], for views and tests.
    pub fn slice(&self, from: LogIndex, to: LogIndex) -> &[Entry] {
        let entries = self.entries();
        let len = entries.len();
        let first = self.first_index();
        let start = (from.max(first) - first).min(len as LogIndex) as usize;
        let end = ((to + 1).saturating_sub(first) as usize).min(len).max(start);
        &entries[start..end]
    }

    /// The entries the log holds (`first_index()..=last_index()`) as one
    /// slice. The log is stored in chunks, so the first call makes a
    /// contiguous copy, which the log then keeps up to date: cheap for a
    /// view that reads the same log again and again, wasteful on a path the
    /// engine takes for every event (use [`Log::entry`], [`Log::range`] or
    /// [`Log::term_at`] there).
    pub fn entries(&self) -> &[Entry] {
        &self.entries.as_slice()[(self.snapshot.index - self.base) as usize..]
    }

    /// Digest of the prefix `1..=index`; `None` past the end and below the
    /// snapshot point.
    pub fn digest_at(&self, index: LogIndex) -> Option<u64> {
        if index == self.snapshot.index {
            return Some(self.snapshot.digest);
        }
        if index < self.snapshot.index {
            return None;
        }
        self.digests.get((index - self.base) as usize - 1).copied()
    }

    pub fn append(&mut self, entry: Entry) {
        let prev = self.digests.last().copied().unwrap_or(self.snapshot.digest);
        let mut h = Fnv::new();
        h.u64(prev);
        h.u64(entry.term);
        h.u64(entry.command.fingerprint());
        self.digests.push(h.finish());
        self.entries.push(entry);
    }

    /// Drops every entry after `index` (§5.3: a conflicting entry and all
    /// that follow it are deleted).
    /// Never below the snapshot point: a snapshot holds committed entries only.
    pub fn truncate_after(&mut self, index: LogIndex) {
        debug_assert!(index >= self.snapshot.index, "index {index} is inside the snapshot");
        let keep = (index.max(self.snapshot.index) - self.base) as usize;
        self.entries.truncate(keep);
        self.digests.truncate(keep);
    }

    /// §7: discards the entries up to `index` (at most the last index),
    /// which a snapshot of the state machine now stands for; the entry at
    /// `index` becomes the snapshot point. Returns how many entries were
    /// discarded (0 when `index` is not past the current point).
    pub fn compact(&mut self, index: LogIndex) -> LogIndex {
        let index = index.min(self.last_index());
        if index <= self.snapshot.index {
            return 0;
        }
        let removed = index - self.snapshot.index;
        let term = self.term_at(index).expect("index within the log");
        let digest = self.digest_at(index).expect("index within the log");
        self.snapshot = SnapshotPoint { index, term, digest };
        // Whole chunks are freed; the rest of a partly covered one stays
        // allocated but unreadable.
        let chunks = ((index - self.base) as usize) / CHUNK;
        self.entries.forget_front(chunks);
        self.digests.forget_front(chunks);
        self.base += (chunks * CHUNK) as LogIndex;
        removed
    }

    /// The receiver's side of InstallSnapshot for the log (§7, Figure 13
    /// steps 6 and 7): if the log holds the snapshot's last included entry
    /// (same index and term), the entries after it stay and the prefix is
    /// discarded; otherwise the whole log is discarded and the snapshot
    /// point stands alone. The caller has checked that `point` is past the
    /// current snapshot point.
    pub fn install(&mut self, point: SnapshotPoint) -> Installed {
        if point.index <= self.last_index() && self.term_at(point.index) == Some(point.term) {
            let kept = self.last_index() - point.index;
            self.compact(point.index);
            return Installed::KeptSuffix { kept };
        }
        let removed = self.last_index().saturating_sub(self.snapshot.index);
        *self = Log { entries: Chunked::new(), digests: Chunked::new(), base: point.index, snapshot: point };
        Installed::Discarded { removed }
    }

    /// The first index holding an entry of `term`, for the fast-backtracking
    /// hint of an AppendEntries rejection.
    pub fn first_index_of_term(&self, term: Term, at_or_before: LogIndex) -> LogIndex {
        let mut i = at_or_before.min(self.last_index());
        while i > 1 && self.term_at(i - 1) == Some(term) {
            i -= 1;
        }
        i
    }

    /// The last index holding an entry of `term`, or `None` if the log has
    /// no entry of that term.
    pub fn last_index_of_term(&self, term: Term) -> Option<LogIndex> {
        // Terms never decrease along a log, so scan back from the end and stop
        // as soon as the terms fall below the one sought.
        let mut index = self.last_index();
        for e in self.range(self.first_index(), index).rev() {
            if e.term == term {
                return Some(index);
            }
            if e.term < term {
                return None;
            }
            index -= 1;
        }
        (self.snapshot.term == term && self.snapshot.index > 0).then_some(self.snapshot.index)
    }

    /// The first index of `entries` (which follow `prev_index`) whose term
    /// differs from this log's entry there, or that this log does not hold
    /// at all; `None` when the log already holds every one of them
    /// (raft-rs `RaftLog::find_conflict`). Terms decide: two entries with the
    /// same index and term are the same entry (§5.3, Log Matching).
    pub fn find_conflict(&self, prev_index: LogIndex, entries: &[Entry]) -> Option<LogIndex> {
        (prev_index + 1..)
            .zip(entries)
            .find(|(index, entry)| self.term_at(*index) != Some(entry.term))
            .map(|(index, _)| index)
    }

    /// The receiver's side of AppendEntries, steps 2 to 4 of Figure 2
    /// (raft-rs `RaftLog::maybe_append`):
    ///
    /// 2. reply false if the log has no entry at `prev_index` whose term is
    ///    `prev_term` (the consistency check);
    /// 3. if an existing entry conflicts with a new one (same index,
    ///    different terms), delete the existing entry and all that follow it;
    /// 4. append any new entries not already in the log.
    ///
    /// Entries that already match stay, so a delayed AppendEntries never
    /// erases entries a newer one added. `committed` is the commit index to
    /// protect: a committed entry is never deleted (a debug assertion; the
    /// caller passes `None` when a lesion makes that possible, and leaves it
    /// to the safety checker to report). With `truncate` false (the lesion
    /// `truncate-on-conflict off`) conflicting entries are overwritten in
    /// place and the stale entries after the message's last one stay.
    pub fn maybe_append(
        &mut self,
        prev_index: LogIndex,
        prev_term: Term,
        entries: &[Entry],
        committed: Option<LogIndex>,
        truncate: bool,
    ) -> Result<Appended, Mismatch> {
        let point = self.snapshot.index;
        if prev_index < point {
            // §7: the entries up to the snapshot point are committed, so
            // they are the leader's too; only what follows is checked.
            let covered = (point - prev_index) as usize;
            if entries.len() <= covered {
                return Ok(Appended { last_new: point, conflict: None });
            }
            let prev_term = entries[covered - 1].term;
            return self.maybe_append(point, prev_term, &entries[covered..], committed, truncate);
        }
        match self.term_at(prev_index) {
            None => return Err(Mismatch::Missing { last_index: self.last_index() }),
            Some(term) if term != prev_term => {
                let first_index = self.first_index_of_term(term, prev_index);
                return Err(Mismatch::Term { term, first_index });
            }
            Some(_) => {}
        }
        let last_new = prev_index + entries.len() as LogIndex;
        let Some(from) = self.find_conflict(prev_index, entries) else {
            return Ok(Appended { last_new, conflict: None });
        };
        let new = &entries[(from - prev_index - 1) as usize..];
        let last = self.last_index();
        // Without truncation, the entries after the message's last stay.
        let kept: Vec<Entry> = if truncate { Vec::new() } else { self.range(last_new + 1, last).cloned().collect() };
        let conflict = self.term_at(from).map(|ours| {
            if let Some(committed) = committed {
                debug_assert!(from > committed, "index {from} is committed ({committed}) and must not be deleted");
            }
            let removed = if truncate { last - (from - 1) } else { last.min(last_new) - (from - 1) };
            Conflict { index: from, ours, theirs: new[0].term, removed, kept: kept.len() as LogIndex }
        });
        self.truncate_after(from - 1);
        for entry in new.iter().chain(&kept) {
            self.append(entry.clone());
        }
        Ok(Appended { last_new, conflict })
    }

    /// §5.4.1: a candidate's log is at least as up-to-date as this one when
    /// its last term is higher, or equal with an index at least as large.
    pub fn is_up_to_date(&self, last_index: LogIndex, last_term: Term) -> bool {
        (last_term, last_index) >= (self.last_term(), self.last_index())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::raft::types::Command;

    fn e(term: Term, cmd: Command) -> Entry {
        Entry { term, command: cmd, request: None }
    }

    #[test]
    fn digests_identify_prefixes() {
        let mut a = Log::new();
        let mut b = Log::new();
        for l in [&mut a, &mut b] {
            l.append(e(1, Command::Noop));
            l.append(e(1, Command::put("x", "1")));
        }
        assert_eq!(a.digest_at(2), b.digest_at(2));
        a.append(e(2, Command::put("y", "1")));
        b.append(e(3, Command::put("y", "1")));
        assert_ne!(a.digest_at(3), b.digest_at(3));
        b.truncate_after(2);
        b.append(e(2, Command::put("y", "1")));
        assert_eq!(a.digest_at(3), b.digest_at(3));
        assert_eq!(a.digest_at(4), None);
    }

    #[test]
    fn term_lookups() {
        let mut l = Log::new();
        for t in [1, 1, 2, 2, 2, 4] {
            l.append(e(t, Command::Noop));
        }
        assert_eq!(l.first_index_of_term(2, 5), 3);
        assert_eq!(l.last_index_of_term(2), Some(5));
        assert_eq!(l.last_index_of_term(3), None);
        assert_eq!(l.slice(2, 4).len(), 3);
        assert_eq!(l.slice(7, 9).len(), 0);
        assert!(l.is_up_to_date(1, 5));
        assert!(!l.is_up_to_date(9, 3));
        assert!(l.is_up_to_date(6, 4));
    }

    fn log_of(terms: &[Term]) -> Log {
        let mut l = Log::new();
        for (i, &t) in terms.iter().enumerate() {
            l.append(e(t, Command::put("k", &i.to_string())));
        }
        l
    }

    /// Entries of the given terms, distinct from those of [`log_of`] where
    /// the terms differ and equal where they match (same term, same index).
    fn sent(prev: LogIndex, terms: &[Term]) -> Vec<Entry> {
        let at = |i: usize| (prev as usize + i).to_string();
        terms.iter().enumerate().map(|(i, &t)| e(t, Command::put("k", &at(i)))).collect()
    }

    fn terms_of(l: &Log) -> Vec<Term> {
        l.entries().iter().map(|e| e.term).collect()
    }

    #[test]
    fn s5_3_find_conflict_is_the_first_entry_the_log_does_not_hold() {
        let log = log_of(&[1, 1, 2, 2]);
        // (prev index, terms sent, first index not held)
        let cases: [(LogIndex, &[Term], Option<LogIndex>); 7] = [
            (0, &[], None),
            (0, &[1, 1], None),
            (2, &[2, 2], None),
            (2, &[2, 2, 3], Some(5)),
            (4, &[4], Some(5)),
            (1, &[1, 3], Some(3)),
            (0, &[1, 1, 3, 3, 3], Some(3)),
        ];
        for (prev, terms, conflict) in cases {
            assert_eq!(log.find_conflict(prev, &sent(prev, terms)), conflict, "prev {prev}, {terms:?}");
        }
    }

    #[test]
    fn s5_3_maybe_append_consistency_check() {
        let mut log = log_of(&[1, 1, 2, 2]);
        assert_eq!(log.maybe_append(5, 2, &[], None, true), Err(Mismatch::Missing { last_index: 4 }));
        // The entry at 4 is of term 2, whose first entry is at 3.
        assert_eq!(log.maybe_append(4, 3, &[], None, true), Err(Mismatch::Term { term: 2, first_index: 3 }));
        assert_eq!(terms_of(&log), vec![1, 1, 2, 2], "a refused message changes nothing");
        assert_eq!(log.maybe_append(0, 0, &[], None, true), Ok(Appended { last_new: 0, conflict: None }));
    }

    #[test]
    fn s5_3_maybe_append_deletes_from_the_first_conflict_and_appends() {
        // (log, prev index and term, terms sent, log after, last new, conflict (index, ours, theirs, removed))
        type Case = (
            &'static [Term],
            (LogIndex, Term),
            &'static [Term],
            &'static [Term],
            LogIndex,
            Option<(LogIndex, Term, Term, LogIndex)>,
        );
        let cases: [Case; 5] = [
            // New entries only.
            (&[1, 1], (2, 1), &[2, 2], &[1, 1, 2, 2], 4, None),
            // Every entry already held: nothing changes, even the longer log.
            (&[1, 1, 2, 2], (1, 1), &[1], &[1, 1, 2, 2], 2, None),
            // A conflict at 3 deletes 3 and 4.
            (&[1, 1, 2, 2], (1, 1), &[1, 3], &[1, 1, 3], 3, Some((3, 2, 3, 2))),
            // A conflict at the first entry sent.
            (&[1, 2, 2], (1, 1), &[3, 3, 3], &[1, 3, 3, 3], 4, Some((2, 2, 3, 2))),
            // A heartbeat leaves a longer log alone.
            (&[1, 1, 2], (1, 1), &[], &[1, 1, 2], 1, None),
        ];
        for (i, (log, (prev, prev_term), terms, after, last_new, conflict)) in cases.into_iter().enumerate() {
            let mut l = log_of(log);
            let appended = l.maybe_append(prev, prev_term, &sent(prev, terms), Some(0), true).unwrap();
            assert_eq!(terms_of(&l), after, "case {i}");
            assert_eq!(appended.last_new, last_new, "case {i}");
            let got = appended.conflict.map(|c| (c.index, c.ours, c.theirs, c.removed));
            assert_eq!(got, conflict, "case {i}");
            // The digests follow the entries.
            let fresh = l.entries().iter().fold(Log::new(), |mut f, e| {
                f.append(e.clone());
                f
            });
            assert_eq!(l.digest_at(l.last_index()), fresh.digest_at(fresh.last_index()), "case {i}");
        }
    }

    #[test]
    fn s5_3_lesion_maybe_append_without_truncation_keeps_the_stale_suffix() {
        let mut l = log_of(&[1, 2, 2, 2, 2]);
        let appended = l.maybe_append(1, 1, &sent(1, &[3, 3]), None, false).unwrap();
        assert_eq!(terms_of(&l), vec![1, 3, 3, 2, 2]);
        let c = appended.conflict.unwrap();
        assert_eq!((c.index, c.removed, c.kept), (2, 2, 2));
        let fresh = l.entries().iter().fold(Log::new(), |mut f, e| {
            f.append(e.clone());
            f
        });
        assert_eq!(l.digest_at(5), fresh.digest_at(5), "digests follow the entries kept");
    }

    #[test]
    #[cfg(debug_assertions)]
    #[should_panic(expected = "is committed")]
    fn s5_3_maybe_append_never_deletes_a_committed_entry() {
        let mut l = log_of(&[1, 1, 2]);
        let _ = l.maybe_append(1, 1, &sent(1, &[3]), Some(2), true);
    }

    /// A fresh log holding the same entries after the same snapshot point:
    /// what `l` must equal in every observable way.
    fn terms_after_snapshot(l: &Log) -> (LogIndex, Term, Vec<Term>) {
        (l.snapshot().index, l.snapshot().term, terms_of(l))
    }

    #[test]
    fn s7_compact_discards_the_prefix_and_keeps_the_point() {
        // (terms, compact to, discarded, snapshot point (index, term), entries left)
        type Case = (&'static [Term], LogIndex, LogIndex, (LogIndex, Term), &'static [Term]);
        let cases: [Case; 4] = [
            (&[1, 1, 2, 2, 3], 3, 3, (3, 2), &[2, 3]),
            (&[1, 1, 2], 3, 3, (3, 2), &[]),
            // Past the end: up to the last entry.
            (&[1, 2], 9, 2, (2, 2), &[]),
            (&[1, 2], 0, 0, (0, 0), &[1, 2]),
        ];
        for (i, (terms, to, removed, point, left)) in cases.into_iter().enumerate() {
            let mut l = log_of(terms);
            let digest = l.digest_at(point.0);
            assert_eq!(l.compact(to), removed, "case {i}");
            assert_eq!(terms_after_snapshot(&l), (point.0, point.1, left.to_vec()), "case {i}");
            assert_eq!(l.last_index(), terms.len() as LogIndex, "case {i}");
            assert_eq!(l.last_term(), *terms.last().unwrap(), "case {i}");
            assert_eq!(l.term_at(point.0), Some(point.1), "case {i}: the point keeps its term");
            assert_eq!(l.digest_at(point.0), digest, "case {i}: and its digest");
            if point.0 > 1 {
                assert_eq!((l.term_at(1), l.entry(1), l.digest_at(1)), (None, None, None), "case {i}: discarded");
            }
            assert_eq!(l.range(1, 99).count(), left.len(), "case {i}");
            assert_eq!(l.compact(to), 0, "case {i}: compacting again does nothing");
        }
    }

    #[test]
    fn s7_compact_frees_whole_chunks_and_appends_continue_the_digests() {
        let n = (CHUNK * 3 + 7) as LogIndex;
        let mut l = Log::new();
        let mut fresh = Log::new();
        for i in 0..n {
            l.append(e(1 + i / 100, Command::Noop));
            fresh.append(e(1 + i / 100, Command::Noop));
        }
        l.compact(CHUNK as LogIndex + 10);
        assert_eq!(l.entries.len(), n as usize - CHUNK, "one whole chunk freed, the partly covered one kept");
        assert_eq!(l.entries().len(), n as usize - CHUNK - 10);
        l.compact(n - 5);
        assert_eq!(l.entries.len(), 7, "three whole chunks freed");
        assert_eq!(l.entries().len(), 5);
        assert_eq!(l.slice(n - 6, n), fresh.slice(n - 4, n));
        l.append(e(9, Command::Noop));
        fresh.append(e(9, Command::Noop));
        assert_eq!(l.digest_at(n + 1), fresh.digest_at(n + 1));
        l.truncate_after(n - 5);
        assert_eq!((l.last_index(), l.last_term()), (n - 5, l.snapshot().term));
        // A term lookup stops at the snapshot point.
        assert_eq!(l.last_index_of_term(l.snapshot().term), Some(n - 5));
        assert_eq!(l.last_index_of_term(1), None);
    }

    #[test]
    fn s7_install_keeps_a_matching_suffix_or_discards_the_log() {
        let point = |l: &Log, index: LogIndex| SnapshotPoint {
            index,
            term: l.term_at(index).unwrap(),
            digest: l.digest_at(index).unwrap(),
        };
        let leader = log_of(&[1, 1, 2, 2, 3, 3]);
        // (follower's terms, snapshot index, what install did, terms left)
        let cases: [(&[Term], LogIndex, Installed, &[Term]); 4] = [
            // §7: "if existing log entry has same index and term as
            // snapshot's last included entry, retain log entries following it".
            (&[1, 1, 2, 2, 3], 4, Installed::KeptSuffix { kept: 1 }, &[3]),
            (&[1, 1, 2, 2], 4, Installed::KeptSuffix { kept: 0 }, &[]),
            // Shorter than the snapshot: discard the entire log.
            (&[1, 1], 4, Installed::Discarded { removed: 2 }, &[]),
            // A different term there: discard the entire log.
            (&[1, 1, 2, 4, 4, 4], 4, Installed::Discarded { removed: 6 }, &[]),
        ];
        for (i, (terms, index, did, left)) in cases.into_iter().enumerate() {
            let mut l = log_of(terms);
            let p = point(&leader, index);
            assert_eq!(l.install(p), did, "case {i}");
            assert_eq!(l.snapshot(), p, "case {i}");
            assert_eq!(terms_of(&l), left, "case {i}");
            assert_eq!(l.last_index(), index + left.len() as LogIndex, "case {i}");
            // The leader's next entries append on top of the snapshot point.
            let next = leader.slice(index + 1, 6).to_vec();
            let appended = l.maybe_append(index, p.term, &next, Some(index), true).unwrap();
            assert_eq!(appended.last_new, 6, "case {i}");
            assert_eq!(l.digest_at(6), leader.digest_at(6), "case {i}: the digests continue the leader's");
        }
    }

    #[test]
    fn s7_maybe_append_treats_entries_under_the_snapshot_as_matching() {
        let leader = log_of(&[1, 1, 2, 2, 3, 3]);
        // (prev index sent, entries sent up to, last new, terms after)
        let cases: [(LogIndex, LogIndex, LogIndex, &[Term]); 3] = [
            // Entirely under the snapshot point (4): agrees up to the point.
            (1, 3, 4, &[]),
            // Crossing it: the part after the point is appended.
            (2, 6, 6, &[3, 3]),
            // A heartbeat from below the point.
            (2, 2, 4, &[]),
        ];
        for (i, (prev, upto, last_new, after)) in cases.into_iter().enumerate() {
            let mut l = log_of(&[1, 1, 2, 2]);
            l.compact(4);
            let sent = leader.slice(prev + 1, upto).to_vec();
            let prev_term = leader.term_at(prev).unwrap();
            let appended = l.maybe_append(prev, prev_term, &sent, Some(4), true).unwrap();
            assert_eq!((appended.last_new, terms_of(&l)), (last_new, after.to_vec()), "case {i}");
        }
    }
}
