//! Why a node decided what it did: one [`Reason`] for each decision, pure
//! data naming the rule and the values it compared, reported in [`Ready`]
//! beside the decision. Its `Display`, in `reason_text.rs`, is the English
//! sentence the CLI's `--why` prints; `crate::view::why` turns it into a
//! language-neutral `{key, args}` for the page's message catalogues
//! (docs/why.md lists them).
//!
//! [`Ready`]: super::Ready

use super::quorum::NodeSet;
use super::rules::Rule;
use super::types::{LogIndex, NodeId, RequestId, Role, Term};

/// One decision's reason. Nodes are named by id; every variant says which
/// node decided (see [`Reason::node`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reason {
    // ----- role changes (§5.1, §5.2) -----
    /// `node` became candidate of `term`: its election timer fired without
    /// it hearing from a leader or granting a vote.
    ElectionTimerFired {
        node: NodeId,
        term: Term,
    },
    /// `node` became candidate of `term`: the user forced its timeout.
    ForcedTimeout {
        node: NodeId,
        term: Term,
    },
    /// `node` became leader of `term` with the votes of `votes`, a majority
    /// of `voters` servers.
    WonElection {
        node: NodeId,
        term: Term,
        votes: NodeSet,
        voters: u8,
    },
    /// `node` (in `old_term`) saw the higher `term` in a message from `from`
    /// and became a follower of it.
    SawHigherTerm {
        node: NodeId,
        term: Term,
        old_term: Term,
        from: NodeId,
    },
    /// Candidate `node` heard AppendEntries from `leader`, the leader of its
    /// own `term`, and became its follower.
    HeardLeader {
        node: NodeId,
        term: Term,
        leader: NodeId,
    },

    // ----- votes (§5.2, §5.4.1) -----
    /// `voter` granted its vote in `term`: the candidate's log (last term and
    /// index) is at least as up-to-date as the voter's, and the voter had not
    /// voted for anyone else in the term.
    VoteGranted {
        voter: NodeId,
        candidate: NodeId,
        term: Term,
        candidate_last_term: Term,
        candidate_last_index: LogIndex,
        voter_last_term: Term,
        voter_last_index: LogIndex,
    },
    /// Granted although the voter had voted for `earlier` in this term: the
    /// rule `vote-once` is off.
    VoteGrantedTwice {
        voter: NodeId,
        candidate: NodeId,
        term: Term,
        earlier: NodeId,
    },
    /// Granted although the candidate's log is behind: the rule
    /// `vote-up-to-date` is off.
    VoteGrantedLogBehind {
        voter: NodeId,
        candidate: NodeId,
        term: Term,
        candidate_last_term: Term,
        candidate_last_index: LogIndex,
        voter_last_term: Term,
        voter_last_index: LogIndex,
    },
    /// Refused: the voter already voted for `voted_for` in `term`.
    VoteRefusedAlreadyVoted {
        voter: NodeId,
        candidate: NodeId,
        term: Term,
        voted_for: NodeId,
    },
    /// Refused: the candidate's last log term is older than the voter's.
    VoteRefusedLogBehind {
        voter: NodeId,
        candidate: NodeId,
        term: Term,
        candidate_last_term: Term,
        voter_last_term: Term,
    },
    /// Refused: both logs end in `last_term`, the candidate's at a lower index.
    VoteRefusedLogShorter {
        voter: NodeId,
        candidate: NodeId,
        term: Term,
        last_term: Term,
        candidate_last_index: LogIndex,
        voter_last_index: LogIndex,
    },
    /// Refused: the candidate's term is older than the voter's.
    VoteRefusedStaleTerm {
        voter: NodeId,
        candidate: NodeId,
        candidate_term: Term,
        voter_term: Term,
    },

    // ----- replication (§5.3) -----
    /// `follower` rejected AppendEntries: it has no entry at `prev_index`,
    /// its log ends at `last_index`.
    AppendRejectedLogShort {
        follower: NodeId,
        leader: NodeId,
        prev_index: LogIndex,
        last_index: LogIndex,
    },
    /// `follower` rejected AppendEntries: its entry at `prev_index` is of
    /// `follower_term`, the leader's of `leader_term`.
    AppendRejectedTermMismatch {
        follower: NodeId,
        leader: NodeId,
        prev_index: LogIndex,
        follower_term: Term,
        leader_term: Term,
    },
    /// `follower` rejected AppendEntries: the sender's term is older.
    AppendRejectedStaleTerm {
        follower: NodeId,
        leader: NodeId,
        leader_term: Term,
        follower_term: Term,
    },
    /// `node` deleted `removed` entries from `index` on: its entry there was
    /// of `our_term`, the leader's of `leader_term`.
    ConflictDeleted {
        node: NodeId,
        leader: NodeId,
        index: LogIndex,
        our_term: Term,
        leader_term: Term,
        removed: LogIndex,
    },
    /// The lesion `truncate-on-conflict off`: `node` overwrote its
    /// conflicting entries from `index` on and kept `kept` stale ones after
    /// the leader's.
    ConflictOverwritten {
        node: NodeId,
        leader: NodeId,
        index: LogIndex,
        our_term: Term,
        leader_term: Term,
        kept: LogIndex,
    },

    // ----- commitment (§5.3, §5.4.2) -----
    /// Leader `node` committed up to `index`, an entry of its own `term`,
    /// stored on `stored_on`, a majority of `voters`.
    LeaderCommitted {
        node: NodeId,
        index: LogIndex,
        term: Term,
        stored_on: NodeSet,
        voters: u8,
    },
    /// The lesion `commit-current-term off`: leader `node` committed up to
    /// `index`, an entry of the older `entry_term`, by counting replicas.
    LeaderCommittedOldTerm {
        node: NodeId,
        index: LogIndex,
        entry_term: Term,
        term: Term,
        stored_on: NodeSet,
    },
    /// Leader `node` did not commit `index`, although a majority stores it:
    /// the entry is of `entry_term`, older than the leader's `term`.
    CommitBlockedOldTerm {
        node: NodeId,
        index: LogIndex,
        entry_term: Term,
        term: Term,
    },
    /// Follower `node` committed up to `index` = min(`leader_commit`,
    /// `last_new`), the last entry the leader's message vouched for.
    FollowerCommitted {
        node: NodeId,
        leader: NodeId,
        index: LogIndex,
        leader_commit: LogIndex,
        last_new: LogIndex,
    },
    /// The lesion `follower-commit-bound off`: follower `node` committed up to
    /// `index`, past `last_new`, the last entry the leader's message vouched for.
    FollowerCommittedUnbounded {
        node: NodeId,
        leader: NodeId,
        index: LogIndex,
        leader_commit: LogIndex,
        last_new: LogIndex,
    },

    // ----- restarts (Figure 2, persistent state) -----
    /// `node` restarted with what stable storage kept: its term, its vote
    /// (`None`: no vote) and its log.
    Restarted {
        node: NodeId,
        term: Term,
        voted_for: Option<NodeId>,
        last_index: LogIndex,
    },
    /// `node` restarted and lost what the switched-off `rule` (one of the
    /// `persist-*` rules) would have kept: `lost` is the term, the vote (0:
    /// none) or the number of log entries.
    RestartLost {
        node: NodeId,
        rule: Rule,
        lost: u64,
    },

    // ----- PreVote (thesis §9.6), CheckQuorum and stickiness (§4.2.3),
    // leadership transfer (§3.10); each named by its sentence below -----
    PreCampaignTimerFired {
        node: NodeId,
        term: Term,
    },
    PreCampaignForced {
        node: NodeId,
        term: Term,
    },
    PreVoteWon {
        node: NodeId,
        term: Term,
        votes: NodeSet,
        voters: u8,
    },
    PreVoteLost {
        node: NodeId,
        term: Term,
        refused: NodeSet,
        voters: u8,
    },
    PreVoteGranted {
        voter: NodeId,
        candidate: NodeId,
        term: Term,
        candidate_last_term: Term,
        candidate_last_index: LogIndex,
        voter_last_term: Term,
        voter_last_index: LogIndex,
    },
    PreVoteRefusedLeaderAlive {
        voter: NodeId,
        candidate: NodeId,
        term: Term,
        leader: NodeId,
    },
    PreVoteRefusedAlreadyVoted {
        voter: NodeId,
        candidate: NodeId,
        term: Term,
        voted_for: NodeId,
    },
    PreVoteRefusedLogBehind {
        voter: NodeId,
        candidate: NodeId,
        term: Term,
        candidate_last_term: Term,
        candidate_last_index: LogIndex,
        voter_last_term: Term,
        voter_last_index: LogIndex,
    },
    PreVoteRefusedStaleTerm {
        voter: NodeId,
        candidate: NodeId,
        candidate_term: Term,
        voter_term: Term,
    },
    VoteIgnoredLeaderAlive {
        voter: NodeId,
        candidate: NodeId,
        term: Term,
        voter_term: Term,
        leader: NodeId,
    },
    CheckQuorumLost {
        node: NodeId,
        term: Term,
        heard: NodeSet,
        voters: u8,
    },
    TransferStarted {
        leader: NodeId,
        to: NodeId,
        term: Term,
        match_index: LogIndex,
        last_index: LogIndex,
    },
    TransferTimeoutNowSent {
        leader: NodeId,
        to: NodeId,
        last_index: LogIndex,
    },
    TransferAborted {
        leader: NodeId,
        to: NodeId,
        term: Term,
    },
    TransferTimeoutNow {
        node: NodeId,
        term: Term,
        leader: NodeId,
    },
    RequestRefusedTransfer {
        leader: NodeId,
        to: NodeId,
    },

    // ----- reads outside the log (thesis §6.4, `read_only.rs`) -----
    /// `node` answered read `request` from its own applied state at `index`
    /// in `term`, as a `role`, asking no one (a local, serializable read).
    ReadLocal {
        node: NodeId,
        request: RequestId,
        index: LogIndex,
        term: Term,
        role: Role,
    },
    /// Leader `node` holds ReadIndex read `request`: it has not yet committed
    /// an entry of its `term`, so its commit index may be behind.
    ReadIndexWaitsForTerm {
        node: NodeId,
        request: RequestId,
        term: Term,
    },
    /// Leader `node` recorded its commit `index` for read `request` and sent
    /// heartbeat `round` to confirm it still leads.
    ReadIndexStarted {
        node: NodeId,
        request: RequestId,
        index: LogIndex,
        round: u64,
    },
    /// Leader `node` answered read `request`: `acked`, a majority, confirmed
    /// its leadership, and it has applied up to the read's `index`.
    ReadIndexAnswered {
        node: NodeId,
        request: RequestId,
        index: LogIndex,
        acked: NodeSet,
    },
    /// Leader `node` answered read `request` from its state at `index`: a
    /// majority acknowledged a heartbeat round `age` ticks ago, within its
    /// lease of `lease` ticks.
    LeaseRead {
        node: NodeId,
        request: RequestId,
        index: LogIndex,
        age: u64,
        lease: u64,
    },
    /// Leader `node` had no lease (no round acknowledged by a majority within
    /// `lease` ticks, or no entry of its term committed yet): read `request`
    /// falls back to ReadIndex.
    LeaseLapsed {
        node: NodeId,
        request: RequestId,
        lease: u64,
    },

    // ----- log compaction (§7) -----
    /// `node` snapshotted its state machine up to `index` (of `term`), as
    /// the user asked, and discarded its log up to there.
    SnapshotTaken {
        node: NodeId,
        index: LogIndex,
        term: Term,
    },
    /// `node` snapshotted its state machine up to `index` (of `term`):
    /// `every` entries were applied since its previous snapshot.
    SnapshotTakenPeriodic {
        node: NodeId,
        index: LogIndex,
        term: Term,
        every: LogIndex,
    },
    /// `node` restarted and rebuilt its state machine from its snapshot up
    /// to `index` (of `term`).
    SnapshotRestored {
        node: NodeId,
        index: LogIndex,
        term: Term,
    },
    /// Leader `leader` sent `follower` its snapshot up to `snapshot_index`:
    /// the follower needs the entry at `next_index`, which the leader's log
    /// no longer holds.
    SnapshotSent {
        leader: NodeId,
        follower: NodeId,
        next_index: LogIndex,
        snapshot_index: LogIndex,
    },
    /// `node` installed `leader`'s snapshot up to `index` (of `term`) and
    /// kept the `kept` entries after it: its log held the snapshot's last entry.
    SnapshotInstalledKept {
        node: NodeId,
        leader: NodeId,
        index: LogIndex,
        term: Term,
        kept: LogIndex,
    },
    /// `node` installed `leader`'s snapshot up to `index` (of `term`) and
    /// discarded its whole log (`removed` entries): it did not hold the
    /// snapshot's last entry.
    SnapshotInstalledDiscarded {
        node: NodeId,
        leader: NodeId,
        index: LogIndex,
        term: Term,
        removed: LogIndex,
    },
    /// `node` ignored `leader`'s snapshot up to `index`: it had committed
    /// up to `commit` already.
    SnapshotIgnored {
        node: NodeId,
        leader: NodeId,
        index: LogIndex,
        commit: LogIndex,
    },
    /// `follower` rejected InstallSnapshot: the sender's term is older.
    SnapshotRejectedStaleTerm {
        follower: NodeId,
        leader: NodeId,
        leader_term: Term,
        follower_term: Term,
    },
}

