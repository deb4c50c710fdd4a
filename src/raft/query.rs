//! Read-only accessors: what the world, the checker, the scenario runner and
//! the visualizer may see of a node.

use super::kv::KvStore;
use super::node::Node;
use super::progress::Progress;
use super::types::{LogIndex, NodeId, Role, Term};
use super::Log;

impl Node {
    pub fn id(&self) -> NodeId {
        self.id
    }
    pub fn cluster_size(&self) -> u8 {
        self.cluster_size
    }
    pub fn role(&self) -> Role {
        self.role
    }
    pub fn term(&self) -> Term {
        self.current_term
    }
    pub fn voted_for(&self) -> Option<NodeId> {
        self.voted_for
    }
    pub fn log(&self) -> &Log {
        &self.log
    }
    /// The leader this node believes in for its current term, if any.
    pub fn leader(&self) -> Option<NodeId> {
        self.leader
    }
    pub fn commit_index(&self) -> LogIndex {
        self.commit_index
    }
    pub fn last_applied(&self) -> LogIndex {
        self.last_applied
    }
    pub fn kv(&self) -> &KvStore {
        &self.kv
    }
    /// Nodes that granted this candidate (or leader, for the term it won)
    /// their vote, the node itself included.
    pub fn votes_granted(&self) -> impl Iterator<Item = NodeId> + '_ {
        self.votes_granted.iter()
    }
    pub fn votes_denied(&self) -> impl Iterator<Item = NodeId> + '_ {
        self.votes_denied.iter()
    }
    /// The leader's view of a follower's log; `None` unless this node leads
    /// and `peer` is another node of the cluster.
    pub fn progress(&self, peer: NodeId) -> Option<Progress> {
        (self.role == Role::Leader && peer != self.id && peer >= 1 && peer <= self.cluster_size)
            .then(|| self.progress[peer as usize])
    }
}
