//! The pure Raft node: no I/O, no clock, no threads, no randomness.
//!
//! A [`Node`] is driven by inputs ([`Node::step`] with a message,
//! [`Node::election_timeout`], [`Node::heartbeat_timeout`]) and answers with
//! outputs collected in a [`Ready`]: messages to send, timers to (re)arm or
//! stop, and notable state changes. The simulated world (`crate::sim`) owns
//! time, the network and the random draws of election timeouts.

pub mod kv;
pub mod log;
pub mod message;
pub mod node;
pub mod progress;
mod query;
pub mod quorum;
mod ready;
pub mod reason;
mod replication;
pub mod rules;
pub mod types;

#[cfg(test)]
mod tests;

pub use kv::KvStore;
pub use log::Log;
pub use message::{
    AppendEntries, AppendEntriesReply, Applied, ClientOutcome, Message, MessageKind, RequestVote, RequestVoteReply,
};
pub use node::Node;
pub use progress::{Progress, ProgressState};
pub use quorum::{Majority, NodeSet, VoteResult};
pub use ready::{NodeEvent, Ready, TimerRequest};
pub use reason::Reason;
pub use rules::{Rule, Rules};
pub use types::{Command, Entry, LogIndex, NodeId, RequestId, Role, Term, CLIENT, MAX_NODES};
