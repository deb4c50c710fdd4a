//! Thesis §9.6 (PreVote), §4.2.3 (CheckQuorum and leader stickiness) and
//! §3.10 (leadership transfer): the election options beyond Figure 2.

use super::*;

const PREVOTE: ElectionOptions = ElectionOptions { prevote: true, check_quorum: false };
const CHECK_QUORUM: ElectionOptions = ElectionOptions { prevote: false, check_quorum: true };
const BOTH: ElectionOptions = ElectionOptions { prevote: true, check_quorum: true };

/// `size` nodes running with `options`, node 1 elected and its no-op
/// replicated everywhere.
fn cluster_led_by_1(size: u8, options: ElectionOptions) -> Cluster {
    let mut c = Cluster::new(size);
    for node in &mut c.nodes {
        node.set_election_options(options);
    }
    c.elect(1);
    c.heartbeat(1);
    c.deliver_all();
    c
}

fn lease_timeout(c: &mut Cluster, id: NodeId) -> Ready {
    let mut ready = Ready::default();
    c.node_mut(id).lease_timeout(&mut ready);
    c.absorb(id, &ready);
    ready
}

fn transfer(c: &mut Cluster, leader: NodeId, to: NodeId) -> Ready {
    let mut ready = Ready::default();
    c.node_mut(leader).transfer_leadership(to, &mut ready);
    c.absorb(leader, &ready);
    ready
}

fn pre_vote(term: Term, candidate: NodeId, last_log_index: LogIndex, last_log_term: Term) -> Message {
    Message::PreVote(PreVote { term, candidate, last_log_index, last_log_term })
}

// ----- §9.6: PreVote -----

/// A PreVote is a question: whatever the answer, the voter's term, vote and
/// election timer stay as they were, and the answer carries the term asked
/// about only when granted.
#[test]
fn s9_6_prevote_is_answered_without_changing_the_voters_term_or_vote() {
    struct Case {
        name: &'static str,
        /// Whether node 2's lease on its leader has run out.
        lease_expired: bool,
        /// The PreVote's term and the candidate's last log position.
        msg: (Term, LogIndex, Term),
        granted: bool,
        reason: fn(&Reason) -> bool,
    }
    let cases = [
        Case {
            name: "a leader was heard from recently",
            lease_expired: false,
            msg: (2, 1, 1),
            granted: false,
            reason: |r| matches!(r, Reason::PreVoteRefusedLeaderAlive { leader: 1, .. }),
        },
        Case {
            name: "no leader heard from, log up to date",
            lease_expired: true,
            msg: (2, 1, 1),
            granted: true,
            reason: |r| matches!(r, Reason::PreVoteGranted { .. }),
        },
        Case {
            name: "no leader heard from, log behind",
            lease_expired: true,
            msg: (2, 0, 0),
            granted: false,
            reason: |r| matches!(r, Reason::PreVoteRefusedLogBehind { .. }),
        },
        Case {
            name: "a term older than the voter's",
            lease_expired: true,
            msg: (0, 1, 1),
            granted: false,
            reason: |r| matches!(r, Reason::PreVoteRefusedStaleTerm { .. }),
        },
    ];
    for case in cases {
        let mut c = cluster_with_options(PREVOTE);
        if case.lease_expired {
            lease_timeout(&mut c, 2);
        }
        let (term, index, last_term) = case.msg;
        let ready = c.deliver(3, 2, pre_vote(term, 3, index, last_term));
        let node = c.node(2);
        assert_eq!((node.term(), node.voted_for(), node.role()), (1, Some(1), Role::Follower), "{}", case.name);
        assert_eq!(ready.election_timer, None, "{}: a pre-vote does not reset the timer", case.name);
        let reply_term = if case.granted { term } else { 1 };
        let reply = PreVoteReply { term: reply_term, vote_granted: case.granted };
        assert_eq!(only_message(&ready, 3), &Message::PreVoteReply(reply), "{}", case.name);
        assert!(ready.reasons.iter().any(case.reason), "{}: {:?}", case.name, ready.reasons);
    }

    fn cluster_with_options(options: ElectionOptions) -> Cluster {
        cluster_led_by_1(3, options)
    }
}

