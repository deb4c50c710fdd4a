//! The five checks and the tables they keep. Each `check_*` runs for one
//! touched node; the `report_*` functions run only once a check has failed
//! and may take their time to explain it.

use crate::raft::{Log, LogIndex, NodeId, Role, Term};
use crate::util::msg::code;
use crate::util::{Chunked, Msg};

use super::{Checker, EntryInfo, Event, Invariant, Key, NodeView};

/// The checker's memory of one node.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(super) struct NodeState {
    /// The last term in which the node was seen leading (0: never), so that
    /// Election Safety and Leader Completeness run once per leadership.
    led_term: Term,
    /// The node's log as last seen, while it is alive and leader.
    mark: Option<Mark>,
    /// Entries `1..=verified` have been checked for Log Matching, and the log
    /// then had digest `verified_digest` there. A different digest now means
    /// the log was cut at or below that point and must be rescanned. The
    /// default (0, 0) is the empty prefix, whose digest is 0.
    verified: LogIndex,
    verified_digest: u64,
    /// max(commit_index, last_applied) as last seen. It falls back when a
    /// restarted node forgets its volatile state, so that entries it applies
    /// again are checked again.
    seen_applied: LogIndex,
    /// Whether the node's commit (or applied) index is known to run past its
    /// log, so that the problem is reported once rather than on every event.
    beyond_log: bool,
}

/// A leader's log as last seen.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Mark {
    term: Term,
    last: LogIndex,
    digest: u64,
}

/// One committed index.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct Committed {
    /// The term of the entry.
    pub(super) term: Term,
    pub(super) digest: u64,
    /// The node that first committed the index, whose log gave the digest.
    pub(super) node: NodeId,
    /// The lowest term in which some node was seen to have committed this
    /// index (commits of later indexes count too, as they commit the prefix).
    /// Leaders of higher terms must hold the entry. Kept non-decreasing along
    /// the prefix so that a new leader's bound is one binary search.
    commit_term: Term,
}

/// `(index, term)` -> the digest of the first log seen holding that entry.
///
/// Most indexes only ever hold entries of one term, so the first version of
/// each index lives inline in a vector indexed by position, and the rare
/// other terms (entries of deposed leaders) hang off it in a chain in a
/// second vector. Lookups do not hash. Both grow with the run and change
/// only near their end, so they are chunked: time-travel checkpoints share
/// all but the newest part.
#[derive(Clone, Debug, Default, PartialEq)]
pub(super) struct MatchTable {
    first: Chunked<Slot>,
    more: Chunked<Slot>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq)]
struct Slot {
    term: Term,
    digest: u64,
    /// The first node seen holding the entry; 0 marks an empty slot, since
    /// 0 is never a server.
    node: NodeId,
    /// 1 + the position in `more` of the next version of the same index; 0
    /// ends the chain.
    next: u32,
}

impl MatchTable {
    /// What a clone allocates of its own: its two tables' pointers and tails.
    pub(super) fn clone_bytes(&self) -> usize {
        self.first.clone_bytes() + self.more.clone_bytes()
    }

    fn get(&self, index: LogIndex, term: Term) -> Option<Slot> {
        let mut slot = *self.first.get(index as usize - 1)?;
        if slot.node == 0 {
            return None;
        }
        loop {
            if slot.term == term {
                return Some(slot);
            }
            if slot.next == 0 {
                return None;
            }
            slot = self.more[slot.next as usize - 1];
        }
    }

    /// Records a version not yet in the table.
    fn insert(&mut self, index: LogIndex, term: Term, digest: u64, node: NodeId) {
        let i = index as usize - 1;
        if i >= self.first.len() {
            self.first.resize(i + 1, Slot::default());
        }
        let mut head = self.first.get_mut(i).expect("grown to hold it");
        if head.node == 0 {
            *head = Slot { term, digest, node, next: 0 };
            return;
        }
        // Linked right after the head: the order of a chain does not matter.
        self.more.push(Slot { term, digest, node, next: head.next });
        head.next = u32::try_from(self.more.len()).expect("fewer than 2^32 conflicting entries");
    }
}

/// The digest of an index the log is known to hold.
fn digest(log: &Log, index: LogIndex) -> u64 {
    log.digest_at(index).expect("index within the log")
}

