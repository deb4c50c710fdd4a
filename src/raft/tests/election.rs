//! §5.1 (terms), §5.2 (leader election) and §5.4.1 (election restriction).

use super::*;
use crate::raft::ReadMode;

/// A leader of term 1 in a cluster of `size`, every follower holding its no-op.
fn cluster_with_leader(size: u8) -> Cluster {
    let mut c = Cluster::new(size);
    c.elect(1);
    assert_eq!(c.node(1).term(), 1);
    c
}

/// A former leader must stop heartbeats and re-arm the election timer it had
/// stopped; a former candidate's election timer is already running, so it
/// may either leave it alone or reset it, but not stop it.
fn assert_stepped_down(node: &Node, ready: &Ready, term: Term, leader: Option<NodeId>, was_leader: bool) {
    assert_eq!(node.role(), Role::Follower);
    assert_eq!(node.term(), term);
    assert_eq!(node.leader(), leader);
    assert_eq!(ready.heartbeat_timer, Some(TimerRequest::Stop));
    if was_leader {
        assert_eq!(ready.election_timer, Some(TimerRequest::Reset));
    } else {
        assert_ne!(ready.election_timer, Some(TimerRequest::Stop));
    }
    assert!(ready.events.contains(&NodeEvent::Became { role: Role::Follower, term }), "{:?}", ready.events);
}

// ----- §5.1: terms -----

#[test]
fn s5_1_higher_term_append_entries_reply_turns_leader_into_follower() {
    let mut c = cluster_with_leader(3);
    // Node 2 moved on to term 4 while node 1 still believes it leads term 1.
    let reply = Message::AppendEntriesReply(AppendEntriesReply {
        term: 4,
        success: false,
        match_index: 0,
        rejected_index: 0,
        conflict_index: 0,
        conflict_term: None,
        round: 0,
    });
    let ready = c.deliver(2, 1, reply);
    assert_stepped_down(c.node(1), &ready, 4, None, true);
    assert_eq!(c.node(1).voted_for(), None, "a new term starts without a vote");
    assert!(ready.messages.is_empty());
    assert_eq!(c.node(1).progress(2), None, "a follower keeps no replication progress");
}

#[test]
fn s5_1_higher_term_request_vote_turns_leader_into_follower_even_if_vote_refused() {
    let mut c = cluster_with_leader(3);
    // Node 3 has an empty log: it cannot get node 1's vote (§5.4.1), but its
    // term still deposes node 1.
    let ready = c.deliver(3, 1, request_vote(7, 3, 0, 0));
    assert_stepped_down(c.node(1), &ready, 7, None, true);
    assert_eq!(only_message(&ready, 3), &Message::RequestVoteReply(RequestVoteReply { term: 7, vote_granted: false }));
    assert_eq!(c.node(1).voted_for(), None);
}

#[test]
fn s5_1_higher_term_append_entries_turns_leader_into_follower_of_that_leader() {
    let mut c = cluster_with_leader(3);
    let ready = c.deliver(2, 1, append_entries(2, 2, (1, 1), vec![], 0));
    assert_stepped_down(c.node(1), &ready, 2, Some(2), true);
    assert!(matches!(
        only_message(&ready, 2),
        Message::AppendEntriesReply(AppendEntriesReply { term: 2, success: true, match_index: 1, .. })
    ));
}

#[test]
fn s5_1_higher_term_vote_reply_turns_candidate_into_follower() {
    let mut c = Cluster::new(3);
    c.timeout(1);
    assert_eq!(c.node(1).role(), Role::Candidate);
    let ready = c.deliver(2, 1, Message::RequestVoteReply(RequestVoteReply { term: 5, vote_granted: false }));
    assert_stepped_down(c.node(1), &ready, 5, None, false);
    assert_eq!(c.node(1).voted_for(), None, "its vote for itself was for term 1");
}

#[test]
fn s5_1_stale_request_vote_is_rejected_with_current_term() {
    let mut n = Node::new(2, 3);
    seed_log(&mut n, 1, entries_of_terms(&[1, 3])); // now in term 3
                                                    // The candidate's log would be up-to-date enough; only its term is stale.
    let ready = step(&mut n, 3, request_vote(2, 3, 9, 3));
    assert_eq!(only_message(&ready, 3), &Message::RequestVoteReply(RequestVoteReply { term: 3, vote_granted: false }));
    assert_eq!(n.term(), 3);
    assert_eq!(n.voted_for(), None);
    assert_eq!(ready.election_timer, None, "a stale candidate must not delay our own election");
    assert!(ready.events.is_empty());
}

