//! The deterministic world Raft nodes live in: virtual time, the event
//! queue, the network and its faults, crashes and restarts, and the client.
//!
//! Everything random is drawn from one seeded generator in a fixed order, and
//! every collection that is iterated is ordered, so one seed gives one exact
//! run, natively and in WebAssembly alike.

mod action;
mod breakpoint;
mod budget;
mod client;
mod clock;
mod disk;
mod etcd;
mod event;
mod kube_event;
mod kube_host;
mod kube_world;
mod network;
mod rng;
mod timeline;
mod user_actions;
mod world;

use std::fmt;

pub use action::{JournalEntry, UserAction};
pub use breakpoint::{max_term, Breakpoint, Hit, Watch, SIMPLE_NAMES as BREAKPOINT_NAMES};
pub use budget::{thousands, Budget, Limit, OverBudget};
pub use client::{Client, ClientOp, HISTORY_KEPT};
pub use clock::{clock_rates, RatePpm, EXACT as EXACT_RATE};
pub use event::{Effect, Event, EventKind, MachineAction};
pub use kube_host::{KubeEvent, KubeFlight, KubeHost, Machine, Named};
pub use network::{ArmedFault, InFlight, LossReason, MessageFault, Network};
pub use rng::SimRng;
pub use timeline::{clone_bytes, Timeline};
pub use world::{NodeSlot, Stats, World};

use crate::kube::KubeSpec;
use crate::raft::{ElectionOptions, NodeId, MAX_NODES};

/// Virtual time in microseconds since the start of the run.
pub type Micros = u64;

pub const MS: Micros = 1_000;
pub const SECOND: Micros = 1_000_000;

/// The options of the scenario language's `cluster` command.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WorldConfig {
    pub nodes: u8,
    pub seed: u64,
    /// Election timeouts are drawn uniformly from this range (§5.2).
    pub election: (Micros, Micros),
    pub heartbeat: Micros,
    /// Each message's delay is drawn uniformly from this range.
    pub latency: (Micros, Micros),
    /// Probability that a message is lost, in parts per million.
    pub loss_ppm: u32,
    /// `prevote=on`: PreVote (thesis §9.6).
    pub prevote: bool,
    /// `checkquorum=on`: CheckQuorum and leader stickiness (thesis §4.2.3).
    pub check_quorum: bool,
    /// Stable-storage write latency, drawn per write from this range: a
    /// node's messages wait until what they depend on is written (`disk.rs`).
    pub disk: (Micros, Micros),
    /// Clock drift bound, in parts per million: each node's clock runs at
    /// its own fixed rate in [1 − d, 1 + d], drawn from the seed (`clock.rs`).
    pub drift_ppm: u32,
    /// A Kubernetes control plane around the cluster (the `kubernetes`
    /// header); the Raft nodes are then its etcd members.
    pub kube: Option<KubeSpec>,
    /// §7, `snapshot=K`: every node snapshots its state machine after each
    /// K applied entries and discards its log up to there (0: off).
    pub snapshot: u64,
}

impl Default for WorldConfig {
    fn default() -> Self {
        WorldConfig {
            nodes: 5,
            seed: 0,
            election: (150 * MS, 300 * MS),
            heartbeat: 50 * MS,
            latency: (10 * MS, 20 * MS),
            loss_ppm: 0,
            prevote: false,
            check_quorum: false,
            disk: (0, 0),
            drift_ppm: 0,
            kube: None,
            snapshot: 0,
        }
    }
}

impl WorldConfig {
    /// A cluster of `nodes` with every other option at its default, as the
    /// scenario line `cluster N` means.
    pub fn new(nodes: u8) -> Self {
        WorldConfig { nodes, ..Default::default() }
    }

    pub fn with_nodes(nodes: u8, seed: u64) -> Self {
        WorldConfig { nodes, seed, ..Default::default() }
    }

