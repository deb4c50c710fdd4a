//! §5.2 timers: what the node asks the world to arm or stop. A follower's
//! election timer is reset only by its leader or by granting a vote (Figure
//! 2, "Followers"); a leader replaces it with the heartbeat timer.

use super::*;

#[test]
fn s5_2_timers_start_arms_the_election_timer_only() {
    let mut n = Node::new(1, 3);
    let mut ready = Ready::default();
    n.start(&mut ready);
    assert_eq!(ready.election_timer, Some(TimerRequest::Reset));
    assert_eq!(ready.heartbeat_timer, Some(TimerRequest::Stop));
    assert!(ready.messages.is_empty());
}

#[test]
fn s5_2_timers_follower_resets_election_timer_when_granting_a_vote() {
    let mut n = Node::new(2, 3);
    seed_log(&mut n, 1, entries_of_terms(&[1])); // term 1, last entry 1/1
                                                 // Node 3 (empty log) started term 2: refused, but node 2 is now in term 2
                                                 // with its vote free.
    step(&mut n, 3, request_vote(2, 3, 0, 0));
    assert_eq!((n.term(), n.voted_for()), (2, None));
    // Node 1 asks in the same term: the grant alone must reset the timer.
    let granted = step(&mut n, 1, request_vote(2, 1, 1, 1));
    assert_eq!(only_message(&granted, 1), &Message::RequestVoteReply(RequestVoteReply { term: 2, vote_granted: true }));
    assert_eq!(granted.election_timer, Some(TimerRequest::Reset));
    // Refused in the same term (vote already given): the timer keeps running.
    let refused = step(&mut n, 3, request_vote(2, 3, 1, 1));
    assert_eq!(
        only_message(&refused, 3),
        &Message::RequestVoteReply(RequestVoteReply { term: 2, vote_granted: false })
    );
    assert_eq!(refused.election_timer, None);
}

/// Figure 2, Followers: the election timer restarts only on an
/// AppendEntries from the current leader or on granting a vote. A refused
/// RequestVote of a higher term currently resets it too (`become_follower`
/// always asks for a reset), so a node with a stale log that keeps timing
/// out holds back the election of the nodes that could win.
#[test]
fn s5_2_timers_refused_vote_of_a_higher_term_does_not_reset_election_timer() {
    let mut n = Node::new(2, 3);
    seed_log(&mut n, 1, entries_of_terms(&[1]));
    let refused = step(&mut n, 3, request_vote(2, 3, 0, 0));
    assert_eq!(
        only_message(&refused, 3),
        &Message::RequestVoteReply(RequestVoteReply { term: 2, vote_granted: false })
    );
    assert_eq!(n.term(), 2);
    assert_eq!(refused.election_timer, None);
}

#[test]
fn s5_2_timers_follower_resets_election_timer_on_append_entries_of_its_leader() {
    let mut n = Node::new(2, 3);
    let ready = step(&mut n, 1, append_entries(1, 1, (0, 0), vec![put_entry(1, 0)], 0));
    assert_eq!(ready.election_timer, Some(TimerRequest::Reset));
    let ready = step(&mut n, 1, append_entries(1, 1, (1, 1), vec![], 0));
    assert_eq!(ready.election_timer, Some(TimerRequest::Reset), "a heartbeat too");
    assert!(ready.events.is_empty());
}

#[test]
fn s5_2_timers_leader_stops_election_timer_and_arms_heartbeat() {
    let mut c = Cluster::new(3);
    c.timeout(1);
    c.net.clear();
    let ready = c.deliver(2, 1, Message::RequestVoteReply(RequestVoteReply { term: 1, vote_granted: true }));
    assert_eq!(c.node(1).role(), Role::Leader);
    assert_eq!(ready.election_timer, Some(TimerRequest::Stop));
    assert_eq!(ready.heartbeat_timer, Some(TimerRequest::Reset));
}

#[test]
fn s5_2_timers_heartbeat_timeout_sends_append_entries_to_every_peer_and_rearms() {
    let mut c = Cluster::new(5);
    c.elect(3);
    c.client_request(3, 1, Command::put("x", "1"));
    c.deliver_all();
    assert_eq!(c.node(3).commit_index(), 2);
    let ready = c.heartbeat(3);
    // Every follower is up to date: each gets an empty AppendEntries that
    // carries the commit index.
    // The heartbeat is the leadership's second round (`read_only.rs`).
    let heartbeat = with_round(append_entries(1, 3, (2, 1), vec![], 2), 2);
    let expected: Vec<_> = [1, 2, 4, 5].map(|p| (p, heartbeat.clone())).into();
    assert_eq!(ready.messages, expected);
    assert_eq!(ready.heartbeat_timer, Some(TimerRequest::Reset));
    assert_eq!(ready.election_timer, None);
}

#[test]
fn s5_2_timers_heartbeat_timeout_on_a_non_leader_does_nothing() {
    let mut c = Cluster::new(3);
    c.timeout(1);
    for id in [1, 2] {
        let ready = c.heartbeat(id);
        assert!(ready.messages.is_empty());
        assert_eq!((ready.election_timer, ready.heartbeat_timer), (None, None));
    }
}

#[test]
fn s5_2_timers_candidate_hearing_from_the_leader_of_its_term_resets_election_timer() {
    let mut n = Node::new(2, 3);
    election_timeout(&mut n); // candidate of term 1
    let ready = step(&mut n, 1, append_entries(1, 1, (0, 0), vec![], 0));
    assert_eq!((n.role(), n.leader()), (Role::Follower, Some(1)));
    assert_eq!(ready.election_timer, Some(TimerRequest::Reset));
    assert_eq!(ready.heartbeat_timer, Some(TimerRequest::Stop));
    assert_eq!(
        only_message(&ready, 1),
        &Message::AppendEntriesReply(AppendEntriesReply {
            term: 1,
            success: true,
            match_index: 0,
            rejected_index: 0,
            conflict_index: 0,
            conflict_term: None,
            round: 0
        })
    );
}
