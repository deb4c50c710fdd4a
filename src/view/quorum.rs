//! The quorum table of the course notes, live: for the cluster's membership,
//! the quorum, the failures it tolerates, the members up, and whether a
//! write can commit now, beside the notes' table for 1 to 7 members.
//!
//! The facts are the world's (`World::member_up`, `World::reachable_members`),
//! the same ones `etcdctl endpoint status` and `member list` print from.

use serde::Serialize;

use crate::raft::NodeId;
use crate::sim::World;

/// The sizes the course notes' table lists.
pub const TABLE_SIZES: std::ops::RangeInclusive<usize> = 1..=7;

/// One row of the notes' table.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Row {
    pub members: usize,
    pub quorum: usize,
    pub tolerated: usize,
    /// Even sizes tolerate no more failures than the odd size below: the
    /// fourth and the sixth member buy nothing.
    pub buys_nothing: bool,
    /// The row of the cluster's own size.
    pub current: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct QuorumView {
    /// Voting members of the cluster.
    pub members: usize,
    pub quorum: usize,
    pub tolerated: usize,
    /// Members running (their node, and in a control plane their machine).
    pub up: usize,
    /// Members down.
    pub down: usize,
    /// The largest group of running members that can reach each other
    /// (partitions and zones cut off count).
    pub largest_group: Vec<NodeId>,
    /// Whether a write can commit now: that group holds a quorum.
    pub writes_commit: bool,
    /// How many more members can fail before writes stop (0 when they
    /// already do).
    pub failures_left: usize,
    /// The notes' table, 1 to 7 members.
    pub table: Vec<Row>,
}

/// A strict majority of `n`.
pub fn quorum(n: usize) -> usize {
    n / 2 + 1
}

/// Failures a cluster of `n` survives: `n - quorum(n)`.
pub fn tolerated(n: usize) -> usize {
    n - quorum(n)
}

/// The notes' table for 1 to 7 members, marking the row of `current`.
pub fn rows(current: usize) -> Vec<Row> {
    TABLE_SIZES
        .map(|n| Row {
            members: n,
            quorum: quorum(n),
            tolerated: tolerated(n),
            buys_nothing: n > 1 && tolerated(n) == tolerated(n - 1),
            current: n == current,
        })
        .collect()
}

/// The quorum facts of `world` now.
pub fn table(world: &World) -> QuorumView {
    let n = world.config().nodes as usize;
    let members: Vec<NodeId> = (1..=world.config().nodes).collect();
    let up = members.iter().filter(|&&id| world.member_up(id)).count();
    let largest_group =
        members.iter().map(|&id| world.reachable_members(id)).max_by_key(|g| g.len()).unwrap_or_default();
    let q = quorum(n);
    let writes_commit = largest_group.len() >= q;
    QuorumView {
        members: n,
        quorum: q,
        tolerated: tolerated(n),
        up,
        down: n - up,
        failures_left: largest_group.len().saturating_sub(q),
        writes_commit,
        largest_group,
        table: rows(n),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kube::{KubeSpec, Topology};
    use crate::sim::{WorldConfig, SECOND};

    #[test]
    fn the_notes_table_for_1_to_7_members() {
        let t = rows(5);
        let col = |f: fn(&Row) -> usize| t.iter().map(f).collect::<Vec<_>>();
        assert_eq!(col(|r| r.quorum), [1, 2, 2, 3, 3, 4, 4]);
        assert_eq!(col(|r| r.tolerated), [0, 0, 1, 1, 2, 2, 3]);
        let nothing: Vec<usize> = t.iter().filter(|r| r.buys_nothing).map(|r| r.members).collect();
        assert_eq!(nothing, [2, 4, 6]);
        assert_eq!(t.iter().filter(|r| r.current).map(|r| r.members).collect::<Vec<_>>(), [5]);
    }

    #[test]
    fn crashes_and_partitions_change_what_can_commit() {
        let mut w = World::new(WorldConfig::with_nodes(5, 3)).unwrap();
        w.run_until(SECOND);
        let v = table(&w);
        assert_eq!((v.members, v.quorum, v.tolerated, v.up, v.failures_left), (5, 3, 2, 5, 2));
        assert!(v.writes_commit);
        w.crash(1).unwrap();
        w.crash(2).unwrap();
        let v = table(&w);
        assert_eq!((v.up, v.down, v.failures_left, v.writes_commit), (3, 2, 0, true));
        // 3 running, but split 1 | 2: no group holds 3.
        w.partition(vec![vec![3]]).unwrap();
        let v = table(&w);
        assert_eq!((v.up, v.largest_group.len(), v.writes_commit), (3, 2, false));
    }

    /// The table, etcdctl endpoint status and the apiserver agree on a zone's
    /// loss: 2 + 1 loses its quorum with its bigger zone.
    #[test]
    fn a_lost_zone_shows_alike_in_the_table_and_in_endpoint_status() {
        let mut spec = KubeSpec::new(Topology::Stacked, 3, 3);
        spec.zones = vec!["a".into(), "a".into(), "b".into()];
        let mut w = World::new(WorldConfig { kube: Some(spec), ..WorldConfig::with_nodes(3, 1) }).unwrap();
        w.run_until(5 * SECOND);
        w.fail_zone("a").unwrap();
        let v = table(&w);
        let answering = w.endpoint_statuses().iter().filter(|s| s.is_ok()).count();
        assert_eq!((v.up, answering), (1, 1));
        assert!(!v.writes_commit);
        assert!(!w.apiserver_available());
        assert_eq!(w.etcd_members().len(), v.members, "member list shows every member, up or not");
    }
}