/// Below the later of two logs' snapshot points (§7) at least one of them
/// holds no digest; that prefix was committed, so it is the same in both and
/// the search for where they part starts there.
fn compacted_floor(a: &Log, b: &Log) -> LogIndex {
    a.snapshot().index.max(b.snapshot().index)
}

/// The smallest index in `1..=upto` where `same` fails, given that it fails
/// at `upto`. Prefix digests agree up to some point and differ from there
/// on, so this is a binary search.
fn first_difference(upto: LogIndex, same: impl Fn(LogIndex) -> bool) -> LogIndex {
    let (mut lo, mut hi) = (1, upto);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if same(mid) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    hi
}

fn entry_info(view: &NodeView<'_>, index: LogIndex) -> Option<EntryInfo> {
    view.log.entry(index).map(|e| EntryInfo { node: view.id, index, term: e.term, command: e.command.to_string() })
}

/// `TERM:COMMAND`, or "nothing" for an index past the end of a log.
fn show(entry: &Option<EntryInfo>) -> Msg {
    match entry {
        Some(e) => code(format!("{}:{}", e.term, e.command)),
        None => Msg::new("v.nothing", "nothing"),
    }
}

/// `TERM:COMMAND` of a committed entry, or what is known of one no log
/// holds any more.
fn committed_entry(entry: &Option<EntryInfo>, term: Term) -> Msg {
    match entry {
        Some(e) => code(format!("{}:{}", e.term, e.command)),
        None => Msg::new("v.goneEntry", "a term-{term} entry no log holds any more").num("term", term),
    }
}

impl Checker {
    // ----- Log Matching -----

    pub(super) fn check_log_matching(&mut self, ev: &Event<'_, '_>, id: NodeId) {
        let log = ev.view(id).log;
        let last = log.last_index();
        let state = &self.nodes[id as usize - 1];
        let stop = if state.verified <= last && log.digest_at(state.verified) == Some(state.verified_digest) {
            state.verified
        } else {
            0
        };
        // Top down: a match vouches for the whole prefix beneath it, so the
        // walk ends at the first entry some log already held, and costs one
        // step per entry nobody held before.
        let mut conflict = None;
        let mut index = last;
        // A compacted log (§7) is walked down to its snapshot point, whose
        // prefix digest stands for every entry the snapshot replaced.
        let floor = stop.max(log.snapshot().index.saturating_sub(1));
        while index > floor {
            let term = log.term_at(index).expect("index within the log");
            let ours = digest(log, index);
            match self.matching.get(index, term) {
                Some(slot) if slot.digest == ours => break,
                // Keep descending: the lowest conflict is the one to report.
                Some(slot) => conflict = Some((index, term, slot)),
                None => self.matching.insert(index, term, ours, id),
            }
            index -= 1;
        }
        let state = &mut self.nodes[id as usize - 1];
        state.verified = last;
        state.verified_digest = digest(log, last);
        if let Some((index, term, slot)) = conflict {
            self.report_log_mismatch(ev, id, index, term, slot);
        }
    }

