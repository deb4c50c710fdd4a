//! Planted histories for the invariants on what clients see: each breaks
//! one, and the right invariant must catch it (and only it).

use super::tests::World;
use super::*;
use crate::raft::{Applied, Command, Entry, ReadMode};

fn append_request(w: &mut World, id: NodeId, term: Term, command: Command, request: RequestId) {
    w.node(id).log.append(Entry { term, command, request: Some(request) });
}

/// Three nodes that committed `put(x=1)` (#1) and `put(x=2)` (#2) after a
/// no-op; every node applied all of it.
fn committed_puts() -> World {
    let mut w = World::new(3);
    w.lead(1, 1);
    for id in 1..=3 {
        w.append(id, &[(1, "noop")]);
        append_request(&mut w, id, 1, Command::put("x", "1"), 1);
        append_request(&mut w, id, 1, Command::put("x", "2"), 2);
        w.commit(id, 3);
    }
    assert_eq!(w.step(&w.all()), 0);
    w.assert_clean();
    w
}

fn only_of(w: &World, invariant: Invariant) -> &Violation {
    let v = w.only();
    assert_eq!(v.invariant, invariant, "{v}");
    v
}

#[test]
fn a_node_that_applies_an_entry_again_breaks_applied_state() {
    let mut w = committed_puts();
    // Node 2 applies the first put a second time, as if it ignored that
    // request #1 was already applied.
    w.node(2).kv.apply(&Entry { term: 1, command: Command::put("x", "1"), request: None });
    assert_eq!(w.step(&[2]), 1);
    let v = only_of(&w, Invariant::AppliedState);
    assert_eq!(v.nodes, vec![2]);
    assert!(v.detail.to_string().contains("x = 1, but the log gives x = 2"), "{}", v.detail);
    assert!(v.detail.to_string().contains("up to index 3"), "{}", v.detail);
    // The last write of x in its log.
    assert_eq!(v.entries, vec![EntryInfo { node: 2, index: 3, term: 1, command: "put(x=2)".into() }]);
    // Once while the difference lasts; again once it is mended and broken anew.
    assert_eq!(w.step(&[2]), 0);
    w.node(2).kv.apply(&Entry { term: 1, command: Command::put("x", "2"), request: None });
    assert_eq!(w.step(&[2]), 0);
    w.node(2).kv.apply(&Entry { term: 1, command: Command::del("x"), request: None });
    assert_eq!(w.step(&[2]), 1);
}

#[test]
fn a_restart_that_keeps_the_state_breaks_applied_state() {
    let mut w = committed_puts();
    let n3 = w.node(3);
    n3.commit = 0;
    n3.applied = 0;
    // The bug: the key-value state survives the crash although the node
    // will apply its log again from the start.
    n3.kv_applied = 0;
    assert_eq!(w.step(&[3]), 1);
    let v = only_of(&w, Invariant::AppliedState);
    assert!(v.detail.to_string().contains("up to index 0: x = 2, but the log gives x missing"), "{}", v.detail);
}

#[test]
fn a_node_behind_the_others_is_checked_against_its_own_applied_index() {
    let mut w = committed_puts();
    append_request(&mut w, 1, 1, Command::del("x"), 3);
    w.commit(1, 4);
    assert_eq!(w.step(&[1]), 0);
    // Nodes 2 and 3 have not applied index 4 yet: x = 2 is right for them.
    assert_eq!(w.step(&[2, 3]), 0);
    w.assert_clean();
}

#[test]
fn an_acknowledgement_before_the_commit_breaks_client_acknowledged() {
    let mut w = committed_puts();
    let put = Command::put("y", "7");
    append_request(&mut w, 1, 1, put.clone(), 3);
    w.step(&[1]);
    let done = Completion { op: 3, command: &put, node: 1, result: &Applied::Done, read: ReadMode::Log };
    assert_eq!(w.checker.client_completed(9, 9_000, done), 1);
    let v = only_of(&w, Invariant::ClientAcknowledged);
    assert_eq!(v.operations, vec![3]);
    assert_eq!(v.nodes, vec![1]);
    assert_eq!(
        v.detail.to_string(),
        "client operation #3 put(y=7) was acknowledged by node 1 with ok, but no committed entry serves it \
         (the committed log ends at index 3)"
    );
}

