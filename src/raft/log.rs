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

use super::types::{Entry, Fnv, LogIndex, Term};
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

#[derive(Clone, Debug, Default)]
pub struct Log {
    entries: Chunked<Entry>,
    /// `digests[i - 1]` is the digest of the prefix ending at index `i`.
    digests: Chunked<u64>,
}

/// The digest of the empty prefix (index 0).
pub const EMPTY_DIGEST: u64 = 0;

impl Log {
    pub fn new() -> Self {
        Self::default()
    }

    /// Index of the last entry, 0 when empty.
    pub fn last_index(&self) -> LogIndex {
        self.entries.len() as LogIndex
    }

    /// Term of the last entry, 0 when empty.
    pub fn last_term(&self) -> Term {
        self.entries.last().map_or(0, |e| e.term)
    }

    /// Term of the entry at `index`; 0 for index 0; `None` past the end.
    pub fn term_at(&self, index: LogIndex) -> Option<Term> {
        if index == 0 {
            return Some(0);
        }
        self.entry(index).map(|e| e.term)
    }

    pub fn entry(&self, index: LogIndex) -> Option<&Entry> {
        if index == 0 {
            return None;
        }
        self.entries.get(index as usize - 1)
    }

    /// Entries `from..=to` (1-based, inclusive), clamped to the log. Copies
    /// nothing: what the engine uses to read a run of entries.
    pub fn range(&self, from: LogIndex, to: LogIndex) -> impl DoubleEndedIterator<Item = &Entry> {
        // Clamped as `LogIndex` first: on wasm32 a `usize` is narrower.
        let last = self.last_index();
        self.entries.range((from.clamp(1, last + 1) - 1) as usize..to.min(last) as usize)
    }

    /// Entries `from..=to` (1-based, inclusive), clamped to the log, as a
    /// slice. Like [`Log::entries`], for views and tests.
    pub fn slice(&self, from: LogIndex, to: LogIndex) -> &[Entry] {
        let entries = self.entries();
        let len = entries.len();
        let start = (from.max(1) as usize - 1).min(len);
        let end = (to as usize).min(len).max(start);
        &entries[start..end]
    }

    /// The whole log as one slice. The log is stored in chunks, so the first
    /// call makes a contiguous copy, which the log then keeps up to date:
    /// cheap for a view that reads the same log again and again, wasteful
    /// on a path the engine takes for every event (use [`Log::entry`],
    /// [`Log::range`] or [`Log::term_at`] there).
    pub fn entries(&self) -> &[Entry] {
        self.entries.as_slice()
    }

    /// Digest of the prefix `1..=index`; `None` past the end.
    pub fn digest_at(&self, index: LogIndex) -> Option<u64> {
        if index == 0 {
            return Some(EMPTY_DIGEST);
        }
        self.digests.get(index as usize - 1).copied()
    }

    pub fn append(&mut self, entry: Entry) {
        let prev = self.digests.last().copied().unwrap_or(EMPTY_DIGEST);
        let mut h = Fnv::new();
        h.u64(prev);
        h.u64(entry.term);
        h.u64(entry.command.fingerprint());
        self.digests.push(h.finish());
        self.entries.push(entry);
    }

    /// Drops every entry after `index` (§5.3: a conflicting entry and all
    /// that follow it are deleted).
    pub fn truncate_after(&mut self, index: LogIndex) {
        self.entries.truncate(index as usize);
        self.digests.truncate(index as usize);
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
        for e in self.entries.iter().rev() {
            if e.term == term {
                return Some(index);
            }
            if e.term < term {
                return None;
            }
            index -= 1;
        }
        None
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
}
