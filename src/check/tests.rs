//! Hand-made histories: for each property one that respects it and one that
//! breaks it, fed to the checker event by event as the simulator would.

use super::*;
use crate::raft::{Command, Entry};

/// A node as the tests drive it.
pub(super) struct Node {
    pub(super) alive: bool,
    pub(super) role: Role,
    pub(super) term: Term,
    pub(super) log: Log,
    pub(super) commit: LogIndex,
    pub(super) applied: LogIndex,
    /// Its log applied up to `kv_applied`: kept in step with `applied` by
    /// [`World::step`], as a correct node keeps it.
    pub(super) kv: KvStore,
    pub(super) kv_applied: LogIndex,
}

pub(super) struct World {
    pub(super) nodes: Vec<Node>,
    pub(super) checker: Checker,
    pub(super) event: u64,
}

/// `noop`, or `k=v` for a put.
fn command(text: &str) -> Command {
    match text.split_once('=') {
        Some((k, v)) => Command::put(k, v),
        None if text == "noop" => Command::Noop,
        None => Command::get(text),
    }
}

impl World {
    pub(super) fn new(n: usize) -> Self {
        let nodes = (0..n)
            .map(|_| Node {
                alive: true,
                role: Role::Follower,
                term: 0,
                log: Log::new(),
                commit: 0,
                applied: 0,
                kv: KvStore::new(),
                kv_applied: 0,
            })
            .collect();
        World { nodes, checker: Checker::new(n), event: 0 }
    }

    pub(super) fn node(&mut self, id: NodeId) -> &mut Node {
        &mut self.nodes[id as usize - 1]
    }

    pub(super) fn get(&self, id: NodeId) -> &Node {
        &self.nodes[id as usize - 1]
    }

    /// One event that touched `touched`; returns the new violations.
    pub(super) fn step(&mut self, touched: &[NodeId]) -> usize {
        self.event += 1;
        for n in &mut self.nodes {
            // A restarted node starts from an empty state and applies again.
            if n.applied < n.kv_applied {
                n.kv = KvStore::new();
                n.kv_applied = 0;
            }
            let upto = n.applied.min(n.log.last_index());
            for entry in n.log.range(n.kv_applied + 1, upto) {
                n.kv.apply(entry);
            }
            n.kv_applied = n.kv_applied.max(upto);
        }
        let views: Vec<NodeView<'_>> = self
            .nodes
            .iter()
            .enumerate()
            .map(|(i, n)| NodeView {
                id: i as NodeId + 1,
                alive: n.alive,
                role: n.role,
                term: n.term,
                log: &n.log,
                commit_index: n.commit,
                last_applied: n.applied,
                kv: &n.kv,
            })
            .collect();
        self.checker.after_event(self.event, self.event * 1_000, &views, touched)
    }

    pub(super) fn all(&self) -> Vec<NodeId> {
        (1..=self.nodes.len() as NodeId).collect()
    }

    pub(super) fn append(&mut self, id: NodeId, entries: &[(Term, &str)]) {
        for &(term, text) in entries {
            self.node(id).log.append(Entry { term, command: command(text), request: None });
        }
    }

    /// Replaces the log of `id` from `after + 1` on, as a follower does.
    fn overwrite(&mut self, id: NodeId, after: LogIndex, entries: &[(Term, &str)]) {
        self.node(id).log.truncate_after(after);
        self.append(id, entries);
    }

    pub(super) fn lead(&mut self, id: NodeId, term: Term) {
        let n = self.node(id);
        n.role = Role::Leader;
        n.term = term;
    }

    pub(super) fn follow(&mut self, id: NodeId, term: Term) {
        let n = self.node(id);
        n.role = Role::Follower;
        n.term = term;
    }

    pub(super) fn commit(&mut self, id: NodeId, index: LogIndex) {
        let n = self.node(id);
        n.commit = index;
        n.applied = index;
    }

