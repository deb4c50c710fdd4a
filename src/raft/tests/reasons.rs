//! Every decision comes with its reason, naming the rule and the values it
//! compared (issue 9: "a why for every decision").

use super::*;

/// A node (id 3 of 3) in term `term` whose log has the terms `log`, and
/// that voted for `voted_for` in that term.
fn voter(log: &[Term], term: Term, voted_for: Option<NodeId>) -> Node {
    let mut n = Node::new(3, 3);
    if !log.is_empty() {
        seed_log(&mut n, 2, entries_of_terms(log));
    }
    if let Some(v) = voted_for {
        let last = (n.log().last_index(), n.log().last_term());
        let granted = step(&mut n, v, request_vote(term, v, last.0, last.1));
        assert!(matches!(only_message(&granted, v), Message::RequestVoteReply(r) if r.vote_granted));
    } else if term > n.term() {
        // A heartbeat of a leader of `term` that does not know our log.
        step(&mut n, 2, append_entries(term, 2, (99, 99), vec![], 0));
    }
    assert_eq!(n.term(), term);
    n
}

/// (voter's log, its term, its vote, RequestVote(term, candidate, last index, last term), reason)
type VoteCase = (&'static [Term], Term, Option<NodeId>, Message, Reason);

#[test]
fn s5_4_1_every_vote_comes_with_its_reason() {
    let cases: Vec<VoteCase> = vec![
        (
            &[1, 2],
            2,
            None,
            request_vote(3, 1, 2, 2),
            Reason::VoteGranted {
                voter: 3,
                candidate: 1,
                term: 3,
                candidate_last_term: 2,
                candidate_last_index: 2,
                voter_last_term: 2,
                voter_last_index: 2,
            },
        ),
        (
            &[1, 3],
            3,
            None,
            request_vote(4, 1, 5, 2),
            Reason::VoteRefusedLogBehind {
                voter: 3,
                candidate: 1,
                term: 4,
                candidate_last_term: 2,
                voter_last_term: 3,
            },
        ),
        (
            &[1, 3, 3, 3],
            3,
            None,
            request_vote(4, 1, 2, 3),
            Reason::VoteRefusedLogShorter {
                voter: 3,
                candidate: 1,
                term: 4,
                last_term: 3,
                candidate_last_index: 2,
                voter_last_index: 4,
            },
        ),
        (
            &[1],
            4,
            Some(2),
            request_vote(4, 1, 1, 1),
            Reason::VoteRefusedAlreadyVoted { voter: 3, candidate: 1, term: 4, voted_for: 2 },
        ),
        (
            &[1],
            5,
            None,
            request_vote(3, 1, 9, 3),
            Reason::VoteRefusedStaleTerm { voter: 3, candidate: 1, candidate_term: 3, voter_term: 5 },
        ),
    ];
    for (i, (log, term, voted_for, request, reason)) in cases.into_iter().enumerate() {
        let mut n = voter(log, term, voted_for);
        let ready = step(&mut n, 1, request);
        assert_eq!(ready.reasons.last(), Some(&reason), "case {i}");
        let granted = matches!(reason, Reason::VoteGranted { .. });
        assert!(matches!(only_message(&ready, 1), Message::RequestVoteReply(r) if r.vote_granted == granted));
    }
}

#[test]
fn s5_3_every_rejected_append_entries_comes_with_its_reason() {
    // A follower (node 2) of term 3 whose log has the terms [1, 2, 2].
    // (AppendEntries(term, prev index, prev term), reason)
    let cases = [
        (
            append_entries(3, 1, (7, 3), vec![], 0),
            Reason::AppendRejectedLogShort { follower: 2, leader: 1, prev_index: 7, last_index: 3 },
        ),
        (
            append_entries(3, 1, (3, 3), vec![], 0),
            Reason::AppendRejectedTermMismatch {
                follower: 2,
                leader: 1,
                prev_index: 3,
                follower_term: 2,
                leader_term: 3,
            },
        ),
        (
            append_entries(1, 1, (3, 2), vec![], 0),
            Reason::AppendRejectedStaleTerm { follower: 2, leader: 1, leader_term: 1, follower_term: 3 },
        ),
    ];
    for (i, (msg, reason)) in cases.into_iter().enumerate() {
        let mut n = Node::new(2, 3);
        seed_log(&mut n, 3, entries_of_terms(&[1, 2, 2]));
        step(&mut n, 3, append_entries(3, 3, (3, 2), vec![], 0));
        let ready = step(&mut n, 1, msg);
        assert_eq!(ready.reasons, vec![reason], "case {i}");
        assert!(matches!(only_message(&ready, 1), Message::AppendEntriesReply(r) if !r.success), "case {i}");
    }
}

#[test]
fn s5_3_a_deleted_conflict_and_a_follower_commit_say_why() {
    let mut n = Node::new(2, 3);
    seed_log(&mut n, 3, entries_of_terms(&[1, 1, 2, 2]));
    // The leader of term 3 holds the same index 2 and a term-3 entry at 3.
    let ready = step(&mut n, 1, append_entries(3, 1, (1, 1), vec![put_entry(1, 1), put_entry(3, 2)], 7));
    assert_eq!(
        ready.reasons,
        vec![
            Reason::SawHigherTerm { node: 2, term: 3, old_term: 2, from: 1 },
            Reason::ConflictDeleted { node: 2, leader: 1, index: 3, our_term: 2, leader_term: 3, removed: 2 },
            Reason::FollowerCommitted { node: 2, leader: 1, index: 3, leader_commit: 7, last_new: 3 },
        ]
    );
    let text = ready.reasons[1].to_string();
    assert_eq!(
        text,
        "S2 deleted 2 entries from index 3 on: its entry at index 3 is of term 2, the leader S1's of term 3 (§5.3)"
    );
}

#[test]
fn s5_2_every_role_change_says_why() {
    let mut c = Cluster::new(3);
    c.timeout(1);
    c.deliver_all();
    c.timeout(2);
    c.deliver_votes();
    let mut n1 = c.reasons_of(1).into_iter();
    assert_eq!(n1.next(), Some(Reason::ElectionTimerFired { node: 1, term: 1 }));
    assert_eq!(
        n1.next(),
        Some(Reason::WonElection { node: 1, term: 1, votes: NodeSet::of(&[1, 2]), voters: 3 }),
        "S2's vote came first; S3's arrived after the win"
    );
    let stepped_down: Vec<Reason> =
        c.reasons_of(1).into_iter().filter(|r| matches!(r, Reason::SawHigherTerm { .. })).collect();
    assert_eq!(stepped_down, vec![Reason::SawHigherTerm { node: 1, term: 2, old_term: 1, from: 2 }]);

    // A candidate that hears the leader of its own term follows it.
    let mut candidate = Node::new(2, 3);
    candidate.force_timeout(&mut Ready::default());
    candidate.force_timeout(&mut Ready::default());
    assert_eq!((candidate.role(), candidate.term()), (Role::Candidate, 2));
    let ready = step(&mut candidate, 3, append_entries(2, 3, (0, 0), vec![], 0));
    assert_eq!(ready.reasons[0], Reason::HeardLeader { node: 2, term: 2, leader: 3 });
    assert_eq!(
        ready.reasons[0].to_string(),
        "S2 became follower of term 2: it heard AppendEntries from S3, the leader of this term (§5.2)"
    );
}

#[test]
fn s5_2_a_forced_timeout_says_so() {
    let mut n = Node::new(1, 3);
    let mut ready = Ready::default();
    n.force_timeout(&mut ready);
    assert_eq!(ready.reasons, vec![Reason::ForcedTimeout { node: 1, term: 1 }]);
    assert_eq!(ready.events[0], NodeEvent::Became { role: Role::Candidate, term: 1 });
}

#[test]
fn persistence_a_restart_says_what_it_kept() {
    let mut c = Cluster::new(3);
    c.elect(1);
    let ready = c.restart(2);
    assert_eq!(ready.reasons, vec![Reason::Restarted { node: 2, term: 1, voted_for: Some(1), last_index: 1 }]);
    assert_eq!(
        ready.reasons[0].to_string(),
        "S2 restarted with what stable storage kept: term 1, its vote for S1, its log up to index 1 \
         (Figure 2, persistent state)"
    );
}

#[test]
fn s5_4_2_a_held_back_commit_is_explained_once_per_index() {
    // The situation of Figure 8 (c): S1 leads term 4 and entries 2..17 of
    // term 2 are on S1, S2 and S3.
    let mut c = super::commit::figure_8c_with(true);
    let blocked = |c: &Cluster| {
        c.reasons_of(1).into_iter().filter(|r| matches!(r, Reason::CommitBlockedOldTerm { .. })).collect::<Vec<_>>()
    };
    let expected = Reason::CommitBlockedOldTerm { node: 1, index: 17, entry_term: 2, term: 4 };
    assert_eq!(blocked(&c), vec![expected]);
    assert_eq!(
        expected.to_string(),
        "S1 did not commit index 17: the entry is from term 2 and S1 leads term 4 (§5.4.2)"
    );
    // More replies about the same index say nothing new.
    c.isolate(3);
    c.heartbeat(1);
    c.deliver_all();
    c.heartbeat(1);
    c.deliver_all();
    assert_eq!(blocked(&c), vec![expected]);
}
