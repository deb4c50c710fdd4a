//! §8: client interaction. Followers redirect; the leader answers once the
//! command is committed and applied; a retried request acts once.

use super::*;

fn redirect(request: RequestId, leader: Option<NodeId>) -> Message {
    Message::ClientReply { request, outcome: ClientOutcome::Redirect { leader } }
}

fn value(v: Option<&str>) -> ClientOutcome {
    ClientOutcome::Applied(Applied::Value(v.map(Into::into)))
}

fn keys(ks: &[&str]) -> ClientOutcome {
    ClientOutcome::Applied(Applied::Keys(ks.iter().map(|&k| k.into()).collect()))
}

const DONE: ClientOutcome = ClientOutcome::Applied(Applied::Done);

#[test]
fn s8_client_follower_redirects_to_the_leader_it_knows() {
    let mut c = Cluster::new(3);
    // No leader yet: the follower cannot name one.
    let ready = c.client_request(2, 1, Command::put("x", "1"));
    assert_eq!(only_message(&ready, CLIENT), &redirect(1, None));

    c.elect(1);
    let ready = c.client_request(2, 2, Command::put("x", "1"));
    assert_eq!(only_message(&ready, CLIENT), &redirect(2, Some(1)));
    assert_eq!(c.node(2).log().last_index(), 1, "a follower appends nothing for the client");

    // A candidate knows no leader for its new term.
    c.timeout(3);
    let ready = c.client_request(3, 3, Command::get("x"));
    assert_eq!(only_message(&ready, CLIENT), &redirect(3, None));
}

#[test]
fn s8_client_leader_replies_after_commit_with_results() {
    let mut c = Cluster::new(3);
    c.elect(1);
    let commands = [
        Command::put("a/x", "1"),
        Command::put("a/y", "2"),
        Command::put("b/z", "3"),
        Command::get("a/x"),
        Command::get("a/missing"),
        Command::list("a/"),
        Command::del("a/x"),
        Command::list("a/"),
    ];
    for (request, command) in (1..).zip(commands.clone()) {
        let ready = c.client_request(1, request, command);
        assert!(sent_to(&ready, CLIENT).is_empty(), "no reply before the entry is committed");
    }
    let expected: Vec<Entry> =
        (1..).zip(commands).map(|(r, command)| Entry { term: 1, command, request: Some(r) }).collect();
    assert_eq!(c.node(1).log().slice(2, 9), &expected[..]);
    assert!(c.client_replies().is_empty());

    c.deliver_all();
    assert_eq!(c.node(1).commit_index(), 9);
    assert_eq!(
        c.client_replies(),
        vec![
            (1, DONE),
            (2, DONE),
            (3, DONE),
            (4, value(Some("1"))),
            (5, value(None)),
            (6, keys(&["a/x", "a/y"])),
            (7, DONE),
            (8, keys(&["a/y"])),
        ]
    );
    // Followers apply too (after the next heartbeat) but never answer.
    c.heartbeat(1);
    c.deliver_all();
    for id in [2, 3] {
        assert_eq!(c.node(id).kv().iter().collect::<Vec<_>>(), vec![("a/y", "2"), ("b/z", "3")]);
    }
    assert!(c.client_inbox.iter().all(|(from, _)| *from == 1));
}

#[test]
fn s8_client_leader_without_a_majority_does_not_reply() {
    let mut c = Cluster::new(3);
    c.elect(1);
    c.isolate(2);
    c.isolate(3);
    c.client_request(1, 1, Command::put("x", "1"));
    c.deliver_all();
    c.heartbeat(1);
    c.deliver_all();
    assert_eq!(c.node(1).commit_index(), 1);
    assert!(c.client_replies().is_empty());
    assert_eq!(c.node(1).kv().get("x"), None);
    // Once one follower is back, the heartbeat carries the entry and it commits.
    c.heal(2);
    c.heartbeat(1);
    c.deliver_all();
    assert_eq!(c.client_replies(), vec![(1, DONE)]);
}

#[test]
fn s8_client_retried_request_is_applied_once() {
    let mut c = Cluster::new(3);
    c.elect(1);
    c.client_request(1, 1, Command::put("x", "1"));
    c.client_request(1, 2, Command::put("x", "2"));
    // The client timed out on request 1 and sends it again while the first
    // copy is still in the leader's log: the leader does not append it twice
    // (a backlog of retries would otherwise outgrow the followers).
    c.client_request(1, 1, Command::put("x", "1"));
    c.client_request(1, 3, Command::get("x"));
    c.deliver_all();
    c.heartbeat(1);
    c.deliver_all();
    let copies = c.node(1).log().entries().iter().filter(|e| e.request == Some(1)).count();
    assert_eq!(copies, 1, "a pending request is in the log once");
    for id in 1..=3 {
        assert_eq!(c.node(id).commit_index(), 4);
        assert_eq!(c.node(id).kv().get("x"), Some("2"), "node {id}");
    }
    assert_eq!(c.client_replies(), vec![(1, DONE), (2, DONE), (3, value(Some("2")))]);

    // A retried read that was applied already is answered at once with what
    // it read then, not the current value, and adds nothing to the log.
    c.client_request(1, 4, Command::put("x", "3"));
    c.client_request(1, 3, Command::get("x"));
    c.deliver_all();
    assert_eq!(c.client_replies()[3..], [(3, value(Some("2"))), (4, DONE)]);
    let reads = c.node(1).log().entries().iter().filter(|e| e.request == Some(3)).count();
    assert_eq!(reads, 1);
}

#[test]
fn s8_client_a_new_leader_does_not_append_again_a_request_its_log_holds() {
    let mut c = Cluster::new(3);
    c.elect(1);
    c.client_request(1, 7, Command::put("x", "1"));
    // The entry reaches node 2's log, but node 1 is cut off before the reply
    // comes back, so it never commits in term 1; node 2 leads term 2.
    c.deliver_only(|(from, to, m)| (*from, *to) == (1, 2) && matches!(m, Message::AppendEntries(_)));
    assert_eq!(c.node(1).commit_index(), 1, "only the no-op is committed");
    assert_eq!(c.node(2).log().last_index(), 2);
    c.isolate(1);
    c.elect(2);
    // The client's retry of request 7 reaches the new leader, whose log holds
    // the request already: it is not appended again, and commits with the
    // new leader's no-op.
    c.client_request(2, 7, Command::put("x", "1"));
    c.deliver_all();
    c.heartbeat(2);
    c.deliver_all();
    let copies = c.node(2).log().entries().iter().filter(|e| e.request == Some(7)).count();
    assert_eq!(copies, 1);
    assert_eq!(c.node(2).kv().get("x"), Some("1"));
    assert!(c.client_replies().contains(&(7, DONE)));
}
