use super::*;
use crate::raft::{NodeSet, Reason, Role, Rule};

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
        Reason::VoteRefusedLogBehind { voter: 3, candidate: 1, term: 4, candidate_last_term: 2, voter_last_term: 3 },
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
        Reason::AppendRejectedTermMismatch { follower: 4, leader: 1, prev_index: 7, follower_term: 2, leader_term: 3 },
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
