//! A decision's reason as the page gets it: a stable, language-neutral
//! `{key, args}` that the page's message catalogues turn into a sentence in
//! the learner's language, with the English sentence beside it (`text`).
//! docs/why.md lists every key, its args and its English template; a test
//! below keeps that list complete.
//!
//! Args are numbers (terms, indexes, counts), node ids (numbers, written
//! `S3` in the sentences), lists of node ids, and for `restart.lost.*` the
//! rule's name. Their names are camelCase, as the page's JavaScript reads them.

use serde::ser::{Serialize, SerializeStruct, Serializer};

use crate::raft::{NodeId, NodeSet, Reason, Role, Rule};
use crate::sim::Effect;

/// One reason for the page.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Why {
    /// Stable across releases: a catalogue's key, e.g. `vote.refused.log_behind`.
    pub key: &'static str,
    pub args: Args,
    /// The section of the Raft paper (or Figure 2) whose rule decided, for
    /// a link to the rule's explanation: `5.4.1`, `figure-2`, ...
    pub section: &'static str,
    /// The switched-off rule this decision depended on (a lesion), if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lesion: Option<&'static str>,
    /// The English sentence, as `raftlab run --why` prints it.
    pub text: String,
}

/// A reason's arguments, in a fixed order per key; serialized as an object.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Args(Vec<(&'static str, Arg)>);

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Arg {
    Number(u64),
    Nodes(Vec<NodeId>),
    Word(&'static str),
}

impl Args {
    fn n(mut self, name: &'static str, value: impl Into<u64>) -> Self {
        self.0.push((name, Arg::Number(value.into())));
        self
    }

    fn nodes(mut self, name: &'static str, set: NodeSet) -> Self {
        self.0.push((name, Arg::Nodes(set.iter().collect())));
        self
    }

    fn word(mut self, name: &'static str, word: &'static str) -> Self {
        self.0.push((name, Arg::Word(word)));
        self
    }

    /// The argument named `name`.
    pub fn get(&self, name: &str) -> Option<&Arg> {
        self.0.iter().find(|(n, _)| *n == name).map(|(_, a)| a)
    }

    pub fn names(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.0.iter().map(|(n, _)| *n)
    }
}

impl Serialize for Args {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("Args", self.0.len())?;
        for (name, arg) in &self.0 {
            s.serialize_field(name, arg)?;
        }
        s.end()
    }
}

impl Serialize for Arg {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Arg::Number(n) => serializer.serialize_u64(*n),
            Arg::Nodes(ids) => ids.serialize(serializer),
            Arg::Word(w) => serializer.serialize_str(w),
        }
    }
}

impl Why {
    /// The reason of an effect, when it is one.
    pub fn of_effect(effect: &Effect) -> Option<Why> {
        effect.reason().map(Why::of)
    }

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::raft::Rule;

