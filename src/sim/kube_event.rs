//! What the control plane's network carries and what its events are, as
//! traces and the feed name them.

use std::cmp::Ordering;
use std::fmt;

use crate::kube::{Endpoint, KubeMsg, Place, Process, TimerKind};

use super::network::LossReason;
use super::Micros;

/// An endpoint as traces name it: `cp1/kube-scheduler`, `load-balancer`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Named {
    pub place: Place,
    pub process: Option<Process>,
}

impl fmt::Display for Named {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.process {
            Some(p) => write!(f, "{}/{p}", self.place),
            None => write!(f, "{}", self.place),
        }
    }
}

/// A control-plane message on its way.
#[derive(Clone, Debug)]
pub struct KubeFlight {
    /// In sending order: the tie-break between equal arrival times.
    pub id: u64,
    pub from: Endpoint,
    pub to: Endpoint,
    pub from_name: Named,
    pub to_name: Named,
    pub sent_at: Micros,
    pub arrives_at: Micros,
    pub msg: KubeMsg,
}

impl KubeFlight {
    pub(super) fn key(&self) -> (Micros, u64) {
        (self.arrives_at, self.id)
    }
}

impl Ord for KubeFlight {
    fn cmp(&self, other: &Self) -> Ordering {
        other.key().cmp(&self.key())
    }
}
impl PartialOrd for KubeFlight {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl PartialEq for KubeFlight {
    fn eq(&self, other: &Self) -> bool {
        self.key() == other.key()
    }
}
impl Eq for KubeFlight {}

/// What happened in one control-plane event.
#[derive(Clone, Debug)]
pub enum KubeEvent {
    Deliver(KubeFlight),
    Lost(KubeFlight, LossReason),
    Timer(Named, TimerKind),
    /// The kubelet starts a controller again after it exited.
    KubeletRestart(Named),
}

impl fmt::Display for KubeEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KubeEvent::Deliver(m) => write!(f, "deliver {}->{} {}", m.from_name, m.to_name, m.msg),
            KubeEvent::Lost(m, reason) => {
                let why = match reason {
                    LossReason::Partitioned => "partitioned",
                    LossReason::LinkCut => "link cut",
                    LossReason::Crashed => "not running",
                };
                write!(f, "lost {}->{} {} ({why})", m.from_name, m.to_name, m.msg.name())
            }
            KubeEvent::Timer(at, kind) => write!(f, "{at} timer {kind:?}"),
            KubeEvent::KubeletRestart(at) => write!(f, "kubelet restarts {at}"),
        }
    }
}
