//! §5.4.2 and Figure 8: a leader commits an entry of an earlier term only
//! indirectly, by committing an entry of its own term after it.

use super::*;

fn ok(term: Term, match_index: LogIndex) -> Message {
    Message::AppendEntriesReply(AppendEntriesReply {
        term,
        success: true,
        match_index,
        rejected_index: 0,
        conflict_index: 0,
        conflict_term: None,
        round: 0,
    })
}

#[test]
fn s5_4_2_leader_does_not_count_replicas_of_earlier_term_entries() {
    // Nodes 1 and 2 hold [1, 2, 2], committed nowhere; node 1 wins term 3
    // and appends its no-op at index 4.
    let mut c = Cluster::new(3);
    let old = entries_of_terms(&[1, 2, 2]);
    seed_log(c.node_mut(1), 3, old.clone());
    seed_log(c.node_mut(2), 3, old);
    c.timeout(1);
    c.deliver_votes();
    assert_eq!((c.node(1).role(), c.node(1).term()), (Role::Leader, 3));
    assert_eq!(log_terms(c.node(1)), vec![1, 2, 2, 3]);
    c.net.clear();

    // Node 2 confirms index 3: indexes 1..3 are now on 2 of 3 nodes, a
    // majority, but index 3 is of term 2, so nothing may be committed.
    let ready = c.deliver(2, 1, ok(3, 3));
    assert_eq!(c.node(1).progress(2).unwrap().match_index, 3);
    assert_eq!(c.node(1).commit_index(), 0);
    assert!(!ready.events.iter().any(|e| matches!(e, NodeEvent::Committed { .. })));

    // Once the no-op of term 3 is on a majority, it commits, and every
    // earlier entry with it.
    let ready = c.deliver(2, 1, ok(3, 4));
    assert_eq!(c.node(1).commit_index(), 4);
    assert_eq!(ready.events, vec![NodeEvent::Committed { index: 4 }]);
    assert_eq!(c.node(1).last_applied(), 4);
    assert_eq!(c.node(1).kv().len(), 3);
}

/// Builds the situation of Figure 8 (c) with five nodes, with the no-op a
/// leader appends at the start of its term:
///
/// ```text
///        index: 1   2..21       22
///   S1 (leader) 1   2 2 .. 2    4
///   S2          1   2 2 .. 2    4
///   S3          1   2 .. 2 (2..17 only)
///   S4          1
///   S5          1   3
/// ```
///
/// S1 has just learned that S3 holds entries up to 17: entries 2..17 of
/// term 2 are on S1, S2 and S3, a majority. S4 and S5 are cut off.
fn figure_8c() -> Cluster {
    figure_8c_with(true)
}

/// [`figure_8c`] with the rule `commit-current-term` on or off.
pub(super) fn figure_8c_with(commit_current_term: bool) -> Cluster {
    let mut c = Cluster::new(5);
    c.set_rule(Rule::CommitCurrentTerm, commit_current_term);
    // S1 leads term 1; every node holds the term-1 no-op.
    c.elect(1);

    // (a) S1 leads term 2 (all vote), but its no-op and 19 client puts,
    // indexes 2..21, reach only S2: not a majority, not committed.
    c.timeout(1);
    c.deliver_votes();
    assert_eq!((c.node(1).role(), c.node(1).term()), (Role::Leader, 2));
    for id in 3..=5 {
        c.isolate(id);
    }
    for request in 1..=19 {
        c.client_request(1, request, Command::put(&format!("x{request}"), "from term 2"));
    }
    c.deliver_all();
    assert_eq!(log_terms(c.node(2)), terms(&[(1, 1), (2, 20)]));
    assert_eq!(c.node(1).commit_index(), 1);

    // (b) S1 crashes. S5 wins term 3 with the votes of S3 and S4 (S2 refuses:
    // its log ends in term 2), appends its own entry at index 2, and crashes
    // before sending it anywhere.
    c.isolate(1);
    for id in 3..=5 {
        c.heal(id);
    }
    c.timeout(5);
    c.deliver_votes();
    assert_eq!((c.node(5).role(), c.node(5).term()), (Role::Leader, 3));
    assert_eq!(c.node(5).votes_granted().collect::<Vec<_>>(), vec![3, 4, 5]);
    c.isolate(5);
    c.deliver_all(); // S5's AppendEntries are lost
    assert_eq!(log_terms(c.node(5)), vec![1, 3]);
    assert_eq!(log_terms(c.node(3)), vec![1]);

    // (c) S1 restarts. In term 3 S3 and S4 already voted for S5, so S1's
    // first try fails; in term 4 it wins with S2, S3 and S4.
    c.events.clear(); // from here on, the events of S1's new life
    c.reasons.clear();
    c.restart(1);
    c.heal(1);
    c.timeout(1);
    c.deliver_votes();
    assert_eq!((c.node(1).role(), c.node(1).term()), (Role::Candidate, 3));
    c.timeout(1);
    c.deliver_votes();
    assert_eq!((c.node(1).role(), c.node(1).term()), (Role::Leader, 4));
    assert_eq!(log_terms(c.node(1)), [terms(&[(1, 1), (2, 20)]), vec![4]].concat());

    // S1 goes on replicating; S4 is cut off so that S3 makes the majority.
    // S3's log is short: S1 backs up to index 2 and sends a first batch of
    // 16 entries, 2..17, all of term 2.
    c.isolate(4);
    while c.node(1).progress(3).unwrap().match_index < 17 {
        assert!(c.deliver_next(), "S3 never caught up");
    }
    c
}

