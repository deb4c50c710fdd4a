//! Quorum arithmetic, on its own as in etcd-io/raft's `quorum/majority.go`:
//! whether a set of servers is a majority of the voters, the result of an
//! election so far, and which log index a majority has stored.
//!
//! Everything asks a [`Majority`], one set of voters. A joint configuration
//! (thesis §4.3: C_old,new) is two of them, and each answer combines theirs:
//! a set is a quorum of both, a vote is won when won in both and lost when
//! lost in either, and the committed index is the smaller of the two. That is
//! why the answers take and return sets and indexes rather than counts.

use std::fmt;

use super::types::{LogIndex, NodeId, MAX_NODES};

/// A set of servers, as a bit per node id (bit `i` is node `i`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct NodeSet(u16);

impl NodeSet {
    pub const EMPTY: NodeSet = NodeSet(0);

    /// Nodes `1..=n`.
    pub fn first(n: u8) -> NodeSet {
        NodeSet(((1u32 << (n as u32 + 1)) - 2) as u16)
    }

    pub fn of(ids: &[NodeId]) -> NodeSet {
        let mut set = NodeSet::EMPTY;
        for &id in ids {
            set.insert(id);
        }
        set
    }

    pub fn insert(&mut self, id: NodeId) {
        debug_assert!(id as usize <= MAX_NODES);
        self.0 |= 1 << id;
    }

    pub fn contains(self, id: NodeId) -> bool {
        self.0 & (1 << id) != 0
    }

    pub fn len(self) -> usize {
        self.0.count_ones() as usize
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    pub fn intersection(self, other: NodeSet) -> NodeSet {
        NodeSet(self.0 & other.0)
    }

    pub fn union(self, other: NodeSet) -> NodeSet {
        NodeSet(self.0 | other.0)
    }

    /// The ids, smallest first.
    pub fn iter(self) -> impl Iterator<Item = NodeId> {
        (1..=MAX_NODES as NodeId).filter(move |&id| self.contains(id))
    }
}

/// Written as the page and the reasons name servers: `S1, S2, S3`.
impl fmt::Display for NodeSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, id) in self.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "S{id}")?;
        }
        Ok(())
    }
}

/// The outcome of an election so far (etcd's `VoteResult`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VoteResult {
    /// A majority granted its vote.
    Won,
    /// Enough voters refused that a majority can no longer be reached.
    Lost,
    /// Neither yet: some votes are still to come.
    Pending,
}

/// One set of voters, decided by a strict majority (§5.2: "a candidate wins
/// an election if it receives votes from a majority of the servers in the
/// full cluster for the same term").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Majority {
    voters: NodeSet,
}

impl Majority {
    pub fn new(voters: NodeSet) -> Self {
        Majority { voters }
    }

    /// Servers `1..=n`, all voting: the fixed cluster of the paper's §5.
    pub fn of_cluster(n: u8) -> Self {
        Majority::new(NodeSet::first(n))
    }

    pub fn voters(&self) -> NodeSet {
        self.voters
    }

    /// Votes or replicas needed: more than half of the voters.
    pub fn quorum(&self) -> usize {
        self.voters.len() / 2 + 1
    }

    /// Whether `set` holds a majority of the voters (servers outside the
    /// configuration do not count).
    pub fn is_majority(&self, set: NodeSet) -> bool {
        set.intersection(self.voters).len() >= self.quorum()
    }

    /// The election so far, given who granted and who refused.
    pub fn vote_result(&self, granted: NodeSet, refused: NodeSet) -> VoteResult {
        if self.is_majority(granted) {
            return VoteResult::Won;
        }
        let undecided = self.voters.intersection(granted.union(refused)).len();
        let missing = self.voters.len() - undecided;
        if granted.intersection(self.voters).len() + missing >= self.quorum() {
            VoteResult::Pending
        } else {
            VoteResult::Lost
        }
    }