    pub(super) fn only(&self) -> &Violation {
        assert_eq!(self.checker.violations().len(), 1, "{:#?}", self.checker.violations());
        &self.checker.violations()[0]
    }

    pub(super) fn assert_clean(&self) {
        assert!(self.checker.is_clean(), "{:#?}", self.checker.violations());
    }
}

fn info(node: NodeId, index: LogIndex, term: Term, command: &str) -> EntryInfo {
    EntryInfo { node, index, term, command: command.to_string() }
}

/// Three nodes through two elections, a crash, a restart and the truncation of
/// an uncommitted entry: everything Raft allows and nothing it forbids.
#[test]
fn a_correct_history_is_clean() {
    let mut w = World::new(3);
    w.lead(1, 1);
    w.follow(2, 1);
    w.follow(3, 1);
    w.append(1, &[(1, "noop")]);
    assert_eq!(w.step(&[1, 2, 3]), 0);
    for f in [2, 3] {
        w.append(f, &[(1, "noop")]);
        w.step(&[f]);
    }
    w.commit(1, 1);
    w.step(&[1]);
    w.commit(2, 1);
    w.commit(3, 1);
    w.step(&[2, 3]);
    // Replicated to node 2 only, never committed.
    w.append(1, &[(1, "x=1")]);
    w.step(&[1]);
    w.append(2, &[(1, "x=1")]);
    w.step(&[2]);
    w.node(1).alive = false;
    w.step(&[1]);
    // Node 3 wins term 2 without the uncommitted entry, which is allowed.
    w.lead(3, 2);
    w.append(3, &[(2, "noop")]);
    w.step(&[3]);
    w.follow(2, 2);
    w.overwrite(2, 1, &[(2, "noop")]);
    w.step(&[2]);
    w.commit(3, 2);
    w.step(&[3]);
    w.commit(2, 2);
    w.step(&[2]);
    // Node 1 comes back with its old log and no volatile state.
    let n1 = w.node(1);
    n1.alive = true;
    n1.role = Role::Follower;
    n1.commit = 0;
    n1.applied = 0;
    w.step(&[1]);
    w.follow(1, 2);
    w.overwrite(1, 1, &[(2, "noop")]);
    w.commit(1, 2);
    w.step(&[1]);
    w.append(3, &[(2, "y=2"), (2, "z=3")]);
    w.step(&[3]);
    for f in [1, 2] {
        w.append(f, &[(2, "y=2"), (2, "z=3")]);
        w.commit(f, 4);
        w.step(&[f]);
    }
    w.commit(3, 4);
    w.step(&[3]);
    // Heartbeats change nothing.
    for _ in 0..10 {
        w.step(&w.all());
    }
    w.assert_clean();
    assert_eq!(w.checker.committed_index(), 4);
}

#[test]
fn two_leaders_in_one_term_break_election_safety() {
    let mut w = World::new(3);
    w.lead(1, 3);
    w.step(&[1]);
    w.lead(2, 3);
    assert_eq!(w.step(&[2]), 1);
    let v = w.only();
    assert_eq!(v.invariant, Invariant::ElectionSafety);
    assert_eq!(v.nodes, vec![1, 2]);
    assert!(v.detail.to_string().contains("term 3"), "{}", v.detail);
    // Reported once, however long both stay leaders.
    for _ in 0..5 {
        assert_eq!(w.step(&[1, 2]), 0);
    }
    assert_eq!(w.checker.violations().len(), 1);
}

#[test]
fn leaders_of_different_terms_are_fine() {
    let mut w = World::new(3);
    w.lead(1, 1);
    w.step(&[1]);
    // A deposed leader that has not heard of term 2 yet still leads term 1.
    w.lead(2, 2);
    w.step(&[2]);
    w.follow(1, 2);
    w.step(&[1]);
    w.lead(3, 3);
    w.step(&[3]);
    w.assert_clean();
}