impl Reason {
    /// The node that decided.
    pub fn node(&self) -> NodeId {
        match *self {
            Reason::ElectionTimerFired { node, .. }
            | Reason::ForcedTimeout { node, .. }
            | Reason::WonElection { node, .. }
            | Reason::SawHigherTerm { node, .. }
            | Reason::HeardLeader { node, .. }
            | Reason::ConflictDeleted { node, .. }
            | Reason::ConflictOverwritten { node, .. }
            | Reason::LeaderCommitted { node, .. }
            | Reason::LeaderCommittedOldTerm { node, .. }
            | Reason::CommitBlockedOldTerm { node, .. }
            | Reason::FollowerCommitted { node, .. }
            | Reason::FollowerCommittedUnbounded { node, .. }
            | Reason::Restarted { node, .. }
            | Reason::RestartLost { node, .. }
            | Reason::PreCampaignTimerFired { node, .. }
            | Reason::PreCampaignForced { node, .. }
            | Reason::PreVoteWon { node, .. }
            | Reason::PreVoteLost { node, .. }
            | Reason::CheckQuorumLost { node, .. }
            | Reason::TransferTimeoutNow { node, .. } => node,
            Reason::ReadLocal { node, .. }
            | Reason::ReadIndexWaitsForTerm { node, .. }
            | Reason::ReadIndexStarted { node, .. }
            | Reason::ReadIndexAnswered { node, .. }
            | Reason::LeaseRead { node, .. }
            | Reason::LeaseLapsed { node, .. } => node,
            Reason::SnapshotTaken { node, .. }
            | Reason::SnapshotTakenPeriodic { node, .. }
            | Reason::SnapshotRestored { node, .. }
            | Reason::SnapshotInstalledKept { node, .. }
            | Reason::SnapshotInstalledDiscarded { node, .. }
            | Reason::SnapshotIgnored { node, .. } => node,
            Reason::SnapshotSent { leader, .. } => leader,
            Reason::VoteGranted { voter, .. }
            | Reason::VoteGrantedTwice { voter, .. }
            | Reason::VoteGrantedLogBehind { voter, .. }
            | Reason::VoteRefusedAlreadyVoted { voter, .. }
            | Reason::VoteRefusedLogBehind { voter, .. }
            | Reason::VoteRefusedLogShorter { voter, .. }
            | Reason::VoteRefusedStaleTerm { voter, .. }
            | Reason::PreVoteGranted { voter, .. }
            | Reason::PreVoteRefusedLeaderAlive { voter, .. }
            | Reason::PreVoteRefusedAlreadyVoted { voter, .. }
            | Reason::PreVoteRefusedLogBehind { voter, .. }
            | Reason::PreVoteRefusedStaleTerm { voter, .. }
            | Reason::VoteIgnoredLeaderAlive { voter, .. } => voter,
            Reason::TransferStarted { leader, .. }
            | Reason::TransferTimeoutNowSent { leader, .. }
            | Reason::TransferAborted { leader, .. }
            | Reason::RequestRefusedTransfer { leader, .. } => leader,
            Reason::AppendRejectedLogShort { follower, .. }
            | Reason::AppendRejectedTermMismatch { follower, .. }
            | Reason::AppendRejectedStaleTerm { follower, .. }
            | Reason::SnapshotRejectedStaleTerm { follower, .. } => follower,
        }
    }

    /// The rule switched off that this decision depended on, if any.
    pub fn lesion(&self) -> Option<Rule> {
        match self {
            Reason::VoteGrantedTwice { .. } => Some(Rule::VoteOnce),
            Reason::VoteGrantedLogBehind { .. } => Some(Rule::VoteUpToDate),
            Reason::ConflictOverwritten { .. } => Some(Rule::TruncateOnConflict),
            Reason::LeaderCommittedOldTerm { .. } => Some(Rule::CommitCurrentTerm),
            Reason::FollowerCommittedUnbounded { .. } => Some(Rule::FollowerCommitBound),
            Reason::RestartLost { rule, .. } => Some(*rule),
            _ => None,
        }
    }
}
