//! Reads served outside the log (thesis §6.4, `read_only.rs`): ReadIndex,
//! the lease read and the local read.

use super::*;
use crate::raft::ReadMode;

fn value_at(v: &str, index: LogIndex, term: Term) -> ClientOutcome {
    ClientOutcome::Read { result: Applied::Value(Some(v.into())), index, term }
}

/// A 3-node cluster led by node 1 with x = 1 committed everywhere.
fn with_x() -> Cluster {
    let mut c = Cluster::new(3);
    c.elect(1);
    c.client_request(1, 1, Command::put("x", "1"));
    c.deliver_all();
    c.heartbeat(1);
    c.deliver_all();
    c.client_inbox.clear();
    c
}

#[test]
fn s6_4_readindex_answers_after_a_majority_acknowledges_a_new_heartbeat_round() {
    let mut c = with_x();
    let ready = c.client_read(1, 2, Command::get("x"), ReadMode::Index);
    // A heartbeat to every follower, of a new round; no log entry.
    assert_eq!(ready.messages.len(), 2);
    assert!(ready.messages.iter().all(|(_, m)| m.is_heartbeat()));
    assert_eq!(c.node(1).log().last_index(), 2);
    assert!(c.client_replies().is_empty(), "no answer before the round is acknowledged");
    // One follower's acknowledgement makes a majority with the leader.
    c.deliver_next();
    c.deliver_next();
    assert!(c.client_replies().is_empty());
    c.deliver_next();
    assert_eq!(c.client_replies(), vec![(2, value_at("1", 2, 1))]);
    assert!(c.reasons_of(1).iter().any(|r| matches!(r, Reason::ReadIndexAnswered { request: 2, index: 2, .. })));
}

#[test]
fn s6_4_readindex_of_a_cut_off_leader_never_answers() {
    let mut c = with_x();
    c.isolate(1);
    c.client_read(1, 2, Command::get("x"), ReadMode::Index);
    c.deliver_all();
    c.heartbeat(1);
    c.deliver_all();
    assert!(c.client_replies().is_empty());
    // Once it hears from its followers again, the read is confirmed.
    c.heal(1);
    c.heartbeat(1);
    c.deliver_all();
    assert_eq!(c.client_replies(), vec![(2, value_at("1", 2, 1))]);
}

#[test]
fn s6_4_a_new_leader_answers_readindex_only_after_committing_an_entry_of_its_term() {
    let mut c = with_x();
    c.timeout(2);
    c.deliver_votes();
    assert_eq!(c.node(2).role(), Role::Leader);
    // Its no-op is not committed yet: the read waits.
    c.client_read(2, 2, Command::get("x"), ReadMode::Index);
    assert!(c.reasons_of(2).contains(&Reason::ReadIndexWaitsForTerm { node: 2, request: 2, term: 2 }));
    assert!(c.client_replies().is_empty());
    c.deliver_all();
    assert_eq!(c.client_replies(), vec![(2, value_at("1", 3, 2))]);
}

#[test]
fn s6_4_1_a_lease_read_answers_at_once_and_lapses_without_acknowledgements() {
    let mut c = with_x();
    for node in &mut c.nodes {
        node.set_lease_ticks(2);
    }
    // A round acknowledged in this tick: the lease holds.
    c.heartbeat(1);
    c.deliver_all();
    let ready = c.client_read(1, 2, Command::get("x"), ReadMode::Lease);
    assert!(ready.messages.iter().all(|(to, _)| *to == CLIENT), "no round needed");
    assert_eq!(c.client_replies(), vec![(2, value_at("1", 2, 1))]);
    // Cut off for two ticks: the lease lapses and the read falls back to
    // ReadIndex, which cannot be confirmed.
    c.isolate(1);
    c.heartbeat(1);
    c.heartbeat(1);
    c.client_read(1, 3, Command::get("x"), ReadMode::Lease);
    assert!(c.reasons_of(1).contains(&Reason::LeaseLapsed { node: 1, request: 3, lease: 2 }));
    c.deliver_all();
    assert_eq!(c.client_replies().len(), 1);
}

#[test]
fn s6_4_a_local_read_is_answered_by_any_node_and_index_and_lease_reads_are_redirected() {
    let mut c = with_x();
    c.client_read(2, 2, Command::get("x"), ReadMode::Local);
    c.client_read(2, 3, Command::get("x"), ReadMode::Index);
    c.client_read(2, 4, Command::get("x"), ReadMode::Lease);
    let redirect = ClientOutcome::Redirect { leader: Some(1) };
    assert_eq!(
        c.client_replies(),
        vec![(2, value_at("1", 2, 1)), (3, redirect.clone()), (4, redirect)],
        "a follower answers a local read from its own state"
    );
    assert!(c.reasons_of(2).contains(&Reason::ReadLocal {
        node: 2,
        request: 2,
        index: 2,
        term: 1,
        role: Role::Follower
    }));
}

#[test]
fn s6_4_a_cut_off_leader_keeps_a_bounded_number_of_reads_waiting() {
    let mut c = with_x();
    c.isolate(1);
    let max = crate::raft::read_only::MAX_PENDING_READS as u64;
    for request in 2..2 + max + 50 {
        c.client_read(1, request, Command::get("x"), ReadMode::Index);
    }
    c.deliver_all();
    c.heal(1);
    c.heartbeat(1);
    c.deliver_all();
    // The oldest 50 were dropped; the rest are answered once it hears from a majority.
    let answered: Vec<RequestId> = c.client_replies().iter().map(|(r, _)| *r).collect();
    assert_eq!(answered, (52..2 + max + 50).collect::<Vec<_>>());
}