/// The timer fires: a pre-candidate keeps its term and asks for the next;
/// with a majority of pre-votes it starts the real election and wins it.
#[test]
fn s9_6_prevote_won_starts_the_real_election() {
    let mut c = Cluster::new(3);
    for node in &mut c.nodes {
        node.set_election_options(PREVOTE);
    }
    let ready = c.timeout(1);
    assert_eq!((c.node(1).role(), c.node(1).term(), c.node(1).voted_for()), (Role::PreCandidate, 0, None));
    assert!(sent_to(&ready, 2).iter().all(|m| matches!(m, Message::PreVote(PreVote { term: 1, candidate: 1, .. }))));
    c.deliver_all();
    assert_eq!((c.node(1).role(), c.node(1).term()), (Role::Leader, 1));
    assert!(c.reasons_of(1).iter().any(|r| matches!(r, Reason::PreVoteWon { term: 1, .. })));
}

/// A node cut off from the others keeps failing its pre-election: its term
/// never rises, so when it comes back the leader is left alone. Without
/// PreVote its term runs ahead and its first answer deposes the leader.
#[test]
fn s9_6_prevote_a_rejoining_node_does_not_depose_the_leader() {
    for (options, deposed) in [(PREVOTE, false), (ElectionOptions::default(), true)] {
        let mut c = cluster_led_by_1(3, options);
        c.isolate(3);
        for _ in 0..5 {
            c.timeout(3);
            c.deliver_all();
        }
        let expected_term = if deposed { 6 } else { 1 };
        assert_eq!(c.node(3).term(), expected_term, "prevote={}", options.prevote);
        c.heal(3);
        c.heartbeat(1);
        c.deliver_all();
        assert_eq!(c.node(1).role() == Role::Leader, !deposed, "prevote={}", options.prevote);
        if !deposed {
            assert_eq!((c.node(3).role(), c.node(3).leader()), (Role::Follower, Some(1)));
        }
    }
}

/// Refused by a majority, a pre-candidate is a follower again at once, in
/// its unchanged term.
#[test]
fn s9_6_prevote_lost_returns_to_follower_in_the_same_term() {
    let mut c = cluster_led_by_1(3, PREVOTE);
    c.timeout(3);
    c.deliver_all();
    assert_eq!((c.node(3).role(), c.node(3).term()), (Role::Follower, 1));
    assert!(c.reasons_of(3).iter().any(|r| matches!(r, Reason::PreVoteLost { term: 2, .. })));
    assert_eq!(c.node(1).role(), Role::Leader);
}

// ----- §4.2.3: CheckQuorum and leader stickiness -----

/// At each lease timeout the leader counts who answered since the last one.
#[test]
fn s4_2_3_checkquorum_leader_steps_down_without_a_majority() {
    // (cluster size, servers that answer, steps down)
    for (size, answering, steps_down) in
        [(3, &[2][..], false), (3, &[][..], true), (5, &[2][..], true), (5, &[2, 5][..], false)]
    {
        let mut c = cluster_led_by_1(size, CHECK_QUORUM);
        lease_timeout(&mut c, 1); // the window of the election itself
        for id in 2..=size {
            if !answering.contains(&id) {
                c.isolate(id);
            }
        }
        c.heartbeat(1);
        c.deliver_all();
        let ready = lease_timeout(&mut c, 1);
        let case = format!("{size} servers, {answering:?} answering");
        assert_eq!(c.node(1).role() != Role::Leader, steps_down, "{case}");
        assert_eq!(c.node(1).term(), 1, "{case}: stepping down keeps the term");
        if steps_down {
            assert!(matches!(ready.reasons[..], [Reason::CheckQuorumLost { node: 1, term: 1, .. }]), "{case}");
            assert_eq!(ready.election_timer, Some(TimerRequest::Reset), "{case}");
        } else {
            assert_eq!(ready.lease_timer, Some(TimerRequest::Reset), "{case}: the next check is armed");
        }
    }
}

/// A server that heard from its leader within the minimum election timeout
/// ignores a RequestVote of a higher term: no answer, no new term. Once its
/// lease runs out, the same request is handled as Figure 2 says.
#[test]
fn s4_2_3_checkquorum_follower_in_lease_ignores_request_vote() {
    let mut c = cluster_led_by_1(3, CHECK_QUORUM);
    let ready = c.deliver(3, 2, request_vote(5, 3, 1, 1));
    assert!(ready.messages.is_empty());
    assert_eq!(c.node(2).term(), 1);
    assert!(matches!(
        ready.reasons[..],
        [Reason::VoteIgnoredLeaderAlive { voter: 2, candidate: 3, term: 5, voter_term: 1, leader: 1 }]
    ));
    // The leader itself is sticky too.
    let ready = c.deliver(3, 1, request_vote(5, 3, 1, 1));
    assert!(ready.messages.is_empty());
    assert_eq!((c.node(1).role(), c.node(1).term()), (Role::Leader, 1));

    lease_timeout(&mut c, 2);
    let ready = c.deliver(3, 2, request_vote(5, 3, 1, 1));
    assert_eq!(c.node(2).term(), 5);
    assert_eq!(only_message(&ready, 3), &Message::RequestVoteReply(RequestVoteReply { term: 5, vote_granted: true }));
}

