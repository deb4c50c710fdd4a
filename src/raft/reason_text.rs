//! The English sentence for each [`Reason`], naming the rule and the paper's
//! section: its `Display`, which the CLI's `--why` prints and the page gets as
//! the `text` fallback (docs/why.md). The enum itself, pure data, is in
//! `reason.rs`; the page's language-neutral `{key, args}` in `crate::view::why`.

use std::fmt;

use super::reason::Reason;
use super::rules::Rule;
use super::types::NodeId;

/// `S3`, as the reasons name servers.
struct S(NodeId);

impl fmt::Display for S {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "S{}", self.0)
    }
}

/// `1 entry`, `3 entries`.
struct Entries(u64);

impl fmt::Display for Entries {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.0, plural(self.0, "entry", "entries"))
    }
}

fn plural(n: u64, one: &'static str, many: &'static str) -> &'static str {
    if n == 1 {
        one
    } else {
        many
    }
}

/// The English sentence, naming the rule and the paper's section.
impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Reason::ElectionTimerFired { node, term } => write!(
                f,
                "{} became candidate of term {term}: its election timer fired without hearing from a leader (§5.2)",
                S(node)
            ),
            Reason::ForcedTimeout { node, term } => {
                write!(f, "{} became candidate of term {term}: the user forced its election timeout (§5.2)", S(node))
            }
            Reason::WonElection { node, term, votes, voters } => write!(
                f,
                "{} became leader of term {term}: it won the election with votes from {votes}, a majority of {voters} (§5.2)",
                S(node)
            ),
            Reason::SawHigherTerm { node, term, old_term, from } => {
                write!(f, "{} became follower of term {term}: it saw term {term} > {old_term} from {} (§5.1)", S(node), S(from))
            }
            Reason::HeardLeader { node, term, leader } => write!(
                f,
                "{} became follower of term {term}: it heard AppendEntries from {}, the leader of this term (§5.2)",
                S(node),
                S(leader)
            ),
            Reason::VoteGranted {
                voter,
                candidate,
                term,
                candidate_last_term,
                candidate_last_index,
                voter_last_term,
                voter_last_index,
            } => write!(
                f,
                "{v} granted its vote to {c} in term {term}: {c}'s log (last term {candidate_last_term}, index \
                 {candidate_last_index}) is at least as up-to-date as {v}'s ({voter_last_term}, {voter_last_index}), \
                 and {v} has voted for no one else in this term (§5.2, §5.4.1)",
                v = S(voter),
                c = S(candidate)
            ),
            Reason::VoteGrantedTwice { voter, candidate, term, earlier } => write!(
                f,
                "{} granted its vote to {} in term {term} although it already voted for {} in this term: rule \
                 vote-once is off (§5.2)",
                S(voter),
                S(candidate),
                S(earlier)
            ),
            Reason::VoteGrantedLogBehind {
                voter,
                candidate,
                term,
                candidate_last_term,
                candidate_last_index,
                voter_last_term,
                voter_last_index,
            } => write!(
                f,
                "{v} granted its vote to {c} in term {term} although {c}'s log (last term {candidate_last_term}, \
                 index {candidate_last_index}) is behind {v}'s ({voter_last_term}, {voter_last_index}): rule \
                 vote-up-to-date is off (§5.4.1)",
                v = S(voter),
                c = S(candidate)
            ),
            Reason::VoteRefusedAlreadyVoted { voter, candidate, term, voted_for } => write!(
                f,
                "{} refused its vote to {}: it already voted for {} in term {term} (§5.2, one vote per term)",
                S(voter),
                S(candidate),
                S(voted_for)
            ),
            Reason::VoteRefusedLogBehind { voter, candidate, candidate_last_term, voter_last_term, .. } => write!(
                f,
                "{v} refused its vote to {c}: {c}'s last log term {candidate_last_term} is older than {v}'s \
                 {voter_last_term} (§5.4.1, election restriction)",
                v = S(voter),
                c = S(candidate)
            ),
            Reason::VoteRefusedLogShorter { voter, candidate, last_term, candidate_last_index, voter_last_index, .. } => {
                write!(
                    f,
                    "{v} refused its vote to {c}: both logs end in term {last_term}, but {c}'s at index \
                     {candidate_last_index}, before {v}'s {voter_last_index} (§5.4.1, election restriction)",
                    v = S(voter),
                    c = S(candidate)
                )
            }
            Reason::VoteRefusedStaleTerm { voter, candidate, candidate_term, voter_term } => write!(
                f,
                "{v} refused its vote to {c}: {c}'s term {candidate_term} is older than {v}'s term {voter_term} (§5.1)",
                v = S(voter),
                c = S(candidate)
            ),
            Reason::AppendRejectedLogShort { follower, leader, prev_index, last_index } => write!(
                f,
                "{} rejected AppendEntries from {}: it has no entry at index {prev_index}, its log ends at index \
                 {last_index} (§5.3, log consistency check)",
                S(follower),
                S(leader)
            ),
            Reason::AppendRejectedTermMismatch { follower, leader, prev_index, follower_term, leader_term } => write!(
                f,
                "{} rejected AppendEntries from {}: its entry at index {prev_index} is of term {follower_term}, \
                 the leader's of term {leader_term} (§5.3, log consistency check)",
                S(follower),
                S(leader)
            ),
            Reason::AppendRejectedStaleTerm { follower, leader, leader_term, follower_term } => write!(
                f,
                "{f_} rejected AppendEntries from {l}: {l}'s term {leader_term} is older than {f_}'s term \
                 {follower_term} (§5.1)",
                f_ = S(follower),
                l = S(leader)
            ),
            Reason::ConflictDeleted { node, leader, index, our_term, leader_term, removed } => write!(
                f,
                "{} deleted {removed} {} from index {index} on: its entry at index {index} is of term {our_term}, \
                 the leader {}'s of term {leader_term} (§5.3)",
                S(node),
                plural(removed, "entry", "entries"),
                S(leader)
            ),
            Reason::ConflictOverwritten { node, leader, index, our_term, leader_term, kept } => write!(
                f,
                "{} overwrote its entries from index {index} (term {our_term}) with the leader {}'s (term \
                 {leader_term}) but kept {kept} {} of its own after them: rule truncate-on-conflict is off (§5.3)",
                S(node),
                S(leader),
                plural(kept, "entry", "entries")
            ),
            Reason::LeaderCommitted { node, index, term, stored_on, voters } => write!(
                f,
                "{n} committed up to index {index}: it is stored on {stored_on}, a majority of {voters}, and is of \
                 {n}'s term {term} (§5.3, §5.4.2)",
                n = S(node)
            ),
            Reason::LeaderCommittedOldTerm { node, index, entry_term, term, stored_on } => write!(
                f,
                "{n} committed up to index {index}, an entry of term {entry_term}, by counting its replicas on \
                 {stored_on} although {n} leads term {term}: rule commit-current-term is off (§5.4.2, Figure 8)",
                n = S(node)
            ),
            Reason::CommitBlockedOldTerm { node, index, entry_term, term } => write!(
                f,
                "{n} did not commit index {index}: the entry is from term {entry_term} and {n} leads term {term} (§5.4.2)",
                n = S(node)
            ),
            Reason::FollowerCommitted { node, leader, index, leader_commit, last_new } => write!(
                f,
                "{} committed up to index {index}: the leader {} has committed up to {leader_commit}, and its \
                 message vouched for entries up to {last_new} (Figure 2, AppendEntries step 5)",
                S(node),
                S(leader)
            ),
            Reason::FollowerCommittedUnbounded { node, leader, index, leader_commit, last_new } => write!(
                f,
                "{} committed up to index {index}: the leader {} has committed up to {leader_commit}, but its \
                 message vouched for entries only up to {last_new}: rule follower-commit-bound is off (Figure 2, \
                 AppendEntries step 5)",
                S(node),
                S(leader)
            ),
            Reason::Restarted { node, term, voted_for, last_index } => {
                write!(f, "{} restarted with what stable storage kept: term {term}, ", S(node))?;
                match voted_for {
                    Some(v) => write!(f, "its vote for {}", S(v))?,
                    None => f.write_str("no vote")?,
                }
                write!(f, ", its log up to index {last_index} (Figure 2, persistent state)")
            }
            Reason::RestartLost { node, rule, lost } => {
                let what = match rule {
                    Rule::PersistTerm => format!("its current term {lost}"),
                    Rule::PersistVote => format!("its vote for S{lost}"),
                    _ => format!("its log of {lost} {}", plural(lost, "entry", "entries")),
                };
                write!(f, "{} lost {what} on restart: rule {rule} is off (Figure 2, persistent state)", S(node))
            }
            Reason::PreCampaignTimerFired { node, term } => write!(
                f,
                "{node_s} became pre-candidate: its election timer fired without hearing from a leader, so it asks whether it could win term {term} before raising its own (§9.6, PreVote)",
                node_s = S(node)
            ),
            Reason::PreCampaignForced { node, term } => write!(
                f,
                "{node_s} became pre-candidate: the user forced its election timeout, so it asks whether it could win term {term} before raising its own (§9.6, PreVote)",
                node_s = S(node)
            ),
            Reason::PreVoteWon { node, term, votes, voters } => write!(
                f,
                "{node_s} became candidate of term {term}: it won the pre-vote with {votes}, a majority of {voters} (§9.6, PreVote)",
                node_s = S(node)
            ),
            Reason::PreVoteLost { node, term, refused, voters } => write!(
                f,
                "{node_s} became follower again: {refused} refused it a pre-vote for term {term}, so it cannot win a majority of {voters}; its term stays as it was (§9.6, PreVote)",
                node_s = S(node)
            ),
            Reason::PreVoteGranted { voter, candidate, term, candidate_last_term, candidate_last_index, voter_last_term, voter_last_index } => write!(
                f,
                "{voter_s} granted a pre-vote to {candidate_s} for term {term}: {candidate_s}'s log (last term {candidate_last_term}, index {candidate_last_index}) is at least as up-to-date as {voter_s}'s ({voter_last_term}, {voter_last_index}) and {voter_s} has not heard from a leader within the minimum election timeout; its own term and vote do not change (§9.6, PreVote)",
                candidate_s = S(candidate), voter_s = S(voter)
            ),
            Reason::PreVoteRefusedLeaderAlive { voter, candidate, term, leader } => write!(
                f,
                "{voter_s} refused a pre-vote to {candidate_s} for term {term}: it heard from the leader {leader_s} within the minimum election timeout (§9.6, PreVote)",
                candidate_s = S(candidate), leader_s = S(leader), voter_s = S(voter)
            ),
            Reason::PreVoteRefusedAlreadyVoted { voter, candidate, term, voted_for } => write!(
                f,
                "{voter_s} refused a pre-vote to {candidate_s} for term {term}: it already voted for {voted_for_s} in that term (§9.6, PreVote)",
                candidate_s = S(candidate), voted_for_s = S(voted_for), voter_s = S(voter)
            ),
            Reason::PreVoteRefusedLogBehind { voter, candidate, term, candidate_last_term, candidate_last_index, voter_last_term, voter_last_index } => write!(
                f,
                "{voter_s} refused a pre-vote to {candidate_s} for term {term}: {candidate_s}'s log (last term {candidate_last_term}, index {candidate_last_index}) is behind {voter_s}'s ({voter_last_term}, {voter_last_index}) (§9.6, §5.4.1)",
                candidate_s = S(candidate), voter_s = S(voter)
            ),
            Reason::PreVoteRefusedStaleTerm { voter, candidate, candidate_term, voter_term } => write!(
                f,
                "{voter_s} refused a pre-vote to {candidate_s}: term {candidate_term} is older than {voter_s}'s term {voter_term} (§9.6, §5.1)",
                candidate_s = S(candidate), voter_s = S(voter)
            ),
            Reason::VoteIgnoredLeaderAlive { voter, candidate, term, voter_term, leader } => write!(
                f,
                "{voter_s} ignored RequestVote from {candidate_s} for term {term}: it heard from the leader {leader_s} within the minimum election timeout, so it keeps its term {voter_term} (§4.2.3, leader stickiness)",
                candidate_s = S(candidate), leader_s = S(leader), voter_s = S(voter)
            ),
            Reason::CheckQuorumLost { node, term, heard, voters } => write!(
                f,
                "{node_s} stepped down as leader of term {term}: within an election timeout it heard only from {heard}, not a majority of {voters} (§4.2.3, CheckQuorum)",
                node_s = S(node)
            ),
            Reason::TransferStarted { leader, to, term, match_index, last_index } => write!(
                f,
                "{leader_s} started transferring its leadership of term {term} to {to_s}: it takes no new client requests and brings {to_s}'s log (matched up to index {match_index}) up to its last index {last_index} (§3.10)",
                leader_s = S(leader), to_s = S(to)
            ),
            Reason::TransferTimeoutNowSent { leader, to, last_index } => write!(
                f,
                "{leader_s} sent TimeoutNow to {to_s}: {to_s}'s log matches its own up to the last index {last_index} (§3.10)",
                leader_s = S(leader), to_s = S(to)
            ),
            Reason::TransferAborted { leader, to, term } => write!(
                f,
                "{leader_s} gave up transferring its leadership of term {term} to {to_s}: {to_s} did not take over within an election timeout, so {leader_s} takes client requests again (§3.10)",
                leader_s = S(leader), to_s = S(to)
            ),
            Reason::TransferTimeoutNow { node, term, leader } => write!(
                f,
                "{node_s} became candidate of term {term} at once: its leader {leader_s} sent TimeoutNow to hand over leadership, so voters that still hear from {leader_s} vote anyway (§3.10)",
                leader_s = S(leader), node_s = S(node)
            ),
            Reason::RequestRefusedTransfer { leader, to } => write!(
                f,
                "{leader_s} refused a client request: it is transferring its leadership to {to_s} (§3.10)",
                leader_s = S(leader), to_s = S(to)
            ),
            Reason::ReadLocal { node, request, index, term, role } => write!(
                f,
                "{} answered read #{request} from its own state at index {index} (term {term}) as a {role}, asking no \
                 one: a local read may be stale (etcd's serializable read, thesis §6.4)",
                S(node)
            ),
            Reason::ReadIndexWaitsForTerm { node, request, term } => write!(
                f,
                "{n} holds read #{request}: it has not yet committed an entry of its term {term}, so its commit index \
                 may be behind the last leader's (thesis §6.4)",
                n = S(node)
            ),
            Reason::ReadIndexStarted { node, request, index, round } => write!(
                f,
                "{} will answer read #{request} at its commit index {index} once a majority acknowledges heartbeat \
                 round {round}, proving it still leads (ReadIndex, thesis §6.4)",
                S(node)
            ),
            Reason::ReadIndexAnswered { node, request, index, acked } => write!(
                f,
                "{} answered read #{request}: {acked}, a majority, acknowledged its heartbeat round and it has applied \
                 index {index} (ReadIndex, thesis §6.4)",
                S(node)
            ),
            Reason::LeaseRead { node, request, index, age, lease } => write!(
                f,
                "{} answered read #{request} from its state at index {index} without asking anyone: a majority \
                 acknowledged its heartbeats {age} of {lease} heartbeat intervals ago, so its lease holds (thesis §6.4.1)",
                S(node)
            ),
            Reason::LeaseLapsed { node, request, lease } => write!(
                f,
                "{} has no lease (no heartbeat round acknowledged by a majority in the last {lease} heartbeat intervals, \
                 or no entry of its term committed yet): read #{request} falls back to ReadIndex (thesis §6.4.1)",
                S(node)
            ),
            Reason::SnapshotTaken { node, index, term } => write!(
                f,
                "{} took a snapshot of its state machine up to index {index} (term {term}) and discarded its log \
                 up to there, as asked (§7)",
                S(node)
            ),
            Reason::SnapshotTakenPeriodic { node, index, term, every } => write!(
                f,
                "{} took a snapshot of its state machine up to index {index} (term {term}): {} applied since its \
                 last snapshot; its log discards the entries up to there (§7)",
                S(node),
                Entries(every)
            ),
            Reason::SnapshotRestored { node, index, term } => write!(
                f,
                "{} rebuilt its state machine from its snapshot up to index {index} (term {term}) (§7)",
                S(node)
            ),
            Reason::SnapshotSent { leader, follower, next_index, snapshot_index } => write!(
                f,
                "{l} sent InstallSnapshot to {f_}: {f_} needs the entry at index {next_index}, which {l} has \
                 discarded into its snapshot up to index {snapshot_index} (§7)",
                l = S(leader),
                f_ = S(follower)
            ),
            Reason::SnapshotInstalledKept { node, leader, index, term, kept } => write!(
                f,
                "{} installed the leader {}'s snapshot up to index {index} (term {term}) and kept {} after it: \
                 its log holds the snapshot's last entry (§7)",
                S(node),
                S(leader),
                Entries(kept)
            ),
            Reason::SnapshotInstalledDiscarded { node, leader, index, term, removed } => write!(
                f,
                "{} installed the leader {}'s snapshot up to index {index} (term {term}) and discarded its whole \
                 log ({}): its log does not hold the snapshot's last entry (§7)",
                S(node),
                S(leader),
                Entries(removed)
            ),
            Reason::SnapshotIgnored { node, leader, index, commit } => write!(
                f,
                "{} ignored the leader {}'s snapshot up to index {index}: it has committed up to index {commit} \
                 already (§7)",
                S(node),
                S(leader)
            ),
            Reason::SnapshotRejectedStaleTerm { follower, leader, leader_term, follower_term } => write!(
                f,
                "{f_} rejected InstallSnapshot from {l}: {l}'s term {leader_term} is older than {f_}'s term \
                 {follower_term} (§7, §5.1)",
                f_ = S(follower),
                l = S(leader)
            ),
        }
    }
}
