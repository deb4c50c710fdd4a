//! §5.3: log replication, the consistency check, conflict repair with fast
//! backtracking, and batching of a long catch-up.

use super::*;

/// A follower (node 2 of 3) whose log has the given terms, received from
/// node 3 in the term of its last entry.
fn follower(log: &[Term]) -> Node {
    let mut n = Node::new(2, 3);
    seed_log(&mut n, 3, entries_of_terms(log));
    n
}

fn rejection(rejected_index: LogIndex, conflict_index: LogIndex, conflict_term: Option<Term>, term: Term) -> Message {
    Message::AppendEntriesReply(AppendEntriesReply {
        term,
        success: false,
        match_index: 0,
        rejected_index,
        conflict_index,
        conflict_term,
        round: 0,
    })
}

fn success(match_index: LogIndex, term: Term) -> Message {
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

// ----- the follower's side -----

#[test]
fn s5_3_replication_consistency_check_rejects_missing_prev_entry() {
    let mut n = follower(&[1, 1]);
    let ready = step(&mut n, 1, append_entries(1, 1, (5, 1), vec![put_entry(1, 5)], 5));
    // The hint says where the follower's log ends: the leader can jump there.
    assert_eq!(only_message(&ready, 1), &rejection(5, 3, None, 1));
    assert_eq!(log_terms(&n), vec![1, 1]);
    assert_eq!(n.commit_index(), 0, "nothing is committed through a failed check");
    // The check failed, but the sender is the leader of our term.
    assert_eq!(n.leader(), Some(1));
    assert_eq!(ready.election_timer, Some(TimerRequest::Reset));
}

#[test]
fn s5_3_replication_consistency_check_rejects_prev_entry_of_another_term() {
    let mut n = follower(&[1, 2, 2, 2]);
    // The leader of term 3 has a term-3 entry at index 4; ours is of term 2.
    let ready = step(&mut n, 1, append_entries(3, 1, (4, 3), vec![put_entry(3, 9)], 0));
    // The hint names our conflicting term and its first index, 2.
    assert_eq!(only_message(&ready, 1), &rejection(4, 2, Some(2), 3));
    assert_eq!(log_terms(&n), vec![1, 2, 2, 2], "a rejected message truncates nothing");

    let ready = step(&mut n, 1, append_entries(3, 1, (3, 3), vec![], 0));
    assert_eq!(only_message(&ready, 1), &rejection(3, 2, Some(2), 3));
}

#[test]
fn s5_3_replication_conflict_hint_is_first_index_of_the_term_at_prev() {
    let mut n = follower(&[1, 1, 2, 2, 3, 3, 3]);
    let ready = step(&mut n, 1, append_entries(4, 1, (6, 4), vec![], 0));
    assert_eq!(only_message(&ready, 1), &rejection(6, 5, Some(3), 4));
    let ready = step(&mut n, 1, append_entries(4, 1, (4, 4), vec![], 0));
    assert_eq!(only_message(&ready, 1), &rejection(4, 3, Some(2), 4));
}

#[test]
fn s5_3_replication_truncates_from_the_first_conflicting_entry_only() {
    let mut n = follower(&[1, 1, 2, 2]);
    // Index 2 matches (same term, same entry); index 3 conflicts.
    let sent = vec![put_entry(1, 1), put_entry(3, 2)];
    let ready = step(&mut n, 1, append_entries(3, 1, (1, 1), sent, 0));
    assert_eq!(only_message(&ready, 1), &success(3, 3));
    assert_eq!(n.log().entries(), &[put_entry(1, 0), put_entry(1, 1), put_entry(3, 2)]);
    assert_eq!(
        ready.events,
        vec![NodeEvent::Became { role: Role::Follower, term: 3 }, NodeEvent::Truncated { after: 2, removed: 2 }]
    );
}

#[test]
fn s5_3_replication_delayed_prefix_does_not_truncate_later_entries() {
    let mut n = Node::new(2, 3);
    let all = entries_of_terms(&[1, 1, 1, 1, 1]);
    // The leader sent entries 1..3, then 1..5; the network delivers the
    // newer message first. The old one vouches only for a prefix of what
    // the follower holds, and must not erase entries 4 and 5.
    step(&mut n, 1, append_entries(1, 1, (0, 0), all.clone(), 0));
    let ready = step(&mut n, 1, append_entries(1, 1, (0, 0), all[..3].to_vec(), 0));
    assert_eq!(only_message(&ready, 1), &success(3, 1), "it confirms only what the message covered");
    assert_eq!(n.log().entries(), &all[..]);
    assert!(ready.events.is_empty(), "{:?}", ready.events);

    // Same with a prev entry in the middle of the log.
    let ready = step(&mut n, 1, append_entries(1, 1, (2, 1), all[2..4].to_vec(), 0));
    assert_eq!(only_message(&ready, 1), &success(4, 1));
    assert_eq!(n.log().entries(), &all[..]);
}

#[test]
fn s5_3_replication_follower_commit_is_min_of_leader_commit_and_last_new_entry() {
    // Entries 4 and 5 (term 2) came from a deposed leader and may differ
    // from the current leader's log.
    let mut n = follower(&[1, 1, 1, 2, 2]);
    // A heartbeat of term 3 vouches for the log up to index 3 only.
    step(&mut n, 1, append_entries(3, 1, (3, 1), vec![], 5));
    assert_eq!(n.commit_index(), 3, "entries 4 and 5 were not confirmed by this message");
    assert_eq!(n.last_applied(), 3);
    assert_eq!(n.kv().len(), 3);

    // The leader replaces index 4; commit follows the last new entry.
    step(&mut n, 1, append_entries(3, 1, (3, 1), vec![put_entry(3, 3)], 5));
    assert_eq!(log_terms(&n), vec![1, 1, 1, 3]);
    assert_eq!(n.commit_index(), 4);
    assert_eq!(n.kv().get("k3_3"), Some("v3"));
    assert_eq!(n.kv().get("k2_3"), None, "the deposed leader's entry was never applied");

    // With entries beyond the leader's commit index, the leader's index wins.
    step(&mut n, 1, append_entries(3, 1, (4, 3), vec![put_entry(3, 4), put_entry(3, 5)], 5));
    assert_eq!(n.commit_index(), 5);
    assert_eq!(n.last_applied(), 5);
    // A commit index never goes back, even if a delayed message says less.
    step(&mut n, 1, append_entries(3, 1, (1, 1), vec![], 1));
    assert_eq!(n.commit_index(), 5);
}

// ----- the leader's side -----

#[test]
fn s5_3_replication_leader_commits_once_a_majority_stores_the_entry() {
    let mut c = Cluster::new(3);
    c.elect(1);
    c.isolate(3);
    let ready = c.client_request(1, 1, Command::put("x", "1"));
    let put = Entry { term: 1, command: Command::put("x", "1"), request: Some(1) };
    assert_eq!(sent_to(&ready, 2), vec![&with_round(append_entries(1, 1, (1, 1), vec![put.clone()], 1), 1)]);
    assert_eq!(c.node(1).commit_index(), 1, "the leader alone is no majority");

    c.deliver_all();
    // Leader and node 2 are 2 of 3.
    assert_eq!(c.node(1).commit_index(), 2);
    assert_eq!(c.node(1).progress(2).unwrap().match_index, 2);
    assert_eq!(c.node(1).progress(3).unwrap().match_index, 1);
    assert_eq!(c.node(1).kv().get("x"), Some("1"));
    // Node 2 stored the entry before the leader knew it was committed.
    assert_eq!(c.node(2).log().entry(2), Some(&put));
    assert_eq!(c.node(2).commit_index(), 1);
    c.heartbeat(1);
    c.deliver_all();
    assert_eq!(c.node(2).commit_index(), 2);
    assert_eq!(c.node(2).kv().get("x"), Some("1"));
    assert_eq!(c.node(3).log().last_index(), 1);
}

#[test]
fn s5_3_replication_fast_backtracking_skips_a_whole_term_per_round_trip() {
    let mut c = Cluster::new(3);
    let leader_log = terms(&[(1, 1), (4, 30)]);
    // Node 3 holds 40 entries the others never got, of two terms, 2 and 3.
    let stale_log = terms(&[(1, 1), (2, 20), (3, 20)]);
    seed_log(c.node_mut(1), 2, entries_of_terms(&leader_log));
    seed_log(c.node_mut(2), 1, entries_of_terms(&leader_log));
    seed_log(c.node_mut(3), 1, entries_of_terms(&stale_log));
    c.elect(1); // term 5; node 3 votes too since 4 > 3
    assert_eq!(c.node(1).term(), 5);

    // One rejection per conflicting term, not per entry (that would be 30):
    // first at index 31 (term 3, which starts at 22), then at index 21
    // (term 2, which starts at 2). The leader has neither term, so it jumps
    // straight to each hinted index.
    assert_eq!(c.rejections_from(3), vec![(Some(3), 22), (Some(2), 2)]);
    assert_eq!(c.appends_to(3, 0).iter().map(|a| a.0).collect::<Vec<_>>(), vec![31, 21, 1, 17]);
    assert_eq!(c.node(3).log().entries(), c.node(1).log().entries());
    assert_eq!(c.node(3).log().last_index(), 32);
    assert!(c.events_of(3).contains(&NodeEvent::Truncated { after: 1, removed: 40 }));
    assert_eq!(c.rejections_from(2), vec![]);
    assert_eq!(c.node(1).commit_index(), 32);
}

#[test]
fn s5_3_replication_fast_backtracking_stops_at_leaders_last_entry_of_conflicting_term() {
    let mut c = Cluster::new(3);
    // Term 2's leader gave nodes 1 and 2 five entries and node 3 ten.
    let leader_log = terms(&[(1, 1), (2, 5), (4, 10)]);
    let stale_log = terms(&[(1, 1), (2, 10), (3, 10)]);
    seed_log(c.node_mut(1), 2, entries_of_terms(&leader_log));
    seed_log(c.node_mut(2), 1, entries_of_terms(&leader_log));
    seed_log(c.node_mut(3), 1, entries_of_terms(&stale_log));
    c.elect(1); // term 5, no-op at 17

    // Probe at 16 hits node 3's term 3 (first index 12), which the leader
    // lacks: next probe at 11, which hits term 2. The leader has term 2 up to
    // index 6, so the logs agree there: the third probe succeeds at once,
    // and node 3's entries 2..6 are kept.
    assert_eq!(c.rejections_from(3), vec![(Some(3), 12), (Some(2), 2)]);
    // (Node 2's success commits the no-op before node 3's first rejection
    // comes back, hence leader_commit 17 from the second probe on.)
    assert_eq!(c.appends_to(3, 0), vec![(16, 1, 0), (11, 6, 17), (6, 11, 17)]);
    assert_eq!(
        c.events_of(3).into_iter().filter(|e| matches!(e, NodeEvent::Truncated { .. })).collect::<Vec<_>>(),
        vec![NodeEvent::Truncated { after: 6, removed: 15 }]
    );
    assert_eq!(c.node(3).log().entries(), c.node(1).log().entries());
    assert_eq!(c.node(1).commit_index(), 17);
}

#[test]
fn s5_3_replication_long_catch_up_goes_out_in_batches() {
    let mut c = Cluster::new(3);
    c.elect(1);
    c.isolate(3);
    for request in 1..=40 {
        c.client_request(1, request, Command::put(&format!("k{request}"), "v"));
    }
    c.deliver_all();
    assert_eq!(c.node(1).commit_index(), 41);

    c.heal(3);
    let mark = c.delivered.len();
    c.heartbeat(1);
    c.deliver_all();
    // The heartbeat finds node 3's log short (hint: its end, 2); then the
    // leader sends 40 entries as 16 + 16 + 8, one batch per round trip.
    // Each batch lets node 3 commit up to its last entry, never beyond.
    assert_eq!(c.rejections_from(3), vec![(None, 2)]);
    assert_eq!(c.appends_to(3, mark), vec![(41, 0, 41), (1, 16, 41), (17, 16, 41), (33, 8, 41)]);
    let commits: Vec<_> = c
        .events_of(3)
        .into_iter()
        .filter_map(|e| if let NodeEvent::Committed { index } = e { Some(index) } else { None })
        .collect();
    assert_eq!(commits, vec![17, 33, 41]);
    assert_eq!(c.node(3).log().entries(), c.node(1).log().entries());
    assert_eq!(c.node(3).kv().len(), 40);
    assert_eq!(c.node(1).progress(3).unwrap().match_index, 41);
}

#[test]
fn s5_3_replication_leader_retries_after_a_lost_append_entries() {
    let mut c = Cluster::new(3);
    c.elect(1);
    c.client_request(1, 1, Command::put("x", "1"));
    // The AppendEntries carrying index 2 to node 2 is lost.
    c.net.retain(|(_, to, _)| *to != 2);
    c.deliver_all();
    assert_eq!(c.node(2).log().last_index(), 1);
    // The next heartbeat's consistency check exposes the gap and the leader
    // resends the entry.
    c.heartbeat(1);
    c.deliver_all();
    assert_eq!(c.rejections_from(2), vec![(None, 2)]);
    assert_eq!(c.node(2).log().entries(), c.node(1).log().entries());
    assert_eq!(c.node(1).progress(2).unwrap().match_index, 2);
}
