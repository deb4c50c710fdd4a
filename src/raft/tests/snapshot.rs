//! §7, log compaction: snapshots taken every K applied entries and on
//! demand, InstallSnapshot for a follower that needs discarded entries, the
//! follower's install, and a restart from the snapshot.

use super::*;
use crate::raft::log::SnapshotPoint;
use crate::raft::message::{InstallSnapshot, InstallSnapshotReply, Snapshot};
use std::rc::Rc;

/// A 3-node cluster whose nodes snapshot after each `every` applied entries
/// (0: off), with node 1 elected.
fn cluster(every: LogIndex) -> Cluster {
    let mut c = Cluster::new(3);
    for id in 1..=3 {
        c.node_mut(id).set_snapshot_every(every);
    }
    c
}

/// The leader takes `count` writes and the cluster settles, a heartbeat
/// telling the followers the commit index.
fn write(c: &mut Cluster, first: RequestId, count: u64) {
    for r in first..first + count {
        c.client_request(1, r, Command::put(&format!("k{r}"), &r.to_string()));
        c.deliver_all();
    }
    c.heartbeat(1);
    c.deliver_all();
}

#[test]
fn s7_periodic_snapshots_fall_every_k_applied_entries() {
    // (K, writes, snapshot index after them: the no-op and the writes
    // applied, rounded down to a multiple of K)
    let cases: [(LogIndex, u64, LogIndex); 4] = [(1, 3, 4), (3, 7, 6), (5, 3, 0), (5, 9, 10)];
    for (every, writes, expected) in cases {
        let mut c = cluster(every);
        c.elect(1);
        write(&mut c, 1, writes);
        // A follower's log discards the prefix at its next input.
        c.heartbeat(1);
        c.deliver_all();
        for id in 1..=3 {
            let n = c.node(id);
            assert_eq!(n.last_applied(), writes + 1, "K={every} node {id}");
            assert_eq!(n.snapshot().point.index, expected, "K={every} node {id}");
            assert_eq!(n.log().first_index(), expected + 1, "K={every} node {id}");
            assert_eq!(n.kv().get("k1"), Some("1"), "K={every} node {id}: the state keeps every write");
        }
        let taken = c.reasons.iter().filter(|r| matches!(r, Reason::SnapshotTakenPeriodic { .. })).count();
        assert_eq!(taken as LogIndex, 3 * (expected / every), "K={every}");
    }
}

#[test]
fn s7_leader_sends_install_snapshot_to_a_follower_that_needs_discarded_entries() {
    // (writes node 3 got before it was cut off, entries its install
    // discards: its log, the no-op and those writes, ends before the
    // snapshot's point)
    let cases: [(u64, LogIndex); 2] = [(0, 1), (1, 2)];
    for (before, discarded) in cases {
        let mut c = cluster(0);
        c.elect(1);
        write(&mut c, 1, before);
        c.isolate(3);
        write(&mut c, 10, 6);
        let mut ready = Ready::default();
        assert!(c.node_mut(1).take_snapshot(&mut ready));
        let point = c.node(1).snapshot().point;
        assert_eq!(point.index, c.node(1).commit_index(), "before {before}");
        c.heal(3);
        let since = c.delivered.len();
        c.heartbeat(1);
        // Node 3 refuses the heartbeat (its log is short); the leader finds
        // it needs discarded entries and sends the snapshot instead.
        c.deliver_only(|(_, _, m)| !matches!(m, Message::InstallSnapshot(_)));
        assert_eq!(c.node(1).progress(3).unwrap().state, ProgressState::Snapshot, "waiting for the reply");
        let sent = Reason::SnapshotSent { leader: 1, follower: 3, next_index: before + 2, snapshot_index: point.index };
        assert!(c.reasons.contains(&sent), "before {before}: {:?}", c.reasons_of(1));
        c.deliver_next();
        let installed = c.reasons_of(3).into_iter().find_map(|r| match r {
            Reason::SnapshotInstalledDiscarded { index, removed, .. } => Some((index, removed)),
            _ => None,
        });
        let (index, removed) = installed.expect("node 3 installed the snapshot");
        assert_eq!((index, removed), (point.index, discarded), "before {before}");
        c.deliver_all();
        c.heartbeat(1);
        c.deliver_all();
        let (leader, follower) = (c.node(1), c.node(3));
        assert_eq!(follower.snapshot().point, point, "before {before}");
        assert_eq!(follower.kv().digest(), leader.kv().digest(), "before {before}");
        assert_eq!(follower.commit_index(), leader.commit_index(), "before {before}");
        assert_eq!(
            follower.log().digest_at(leader.log().last_index()),
            leader.log().digest_at(leader.log().last_index())
        );
        assert_ne!(leader.progress(3).unwrap().state, ProgressState::Snapshot, "before {before}: caught up");
        let snapshots =
            c.delivered[since..].iter().filter(|(_, _, m)| matches!(m, Message::InstallSnapshot(_))).count();
        assert_eq!(snapshots, 1, "before {before}: one snapshot, then entries");
    }
}

#[test]
fn s7_follower_answers_an_old_or_stale_snapshot_without_installing_it() {
    let mut c = cluster(0);
    c.elect(1);
    write(&mut c, 1, 3);
    let commit = c.node(2).commit_index();
    assert_eq!(commit, 4);
    let old = Rc::new(Snapshot { point: SnapshotPoint { index: 2, term: 1, digest: 0 }, state: KvStore::new() });
    // (message term, reason, reply)
    let cases = [
        (
            1,
            Reason::SnapshotIgnored { node: 2, leader: 1, index: 2, commit },
            InstallSnapshotReply { term: 1, match_index: commit },
        ),
        (
            0,
            Reason::SnapshotRejectedStaleTerm { follower: 2, leader: 1, leader_term: 0, follower_term: 1 },
            InstallSnapshotReply { term: 1, match_index: 0 },
        ),
    ];
    for (term, reason, reply) in cases {
        let msg = Message::InstallSnapshot(InstallSnapshot { term, leader: 1, snapshot: Rc::clone(&old) });
        let ready = c.deliver(1, 2, msg);
        assert_eq!(ready.reasons, vec![reason], "term {term}");
        assert_eq!(only_message(&ready, 1), &Message::InstallSnapshotReply(reply), "term {term}");
        assert_eq!(c.node(2).snapshot().point.index, 0, "term {term}: nothing installed");
        assert_eq!(c.node(2).log().last_index(), 4, "term {term}");
    }
}

#[test]
fn s7_restart_rebuilds_the_state_machine_from_the_snapshot() {
    let mut c = cluster(3);
    c.elect(1);
    write(&mut c, 1, 4);
    let before = c.node(2).kv().digest();
    let point = c.node(2).snapshot().point;
    assert_eq!(point.index, 3);
    let ready = c.restart(2);
    assert!(ready.reasons.contains(&Reason::SnapshotRestored { node: 2, index: 3, term: point.term }));
    let n = c.node(2);
    assert_eq!((n.commit_index(), n.last_applied(), n.snapshot().point), (3, 3, point));
    assert_eq!(n.log().last_index(), 5, "the suffix after the snapshot stays");
    assert_ne!(n.kv().digest(), before, "index 4 and 5 are not applied yet");
    assert_eq!(n.kv().get("k2"), Some("2"), "what the snapshot covers is back at once");
    c.heartbeat(1);
    c.deliver_all();
    assert_eq!(c.node(2).kv().digest(), before, "the leader's commit index brings the rest");
}