/// Without CheckQuorum, the same RequestVote deposes everyone (Figure 2).
#[test]
fn s4_2_3_checkquorum_off_request_vote_of_a_higher_term_is_adopted() {
    let mut c = cluster_led_by_1(3, PREVOTE);
    c.deliver(3, 1, request_vote(5, 3, 1, 1));
    assert_eq!((c.node(1).role(), c.node(1).term()), (Role::Follower, 5));
}

// ----- §3.10: leadership transfer -----

/// The leader brings a lagging target up to date, then sends TimeoutNow; the
/// target's election skips the pre-vote and passes the voters' stickiness.
#[test]
fn s3_10_transfer_moves_leadership_to_an_up_to_date_target() {
    for options in [ElectionOptions::default(), PREVOTE, CHECK_QUORUM, BOTH] {
        let mut c = cluster_led_by_1(3, options);
        c.isolate(3);
        c.client_request(1, 1, Command::put("x", "1"));
        c.deliver_all();
        c.heal(3);
        let since = c.delivered.len();
        let ready = transfer(&mut c, 1, 3);
        assert!(
            sent_to(&ready, 3).iter().all(|m| matches!(m, Message::AppendEntries(_))),
            "{options:?}: catch up first"
        );
        assert!(matches!(ready.reasons[..], [Reason::TransferStarted { leader: 1, to: 3, .. }]));
        // A client request during the transfer is refused.
        c.client_request(1, 2, Command::put("y", "2"));
        assert_eq!(c.client_replies().last(), Some(&(2, ClientOutcome::Redirect { leader: None })));
        c.deliver_all();
        assert_eq!((c.node(3).role(), c.node(3).term()), (Role::Leader, 2), "{options:?}");
        assert_eq!(c.node(1).role(), Role::Follower, "{options:?}");
        assert_eq!(log_terms(c.node(3)), [1, 1, 2], "{options:?}: x=1 reached node 3 before it campaigned");
        let from_3: Vec<&Message> =
            c.delivered[since..].iter().filter(|(f, _, _)| *f == 3).map(|(_, _, m)| m).collect();
        assert!(!from_3.iter().any(|m| matches!(m, Message::PreVote(_))), "{options:?}: no pre-vote");
        assert!(from_3.iter().any(|m| matches!(m, Message::RequestVote(RequestVote { leader_transfer: true, .. }))));
        assert!(c
            .reasons_of(3)
            .iter()
            .any(|r| matches!(r, Reason::TransferTimeoutNow { node: 3, term: 2, leader: 1 })));
    }
}

/// A target that never answers: the transfer ends at the leader's next
/// lease timeout, and client requests are taken again.
#[test]
fn s3_10_transfer_aborts_after_an_election_timeout() {
    let mut c = cluster_led_by_1(3, ElectionOptions::default());
    c.isolate(3);
    let ready = transfer(&mut c, 1, 3);
    assert_eq!(ready.lease_timer, Some(TimerRequest::Reset), "the transfer has one election timeout");
    c.deliver_all();
    assert_eq!(c.node(1).transferee(), Some(3));
    let ready = lease_timeout(&mut c, 1);
    assert!(matches!(ready.reasons[..], [Reason::TransferAborted { leader: 1, to: 3, term: 1 }]));
    assert_eq!((c.node(1).role(), c.node(1).transferee()), (Role::Leader, None));
    let ready = c.client_request(1, 1, Command::put("x", "1"));
    assert!(sent_to(&ready, 2).iter().any(|m| matches!(m, Message::AppendEntries(a) if !a.entries.is_empty())));
}

/// Only a leader transfers, and never to itself or to a server that does
/// not exist.
#[test]
fn s3_10_transfer_is_ignored_where_it_makes_no_sense() {
    let mut c = cluster_led_by_1(3, ElectionOptions::default());
    for (node, to) in [(2, 3), (1, 1), (1, 0), (1, 4)] {
        let ready = transfer(&mut c, node, to);
        assert!(ready.messages.is_empty() && ready.reasons.is_empty(), "node {node} to {to}");
        assert_eq!(c.node(node).transferee(), None);
    }
}
