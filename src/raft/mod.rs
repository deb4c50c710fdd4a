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
mod query;
mod replication;
pub mod types;

#[cfg(test)]
mod tests;

pub use kv::KvStore;
pub use log::Log;
pub use message::{Applied, ClientOutcome, Message, MessageKind};
pub use node::{Node, NodeEvent, Progress, Ready, TimerRequest};
pub use types::{Command, Entry, LogIndex, NodeId, RequestId, Role, Term, CLIENT, MAX_NODES, UNTRACKED_REQUEST};
