//! The pure Raft node: no I/O, no clock, no threads, no randomness.
//!
//! A [`Node`] is driven by inputs ([`Node::step`] with a message,
//! [`Node::election_timeout`], [`Node::heartbeat_timeout`]) and answers with
//! outputs collected in a [`Ready`]: messages to send, timers to (re)arm or
//! stop, notable state changes, and the [`Reason`] for each decision. The
//! simulated world (`crate::sim`) owns time, the network and the random
//! draws of election timeouts.
//!
//! Where things live: [`node`] holds the state, the one [`Node::step`]
//! dispatcher, the receiver's side of RequestVote, the role transitions and
//! applying committed entries; [`replication`] both sides of AppendEntries
//! (the leader's sending and the commit rule, the follower's receiving);
//! [`compaction`] snapshots and InstallSnapshot's receiver (§7);
//! [`election`] PreVote, CheckQuorum and leadership transfer; [`log`] the
//! log and the follower's append; [`progress`] a leader's view of each
//! follower; [`quorum`] the majority arithmetic; [`rules`] the safety rules
//! a lesion may switch off; [`reason`] why each decision was taken, and
//! [`reason_text`] its English sentence (the `Display` of [`Reason`]);
//! [`message`] the RPCs' payloads.
//!
//! # Figure 2, rule by rule
//!
//! Every rule of Figure 2 of the paper ("The Raft consensus algorithm,
//! condensed") and the two rules of §5.4, with the code that implements it.
//!
//! **State**
//!
//! | Figure 2 | implemented by |
//! |---|---|
//! | Persistent state: `currentTerm`, `votedFor`, `log[]`, updated on stable storage before responding | [`Node::term`], [`Node::voted_for`], [`Node::log`]; what survives a crash: [`Node::restart`] |
//! | Volatile state: `commitIndex`, `lastApplied` | [`Node::commit_index`], [`Node::last_applied`] |
//! | Volatile state on leaders: `nextIndex[]`, `matchIndex[]` | [`Progress`], one per follower, reinitialized by [`Node::become_leader`] |
//!
//! **AppendEntries RPC** ([`AppendEntries`], [`AppendEntriesReply`]; both sides in [`replication`])
//!
//! | Receiver implementation | implemented by |
//! |---|---|
//! | 1. Reply false if `term < currentTerm` | [`Node::step`] |
//! | 2. Reply false if the log doesn't contain an entry at `prevLogIndex` whose term matches `prevLogTerm` | [`Log::maybe_append`] (its [`log::Mismatch`] becomes the reply's conflict hint in [`Node::handle_append_entries`]) |
//! | 3. If an existing entry conflicts with a new one, delete the existing entry and all that follow it | [`Log::find_conflict`], [`Log::maybe_append`] |
//! | 4. Append any new entries not already in the log | [`Log::maybe_append`] |
//! | 5. If `leaderCommit > commitIndex`, set `commitIndex = min(leaderCommit, index of last new entry)` | [`Node::follower_commit`] |
//!
//! **RequestVote RPC** ([`RequestVote`], [`RequestVoteReply`]; the receiver in [`node`], the sender in [`election`])
//!
//! | Receiver implementation | implemented by |
//! |---|---|
//! | 1. Reply false if `term < currentTerm` | [`Node::step`] |
//! | 2. If `votedFor` is null or `candidateId`, and the candidate's log is at least as up-to-date as the receiver's, grant the vote | [`Node::handle_request_vote`], with [`Log::is_up_to_date`] |
//!
//! **Rules for Servers**
//!
//! | All servers | implemented by |
//! |---|---|
//! | If `commitIndex > lastApplied`: increment `lastApplied`, apply `log[lastApplied]` to the state machine | [`Node::set_commit_index`], [`KvStore::apply`] |
//! | If an RPC request or response contains term `T > currentTerm`: set `currentTerm = T`, convert to follower (§5.1) | [`Node::step`], [`Node::become_follower`] |
//!
//! | Followers (§5.2) | implemented by |
//! |---|---|
//! | Respond to RPCs from candidates and leaders | [`Node::step`] |
//! | If the election timeout elapses without receiving AppendEntries from the current leader or granting a vote: convert to candidate | [`Node::election_timeout`]; the timer is reset through [`Ready::election_timer`] on exactly those two events |
//!
//! | Candidates (§5.2) | implemented by |
//! |---|---|
//! | On conversion to candidate, start an election: increment `currentTerm`, vote for self, reset the election timer, send RequestVote to all other servers | [`Node::become_candidate`], then [`Node::campaign`] sends RequestVote |
//! | If votes received from a majority of servers: become leader | [`Majority::vote_result`], [`Node::become_leader`] |
//! | If AppendEntries received from a new leader: convert to follower | [`Node::step`] (a candidate's AppendEntries of its own term), [`Node::become_follower`] |
//! | If the election timeout elapses: start a new election | [`Node::election_timeout`] |
//!
//! | Leaders (§5.3) | implemented by |
//! |---|---|
//! | Upon election: send initial empty AppendEntries (heartbeat) to each server; repeat during idle periods | [`Node::become_leader`] (with a no-op entry, §8), [`Node::heartbeat_timeout`] |
//! | If a command is received from a client: append the entry to the local log, respond after it is applied | [`Node::propose`], the reply in [`Node::set_commit_index`] |
//! | If last log index ≥ `nextIndex` for a follower: send AppendEntries with log entries starting at `nextIndex` | [`Node::send_append`], as [`Progress::is_paused`] allows; [`Progress::sent`] |
//! | If successful: update `nextIndex` and `matchIndex` for the follower | [`Progress::maybe_update`], [`Progress::become_replicate`] |
//! | If AppendEntries fails because of log inconsistency: decrement `nextIndex` and retry | [`Progress::maybe_decr_to`] (by a whole term at once, with the follower's hint), [`Progress::become_probe`] |
//! | If there exists an N such that N > `commitIndex`, a majority of `matchIndex[i] ≥ N`, and `log[N].term == currentTerm`: set `commitIndex = N` | [`Majority::committed_index`], [`Node::maybe_commit`] |
//!
//! **§5.4, Safety**
//!
//! | rule | implemented by |
//! |---|---|
//! | §5.4.1 Election restriction: a vote only for a candidate whose log is at least as up-to-date (last term, then length) | [`Log::is_up_to_date`], checked in [`Node::handle_request_vote`] |
//! | §5.4.2 Committing entries from previous terms: only entries of the leader's current term are committed by counting replicas | [`Node::maybe_commit`] |
//!
//! **§7, Log compaction (Figure 13, InstallSnapshot RPC)** ([`InstallSnapshot`], [`InstallSnapshotReply`]; the snapshots and the receiver in [`compaction`], the sender in [`replication`])
//!
//! | rule | implemented by |
//! |---|---|
//! | Each server takes snapshots independently, covering just the committed entries in its log | [`Node::take_snapshot`] (`snapshot N`), [`Node::maybe_snapshot`] (`snapshot=K`), the snapshot itself [`message::Snapshot`] (the state machine with its table of applied requests) |
//! | The log discards the entries up to the last included index, keeping that index and term | [`Log::compact`], [`log::SnapshotPoint`] |
//! | The leader sends InstallSnapshot to a follower that needs an entry it has discarded | [`Node::send_append`] → [`Node::send_snapshot`], [`Progress::become_snapshot`] (the Snapshot state of etcd's `tracker/progress.go`) |
//! | Receiver: 1. reply immediately if `term < currentTerm` | [`Node::step`] |
//! | Receiver: 6. if an existing log entry has the same index and term as the snapshot's last included entry, retain the entries following it | [`Log::install`] |
//! | Receiver: 7. discard the entire log; 8. reset the state machine using the snapshot's contents | [`Log::install`], [`Node::handle_install_snapshot`] |
//! | A restart loads the snapshot (persistent state, like the log) | [`Node::restart`] |
//!
//! Each of these rules that [`rules::Rule`] names can be switched off (a
//! lesion, for teaching): the check sits in the function above.
//!
//! # Beyond Figure 2: Ongaro's thesis
//!
//! Options of the `cluster` line ([`ElectionOptions`]) and a command; all in
//! `election.rs`, timed by the lease timer ([`Ready::lease_timer`]).
//!
//! | rule | implemented by |
//! |---|---|
//! | §9.6 PreVote: a pre-election, term unchanged, before a real one | [`Node::campaign`] with [`CampaignKind::PreElection`], [`Node::become_pre_candidate`], [`Node::step_pre_candidate`] |
//! | §9.6 grant a pre-vote only to an up-to-date log, and only without a live leader in the last minimum election timeout; nothing changes on the voter | [`Node::handle_pre_vote`], [`Node::in_lease`] |
//! | §4.2.3 CheckQuorum: a leader without a majority within an election timeout steps down | [`Node::check_quorum`], from [`Node::lease_timeout`] |
//! | §4.2.3 leader stickiness: ignore RequestVote while a live leader is heard from | [`Node::ignores_vote_request`] |
//! | §3.10 leadership transfer: catch the target up, refuse requests, TimeoutNow, abort after an election timeout | [`Node::transfer_leadership`], [`Node::lease_timeout`] |
//! | §3.10 the target campaigns at once, past pre-vote and stickiness | [`Node::handle_timeout_now`], [`CampaignKind::Transfer`] |