    /// The highest index stored on a majority, given each voter's highest
    /// stored index (`acked`, etcd's `AckedIndexer`): sorted from high to
    /// low, the quorum-th value. At least a majority holds it, and no higher
    /// index is held by a majority.
    pub fn committed_index(&self, acked: impl Fn(NodeId) -> LogIndex) -> LogIndex {
        let mut indexes = [0 as LogIndex; MAX_NODES];
        let mut n = 0;
        for id in self.voters.iter() {
            indexes[n] = acked(id);
            n += 1;
        }
        if n == 0 {
            return 0;
        }
        let indexes = &mut indexes[..n];
        indexes.sort_unstable_by(|a, b| b.cmp(a));
        indexes[self.quorum() - 1]
    }

    /// The voters that store `index` or more: the majority behind a commit.
    pub fn acked_at_least(&self, index: LogIndex, acked: impl Fn(NodeId) -> LogIndex) -> NodeSet {
        let mut set = NodeSet::EMPTY;
        for id in self.voters.iter().filter(|&id| acked(id) >= index) {
            set.insert(id);
        }
        set
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn s5_2_quorum_is_a_strict_majority() {
        // The course notes' table: servers, quorum, failures tolerated.
        let table = [(1, 1, 0), (2, 2, 0), (3, 2, 1), (4, 3, 1), (5, 3, 2), (6, 4, 2), (7, 4, 3), (9, 5, 4)];
        for (servers, quorum, tolerated) in table {
            let m = Majority::of_cluster(servers);
            assert_eq!(m.quorum(), quorum, "{servers} servers");
            assert_eq!(servers as usize - m.quorum(), tolerated, "{servers} servers");
        }
    }

    #[test]
    fn s5_2_is_majority_counts_only_voters() {
        let m = Majority::of_cluster(5);
        assert!(m.is_majority(NodeSet::of(&[1, 2, 3])));
        assert!(!m.is_majority(NodeSet::of(&[1, 2])));
        // Node 7 is not a voter of this configuration.
        assert!(!m.is_majority(NodeSet::of(&[1, 2, 7])));
        assert!(Majority::new(NodeSet::of(&[2, 4, 6])).is_majority(NodeSet::of(&[4, 6])));
    }

    #[test]
    fn s5_2_vote_result_won_lost_pending() {
        let m = Majority::of_cluster(5);
        // (granted, refused, result)
        let cases = [
            (&[1][..], &[][..], VoteResult::Pending),
            (&[1, 2, 3], &[], VoteResult::Won),
            (&[1, 2], &[3, 4], VoteResult::Pending),
            (&[1], &[2, 3, 4], VoteResult::Lost),
            (&[1, 2], &[3, 4, 5], VoteResult::Lost),
        ];
        for (granted, refused, result) in cases {
            assert_eq!(m.vote_result(NodeSet::of(granted), NodeSet::of(refused)), result, "{granted:?} {refused:?}");
        }
        assert_eq!(Majority::of_cluster(1).vote_result(NodeSet::of(&[1]), NodeSet::EMPTY), VoteResult::Won);
    }

    #[test]
    fn s5_3_committed_index_is_the_highest_index_on_a_majority() {
        // (each voter's stored index, committed index)
        let cases: [(&[LogIndex], LogIndex); 6] = [
            (&[5], 5),
            (&[5, 3], 3),
            (&[5, 3, 1], 3),
            (&[1, 9, 9, 2, 4], 4),
            (&[7, 7, 0, 0, 7], 7),
            (&[0, 0, 0, 8, 9, 9, 9], 8),
        ];
        for (acked, committed) in cases {
            let m = Majority::of_cluster(acked.len() as u8);
            assert_eq!(m.committed_index(|id| acked[id as usize - 1]), committed, "{acked:?}");
            // And that index is held by a majority.
            assert!(m.is_majority(m.acked_at_least(committed, |id| acked[id as usize - 1])), "{acked:?}");
        }
    }

    #[test]
    fn node_sets_print_as_servers() {
        assert_eq!(NodeSet::of(&[3, 1, 2]).to_string(), "S1, S2, S3");
        assert_eq!(NodeSet::first(9).len(), 9);
        assert!(NodeSet::EMPTY.is_empty());
    }
}
