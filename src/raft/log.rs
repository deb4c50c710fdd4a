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
}