    fn report_log_mismatch(&mut self, ev: &Event<'_, '_>, id: NodeId, index: LogIndex, term: Term, slot: Slot) {
        let view = ev.view(id);
        // The first holder may have moved on; any log still holding its
        // version can show where the two histories part.
        let other = std::iter::once(slot.node)
            .chain(1..=ev.nodes.len() as NodeId)
            .filter(|&o| o != id && (o as usize) <= ev.nodes.len())
            .find(|&o| ev.view(o).log.digest_at(index) == Some(slot.digest));
        let split = other.map(|o| {
            let theirs = ev.view(o).log;
            let floor = compacted_floor(theirs, view.log);
            first_difference(index, |i| i < floor || theirs.digest_at(i) == view.log.digest_at(i))
        });
        // Two histories that part at one index clash again at every
        // (index, term) they later share; that is one problem, named by the
        // split and the two versions there. Without a witness, only the
        // clashing version itself can name it.
        let key = match (other, split) {
            (Some(o), Some(first)) => {
                let (a, b) = (digest(ev.view(o).log, first), digest(view.log, first));
                Key::Matching { index: first, versions: (a.min(b), a.max(b)) }
            }
            _ => Key::Matching { index, versions: (slot.digest, digest(view.log, index)) },
        };
        if !self.first_report(key) {
            return;
        }
        let mut entries = Vec::new();
        let (nodes, detail) = match (other, split) {
            (Some(o), Some(first)) => {
                let theirs = ev.view(o);
                let (a, b) = (entry_info(theirs, index), entry_info(view, index));
                let detail = if first == index {
                    Msg::new(
                        "v.matching.commands",
                        "nodes {a} and {b} both hold term {term} at index {index} \
                         but with different commands ({theirs} vs {ours})",
                    )
                    .msg("theirs", show(&a))
                    .msg("ours", show(&b))
                } else {
                    Msg::new(
                        "v.matching.before",
                        "nodes {a} and {b} both hold term {term} at index {index} but differ before it \
                         (first difference at index {first}: node {a} has {theirs}, node {b} has {ours})",
                    )
                    .num("first", first)
                    .msg("theirs", show(&entry_info(theirs, first)))
                    .msg("ours", show(&entry_info(view, first)))
                };
                let detail = detail.num("a", o).num("b", id).num("term", term).num("index", index);
                entries.extend(a);
                entries.extend(b);
                if first < index {
                    entries.extend(entry_info(theirs, first));
                    entries.extend(entry_info(view, first));
                }
                (vec![o, id], detail)
            }
            _ => {
                let detail = Msg::new(
                    "v.matching.earlier",
                    "node {node} holds term {term} at index {index} with a different history than node {other} held \
                     there earlier (no log holds that version any more)",
                )
                .num("node", id)
                .num("term", term)
                .num("index", index)
                .num("other", slot.node);
                entries.extend(entry_info(view, index));
                (vec![slot.node, id], detail)
            }
        };
        self.record(ev, Invariant::LogMatching, nodes, entries, detail);
    }

    // ----- Election Safety, Leader Append-Only, Leader Completeness on election -----

    pub(super) fn check_leadership(&mut self, ev: &Event<'_, '_>, id: NodeId) {
        let view = ev.view(id);
        let i = id as usize - 1;
        let bit = 1u64 << id;
        if !view.alive || view.role != Role::Leader {
            // A crash or a step-down ends the leadership, and with it the
            // promise never to rewrite the log.
            self.nodes[i].mark = None;
            self.live_leaders &= !bit;
            return;
        }
        self.live_leaders |= bit;
        let last = view.log.last_index();
        if let Some(mark) = self.nodes[i].mark {
            if mark.term == view.term && view.log.digest_at(mark.last) != Some(mark.digest) {
                self.report_rewrite(ev, id, mark);
            }
        }
        // Re-marked even after a violation, so the same rewrite is not
        // reported again on the next event.
        self.nodes[i].mark = Some(Mark { term: view.term, last, digest: digest(view.log, last) });
        if self.nodes[i].led_term != view.term {
            self.nodes[i].led_term = view.term;
            self.record_leader(ev, id, view.term);
            let bound = self.committed.partition_point(|c| c.commit_term < view.term);
            self.check_holds_committed(ev, id, bound as LogIndex);
        }
    }

    fn record_leader(&mut self, ev: &Event<'_, '_>, id: NodeId, term: Term) {
        match self.leaders.binary_search_by_key(&term, |&(t, _)| t) {
            Ok(pos) => {
                let other = self.leaders[pos].1;
                if other != id {
                    let detail = Msg::new("v.twoLeaders", "nodes {a} and {b} were both leader in term {term}")
                        .num("a", other)
                        .num("b", id)
                        .num("term", term);
                    self.record(ev, Invariant::ElectionSafety, vec![other, id], Vec::new(), detail);
                }
            }
            Err(pos) => self.leaders.insert(pos, (term, id)),
        }
    }

