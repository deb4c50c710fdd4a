//! [`Why::of`]: each [`Reason`]'s catalogue key, the section of the paper
//! whose rule decided, and its args in a fixed order. docs/why.md lists the
//! same keys with their English templates (the `text`, from `Reason`'s
//! `Display` in `crate::raft`).

use super::{Args, Why};
use crate::raft::{Reason, Role, Rule};

impl Why {
    /// The page's form of `reason`: its key, section and args, with its
    /// English sentence as `text`.
    pub fn of(reason: &Reason) -> Why {
        let a = Args::default();
        let (key, section, args) = match *reason {
            Reason::ElectionTimerFired { node, term } => {
                ("role.candidate.timeout", "5.2", a.n("node", node).n("term", term))
            }
            Reason::ForcedTimeout { node, term } => ("role.candidate.forced", "5.2", a.n("node", node).n("term", term)),
            Reason::WonElection { node, term, votes, voters } => {
                ("role.leader.won", "5.2", a.n("node", node).n("term", term).nodes("votes", votes).n("voters", voters))
            }
            Reason::SawHigherTerm { node, term, old_term, from } => (
                "role.follower.higher_term",
                "5.1",
                a.n("node", node).n("term", term).n("oldTerm", old_term).n("from", from),
            ),
            Reason::HeardLeader { node, term, leader } => {
                ("role.follower.heard_leader", "5.2", a.n("node", node).n("term", term).n("leader", leader))
            }
            Reason::VoteGranted {
                voter,
                candidate,
                term,
                candidate_last_term,
                candidate_last_index,
                voter_last_term,
                voter_last_index,
            } => (
                "vote.granted",
                "5.4.1",
                a.n("voter", voter)
                    .n("candidate", candidate)
                    .n("term", term)
                    .n("candidateLastTerm", candidate_last_term)
                    .n("candidateLastIndex", candidate_last_index)
                    .n("voterLastTerm", voter_last_term)
                    .n("voterLastIndex", voter_last_index),
            ),
            Reason::VoteGrantedTwice { voter, candidate, term, earlier } => (
                "vote.granted.vote_once_off",
                "5.2",
                a.n("voter", voter).n("candidate", candidate).n("term", term).n("earlier", earlier),
            ),
            Reason::VoteGrantedLogBehind {
                voter,
                candidate,
                term,
                candidate_last_term,
                candidate_last_index,
                voter_last_term,
                voter_last_index,
            } => (
                "vote.granted.up_to_date_off",
                "5.4.1",
                a.n("voter", voter)
                    .n("candidate", candidate)
                    .n("term", term)
                    .n("candidateLastTerm", candidate_last_term)
                    .n("candidateLastIndex", candidate_last_index)
                    .n("voterLastTerm", voter_last_term)
                    .n("voterLastIndex", voter_last_index),
            ),
            Reason::VoteRefusedAlreadyVoted { voter, candidate, term, voted_for } => (
                "vote.refused.already_voted",
                "5.2",
                a.n("voter", voter).n("candidate", candidate).n("term", term).n("votedFor", voted_for),
            ),
            Reason::VoteRefusedLogBehind { voter, candidate, term, candidate_last_term, voter_last_term } => (
                "vote.refused.log_behind",
                "5.4.1",
                a.n("voter", voter)
                    .n("candidate", candidate)
                    .n("term", term)
                    .n("candidateLastTerm", candidate_last_term)
                    .n("voterLastTerm", voter_last_term),
            ),
            Reason::VoteRefusedLogShorter {
                voter,
                candidate,
                term,
                last_term,
                candidate_last_index,
                voter_last_index,
            } => (
                "vote.refused.log_shorter",
                "5.4.1",
                a.n("voter", voter)
                    .n("candidate", candidate)
                    .n("term", term)
                    .n("lastTerm", last_term)
                    .n("candidateLastIndex", candidate_last_index)
                    .n("voterLastIndex", voter_last_index),
            ),
            Reason::VoteRefusedStaleTerm { voter, candidate, candidate_term, voter_term } => (
                "vote.refused.stale_term",
                "5.1",
                a.n("voter", voter)
                    .n("candidate", candidate)
                    .n("candidateTerm", candidate_term)
                    .n("voterTerm", voter_term),
            ),
            Reason::AppendRejectedLogShort { follower, leader, prev_index, last_index } => (
                "append.rejected.log_short",
                "5.3",
                a.n("follower", follower).n("leader", leader).n("prevIndex", prev_index).n("lastIndex", last_index),
            ),
            Reason::AppendRejectedTermMismatch { follower, leader, prev_index, follower_term, leader_term } => (
                "append.rejected.term_mismatch",
                "5.3",
                a.n("follower", follower)
                    .n("leader", leader)
                    .n("prevIndex", prev_index)
                    .n("followerTerm", follower_term)
                    .n("leaderTerm", leader_term),
            ),
            Reason::AppendRejectedStaleTerm { follower, leader, leader_term, follower_term } => (
                "append.rejected.stale_term",
                "5.1",
                a.n("follower", follower)
                    .n("leader", leader)
                    .n("leaderTerm", leader_term)
                    .n("followerTerm", follower_term),
            ),
            Reason::ConflictDeleted { node, leader, index, our_term, leader_term, removed } => (
                "log.conflict.deleted",
                "5.3",
                a.n("node", node)
                    .n("leader", leader)
                    .n("index", index)
                    .n("ourTerm", our_term)
                    .n("leaderTerm", leader_term)
                    .n("removed", removed),
            ),
            Reason::ConflictOverwritten { node, leader, index, our_term, leader_term, kept } => (
                "log.conflict.overwritten",
                "5.3",
                a.n("node", node)
                    .n("leader", leader)
                    .n("index", index)
                    .n("ourTerm", our_term)
                    .n("leaderTerm", leader_term)
                    .n("kept", kept),
            ),
            Reason::LeaderCommitted { node, index, term, stored_on, voters } => (
                "commit.leader",
                "5.4.2",
                a.n("node", node).n("index", index).n("term", term).nodes("storedOn", stored_on).n("voters", voters),
            ),
            Reason::LeaderCommittedOldTerm { node, index, entry_term, term, stored_on } => (
                "commit.leader.old_term",
                "5.4.2",
                a.n("node", node)
                    .n("index", index)
                    .n("entryTerm", entry_term)
                    .n("term", term)
                    .nodes("storedOn", stored_on),
            ),
            Reason::CommitBlockedOldTerm { node, index, entry_term, term } => (
                "commit.held_back.old_term",
                "5.4.2",
                a.n("node", node).n("index", index).n("entryTerm", entry_term).n("term", term),
            ),
            Reason::FollowerCommitted { node, leader, index, leader_commit, last_new } => (
                "commit.follower",
                "figure-2",
                a.n("node", node)
                    .n("leader", leader)
                    .n("index", index)
                    .n("leaderCommit", leader_commit)
                    .n("lastNew", last_new),
            ),
            Reason::FollowerCommittedUnbounded { node, leader, index, leader_commit, last_new } => (
                "commit.follower.unbounded",
                "figure-2",
                a.n("node", node)
                    .n("leader", leader)
                    .n("index", index)
                    .n("leaderCommit", leader_commit)
                    .n("lastNew", last_new),
            ),
            Reason::Restarted { node, term, voted_for: Some(v), last_index } => (
                "restart.kept",
                "figure-2",
                a.n("node", node).n("term", term).n("votedFor", v).n("lastIndex", last_index),
            ),
            Reason::Restarted { node, term, voted_for: None, last_index } => {
                ("restart.kept.no_vote", "figure-2", a.n("node", node).n("term", term).n("lastIndex", last_index))
            }
            Reason::RestartLost { node, rule, lost } => {
                let (key, name) = match rule {
                    Rule::PersistTerm => ("restart.lost.term", "term"),
                    Rule::PersistVote => ("restart.lost.vote", "votedFor"),
                    _ => ("restart.lost.log", "entries"),
                };
                (key, "figure-2", a.n("node", node).n(name, lost).word("rule", rule.name()))
            }
            Reason::PreCampaignTimerFired { node, term } => {
                ("role.pre_candidate.timeout", "9.6", a.n("node", node).n("term", term))
            }
            Reason::PreCampaignForced { node, term } => {
                ("role.pre_candidate.forced", "9.6", a.n("node", node).n("term", term))
            }
            Reason::PreVoteWon { node, term, votes, voters } => (
                "role.candidate.prevote_won",
                "9.6",
                a.n("node", node).n("term", term).nodes("votes", votes).n("voters", voters),
            ),
            Reason::PreVoteLost { node, term, refused, voters } => (
                "role.follower.prevote_lost",
                "9.6",
                a.n("node", node).n("term", term).nodes("refused", refused).n("voters", voters),
            ),
            Reason::PreVoteGranted {
                voter,
                candidate,
                term,
                candidate_last_term,
                candidate_last_index,
                voter_last_term,
                voter_last_index,
            } => (
                "prevote.granted",
                "9.6",
                a.n("voter", voter)
                    .n("candidate", candidate)
                    .n("term", term)
                    .n("candidateLastTerm", candidate_last_term)
                    .n("candidateLastIndex", candidate_last_index)
                    .n("voterLastTerm", voter_last_term)
                    .n("voterLastIndex", voter_last_index),
            ),
            Reason::PreVoteRefusedLeaderAlive { voter, candidate, term, leader } => (
                "prevote.refused.leader_alive",
                "9.6",
                a.n("voter", voter).n("candidate", candidate).n("term", term).n("leader", leader),
            ),
            Reason::PreVoteRefusedAlreadyVoted { voter, candidate, term, voted_for } => (
                "prevote.refused.already_voted",
                "9.6",
                a.n("voter", voter).n("candidate", candidate).n("term", term).n("votedFor", voted_for),
            ),
            Reason::PreVoteRefusedLogBehind {
                voter,
                candidate,
                term,
                candidate_last_term,
                candidate_last_index,
                voter_last_term,
                voter_last_index,
            } => (
                "prevote.refused.log_behind",
                "9.6",
                a.n("voter", voter)
                    .n("candidate", candidate)
                    .n("term", term)
                    .n("candidateLastTerm", candidate_last_term)
                    .n("candidateLastIndex", candidate_last_index)
                    .n("voterLastTerm", voter_last_term)
                    .n("voterLastIndex", voter_last_index),
            ),
            Reason::PreVoteRefusedStaleTerm { voter, candidate, candidate_term, voter_term } => (
                "prevote.refused.stale_term",
                "9.6",
                a.n("voter", voter)
                    .n("candidate", candidate)
                    .n("candidateTerm", candidate_term)
                    .n("voterTerm", voter_term),
            ),
            Reason::VoteIgnoredLeaderAlive { voter, candidate, term, voter_term, leader } => (
                "vote.ignored.leader_alive",
                "4.2.3",
                a.n("voter", voter)
                    .n("candidate", candidate)
                    .n("term", term)
                    .n("voterTerm", voter_term)
                    .n("leader", leader),
            ),
            Reason::CheckQuorumLost { node, term, heard, voters } => (
                "role.follower.check_quorum",
                "4.2.3",
                a.n("node", node).n("term", term).nodes("heard", heard).n("voters", voters),
            ),
            Reason::TransferStarted { leader, to, term, match_index, last_index } => (
                "transfer.started",
                "3.10",
                a.n("leader", leader)
                    .n("to", to)
                    .n("term", term)
                    .n("matchIndex", match_index)
                    .n("lastIndex", last_index),
            ),
            Reason::TransferTimeoutNowSent { leader, to, last_index } => {
                ("transfer.timeout_now_sent", "3.10", a.n("leader", leader).n("to", to).n("lastIndex", last_index))
            }
            Reason::TransferAborted { leader, to, term } => {
                ("transfer.aborted", "3.10", a.n("leader", leader).n("to", to).n("term", term))
            }
            Reason::TransferTimeoutNow { node, term, leader } => {
                ("role.candidate.timeout_now", "3.10", a.n("node", node).n("term", term).n("leader", leader))
            }
            Reason::RequestRefusedTransfer { leader, to } => {
                ("transfer.request_refused", "3.10", a.n("leader", leader).n("to", to))
            }
            Reason::ReadLocal { node, request, index, term, role } => {
                let key = match role {
                    Role::Leader => "read.local.leader",
                    Role::Candidate | Role::PreCandidate => "read.local.candidate",
                    Role::Follower => "read.local.follower",
                };
                (key, "6.4", a.n("node", node).n("request", request).n("index", index).n("term", term))
            }
            Reason::ReadIndexWaitsForTerm { node, request, term } => {
                ("read.index.waits_for_term", "6.4", a.n("node", node).n("request", request).n("term", term))
            }
            Reason::ReadIndexStarted { node, request, index, round } => (
                "read.index.started",
                "6.4",
                a.n("node", node).n("request", request).n("index", index).n("round", round),
            ),
            Reason::ReadIndexAnswered { node, request, index, acked } => (
                "read.index.answered",
                "6.4",
                a.n("node", node).n("request", request).nodes("acked", acked).n("index", index),
            ),
            Reason::LeaseRead { node, request, index, age, lease } => (
                "read.lease.answered",
                "6.4.1",
                a.n("node", node).n("request", request).n("index", index).n("age", age).n("lease", lease),
            ),
            Reason::LeaseLapsed { node, request, lease } => {
                ("read.lease.lapsed", "6.4.1", a.n("node", node).n("lease", lease).n("request", request))
            }
            Reason::SnapshotTaken { node, index, term } => {
                ("snapshot.taken", "7", a.n("node", node).n("index", index).n("term", term))
            }
            Reason::SnapshotTakenPeriodic { node, index, term, every } => {
                ("snapshot.taken.periodic", "7", a.n("node", node).n("index", index).n("term", term).n("every", every))
            }
            Reason::SnapshotRestored { node, index, term } => {
                ("snapshot.restored", "7", a.n("node", node).n("index", index).n("term", term))
            }
            Reason::SnapshotSent { leader, follower, next_index, snapshot_index } => (
                "snapshot.sent",
                "7",
                a.n("leader", leader)
                    .n("follower", follower)
                    .n("nextIndex", next_index)
                    .n("snapshotIndex", snapshot_index),
            ),
            Reason::SnapshotInstalledKept { node, leader, index, term, kept } => (
                "snapshot.installed.kept",
                "7",
                a.n("node", node).n("leader", leader).n("index", index).n("term", term).n("kept", kept),
            ),
            Reason::SnapshotInstalledDiscarded { node, leader, index, term, removed } => (
                "snapshot.installed.discarded",
                "7",
                a.n("node", node).n("leader", leader).n("index", index).n("term", term).n("removed", removed),
            ),
            Reason::SnapshotIgnored { node, leader, index, commit } => {
                ("snapshot.ignored", "7", a.n("node", node).n("leader", leader).n("index", index).n("commit", commit))
            }
            Reason::SnapshotRejectedStaleTerm { follower, leader, leader_term, follower_term } => (
                "snapshot.rejected.stale_term",
                "7",
                a.n("follower", follower)
                    .n("leader", leader)
                    .n("leaderTerm", leader_term)
                    .n("followerTerm", follower_term),
            ),
        };
        Why { key, args, section, lesion: reason.lesion().map(Rule::name), text: reason.to_string() }
    }
}
