//! The pure Raft node: no I/O, no clock, no threads, no randomness.

pub mod log;
pub mod message;
pub mod types;

pub use log::Log;
pub use message::{Applied, ClientOutcome, Message, MessageKind};
pub use types::{Command, Entry, LogIndex, NodeId, RequestId, Role, Term, CLIENT, MAX_NODES};