#[test]
fn crashed_nodes_are_not_leaders() {
    let mut w = World::new(3);
    // A node that crashed while leading term 2 still says Leader.
    w.lead(1, 2);
    w.node(1).alive = false;
    w.append(1, &[(2, "noop"), (2, "x=1")]);
    w.step(&[1]);
    w.lead(2, 2);
    w.step(&[2]);
    // While crashed it may lose entries without breaking Append-Only ...
    w.node(1).log.truncate_after(0);
    w.step(&[1]);
    // ... and it is not held to entries committed meanwhile.
    w.lead(3, 9);
    w.node(3).alive = false;
    w.step(&[3]);
    w.append(2, &[(2, "noop")]);
    w.commit(2, 1);
    w.step(&[2]);
    w.assert_clean();
}

#[test]
fn a_crash_ends_a_leadership() {
    let mut w = World::new(3);
    w.lead(1, 2);
    w.append(1, &[(2, "noop"), (2, "x=1")]);
    w.step(&[1]);
    w.node(1).alive = false;
    w.step(&[1]);
    w.node(1).log.truncate_after(1);
    w.step(&[1]);
    // Back up and, wrongly but not our concern here, still leader of term 2:
    // the shorter log is not held against the leadership that crashed.
    w.node(1).alive = true;
    w.step(&[1]);
    w.append(1, &[(2, "x=1")]);
    w.step(&[1]);
    w.assert_clean();
}

#[test]
fn a_leader_that_appends_is_fine() {
    let mut w = World::new(2);
    w.lead(1, 1);
    for k in 0..20 {
        w.append(1, &[(1, &*format!("k={k}"))]);
        w.step(&[1]);
    }
    w.assert_clean();
}

#[test]
fn a_truncated_leader_breaks_append_only() {
    let mut w = World::new(3);
    w.lead(1, 2);
    w.append(1, &[(1, "noop"), (2, "noop"), (2, "x=1")]);
    w.step(&[1]);
    w.append(2, &[(1, "noop"), (2, "noop"), (2, "x=1")]);
    w.step(&[2]);
    w.node(1).log.truncate_after(1);
    assert_eq!(w.step(&[1]), 1);
    let v = w.only();
    assert_eq!(v.invariant, Invariant::LeaderAppendOnly);
    assert_eq!(v.nodes, vec![1]);
    assert!(v.detail.to_string().contains("deleted entries 2..=3"), "{}", v.detail);
    // Node 2 still shows what index 2 held.
    assert_eq!(v.entries, vec![info(2, 2, 2, "noop")]);
    // Once: the next events see the truncated log as the new normal.
    w.append(1, &[(2, "noop")]);
    assert_eq!(w.step(&[1]), 0);
    assert_eq!(w.step(&[1]), 0);
}

#[test]
fn an_overwriting_leader_breaks_append_only() {
    let mut w = World::new(3);
    w.lead(1, 2);
    w.append(1, &[(2, "noop"), (2, "x=1"), (2, "y=1")]);
    w.step(&[1]);
    w.append(3, &[(2, "noop"), (2, "x=1"), (2, "y=1")]);
    w.step(&[3]);
    w.overwrite(1, 1, &[(2, "x=2"), (2, "y=1")]);
    // Node 3 holds the old term-2 entries, so Log Matching breaks as well.
    assert_eq!(w.step(&[1]), 2);
    let found = w.checker.violations();
    assert_eq!(found[0].invariant, Invariant::LogMatching);
    assert_eq!(found[0].nodes, vec![3, 1]);
    let v = &found[1];
    assert_eq!(v.invariant, Invariant::LeaderAppendOnly);
    assert_eq!(v.nodes, vec![1]);
    assert!(v.detail.to_string().contains("overwrote index 2"), "{}", v.detail);
    assert_eq!(v.entries, vec![info(3, 2, 2, "put(x=1)"), info(1, 2, 2, "put(x=2)")]);
}

