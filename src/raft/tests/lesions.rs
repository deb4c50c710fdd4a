//! The lesions (issue 12): each rule switched off changes exactly the
//! decision it governs, where the rule lives.

use super::*;

#[test]
fn s5_4_2_lesion_commit_current_term_off_counts_replicas_of_an_old_term() {
    // Figure 8 (c): entries 2..17 of term 2 are on S1, S2 and S3.
    let c = super::commit::figure_8c_with(false);
    assert_eq!(c.node(1).commit_index(), 17, "S1 counted the term-2 replicas");
    let committed = c.reasons_of(1).into_iter().find(|r| matches!(r, Reason::LeaderCommittedOldTerm { .. }));
    assert_eq!(
        committed,
        Some(Reason::LeaderCommittedOldTerm {
            node: 1,
            index: 17,
            entry_term: 2,
            term: 4,
            stored_on: NodeSet::of(&[1, 2, 3])
        })
    );
    assert_eq!(committed.unwrap().lesion(), Some(Rule::CommitCurrentTerm));
}

#[test]
fn s5_2_lesion_vote_once_off_grants_a_second_vote_in_a_term() {
    let mut n = Node::new(3, 3);
    step(&mut n, 1, request_vote(1, 1, 0, 0));
    for (rule_on, granted) in [(true, false), (false, true)] {
        let mut n = n.clone();
        n.set_rule(Rule::VoteOnce, rule_on);
        let ready = step(&mut n, 2, request_vote(1, 2, 0, 0));
        assert!(matches!(only_message(&ready, 2), Message::RequestVoteReply(r) if r.vote_granted == granted));
        let reason = ready.reasons[0];
        assert_eq!(matches!(reason, Reason::VoteGrantedTwice { earlier: 1, .. }), !rule_on, "{reason}");
        assert_eq!(n.voted_for(), Some(if granted { 2 } else { 1 }));
    }
}

#[test]
fn s5_4_1_lesion_vote_up_to_date_off_votes_for_a_log_that_is_behind() {
    let mut n = Node::new(3, 3);
    seed_log(&mut n, 1, entries_of_terms(&[1, 2, 2]));
    for (rule_on, granted) in [(true, false), (false, true)] {
        let mut n = n.clone();
        n.set_rule(Rule::VoteUpToDate, rule_on);
        let ready = step(&mut n, 2, request_vote(3, 2, 1, 1));
        assert!(matches!(only_message(&ready, 2), Message::RequestVoteReply(r) if r.vote_granted == granted));
        let behind = matches!(ready.reasons.last(), Some(Reason::VoteGrantedLogBehind { .. }));
        assert_eq!(behind, !rule_on);
    }
}

#[test]
fn persistence_lesions_lose_what_the_rule_would_keep() {
    let mut c = Cluster::new(3);
    c.elect(1);
    // (rule switched off, term after restart, vote after restart, log length after restart, lost)
    let cases = [
        (None, 1, Some(1), 1, None),
        (Some(Rule::PersistTerm), 0, Some(1), 1, Some(1)),
        (Some(Rule::PersistVote), 1, None, 1, Some(1)),
        (Some(Rule::PersistLog), 1, Some(1), 0, Some(1)),
    ];
    for (off, term, vote, log_len, lost) in cases {
        let mut n = c.node(2).clone();
        if let Some(rule) = off {
            n.set_rule(rule, false);
        }
        let mut ready = Ready::default();
        n.restart(&mut ready);
        assert_eq!((n.term(), n.voted_for(), n.log().last_index()), (term, vote, log_len), "{off:?}");
        let lost_reason = ready.reasons.iter().find(|r| matches!(r, Reason::RestartLost { .. })).copied();
        assert_eq!(lost_reason, off.zip(lost).map(|(rule, lost)| Reason::RestartLost { node: 2, rule, lost }));
        assert_eq!(n.rules().is_on(off.unwrap_or(Rule::PersistLog)), off.is_none(), "a restart keeps the rules");
    }
}

#[test]
fn s5_3_lesion_truncate_on_conflict_off_keeps_the_stale_suffix() {
    let mut n = Node::new(2, 3);
    seed_log(&mut n, 3, entries_of_terms(&[1, 1, 2, 2, 2]));
    n.set_rule(Rule::TruncateOnConflict, false);
    // The leader of term 3 sends a term-3 entry for index 3.
    let ready = step(&mut n, 1, append_entries(3, 1, (2, 1), vec![put_entry(3, 9)], 0));
    assert_eq!(log_terms(&n), vec![1, 1, 3, 2, 2], "index 3 overwritten, 4 and 5 kept");
    assert!(ready.events.contains(&NodeEvent::Overwrote { from: 3, kept: 2 }), "{:?}", ready.events);
    assert!(ready.reasons.contains(&Reason::ConflictOverwritten {
        node: 2,
        leader: 1,
        index: 3,
        our_term: 2,
        leader_term: 3,
        kept: 2
    }));
    assert!(matches!(only_message(&ready, 1), Message::AppendEntriesReply(r) if r.success && r.match_index == 3));
}

#[test]
fn figure2_lesion_follower_commit_bound_off_commits_past_the_last_new_entry() {
    // A follower of term 2 with [1, 2, 2, 2]; the leader of term 2 confirms
    // only index 2 (a heartbeat with prev = 2) and has committed 4.
    let mut n = Node::new(2, 3);
    seed_log(&mut n, 3, entries_of_terms(&[1, 2, 2, 2]));
    for (rule_on, commit) in [(true, 2), (false, 4)] {
        let mut n = n.clone();
        n.set_rule(Rule::FollowerCommitBound, rule_on);
        let ready = step(&mut n, 3, append_entries(2, 3, (2, 2), vec![], 4));
        assert_eq!(n.commit_index(), commit);
        let unbounded =
            Reason::FollowerCommittedUnbounded { node: 2, leader: 3, index: 4, leader_commit: 4, last_new: 2 };
        assert_eq!(ready.reasons.contains(&unbounded), !rule_on);
    }
}
