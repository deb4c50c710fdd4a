//! Raft Lab: a deterministic Raft consensus laboratory.
//!
//! - [`store`]: the etcd-like key-value store (revisions, ranges,
//!   transactions) the nodes apply their logs to, and etcdctl's printers.
//! - [`raft`]: the pure Raft node (inputs: messages and timer firings;
//!   outputs: messages, timer requests and state changes).
//! - [`kube`]: the Kubernetes control plane (apiservers, leader election of
//!   the controllers, the load balancer, etcd's servers) as pure state
//!   machines the world hosts.
//! - [`sim`]: the deterministic world: virtual time, event queue, network
//!   faults, crashes, the client.
//! - [`check`]: the safety invariants of Figure 3, checked after every event.
//! - [`scenario`]: the scenario language: parser, runner, recorder, fuzzer.
//! - [`view`]: what the browser shows, computed without browser types.
//! - [`util`]: general containers with no Raft in them (the chunked,
//!   checkpoint-sharing vector).

pub mod check;
pub mod kube;
pub mod raft;
pub mod scenario;
pub mod sim;
pub mod store;
pub mod util;
pub mod view;

/// The browser front end: wasm-bindgen bindings and canvas drawing only.
#[cfg(target_arch = "wasm32")]
pub mod web;