#[test]
fn s5_1_stale_append_entries_is_rejected_with_current_term_and_changes_nothing() {
    let mut n = Node::new(2, 3);
    seed_log(&mut n, 1, entries_of_terms(&[1, 3]));
    // A deposed leader of term 2 tries to overwrite index 2.
    let ready = step(&mut n, 3, append_entries(2, 3, (1, 1), vec![put_entry(2, 9)], 2));
    assert_eq!(
        only_message(&ready, 3),
        &Message::AppendEntriesReply(AppendEntriesReply {
            term: 3,
            success: false,
            match_index: 0,
            rejected_index: 0,
            conflict_index: 0,
            conflict_term: None,
            round: 0
        })
    );
    assert_eq!(log_terms(&n), vec![1, 3]);
    assert_eq!(n.commit_index(), 0);
    assert_eq!(n.leader(), Some(1), "the stale sender is not our leader");
    assert_eq!(ready.election_timer, None);
}

#[test]
fn s5_1_stale_reply_does_not_move_leader_progress() {
    let mut c = cluster_with_leader(3);
    c.timeout(1); // term 2
    c.deliver_all(); // node 1 leads term 2; both followers hold index 2
    let before = c.node(1).progress(2).unwrap();
    assert_eq!(before.match_index, 2);
    // A reply of term 1 claiming a far larger match must be ignored.
    let ready = c.deliver(
        2,
        1,
        Message::AppendEntriesReply(AppendEntriesReply {
            term: 1,
            success: true,
            match_index: 50,
            rejected_index: 0,
            conflict_index: 0,
            conflict_term: None,
            round: 0,
        }),
    );
    assert!(ready.messages.is_empty());
    assert_eq!(c.node(1).progress(2), Some(before));
    assert_eq!(c.node(1).role(), Role::Leader);
}

// ----- §5.2: leader election -----

#[test]
fn s5_2_election_candidate_increments_term_votes_for_itself_and_asks_every_peer() {
    let mut n = Node::new(2, 4);
    seed_log(&mut n, 1, entries_of_terms(&[1, 1, 2])); // term 2, last log 2/3
    let ready = election_timeout(&mut n);
    assert_eq!(n.role(), Role::Candidate);
    assert_eq!(n.term(), 3);
    assert_eq!(n.voted_for(), Some(2));
    assert_eq!(n.votes_granted().collect::<Vec<_>>(), vec![2]);
    assert_eq!(n.leader(), None);
    assert_eq!(
        ready.messages,
        vec![(1, request_vote(3, 2, 3, 2)), (3, request_vote(3, 2, 3, 2)), (4, request_vote(3, 2, 3, 2))]
    );
    assert_eq!(
        ready.events,
        vec![NodeEvent::Became { role: Role::Candidate, term: 3 }, NodeEvent::Voted { term: 3, candidate: 2 }]
    );
    assert_eq!(ready.election_timer, Some(TimerRequest::Reset), "a new election needs a new timeout");
}

#[test]
fn s5_2_election_majority_wins_and_leader_sends_noop_at_once() {
    let mut c = Cluster::new(5);
    c.timeout(1);
    c.net.clear(); // the RequestVotes: answered by hand below
    let grant = Message::RequestVoteReply(RequestVoteReply { term: 1, vote_granted: true });
    c.deliver(2, 1, grant.clone());
    c.deliver(3, 1, Message::RequestVoteReply(RequestVoteReply { term: 1, vote_granted: false }));
    assert_eq!(c.node(1).role(), Role::Candidate, "2 votes of 5 are no majority");
    assert_eq!(c.node(1).votes_denied().collect::<Vec<_>>(), vec![3]);

    let ready = c.deliver(4, 1, grant);
    assert_eq!(c.node(1).role(), Role::Leader, "1, 2 and 4 are a majority of 5");
    assert_eq!(c.node(1).leader(), Some(1));
    // The no-op of its own term goes to every peer in the same step (§5.4.2, §8).
    let noop = Entry { term: 1, command: Command::Noop, request: None };
    assert_eq!(c.node(1).log().entries(), std::slice::from_ref(&noop));
    let expected: Vec<_> = [2, 3, 4, 5].map(|p| (p, append_entries(1, 1, (0, 0), vec![noop.clone()], 0))).into();
    let expected: Vec<_> = expected.into_iter().map(|(p, m)| (p, with_round(m, 1))).collect();
    assert_eq!(ready.messages, expected);
    assert!(ready.events.contains(&NodeEvent::Became { role: Role::Leader, term: 1 }));
}