#[test]
fn an_acknowledgement_with_another_result_breaks_client_acknowledged() {
    let mut w = committed_puts();
    let get = Command::get("x");
    for id in 1..=3 {
        append_request(&mut w, id, 1, get.clone(), 3);
        w.commit(id, 4);
    }
    w.step(&w.all());
    let right = Applied::Value(Some("2".into()));
    let done = Completion { op: 3, command: &get, node: 1, result: &right, read: ReadMode::Log };
    assert_eq!(w.checker.client_completed(9, 9_000, done), 0);
    // The same read answered by another node with a stale value.
    let stale = Applied::Value(Some("1".into()));
    let done = Completion { op: 3, command: &get, node: 2, result: &stale, read: ReadMode::Log };
    assert_eq!(w.checker.client_completed(10, 10_000, done), 1);
    let v = only_of(&w, Invariant::ClientAcknowledged);
    assert_eq!(v.nodes, vec![2, 1]);
    assert_eq!(v.entries, vec![EntryInfo { node: 1, index: 4, term: 1, command: "get(x)".into() }]);
    assert!(
        v.detail.to_string().contains("with value 1, but the committed log gives value 2 (index 4)"),
        "{}",
        v.detail
    );
    // A read that does not go through the log is not held to it.
    let done = Completion { op: 4, command: &get, node: 2, result: &stale, read: ReadMode::Local };
    assert_eq!(w.checker.client_completed(11, 11_000, done), 0);
}

/// A client retries an old write long after it committed: the nodes, like
/// the checker's reference, keep only the newest `RESULT_WINDOW` results,
/// and answer the forgotten one `ok` without applying it again. That is
/// the right answer; another is not. (The fuzzer's crash runs found the
/// checker reporting such retries.)
#[test]
fn a_retry_answered_after_its_result_is_forgotten_is_judged_by_what_the_nodes_answer() {
    let mut w = committed_puts();
    let window = crate::raft::kv::RESULT_WINDOW as RequestId;
    for id in 1..=3 {
        for request in 3..3 + window {
            append_request(&mut w, id, 1, Command::put("z", &request.to_string()), request);
        }
        w.commit(id, 3 + window);
    }
    assert_eq!(w.step(&w.all()), 0);
    let put = Command::put("x", "1");
    let done = Completion { op: 1, command: &put, node: 2, result: &Applied::Done, read: ReadMode::Log };
    assert_eq!(w.checker.client_completed(9, 9_000, done), 0);
    let wrong = Applied::Value(None);
    let done = Completion { op: 1, command: &put, node: 2, result: &wrong, read: ReadMode::Log };
    assert_eq!(w.checker.client_completed(10, 10_000, done), 1);
    only_of(&w, Invariant::ClientAcknowledged);
}

/// The engine cannot produce a stale read yet (every read goes through the
/// log), so it is planted: the client history is built by hand.
#[test]
fn a_planted_stale_read_breaks_linearizability_and_names_the_operations() {
    let mut w = World::new(3);
    let ops = [
        (1, Command::put("x", "1"), 0, 10_000, Applied::Done),
        (2, Command::put("x", "2"), 20_000, 30_000, Applied::Done),
        (3, Command::get("x"), 40_000, 50_000, Applied::Value(Some("1".into()))),
    ];
    let mut found = 0;
    for (id, command, invoked, returned, result) in &ops {
        found += w.checker.client_invoked(1, *invoked, *id, command, true);
        // Not through the log: this history has none, and Client
        // Acknowledged is not what is tested here.
        let done = Completion { op: *id, command, node: 3, result, read: ReadMode::Local };
        found += w.checker.client_completed(2, *returned, done);
    }
    assert_eq!(found, 1);
    let v = only_of(&w, Invariant::Linearizability);
    assert_eq!(v.operations, vec![3, 1, 2]);
    assert_eq!(v.nodes, vec![3]);
    assert!(
        v.detail.to_string().starts_with("#3 get(x) → value 1 (0.040000s to 0.050000s) cannot be linearized"),
        "{}",
        v.detail
    );
    assert!(v.detail.to_string().contains("x = 2, after #1 put(x=1)"), "{}", v.detail);
    assert_eq!(v.time_us, 50_000);
}

#[test]
fn operations_that_do_not_promise_linearizability_are_not_judged_by_the_invariant() {
    let mut w = World::new(3);
    let put = Command::put("x", "1");
    let get = Command::get("x");
    w.checker.client_invoked(1, 0, 1, &put, true);
    let done = Completion { op: 1, command: &put, node: 1, result: &Applied::Done, read: ReadMode::Local };
    w.checker.client_completed(2, 10, done);
    // A serializable read from a stale follower, as `read=local` allows.
    w.checker.client_invoked(3, 20, 2, &get, false);
    let stale = Applied::Value(None);
    let done = Completion { op: 2, command: &get, node: 2, result: &stale, read: ReadMode::Local };
    assert_eq!(w.checker.client_completed(4, 30, done), 0);
    w.assert_clean();
    assert_eq!(w.checker.linearizability().verdict(), linearizability::Verdict::Linearizable);
}