#[test]
fn a_truncated_leader_is_caught_without_witnesses() {
    let mut w = World::new(2);
    w.lead(1, 1);
    w.append(1, &[(1, "noop"), (1, "x=1"), (1, "y=1")]);
    w.step(&[1]);
    w.node(1).log.truncate_after(1);
    assert_eq!(w.step(&[1]), 1);
    let v = w.only();
    assert_eq!(v.invariant, Invariant::LeaderAppendOnly);
    assert!(v.detail.to_string().contains("from index 2"), "{}", v.detail);
}

#[test]
fn logs_that_diverge_by_term_respect_log_matching() {
    let mut w = World::new(4);
    w.append(2, &[(1, "noop"), (2, "x=1")]);
    w.step(&[2]);
    w.append(4, &[(1, "noop"), (3, "x=2")]);
    w.step(&[4]);
    // Node 2 learns the term-3 history from node 4's leader.
    w.overwrite(2, 1, &[(3, "x=2"), (3, "y=1")]);
    w.step(&[2]);
    w.append(4, &[(3, "y=1")]);
    w.step(&[4]);
    w.assert_clean();
}

#[test]
fn same_index_and_term_over_different_prefixes_breaks_log_matching() {
    let mut w = World::new(4);
    w.append(2, &[(1, "noop"), (1, "a=1"), (2, "b=1"), (3, "c=1")]);
    w.step(&[2]);
    w.append(4, &[(1, "noop"), (2, "a=2"), (2, "b=1"), (3, "c=1")]);
    assert_eq!(w.step(&[4]), 1);
    let v = w.only();
    assert_eq!(v.invariant, Invariant::LogMatching);
    assert_eq!(v.nodes, vec![2, 4]);
    // Index 3 is the lowest (index, term) the two logs share.
    assert!(v.detail.to_string().contains("both hold term 2 at index 3 but differ before it"), "{}", v.detail);
    assert!(v.detail.to_string().contains("first difference at index 2"), "{}", v.detail);
    assert_eq!(
        v.entries,
        vec![
            info(2, 3, 2, "put(b=1)"),
            info(4, 3, 2, "put(b=1)"),
            info(2, 2, 1, "put(a=1)"),
            info(4, 2, 2, "put(a=2)"),
        ]
    );
    // Once, even as both logs keep growing alike.
    for id in [2, 4] {
        w.append(id, &[(3, "d=1")]);
        assert_eq!(w.step(&[id]), 0);
    }
    assert_eq!(w.step(&w.all()), 0);
}

#[test]
fn same_index_and_term_with_different_commands_breaks_log_matching() {
    let mut w = World::new(3);
    w.append(1, &[(1, "noop"), (2, "x=1")]);
    w.append(3, &[(1, "noop"), (2, "x=2")]);
    assert_eq!(w.step(&[1, 3]), 1);
    let v = w.only();
    assert_eq!(v.invariant, Invariant::LogMatching);
    assert_eq!(v.nodes, vec![1, 3]);
    assert!(v.detail.to_string().contains("at index 2 but with different commands"), "{}", v.detail);
}

#[test]
fn log_matching_rescans_a_log_rewritten_below_its_checked_point() {
    let mut w = World::new(3);
    w.append(2, &[(1, "noop"), (2, "a=1"), (2, "b=1")]);
    w.step(&[2]);
    w.append(3, &[(1, "noop"), (1, "z=1"), (3, "d=1")]);
    w.step(&[3]);
    w.assert_clean();
    // Same length as before, so only the digest shows the rewrite.
    w.overwrite(2, 1, &[(3, "c=1"), (3, "d=1")]);
    assert_eq!(w.step(&[2]), 1);
    let v = w.only();
    assert_eq!(v.invariant, Invariant::LogMatching);
    assert_eq!(v.nodes, vec![3, 2]);
    assert!(v.detail.to_string().contains("term 3 at index 3"), "{}", v.detail);
}