    /// The election options every node runs with.
    pub fn election_options(&self) -> ElectionOptions {
        ElectionOptions { prevote: self.prevote, check_quorum: self.check_quorum }
    }

    pub fn validate(&self) -> Result<(), SimError> {
        let bad = |what: &str| Err(SimError::BadConfig(what.to_string()));
        if self.nodes == 0 || self.nodes as usize > MAX_NODES {
            return bad("the cluster has 1 to 9 nodes");
        }
        if self.election.0 == 0 || self.election.0 > self.election.1 {
            return bad("the election timeout range must be LOW..HIGH with 0 < LOW <= HIGH");
        }
        if self.heartbeat == 0 {
            return bad("the heartbeat interval must be above zero");
        }
        if self.latency.0 > self.latency.1 {
            return bad("the latency range must be LOW..HIGH with LOW <= HIGH");
        }
        if self.loss_ppm > 1_000_000 {
            return bad("the loss rate is at most 100%");
        }
        if self.disk.0 > self.disk.1 {
            return bad("the disk latency range must be LOW..HIGH with LOW <= HIGH");
        }
        if self.drift_ppm > MAX_DRIFT_PPM {
            return bad("the clock drift is at most 50%");
        }
        if let Some(kube) = &self.kube {
            kube.validate().map_err(SimError::BadConfig)?;
            if kube.etcd != self.nodes {
                return bad("the cluster's nodes are the control plane's etcd members");
            }
        }
        Ok(())
    }

    /// How long the client waits for an answer before trying another node:
    /// long enough for an election and a commit round trip.
    pub fn client_timeout(&self) -> Micros {
        (2 * self.election.1 + 4 * self.latency.1).max(100 * MS)
    }
}

/// The largest clock drift a cluster may have: 50%, clocks at half to one
/// and a half times real time.
pub const MAX_DRIFT_PPM: u32 = 500_000;

/// A request the world cannot carry out, with what was wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SimError {
    UnknownNode {
        id: NodeId,
        nodes: u8,
    },
    AlreadyCrashed(NodeId),
    NotCrashed(NodeId),
    Crashed(NodeId),
    NodeListedTwice(NodeId),
    SelfLink(NodeId),
    NoSuchMessage(u64),
    NoLeader,
    /// `transfer leader to N` where N already leads.
    AlreadyLeader(NodeId),
    /// A read mode was given for a command that is not a read.
    NotARead(String),
    BadConfig(String),
    /// A request about the control plane's machines or zones that cannot be
    /// carried out, and why.
    ControlPlane(String),
}

impl fmt::Display for SimError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SimError::UnknownNode { id, nodes } => {
                write!(f, "unknown node {id}: the cluster has nodes 1..{nodes}")
            }
            SimError::AlreadyCrashed(id) => write!(f, "node {id} is already crashed"),
            SimError::NotCrashed(id) => write!(f, "node {id} is not crashed, so it cannot restart"),
            SimError::Crashed(id) => write!(f, "node {id} is crashed"),
            SimError::NodeListedTwice(id) => write!(f, "node {id} is listed in two groups"),
            SimError::SelfLink(id) => write!(f, "a link joins two different nodes, not node {id} to itself"),
            SimError::NoSuchMessage(id) => write!(f, "message {id} is no longer in flight"),
            SimError::NoLeader => write!(f, "there is no leader now"),
            SimError::AlreadyLeader(id) => write!(f, "node {id} is already the leader"),
            SimError::NotARead(command) => write!(f, "{command} is not a read: only get and list take read="),
            SimError::BadConfig(what) => write!(f, "bad cluster options: {what}"),
            SimError::ControlPlane(what) => f.write_str(what),
        }
    }
}

impl std::error::Error for SimError {}

/// Virtual time as people read it: `182.345ms`, `4.250s`.
pub fn fmt_time(t: Micros) -> String {
    if t < SECOND {
        format!("{}.{:03}ms", t / MS, t % MS)
    } else {
        format!("{}.{:06}s", t / SECOND, t % SECOND)
    }
}