#[test]
fn s5_2_election_one_vote_per_term() {
    let mut voter = Node::new(2, 3);
    let first = step(&mut voter, 1, request_vote(1, 1, 0, 0));
    assert_eq!(only_message(&first, 1), &Message::RequestVoteReply(RequestVoteReply { term: 1, vote_granted: true }));
    assert_eq!(
        first.events,
        vec![NodeEvent::Became { role: Role::Follower, term: 1 }, NodeEvent::Voted { term: 1, candidate: 1 }]
    );
    // Another candidate of the same term, with an equally good log: refused.
    let second = step(&mut voter, 3, request_vote(1, 3, 0, 0));
    assert_eq!(only_message(&second, 3), &Message::RequestVoteReply(RequestVoteReply { term: 1, vote_granted: false }));
    assert_eq!(voter.voted_for(), Some(1));
    // The same candidate asking again (its reply was lost) gets the same answer.
    let again = step(&mut voter, 1, request_vote(1, 1, 0, 0));
    assert_eq!(only_message(&again, 1), &Message::RequestVoteReply(RequestVoteReply { term: 1, vote_granted: true }));
    // A new term frees the vote.
    let next = step(&mut voter, 3, request_vote(2, 3, 0, 0));
    assert_eq!(only_message(&next, 3), &Message::RequestVoteReply(RequestVoteReply { term: 2, vote_granted: true }));
    assert_eq!(voter.voted_for(), Some(3));
}

#[test]
fn s5_2_election_leader_and_candidate_refuse_votes_in_their_own_term() {
    let mut c = Cluster::new(3);
    c.timeout(1);
    c.timeout(2);
    c.net.clear();
    // Both candidates of term 1 voted for themselves.
    let rival = request_vote(1, 2, 0, 0);
    let refused = Message::RequestVoteReply(RequestVoteReply { term: 1, vote_granted: false });
    let ready = c.deliver(2, 1, rival.clone());
    assert_eq!(only_message(&ready, 2), &refused);
    assert_eq!(c.node(1).role(), Role::Candidate);
    // Node 3's vote makes node 1 leader; a duplicate of the rival's request
    // is refused again.
    c.deliver(3, 1, Message::RequestVoteReply(RequestVoteReply { term: 1, vote_granted: true }));
    assert_eq!(c.node(1).role(), Role::Leader);
    let ready = c.deliver(2, 1, rival);
    assert_eq!(only_message(&ready, 2), &refused);
    assert_eq!((c.node(1).role(), c.node(1).voted_for()), (Role::Leader, Some(1)));
}

#[test]
fn s5_2_election_candidate_receiving_append_entries_of_its_term_becomes_follower() {
    let mut c = Cluster::new(3);
    c.timeout(1);
    c.timeout(2); // a rival candidate in the same term 1
    assert_eq!(c.node(2).term(), 1);
    // Node 3 answers node 1 first and so refuses node 2: node 1 wins.
    c.deliver_only(|(from, to, _)| (*from, *to) == (1, 3) || (*from, *to) == (3, 1));
    c.deliver_only(|(from, to, _)| (*from, *to) == (2, 3) || (*from, *to) == (3, 2));
    assert_eq!(c.node(1).role(), Role::Leader);
    assert_eq!(c.node(2).role(), Role::Candidate);

    // The queue now starts with the two candidates' RequestVotes to each
    // other (both refused), then node 1's AppendEntries to node 2.
    c.deliver_all();
    let n2 = c.node(2);
    assert_eq!((n2.role(), n2.term(), n2.leader()), (Role::Follower, 1, Some(1)));
    assert_eq!(n2.voted_for(), Some(2), "stepping down in the same term keeps the vote");
    assert_eq!(log_terms(n2), vec![1]);
    assert_eq!(c.node(1).progress(2).unwrap().match_index, 1);
}

#[test]
fn s5_2_election_split_vote_then_next_timeout_starts_term_plus_one() {
    let mut c = Cluster::new(4);
    c.timeout(1);
    c.timeout(2);
    // Node 3 hears node 1 first and node 4 hears node 2 first: 2 votes each,
    // and 4 nodes need 3.
    c.deliver_only(|(f, t, _)| matches!((*f, *t), (1, 3) | (3, 1) | (2, 4) | (4, 2)));
    c.deliver_all();
    for (id, votes) in [(1, vec![1, 3]), (2, vec![2, 4])] {
        let n = c.node(id);
        assert_eq!((n.role(), n.term()), (Role::Candidate, 1));
        assert_eq!(n.votes_granted().collect::<Vec<_>>(), votes);
    }
    assert_eq!(c.node(1).votes_denied().collect::<Vec<_>>(), vec![2, 4]);

    // No one wins term 1; the first timer to fire starts term 2 and wins it.
    let ready = c.timeout(2);
    assert_eq!(c.node(2).term(), 2);
    assert_eq!(sent_to(&ready, 1), vec![&request_vote(2, 2, 0, 0)]);
    c.deliver_all();
    assert_eq!((c.node(2).role(), c.node(2).term()), (Role::Leader, 2));
    assert_eq!(c.node(1).role(), Role::Follower);
    assert_eq!(c.node(1).leader(), Some(2));
}

