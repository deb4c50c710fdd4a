//! The cluster as etcd's tools see it: member names, ids and URLs, each
//! member's status, and which members can still form a quorum.
//!
//! Names, addresses and ids are a documented stand-in: in a plain `cluster`
//! the members are `node1..nodeN` at `10.0.0.N`; in a `kubernetes` one they
//! are named after their machines (`cp1` or `etcd1`, at `10.0.1.I` /
//! `10.0.2.J`). A member's id is a hash of its name and peer URL (etcd
//! hashes its peer URLs and cluster token). Sizes stand in for bbolt's file:
//! 16 KiB of structure plus the live keys and values rounded up to 4 KiB
//! pages in use, and one free page on top (etcd keeps history until it
//! compacts; this store keeps only the newest values).

use crate::raft::types::Fnv;
use crate::raft::NodeId;
use crate::store::etcdctl::{Member, Status};

use super::World;

/// What `etcdctl endpoint status` reports as the server version.
pub const ETCD_VERSION: &str = "3.6.4";
pub const STORAGE_VERSION: &str = "3.6.0";
/// etcd's default backend quota (`--quota-backend-bytes`), 2 GiB.
pub const QUOTA_BYTES: u64 = 2 * 1024 * 1024 * 1024;
const PAGE: u64 = 4096;

impl World {
    /// `node3`, or in a `kubernetes` world the member's machine, `cp3`.
    pub fn member_name(&self, id: NodeId) -> String {
        match &self.config.kube {
            Some(spec) => spec.machine_name(spec.machine_of_member(id)),
            None => format!("node{id}"),
        }
    }

    fn member_ip(&self, id: NodeId) -> String {
        match &self.config.kube {
            Some(spec) => spec.machine_ip(spec.machine_of_member(id)),
            None => format!("10.0.0.{id}"),
        }
    }

    /// `https://10.0.1.3:2379`: where clients reach member `id`.
    pub fn client_url(&self, id: NodeId) -> String {
        format!("https://{}:2379", self.member_ip(id))
    }

    fn member_id(&self, id: NodeId) -> u64 {
        let mut h = Fnv::new();
        h.str(&self.member_name(id));
        h.str(&format!("https://{}:2380", self.member_ip(id)));
        h.finish()
    }

    /// Whether member `id` runs: its node, and in a `kubernetes` world its
    /// machine.
    pub fn member_up(&self, id: NodeId) -> bool {
        let machine_up = match (&self.config.kube, &self.kube) {
            (Some(spec), Some(kube)) => kube.machine(spec.machine_of_member(id)).alive,
            _ => true,
        };
        machine_up && self.slot(id).alive
    }

    /// `etcdctl member list`: every member of the configuration, running or
    /// not.
    pub fn etcd_members(&self) -> Vec<Member> {
        (1..=self.config.nodes)
            .map(|id| Member {
                id: self.member_id(id),
                name: self.member_name(id),
                peer_url: format!("https://{}:2380", self.member_ip(id)),
                client_url: self.client_url(id),
            })
            .collect()
    }

    /// `etcdctl endpoint status` against every member: each running
    /// member's view of itself, or its URL when it does not answer.
    pub fn endpoint_statuses(&self) -> Vec<Result<Status, String>> {
        (1..=self.config.nodes)
            .map(|id| {
                if !self.member_up(id) {
                    return Err(self.client_url(id));
                }
                let node = self.node(id);
                let data: u64 = node.kv().iter().map(|(k, v)| (k.len() + v.len()) as u64 + 64).sum();
                let in_use = 4 * PAGE + data.div_ceil(PAGE) * PAGE;
                Ok(Status {
                    endpoint: self.client_url(id),
                    id: self.member_id(id),
                    version: ETCD_VERSION,
                    storage_version: STORAGE_VERSION,
                    db_size: in_use + PAGE,
                    db_size_in_use: in_use,
                    quota: QUOTA_BYTES,
                    is_leader: node.leader() == Some(id),
                    raft_term: node.term(),
                    raft_index: node.commit_index(),
                    raft_applied_index: node.last_applied(),
                })
            })
            .collect()
    }

    /// Whether a message can go both ways between members `a` and `b`:
    /// the Raft network's partitions and cuts, and zone isolation.
    fn members_linked(&self, a: NodeId, b: NodeId) -> bool {
        let zones_apart = match (&self.config.kube, &self.kube) {
            (Some(spec), Some(kube)) => {
                kube.group_of(spec.machine_of_member(a)) != kube.group_of(spec.machine_of_member(b))
            }
            _ => false,
        };
        !zones_apart && self.network.link_state(a, b).is_ok() && self.network.link_state(b, a).is_ok()
    }

    /// The running members that member `id` can reach, directly or through
    /// others, itself included (empty when it is down).
    pub fn reachable_members(&self, id: NodeId) -> Vec<NodeId> {
        if !self.member_up(id) {
            return Vec::new();
        }
        let mut seen = vec![id];
        let mut next = 0;
        while next < seen.len() {
            let a = seen[next];
            next += 1;
            for b in 1..=self.config.nodes {
                if !seen.contains(&b) && self.member_up(b) && self.members_linked(a, b) {
                    seen.push(b);
                }
            }
        }
        seen.sort_unstable();
        seen
    }

    /// A strict majority of the members.
    pub fn quorum(&self) -> usize {
        self.config.nodes as usize / 2 + 1
    }

    /// Whether member `id` is among running members that can form a quorum:
    /// a write it takes can commit (once they have a leader).
    pub fn member_can_commit(&self, id: NodeId) -> bool {
        self.reachable_members(id).len() >= self.quorum()
    }
}