    /// One reason of every kind (and both forms of a restart).
    pub(crate) fn one_of_each() -> Vec<Reason> {
        let set = NodeSet::of(&[1, 2, 3]);
        vec![
            Reason::ElectionTimerFired { node: 3, term: 5 },
            Reason::ForcedTimeout { node: 3, term: 5 },
            Reason::WonElection { node: 1, term: 4, votes: set, voters: 5 },
            Reason::SawHigherTerm { node: 2, term: 5, old_term: 4, from: 3 },
            Reason::HeardLeader { node: 2, term: 4, leader: 1 },
            Reason::VoteGranted {
                voter: 3,
                candidate: 1,
                term: 4,
                candidate_last_term: 3,
                candidate_last_index: 7,
                voter_last_term: 3,
                voter_last_index: 7,
            },
            Reason::VoteGrantedTwice { voter: 3, candidate: 1, term: 4, earlier: 2 },
            Reason::VoteGrantedLogBehind {
                voter: 3,
                candidate: 1,
                term: 4,
                candidate_last_term: 2,
                candidate_last_index: 3,
                voter_last_term: 3,
                voter_last_index: 5,
            },
            Reason::VoteRefusedAlreadyVoted { voter: 3, candidate: 1, term: 4, voted_for: 2 },
            Reason::VoteRefusedLogBehind {
                voter: 3,
                candidate: 1,
                term: 4,
                candidate_last_term: 2,
                voter_last_term: 3,
            },
            Reason::VoteRefusedLogShorter {
                voter: 3,
                candidate: 1,
                term: 4,
                last_term: 3,
                candidate_last_index: 4,
                voter_last_index: 6,
            },
            Reason::VoteRefusedStaleTerm { voter: 3, candidate: 1, candidate_term: 3, voter_term: 5 },
            Reason::AppendRejectedLogShort { follower: 4, leader: 1, prev_index: 7, last_index: 5 },
            Reason::AppendRejectedTermMismatch {
                follower: 4,
                leader: 1,
                prev_index: 7,
                follower_term: 2,
                leader_term: 3,
            },
            Reason::AppendRejectedStaleTerm { follower: 4, leader: 1, leader_term: 3, follower_term: 5 },
            Reason::ConflictDeleted { node: 2, leader: 1, index: 5, our_term: 2, leader_term: 3, removed: 3 },
            Reason::ConflictOverwritten { node: 2, leader: 1, index: 5, our_term: 2, leader_term: 3, kept: 2 },
            Reason::LeaderCommitted { node: 1, index: 7, term: 4, stored_on: set, voters: 5 },
            Reason::LeaderCommittedOldTerm { node: 1, index: 2, entry_term: 2, term: 4, stored_on: set },
            Reason::CommitBlockedOldTerm { node: 1, index: 2, entry_term: 2, term: 4 },
            Reason::FollowerCommitted { node: 2, leader: 1, index: 5, leader_commit: 7, last_new: 5 },
            Reason::FollowerCommittedUnbounded { node: 2, leader: 1, index: 7, leader_commit: 7, last_new: 5 },
            Reason::Restarted { node: 2, term: 3, voted_for: Some(1), last_index: 5 },
            Reason::Restarted { node: 2, term: 3, voted_for: None, last_index: 5 },
            Reason::RestartLost { node: 2, rule: Rule::PersistTerm, lost: 3 },
            Reason::RestartLost { node: 2, rule: Rule::PersistVote, lost: 1 },
            Reason::RestartLost { node: 2, rule: Rule::PersistLog, lost: 5 },
            Reason::PreCampaignTimerFired { node: 1, term: 5 },
            Reason::PreCampaignForced { node: 1, term: 5 },
            Reason::PreVoteWon { node: 1, term: 5, votes: NodeSet::of(&[1, 3]), voters: 5 },
            Reason::PreVoteLost { node: 1, term: 5, refused: NodeSet::of(&[1, 3]), voters: 5 },
            Reason::PreVoteGranted {
                voter: 3,
                candidate: 2,
                term: 5,
                candidate_last_term: 4,
                candidate_last_index: 7,
                voter_last_term: 4,
                voter_last_index: 6,
            },
            Reason::PreVoteRefusedLeaderAlive { voter: 3, candidate: 2, term: 5, leader: 1 },
            Reason::PreVoteRefusedAlreadyVoted { voter: 3, candidate: 2, term: 5, voted_for: 4 },
            Reason::PreVoteRefusedLogBehind {
                voter: 3,
                candidate: 2,
                term: 5,
                candidate_last_term: 4,
                candidate_last_index: 7,
                voter_last_term: 4,
                voter_last_index: 6,
            },
            Reason::PreVoteRefusedStaleTerm { voter: 3, candidate: 2, candidate_term: 3, voter_term: 4 },
            Reason::VoteIgnoredLeaderAlive { voter: 3, candidate: 2, term: 5, voter_term: 4, leader: 1 },
            Reason::CheckQuorumLost { node: 1, term: 5, heard: NodeSet::of(&[1, 3]), voters: 5 },
            Reason::TransferStarted { leader: 1, to: 2, term: 5, match_index: 3, last_index: 7 },
            Reason::TransferTimeoutNowSent { leader: 1, to: 2, last_index: 7 },
            Reason::TransferAborted { leader: 1, to: 2, term: 5 },
            Reason::TransferTimeoutNow { node: 1, term: 5, leader: 1 },
            Reason::RequestRefusedTransfer { leader: 1, to: 2 },
            Reason::ReadLocal { node: 2, request: 5, index: 4, term: 3, role: Role::Leader },
            Reason::ReadLocal { node: 2, request: 5, index: 4, term: 3, role: Role::Candidate },
            Reason::ReadLocal { node: 2, request: 5, index: 4, term: 3, role: Role::Follower },
            Reason::ReadIndexWaitsForTerm { node: 1, request: 5, term: 4 },
            Reason::ReadIndexStarted { node: 1, request: 5, index: 7, round: 12 },
            Reason::ReadIndexAnswered { node: 1, request: 5, index: 7, acked: set },
            Reason::LeaseRead { node: 1, request: 5, index: 7, age: 1, lease: 2 },
            Reason::LeaseLapsed { node: 1, request: 5, lease: 2 },
            Reason::SnapshotTaken { node: 2, index: 9, term: 3 },
            Reason::SnapshotTakenPeriodic { node: 2, index: 20, term: 3, every: 10 },
            Reason::SnapshotRestored { node: 2, index: 20, term: 3 },
            Reason::SnapshotSent { leader: 1, follower: 3, next_index: 4, snapshot_index: 20 },
            Reason::SnapshotInstalledKept { node: 3, leader: 1, index: 20, term: 3, kept: 1 },
            Reason::SnapshotInstalledDiscarded { node: 3, leader: 1, index: 20, term: 3, removed: 4 },
            Reason::SnapshotIgnored { node: 3, leader: 1, index: 20, commit: 22 },
            Reason::SnapshotRejectedStaleTerm { follower: 3, leader: 1, leader_term: 2, follower_term: 4 },
        ]
    }