#[test]
fn a_new_leader_missing_a_committed_entry_breaks_leader_completeness() {
    let mut w = World::new(3);
    w.lead(1, 1);
    w.follow(2, 1);
    w.append(1, &[(1, "noop"), (1, "x=1")]);
    w.append(2, &[(1, "noop"), (1, "x=1")]);
    w.append(3, &[(1, "noop")]);
    w.step(&[1, 2, 3]);
    w.commit(1, 2);
    w.step(&[1]);
    w.commit(2, 2);
    w.step(&[2]);
    w.node(1).alive = false;
    w.step(&[1]);
    w.lead(3, 2);
    assert_eq!(w.step(&[3]), 1);
    let v = w.only();
    assert_eq!(v.invariant, Invariant::LeaderCompleteness);
    assert_eq!(v.nodes, vec![3, 1]);
    assert!(v.detail.to_string().contains("lacks the entry committed at index 2"), "{}", v.detail);
    assert!(v.detail.to_string().contains("it holds nothing there"), "{}", v.detail);
    // A crashed node's log survives, so node 1 can still show the entry.
    assert_eq!(v.entries, vec![info(1, 2, 1, "put(x=1)")]);
    for _ in 0..3 {
        assert_eq!(w.step(&w.all()), 0);
    }
}

#[test]
fn a_leader_of_a_higher_term_is_checked_when_the_commit_grows() {
    let mut w = World::new(3);
    w.lead(3, 5);
    w.step(&[3]);
    w.lead(1, 4);
    w.append(1, &[(4, "noop")]);
    w.commit(1, 1);
    assert_eq!(w.step(&[1]), 1);
    let v = w.only();
    assert_eq!(v.invariant, Invariant::LeaderCompleteness);
    assert_eq!(v.nodes, vec![3, 1]);
    // Once per leadership, although the prefix keeps growing.
    w.append(1, &[(4, "x=1")]);
    w.commit(1, 2);
    assert_eq!(w.step(&[1]), 0);
}

/// A deposed leader that never heard of the term that committed an entry is
/// not bound to hold it: the entry's own term is older than the deposed
/// leader's, but it was committed in a later term.
#[test]
fn a_stale_leader_need_not_hold_entries_committed_after_its_term() {
    let mut w = World::new(5);
    w.lead(1, 1);
    for id in 1..=5 {
        w.append(id, &[(1, "noop")]);
        w.commit(id, 1);
    }
    w.step(&w.all());
    w.append(1, &[(1, "x=1")]);
    w.append(2, &[(1, "x=1")]);
    w.step(&[1, 2]);
    // Nodes 3, 4 and 5 elect node 3 in term 2; it is cut off right after.
    w.follow(1, 2);
    w.lead(3, 2);
    w.append(3, &[(2, "noop")]);
    w.step(&[1, 3]);
    // Nodes 1, 2 and 4 elect node 2 in term 3, which commits x=1.
    w.lead(2, 3);
    w.append(2, &[(3, "noop")]);
    w.step(&[2]);
    for id in [1, 4] {
        w.follow(id, 3);
        w.overwrite(id, 1, &[(1, "x=1"), (3, "noop")]);
        w.step(&[id]);
    }
    w.commit(2, 3);
    w.step(&[2]);
    w.commit(1, 3);
    w.commit(4, 3);
    w.step(&[1, 4]);
    w.assert_clean();
    // A leader of term 4 is bound to it, though.
    w.lead(5, 4);
    assert_eq!(w.step(&[5]), 1);
    assert_eq!(w.only().invariant, Invariant::LeaderCompleteness);
}

