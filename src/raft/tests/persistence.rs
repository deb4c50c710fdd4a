//! Figure 2, "persistent state on all servers": current term, vote and log
//! survive a crash; everything else is rebuilt.

use super::*;

/// Leader 1 of term 1 with three committed puts that every node applied.
fn cluster_with_data() -> Cluster {
    let mut c = Cluster::new(3);
    c.elect(1);
    for (request, (k, v)) in (1..).zip([("a", "1"), ("b", "2"), ("a", "3")]) {
        c.client_request(1, request, Command::put(k, v));
    }
    c.deliver_all();
    c.heartbeat(1);
    c.deliver_all();
    assert_eq!(c.node(2).commit_index(), 4);
    assert_eq!(c.node(2).kv().len(), 2);
    c
}

#[test]
fn persistence_restart_keeps_term_vote_and_log_and_forgets_the_rest() {
    let mut c = cluster_with_data();
    let log_before = c.node(2).log().entries().to_vec();
    let ready = c.restart(2);
    let n = c.node(2);
    assert_eq!(n.term(), 1);
    assert_eq!(n.voted_for(), Some(1));
    assert_eq!(n.log().entries(), &log_before[..]);
    assert_eq!(n.role(), Role::Follower);
    assert_eq!(n.commit_index(), 0);
    assert_eq!(n.last_applied(), 0);
    assert!(n.kv().is_empty());
    assert_eq!(n.leader(), None);
    assert_eq!(ready.election_timer, Some(TimerRequest::Reset));
    assert_eq!(ready.heartbeat_timer, Some(TimerRequest::Stop));
    assert!(ready.messages.is_empty());
}

#[test]
fn persistence_kv_is_rebuilt_when_a_leader_advances_the_commit_index() {
    let mut c = cluster_with_data();
    c.restart(2);
    // Node 2 may not apply its log on its own: it does not know what is
    // committed until a leader says so.
    let ready = c.heartbeat(1);
    assert!(matches!(sent_to(&ready, 2)[..], [Message::AppendEntries(AppendEntries { leader_commit: 4, .. })]));
    c.deliver_all();
    let n = c.node(2);
    assert_eq!(n.commit_index(), 4);
    assert_eq!(n.last_applied(), 4);
    assert_eq!(n.kv().iter().collect::<Vec<_>>(), vec![("a", "3"), ("b", "2")]);
    assert_eq!(n.leader(), Some(1));
}

#[test]
fn persistence_restarted_node_does_not_vote_twice_in_a_term() {
    let mut voter = Node::new(2, 3);
    step(&mut voter, 1, request_vote(1, 1, 0, 0));
    let mut ready = Ready::default();
    voter.restart(&mut ready);
    let ready = step(&mut voter, 3, request_vote(1, 3, 0, 0));
    assert_eq!(only_message(&ready, 3), &Message::RequestVoteReply(RequestVoteReply { term: 1, vote_granted: false }));
    assert_eq!(voter.voted_for(), Some(1));
}

#[test]
fn persistence_restarted_leader_comes_back_as_follower_and_rejoins() {
    let mut c = cluster_with_data();
    c.restart(1);
    assert_eq!((c.node(1).role(), c.node(1).term(), c.node(1).progress(2)), (Role::Follower, 1, None));
    // A heartbeat timer left over from before the crash does nothing.
    assert!(c.heartbeat(1).messages.is_empty());
    c.elect(2);
    assert_eq!(c.node(2).term(), 2);
    c.heartbeat(2);
    c.deliver_all();
    // Node 1 learns the commit index from the new leader and rebuilds its kv.
    assert_eq!(c.node(1).leader(), Some(2));
    assert_eq!(c.node(1).commit_index(), 5);
    assert_eq!(c.node(1).kv().get("a"), Some("3"));
}