    fn report_rewrite(&mut self, ev: &Event<'_, '_>, id: NodeId, mark: Mark) {
        let view = ev.view(id);
        let last = view.log.last_index();
        let term = mark.term;
        // The leader's old entries are gone from its log, but a follower may
        // still hold them and show exactly what changed.
        let witness = (1..=ev.nodes.len() as NodeId)
            .filter(|&o| o != id)
            .find(|&o| ev.view(o).log.digest_at(mark.last) == Some(mark.digest));
        let mut entries = Vec::new();
        let detail = match witness {
            Some(w) => {
                let old_log = ev.view(w).log;
                let floor = compacted_floor(old_log, view.log);
                let first = first_difference(mark.last, |i| i < floor || view.log.digest_at(i) == old_log.digest_at(i));
                let old = entry_info(ev.view(w), first);
                let new = entry_info(view, first);
                let detail = if first > last {
                    Msg::new(
                        "v.rewrite.deleted",
                        "leader {node} of term {term} deleted entries {first}..={last} from its log \
                         (index {first} held {old}, as node {witness} still does)",
                    )
                    .num("last", mark.last)
                } else {
                    Msg::new(
                        "v.rewrite.overwrote",
                        "leader {node} of term {term} overwrote index {first}: {old} (as node {witness} still holds it) \
                         became {new}",
                    )
                    .msg("new", show(&new))
                };
                let detail = detail
                    .num("node", id)
                    .num("term", term)
                    .num("first", first)
                    .msg("old", show(&old))
                    .num("witness", w);
                entries.extend(old);
                entries.extend(new);
                detail
            }
            None if last < mark.last => Msg::new(
                "v.rewrite.shorter",
                "leader {node} of term {term} held {held} entries and now holds {holds}: \
                 entries from index {from} on were deleted",
            )
            .num("node", id)
            .num("term", term)
            .num("held", mark.last)
            .num("holds", last)
            .num("from", last + 1),
            None => {
                Msg::new("v.rewrite.unknown", "leader {node} of term {term} rewrote its log at or before index {index}")
                    .num("node", id)
                    .num("term", term)
                    .num("index", mark.last)
            }
        };
        self.record(ev, Invariant::LeaderAppendOnly, vec![id], entries, detail);
    }

    // ----- Leader Completeness -----

    /// The leader `id` must hold the committed prefix up to `upto`. A
    /// leader whose snapshot (§7) covers more holds it if its snapshot
    /// point's prefix digest is the committed one there.
    fn check_holds_committed(&mut self, ev: &Event<'_, '_>, id: NodeId, upto: LogIndex) {
        let view = ev.view(id);
        let upto = upto.max(view.log.snapshot().index).min(self.committed.len() as LogIndex);
        if upto == 0 {
            return;
        }
        if view.log.digest_at(upto) == Some(self.committed[upto as usize - 1].digest) {
            return;
        }
        if !self.first_report(Key::Completeness { node: id, term: view.term }) {
            return;
        }
        let committed = &self.committed;
        // Below its snapshot point a log holds no digests; the point's
        // stands for them.
        let below = view.log.snapshot().index;
        let first =
            first_difference(upto, |i| i < below || view.log.digest_at(i) == Some(committed[i as usize - 1].digest));
        let c = self.committed[first as usize - 1];
        let theirs = self.committed_info(ev, first);
        let ours = entry_info(view, first);
        let detail = Msg::new(
            "v.completeness",
            "leader {node} of term {term} lacks the entry committed at index {index} ({entry}, committed no later \
             than term {commitTerm}, first seen committed at node {seenAt}); it holds {ours} there",
        )
        .num("node", id)
        .num("term", view.term)
        .num("index", first)
        .msg("entry", committed_entry(&theirs, c.term))
        .num("commitTerm", c.commit_term)
        .num("seenAt", c.node)
        .msg("ours", show(&ours));
        let entries = theirs.into_iter().chain(ours).collect();
        let nodes = if c.node == id { vec![id] } else { vec![id, c.node] };
        self.record(ev, Invariant::LeaderCompleteness, nodes, entries, detail);
    }

    /// After index `upto` became known committed by term `term`, the live
    /// leaders of later terms must hold it.
    fn check_live_leaders(&mut self, ev: &Event<'_, '_>, upto: LogIndex, term: Term) {
        let mut mask = self.live_leaders;
        while mask != 0 {
            let id = mask.trailing_zeros() as NodeId;
            mask &= mask - 1;
            if (id as usize) > ev.nodes.len() {
                continue;
            }
            let view = ev.view(id);
            if view.alive && view.role == Role::Leader && view.term > term {
                self.check_holds_committed(ev, id, upto);
            }
        }
    }

    /// The committed entry at `index`, read from a log that still holds it.
    fn committed_info(&self, ev: &Event<'_, '_>, index: LogIndex) -> Option<EntryInfo> {
        let c = self.committed[index as usize - 1];
        std::iter::once(c.node)
            .chain(1..=ev.nodes.len() as NodeId)
            .filter(|&o| (o as usize) <= ev.nodes.len())
            .find(|&o| ev.view(o).log.digest_at(index) == Some(c.digest))
            .and_then(|o| entry_info(ev.view(o), index))
    }