#[test]
fn two_nodes_committing_different_entries_break_state_machine_safety() {
    let mut w = World::new(3);
    w.append(1, &[(1, "noop"), (1, "x=1")]);
    w.append(2, &[(1, "noop"), (2, "x=2")]);
    w.commit(1, 2);
    w.step(&[1]);
    w.commit(2, 2);
    assert_eq!(w.step(&[2]), 1);
    let v = w.only();
    assert_eq!(v.invariant, Invariant::StateMachineSafety);
    assert_eq!(v.nodes, vec![1, 2]);
    assert!(v.detail.to_string().contains("node 2 applied 2:put(x=2) at index 2"), "{}", v.detail);
    assert_eq!(v.entries, vec![info(1, 2, 1, "put(x=1)"), info(2, 2, 2, "put(x=2)")]);
    w.append(2, &[(2, "y=1")]);
    w.commit(2, 3);
    assert_eq!(w.step(&[2]), 0);
    assert_eq!(w.step(&w.all()), 0);
}

#[test]
fn a_restarted_node_that_applies_something_else_is_caught() {
    let mut w = World::new(2);
    for id in [1, 2] {
        w.append(id, &[(1, "noop"), (1, "x=1")]);
        w.commit(id, 2);
        w.step(&[id]);
    }
    w.assert_clean();
    let n2 = w.node(2);
    n2.commit = 0;
    n2.applied = 0;
    w.step(&[2]);
    w.overwrite(2, 1, &[(2, "x=9")]);
    w.commit(2, 2);
    assert_eq!(w.step(&[2]), 1);
    let v = w.only();
    assert_eq!(v.invariant, Invariant::StateMachineSafety);
    assert_eq!(v.nodes, vec![1, 2]);
}

#[test]
fn a_commit_index_past_the_log_breaks_state_machine_safety() {
    let mut w = World::new(2);
    w.append(1, &[(1, "noop"), (1, "x=1")]);
    w.node(1).commit = 3;
    assert_eq!(w.step(&[1]), 1);
    let v = w.only();
    assert_eq!(v.invariant, Invariant::StateMachineSafety);
    assert_eq!(v.nodes, vec![1]);
    assert!(v.detail.to_string().contains("commit index 3 but its log ends at index 2"), "{}", v.detail);
    // The entries it does hold still count as committed.
    assert_eq!(w.checker.committed_index(), 2);
    assert_eq!(w.step(&[1]), 0);
}

#[test]
fn violations_are_capped() {
    let mut w = World::new(2);
    for term in 1..=150 {
        w.lead(1, term);
        w.lead(2, term);
        // The count names what was added to `violations()`, and past the cap
        // nothing is.
        assert_eq!(w.step(&[1, 2]), usize::from(term <= 100));
    }
    assert_eq!(w.checker.violations().len(), MAX_VIOLATIONS);
    assert_eq!(w.checker.dropped(), 50);
    assert!(!w.checker.is_clean());
}

#[test]
fn a_clone_is_an_independent_snapshot() {
    let mut w = World::new(2);
    w.lead(1, 1);
    w.append(1, &[(1, "noop")]);
    w.step(&[1]);
    let snapshot = w.checker.clone();
    assert_eq!(snapshot, w.checker);
    w.lead(2, 1);
    w.step(&[2]);
    assert!(snapshot.is_clean());
    assert!(!w.checker.is_clean());
    // Rewinding to the snapshot replays the same verdict.
    w.checker = snapshot;
    assert_eq!(w.step(&[2]), 1);
}

#[test]
fn out_of_range_ids_are_ignored() {
    let mut w = World::new(2);
    w.lead(1, 1);
    assert_eq!(w.step(&[0, 1, 7]), 0);
    w.assert_clean();
}