// The index above links the private functions where the rules live;
// .cargo/config.toml has `cargo doc` document private items, so they resolve.
#![allow(rustdoc::private_intra_doc_links)]

mod compaction;
mod election;
pub mod kv;
pub mod log;
pub mod message;
pub mod node;
pub mod progress;
mod query;
pub mod quorum;
mod read_only;
mod ready;
pub mod reason;
mod reason_text;
mod replication;
pub mod rules;
pub mod types;

#[cfg(test)]
mod tests;

pub use election::{CampaignKind, ElectionOptions};
pub use kv::KvStore;
pub use log::Log;
pub use message::{
    AppendEntries, AppendEntriesReply, Applied, ClientOutcome, InstallSnapshot, InstallSnapshotReply, Message,
    MessageKind, PreVote, PreVoteReply, RequestVote, RequestVoteReply, Snapshot, TimeoutNow,
};
pub use node::Node;
pub use progress::{Progress, ProgressState};
pub use quorum::{Majority, NodeSet, VoteResult};
pub use ready::{NodeEvent, Ready, TimerRequest};
pub use reason::Reason;
pub use rules::{Rule, Rules};
pub use types::{
    Command, Entry, LogIndex, NodeId, ReadMode, RequestId, Role, Term, CLIENT, MAX_NODES, UNTRACKED_REQUEST,
};
