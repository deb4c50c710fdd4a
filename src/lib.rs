//! Raft Lab: a deterministic Raft consensus laboratory.

pub mod raft;