#[test]
fn reports_read_as_one_line() {
    let v = Violation {
        event: 1234,
        time_us: 5_201_000,
        invariant: Invariant::LogMatching,
        nodes: vec![2, 4],
        entries: Vec::new(),
        operations: Vec::new(),
        detail: crate::util::msg::code("nodes 2 and 4 both hold term 3 at index 7 but differ before it"),
    };
    assert_eq!(
        v.to_string(),
        "event 1234 at 5.201s: Log Matching violated: nodes 2 and 4 both hold term 3 at index 7 but differ before it"
    );
    let names: Vec<String> = Invariant::ALL.iter().map(|i| i.to_string()).collect();
    assert_eq!(
        names,
        [
            "Election Safety",
            "Leader Append-Only",
            "Log Matching",
            "Leader Completeness",
            "State Machine Safety",
            "Client Acknowledged",
            "Applied State",
            "Linearizability",
            "Lease Safety",
        ]
    );
    for i in Invariant::ALL {
        assert_eq!(Invariant::from_word(i.word()), Some(i));
    }
    assert_eq!(Invariant::Linearizability.word(), "linearizability");
    assert!(Invariant::ALL.iter().all(|i| i.describe().ends_with('.')));
    assert_eq!(info(2, 7, 3, "put(x=1)").to_string(), "node 2 index 7: 3:put(x=1)");
}

/// A small deterministic generator for the randomized history below.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// Rules the model can be told to break, to show the checker catches the
/// classic mistakes.
#[derive(Clone, Copy, Default)]
struct Bugs {
    /// Voters ignore the up-to-date rule of §5.4.1.
    any_log_wins: bool,
    /// Followers append without the consistency check of §5.3.
    no_consistency_check: bool,
    /// Followers commit up to the leader's commit index even past the
    /// entries the leader's message vouched for.
    commit_unconfirmed: bool,
}

/// Raft reduced to atomic RPCs: elections with votes and the up-to-date
/// rule, replication with the consistency check from wherever the leader
/// guesses, commits by majority of the current term, crashes and restarts,
/// and leaders cut off long enough to outlive their term. Every history it
/// produces is one Raft allows, so the checker must find nothing.
fn run_model(seed: u64, n: usize, steps: usize, bugs: Bugs) -> World {
    let mut rng = Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1);
    let mut w = World::new(n);
    let mut voted: Vec<(Term, NodeId)> = vec![(0, 0); n];
    let mut matched: Vec<Vec<LogIndex>> = vec![vec![0; n]; n];
    let ids: Vec<NodeId> = (1..=n as NodeId).collect();
    for _ in 0..steps {
        let a = ids[rng.below(n as u64) as usize];
        let b = ids[rng.below(n as u64) as usize];
        let (ai, bi) = (a as usize - 1, b as usize - 1);
        match rng.below(1000) {
            // Node a stands for election and asks a random part of the cluster.
            0..=9 => {
                if !w.node(a).alive {
                    continue;
                }
                let term = w.node(a).term + 1;
                w.follow(a, term);
                w.node(a).role = Role::Candidate;
                voted[ai] = (term, a);
                let (last_index, last_term) = (w.node(a).log.last_index(), w.node(a).log.last_term());
                let mut votes = 1;
                let mut touched = vec![a];
                for v in ids.iter().copied().filter(|&v| v != a) {
                    let vi = v as usize - 1;
                    if !w.node(v).alive || rng.below(3) == 0 {
                        continue;
                    }
                    touched.push(v);
                    if w.node(v).term < term {
                        w.follow(v, term);
                    }
                    let free = voted[vi].0 < term || voted[vi].1 == a;
                    let up_to_date = bugs.any_log_wins || w.get(v).log.is_up_to_date(last_index, last_term);
                    if w.get(v).term == term && free && up_to_date {
                        voted[vi] = (term, a);
                        votes += 1;
                    }
                }
                if votes * 2 > n {
                    w.lead(a, term);
                    w.append(a, &[(term, "noop")]);
                    matched[ai] = vec![0; n];
                }
                w.step(&touched);
            }
            // Leader a replicates to b from a guessed position.
            10..=699 => {
                if a == b || !w.node(a).alive || !w.node(b).alive || w.node(a).role != Role::Leader {
                    continue;
                }
                let lt = w.node(a).term;
                if w.get(b).term > lt {
                    w.follow(a, w.get(b).term);
                    w.step(&[a]);
                    continue;
                }
                if w.node(b).term < lt || w.node(b).role != Role::Follower {
                    w.follow(b, lt);
                }
                let leader_last = w.node(a).log.last_index();
                let prev = if rng.below(2) == 0 { matched[ai][bi] } else { rng.below(leader_last + 1) };
                let sent = w.node(a).log.slice(prev + 1, prev + rng.below(9)).to_vec();
                if bugs.no_consistency_check || w.get(b).log.term_at(prev) == w.get(a).log.term_at(prev) {
                    let mut index = prev;
                    for e in sent {
                        index += 1;
                        match w.get(b).log.term_at(index) {
                            Some(t) if t == e.term => continue,
                            Some(_) => {
                                w.node(b).log.truncate_after(index - 1);
                                w.node(b).log.append(e);
                            }
                            // Without the consistency check the follower may be
                            // shorter than `prev`; it appends at its end.
                            None => {
                                index = w.get(b).log.last_index() + 1;
                                w.node(b).log.append(e)
                            }
                        }
                    }
                    let vouched = if bugs.commit_unconfirmed { w.get(b).log.last_index() } else { index };
                    let commit = w.get(a).commit.min(vouched);
                    if commit > w.get(b).commit {
                        w.commit(b, commit);
                    }
                    matched[ai][bi] = matched[ai][bi].max(index);
                }
                w.step(&[a, b]);
            }
            // Leader a takes a client command.
            700..=799 => {
                if w.node(a).alive && w.node(a).role == Role::Leader {
                    let term = w.node(a).term;
                    let k = rng.below(5);
                    w.append(a, &[(term, &*format!("k{k}={}", rng.below(100)))]);
                    w.step(&[a]);
                }
            }
            // Leader a commits what a majority holds of its own term.
            800..=969 => {
                if !w.node(a).alive || w.node(a).role != Role::Leader {
                    continue;
                }
                matched[ai][ai] = w.node(a).log.last_index();
                let mut sorted = matched[ai].clone();
                sorted.sort_unstable_by(|x, y| y.cmp(x));
                let majority = sorted[n / 2];
                let term = w.node(a).term;
                if majority > w.get(a).commit && w.get(a).log.term_at(majority) == Some(term) {
                    w.commit(a, majority);
                }
                w.step(&[a]);
            }
            970..=974 => {
                w.node(a).alive = false;
                w.step(&[a]);
            }
            _ => {
                if !w.node(a).alive {
                    let node = w.node(a);
                    node.alive = true;
                    node.role = Role::Follower;
                    node.commit = 0;
                    node.applied = 0;
                    w.step(&[a]);
                }
            }
        }
    }
    w
}

