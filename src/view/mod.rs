//! What the browser shows, computed from a [`crate::sim::World`] without
//! any browser type, so all of it is tested natively:
//!
//! - [`snapshot`]: the world's visible state as plain data for JavaScript;
//! - [`player`]: plays a scenario progressively in virtual time;
//! - [`feed`]: the bounded list of notable lines the page shows as a log;
//! - [`phrase`]: the same lines as language-neutral `{key, args}` data;
//! - [`layout`]: where nodes and messages are drawn, and what a click hits;
//! - [`why`]: each decision's reason as a language-neutral `{key, args}`.
//! - [`quorum`]: the quorum table of the course notes, live;
//! - [`etcdctl`]: the etcdctl console;
//! - [`kube`]: the Kubernetes view: zones, machines, processes, Leases;
//! - [`client_history`]: the client history, judged for linearizability;
//!   [`history_check`] keeps that judgement up to date incrementally.

pub mod client_history;
pub mod etcdctl;
pub mod feed;
pub mod history;
pub mod history_check;
pub mod kube;
pub mod layout;
pub mod lesson;
pub mod lesson_predicate;
pub mod phrase;
pub mod player;
pub mod quorum;
pub mod session;
pub mod snapshot;
pub mod trig;
pub mod why;
