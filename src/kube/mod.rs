//! The Kubernetes control plane of the course notes, as pure state machines
//! that the simulated world hosts beside the etcd members' Raft nodes.
//!
//! Each process is driven like the Raft node: an input (a message, a timer
//! firing) and the time on its machine go in; messages, timer requests and
//! notable changes come out in an [`Out`]. The world (`crate::sim`) places
//! processes on machines in zones, delivers their messages with network
//! latency, cuts them off by zone, crashes and restarts machines, and steps
//! an etcd member's Raft node for its server.
//!
//! - [`spec`]: topologies (stacked, external), machines, zones, timings;
//! - [`msg`]: endpoints, messages, timers, the [`Out`] of an input;
//! - [`apiserver`]: kube-apiserver: leases and health over etcd;
//! - [`elector`]: client-go's leader election, run by every instance of
//!   kube-controller-manager and kube-scheduler;
//! - [`etcd_server`]: an etcd member's server around its Raft node
//!   (forwarding to the leader, request timeouts);
//! - [`lb`]: the health-checking load balancer in front of the apiservers;
//! - [`lease`], [`json`]: the Lease object as stored in etcd;
//! - [`kubectl`]: what `kubectl get leases` prints.

pub mod apiserver;
pub mod elector;
pub mod etcd_server;
pub mod json;
pub mod kubectl;
pub mod lb;
pub mod lease;
pub mod msg;
pub mod spec;

pub use apiserver::Apiserver;
pub use elector::Elector;
pub use etcd_server::EtcdServer;
pub use lb::LoadBalancer;
pub use lease::{LeaseName, LeaseObject, LeaseRecord};
pub use msg::{ApiError, ApiVerb, Endpoint, EtcdError, KubeEffect, KubeMsg, Out, Process, TimerKind, TimerSet};
pub use spec::{EtcdRaft, KubeSpec, LeaseTimings, MachineId, Place, Topology, ETCD_RAFT};

use crate::raft::types::Fnv;

/// A process's identity as kube-controller-manager and kube-scheduler make
/// it, `hostname_uuid`; the UUID is derived from the run's seed, the
/// machine, the component and how many times it has started, so one seed
/// gives the same identities every run.
pub fn identity(hostname: &str, seed: u64, lease: LeaseName, incarnation: u32) -> String {
    let half = |salt: u8| {
        let mut h = Fnv::new();
        h.byte(salt);
        h.u64(seed);
        h.str(hostname);
        h.byte(lease as u8);
        h.u64(u64::from(incarnation));
        h.finish()
    };
    let mut hex: Vec<char> = format!("{:016x}{:016x}", half(1), half(2)).chars().collect();
    // The version and variant digits of a random (version 4) UUID.
    hex[12] = '4';
    hex[16] = ['8', '9', 'a', 'b'][hex[16].to_digit(16).unwrap_or(0) as usize % 4];
    let hex: String = hex.into_iter().collect();
    format!("{hostname}_{}-{}-{}-{}-{}", &hex[0..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..32])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identities_look_like_kubernetes_ones_and_differ_per_start() {
        let a = identity("cp1", 7, LeaseName::Scheduler, 0);
        assert_eq!(a.len(), "cp1_".len() + 36);
        assert!(a.starts_with("cp1_"));
        assert_eq!(a.matches('-').count(), 4);
        assert_eq!(a, identity("cp1", 7, LeaseName::Scheduler, 0));
        assert_ne!(a, identity("cp1", 7, LeaseName::Scheduler, 1));
        assert_ne!(a, identity("cp1", 7, LeaseName::ControllerManager, 0));
    }
}