#[test]
fn randomized_raft_histories_are_clean() {
    let mut committed = 0;
    for seed in 0..300 {
        let n = [3, 5, 7][seed as usize % 3];
        let w = run_model(seed, n, 3_000, Bugs::default());
        assert!(w.checker.is_clean(), "seed {seed}: {}", w.checker.violations()[0]);
        committed += w.checker.committed_index();
    }
    // The model must actually commit things for the test to mean anything.
    assert!(committed > 1_000, "only {committed} entries committed");
}

/// Each bug must show up as a violation of the property it undermines in
/// some of the histories.
#[test]
fn randomized_histories_with_classic_bugs_are_caught() {
    let cases = [
        (Bugs { any_log_wins: true, ..Bugs::default() }, Invariant::LeaderCompleteness),
        (Bugs { no_consistency_check: true, ..Bugs::default() }, Invariant::LogMatching),
        (Bugs { commit_unconfirmed: true, ..Bugs::default() }, Invariant::StateMachineSafety),
    ];
    for (bugs, expected) in cases {
        let caught = (0..100)
            .map(|seed| run_model(seed, 5, 3_000, bugs))
            .filter(|w| w.checker.violations().iter().any(|v| v.invariant == expected))
            .count();
        assert!(caught > 0, "{expected} never broken");
    }
}