    // ----- State Machine Safety (and the committed prefix) -----

    pub(super) fn check_commit(&mut self, ev: &Event<'_, '_>, id: NodeId) {
        let view = ev.view(id);
        if !view.alive {
            return;
        }
        let i = id as usize - 1;
        let last = view.log.last_index();
        let applied = view.commit_index.max(view.last_applied);
        if applied > last {
            if !self.nodes[i].beyond_log {
                self.nodes[i].beyond_log = true;
                self.report_beyond_log(ev, id);
            }
        } else {
            self.nodes[i].beyond_log = false;
        }
        let seen = std::mem::replace(&mut self.nodes[i].seen_applied, applied);
        if applied <= seen {
            return;
        }
        let upto = applied.min(last);
        let len = self.committed.len() as LogIndex;
        let shared = upto.min(len);
        if shared > 0 && view.log.digest_at(shared) != Some(self.committed[shared as usize - 1].digest) {
            self.report_applied_mismatch(ev, id, shared);
            return;
        }
        let changed = if upto > len {
            for index in len + 1..=upto {
                let entry = view.log.entry(index).expect("committed index within the log");
                self.committed.push(Committed {
                    term: entry.term,
                    digest: digest(view.log, index),
                    node: id,
                    commit_term: view.term,
                });
                self.clients.committed(entry);
            }
            self.lower_commit_terms(len, view.term);
            true
        } else {
            self.lower_commit_terms(upto, view.term)
        };
        if changed {
            self.check_live_leaders(ev, upto, view.term);
        }
    }

    /// Committing index `upto` in term `term` commits all of `1..=upto` by
    /// then. In a run where terms only grow the first comparison stops the walk.
    fn lower_commit_terms(&mut self, upto: LogIndex, term: Term) -> bool {
        let mut i = upto as usize;
        let mut lowered = false;
        while i > 0 && self.committed[i - 1].commit_term > term {
            self.committed.get_mut(i - 1).expect("a committed index").commit_term = term;
            lowered = true;
            i -= 1;
        }
        lowered
    }

    fn report_applied_mismatch(&mut self, ev: &Event<'_, '_>, id: NodeId, shared: LogIndex) {
        let view = ev.view(id);
        let committed = &self.committed;
        let below = view.log.snapshot().index;
        let first =
            first_difference(shared, |i| i < below || view.log.digest_at(i) == Some(committed[i as usize - 1].digest));
        if !self.first_report(Key::Applied { node: id, index: first }) {
            return;
        }
        let c = self.committed[first as usize - 1];
        let theirs = self.committed_info(ev, first);
        let ours = entry_info(view, first);
        let detail = if view.last_applied >= first {
            Msg::new(
                "v.stateMachine.applied",
                "node {node} applied {ours} at index {index} but node {other} committed {theirs} there",
            )
        } else {
            Msg::new(
                "v.stateMachine.committed",
                "node {node} committed {ours} at index {index} but node {other} committed {theirs} there",
            )
        };
        let detail = detail
            .num("node", id)
            .msg("ours", show(&ours))
            .num("index", first)
            .num("other", c.node)
            .msg("theirs", committed_entry(&theirs, c.term));
        let entries = theirs.into_iter().chain(ours).collect();
        // A restarted node may contradict what it committed itself earlier.
        let nodes = if c.node == id { vec![id] } else { vec![c.node, id] };
        self.record(ev, Invariant::StateMachineSafety, nodes, entries, detail);
    }

    fn report_beyond_log(&mut self, ev: &Event<'_, '_>, id: NodeId) {
        let view = ev.view(id);
        let detail = if view.commit_index >= view.last_applied {
            Msg::new("v.beyondLog.commit", "node {node} has commit index {index} but its log ends at index {last}")
                .num("index", view.commit_index)
        } else {
            Msg::new(
                "v.beyondLog.applied",
                "node {node} has last applied index {index} but its log ends at index {last}",
            )
            .num("index", view.last_applied)
        };
        let detail = detail.num("node", id).num("last", view.log.last_index());
        self.record(ev, Invariant::StateMachineSafety, vec![id], Vec::new(), detail);
    }
}