    #[test]
    fn a_refused_vote_serializes_as_key_and_args() {
        let why = Why::of(&Reason::VoteRefusedLogBehind {
            voter: 3,
            candidate: 1,
            term: 4,
            candidate_last_term: 2,
            voter_last_term: 3,
        });
        assert_eq!(
            serde_json::to_string(&why).unwrap(),
            r#"{"key":"vote.refused.log_behind","args":{"voter":3,"candidate":1,"term":4,"candidateLastTerm":2,"voterLastTerm":3},"section":"5.4.1","text":"S3 refused its vote to S1: S1's last log term 2 is older than S3's 3 (§5.4.1, election restriction)"}"#
        );
        let won = Why::of(&Reason::WonElection { node: 1, term: 4, votes: NodeSet::of(&[1, 3, 4]), voters: 5 });
        assert!(serde_json::to_string(&won).unwrap().contains(r#""votes":[1,3,4]"#));
        let lost = Why::of(&Reason::RestartLost { node: 2, rule: Rule::PersistVote, lost: 1 });
        assert!(serde_json::to_string(&lost).unwrap().contains(r#""lesion":"persist-vote""#));
    }

    /// Every key is distinct and documented in docs/why.md with each of its
    /// args, so the page's catalogues can be filled from that file.
    #[test]
    fn every_key_is_distinct_and_documented_with_its_args() {
        let docs = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/why.md")).expect("docs/why.md");
        let whys: Vec<Why> = one_of_each().iter().map(Why::of).collect();
        let mut keys: Vec<&str> = whys.iter().map(|w| w.key).collect();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), whys.len(), "two reasons share a key");
        for why in &whys {
            let row = docs
                .lines()
                .find(|l| l.starts_with(&format!("| `{}` |", why.key)))
                .unwrap_or_else(|| panic!("docs/why.md has no row for `{}`", why.key));
            for name in why.args.names() {
                assert!(row.contains(&format!("`{name}`")), "docs/why.md: `{}` does not list arg `{name}`", why.key);
            }
        }
    }

    /// Fills an English template of docs/why.md with `why`'s args.
    fn fill(template: &str, why: &Why) -> String {
        let mut out = String::new();
        let mut rest = template;
        while let Some(open) = rest.find('{') {
            out.push_str(&rest[..open]);
            let close = open + rest[open..].find('}').expect("a closing brace");
            let (name, form) = rest[open + 1..close].split_once(':').unwrap_or((&rest[open + 1..close], ""));
            let arg = why.args.get(name).unwrap_or_else(|| panic!("`{}`: no arg `{name}`", why.key));
            out.push_str(&match (arg, form) {
                (Arg::Number(n), "") => n.to_string(),
                (Arg::Word(w), "") => w.to_string(),
                (Arg::Number(1), "entries") => "1 entry".to_string(),
                (Arg::Number(n), "entries") => format!("{n} entries"),
                (Arg::Nodes(ids), "nodes") => NodeSet::of(ids).to_string(),
                _ => panic!("`{}`: arg `{name}` cannot be written as `{form}`", why.key),
            });
            rest = &rest[close + 1..];
        }
        out.push_str(rest);
        out
    }

    #[test]
    fn the_english_templates_of_the_docs_give_the_engines_sentences() {
        let docs = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/why.md")).expect("docs/why.md");
        for why in one_of_each().iter().map(Why::of) {
            let row = docs.lines().find(|l| l.starts_with(&format!("| `{}` |", why.key))).expect("documented");
            let template = row.trim_end_matches(" |").rsplit(" | ").next().expect("a template column");
            assert_eq!(fill(template, &why), why.text, "docs/why.md, `{}`", why.key);
        }
    }
}