#[test]
fn s5_4_2_figure8_entry_of_earlier_term_on_a_majority_is_not_committed() {
    let c = figure_8c();
    assert_eq!(c.node(1).progress(2).unwrap().match_index, 22);
    assert_eq!(c.node(1).progress(3).unwrap().match_index, 17);
    for id in [2, 3] {
        assert_eq!(c.node(id).log().slice(1, 17), c.node(1).log().slice(1, 17));
    }
    // Entries 1..17 are on S1, S2 and S3, yet the restarted leader has
    // committed nothing: the highest entry on a majority is of term 2.
    assert_eq!(c.node(1).commit_index(), 0);
    assert!(!c.events_of(1).iter().any(|e| matches!(e, NodeEvent::Committed { .. })));
    assert!(c.client_replies().is_empty());
}

#[test]
fn s5_4_2_figure8_why_counting_would_be_unsafe_s5_can_still_overwrite() {
    // Figure 8 (d): had S1 committed index 2 by counting replicas, this run
    // would lose a committed entry. S1 crashes; S5 (last entry 3/2) is more
    // up-to-date than S3 (2/17) and S4 (1/1) and wins term 5 with them.
    let mut c = figure_8c();
    c.isolate(1);
    c.heal(4);
    c.heal(5);
    c.timeout(5); // term 4: everyone already voted for S1
    c.deliver_votes();
    assert_eq!(c.node(5).role(), Role::Candidate);
    c.timeout(5);
    c.deliver_all();
    assert_eq!((c.node(5).role(), c.node(5).term()), (Role::Leader, 5));
    assert_eq!(c.node(5).votes_granted().collect::<Vec<_>>(), vec![3, 4, 5]);
    // S3's copies of entries 2..17 of term 2 are gone, replaced by S5's log,
    // and S5 commits a different entry at index 2.
    assert_eq!(log_terms(c.node(3)), vec![1, 3, 5]);
    assert!(c.events_of(3).contains(&NodeEvent::Truncated { after: 1, removed: 16 }));
    assert_eq!(c.node(5).commit_index(), 3);
    assert_eq!(c.node(5).log().entry(2).unwrap().term, 3);
}

#[test]
fn s5_4_2_figure8_earlier_entries_commit_with_the_leaders_noop() {
    // Figure 8 (e): S1 instead gets its term-4 no-op onto a majority (S3
    // receives the rest of its catch-up), which commits 1..22 in one step.
    let mut c = figure_8c();
    c.deliver_all();
    assert_eq!(c.node(1).progress(3).unwrap().match_index, 22);
    assert_eq!(c.node(1).commit_index(), 22);
    let commits: Vec<_> = c.events_of(1).into_iter().filter(|e| matches!(e, NodeEvent::Committed { .. })).collect();
    assert_eq!(commits, vec![NodeEvent::Committed { index: 22 }]);
    // The 19 puts of term 2 are applied, and the leader answers them.
    assert_eq!(c.node(1).kv().len(), 19);
    assert_eq!(c.node(1).kv().get("x7"), Some("from term 2"));
    let replies = c.client_replies();
    assert_eq!(replies.iter().map(|r| r.0).collect::<Vec<_>>(), (1..=19).collect::<Vec<_>>());
    assert!(replies.iter().all(|r| r.1 == ClientOutcome::Applied(Applied::Done)));
    // S5 (last entry 3/2) can no longer win S3's vote: S3's log ends in term 4.
    assert!(!c.node(3).log().is_up_to_date(2, 3));
}