#[test]
fn s5_2_election_single_node_cluster_elects_itself_and_commits_immediately() {
    let mut n = Node::new(1, 1);
    let ready = election_timeout(&mut n);
    assert_eq!((n.role(), n.term(), n.leader()), (Role::Leader, 1, Some(1)));
    assert!(ready.messages.is_empty());
    assert_eq!(log_terms(&n), vec![1]);
    assert_eq!(n.commit_index(), 1);
    assert!(ready.events.contains(&NodeEvent::Committed { index: 1 }));
    assert_eq!(ready.election_timer, Some(TimerRequest::Stop));
    assert_eq!(ready.heartbeat_timer, Some(TimerRequest::Reset));

    let ready = step(
        &mut n,
        CLIENT,
        Message::ClientRequest { request: 7, command: Command::put("x", "1"), read: ReadMode::Log },
    );
    assert_eq!(n.commit_index(), 2);
    assert_eq!(n.kv().get("x"), Some("1"));
    assert_eq!(
        only_message(&ready, CLIENT),
        &Message::ClientReply { request: 7, outcome: ClientOutcome::Applied(Applied::Done) }
    );
}

// ----- §5.4.1: election restriction -----

/// A voter whose log has terms [1, 1, 2] (last entry 2/3), in term 2.
fn voter() -> Node {
    let mut n = Node::new(1, 3);
    seed_log(&mut n, 2, entries_of_terms(&[1, 1, 2]));
    n
}

fn vote(voter: &mut Node, last_log_index: LogIndex, last_log_term: Term) -> (bool, Ready) {
    let ready = step(voter, 3, request_vote(5, 3, last_log_index, last_log_term));
    match only_message(&ready, 3) {
        Message::RequestVoteReply(RequestVoteReply { term: 5, vote_granted }) => (*vote_granted, ready),
        other => panic!("{other:?}"),
    }
}

#[test]
fn s5_4_1_election_restriction_refuses_lower_last_term_even_with_longer_log() {
    let mut n = voter();
    let (granted, ready) = vote(&mut n, 10, 1);
    assert!(!granted);
    assert_eq!(n.voted_for(), None);
    assert!(!ready.events.iter().any(|e| matches!(e, NodeEvent::Voted { .. })));
}

#[test]
fn s5_4_1_election_restriction_refuses_equal_last_term_with_shorter_log() {
    let mut n = voter();
    assert!(!vote(&mut n, 2, 2).0);
    assert_eq!(n.voted_for(), None);
}

#[test]
fn s5_4_1_election_restriction_grants_equal_log() {
    let mut n = voter();
    assert!(vote(&mut n, 3, 2).0);
    assert_eq!(n.voted_for(), Some(3));
}

#[test]
fn s5_4_1_election_restriction_grants_equal_term_longer_log() {
    let mut n = voter();
    assert!(vote(&mut n, 4, 2).0);
}

#[test]
fn s5_4_1_election_restriction_grants_higher_last_term_with_shorter_log() {
    let mut n = voter();
    assert!(vote(&mut n, 2, 3).0);
}

#[test]
fn s5_4_1_election_restriction_keeps_a_stale_node_from_leading() {
    // Node 3 misses everything node 1 commits, and times out twice meanwhile
    // (its RequestVotes are lost), so it comes back with a higher term than
    // anyone but an empty log.
    let mut c = Cluster::new(3);
    c.isolate(3);
    c.elect(1);
    c.client_request(1, 1, Command::put("x", "1"));
    c.deliver_all();
    assert_eq!(c.node(1).commit_index(), 2);
    c.timeout(3);
    c.timeout(3);
    c.deliver_all();
    c.heal(3);
    // Its higher terms are adopted by the others, but its log wins no vote.
    for term in [3, 4] {
        c.timeout(3);
        c.deliver_votes();
        assert_eq!((c.node(3).role(), c.node(3).term()), (Role::Candidate, term));
        assert_eq!(c.node(3).votes_denied().collect::<Vec<_>>(), vec![1, 2]);
        assert_eq!((c.node(2).term(), c.node(2).voted_for()), (term, None));
    }
    // Its term did depose node 1; node 2, whose log is complete, wins next.
    assert_eq!(c.node(1).role(), Role::Follower);
    c.elect(2);
    assert_eq!(c.node(2).term(), 5);
    assert_eq!(c.node(3).voted_for(), Some(2));
}
