//! What the control-plane processes say to each other, and what each input
//! asks of the world that hosts them (messages, timers, notable changes).
//!
//! Like the Raft node, a process has no clock, network or randomness of its
//! own: each input comes with the time on the process's machine, and the
//! process answers with an [`Out`]. The world delivers the messages after a
//! network delay, arms the timers (drawing client-go's jitter from the
//! run's seeded generator), and steps the etcd member's Raft node when an
//! etcd server asks it to.

use std::fmt;
use std::rc::Rc;

use super::lease::{LeaseName, LeaseObject, LeaseRecord};
use super::spec::{MachineId, Micros};
use crate::raft::RequestId;
use crate::store::{Reply, Request};

/// A process of the control plane.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Process {
    Apiserver,
    /// kube-controller-manager or kube-scheduler: each instance is, as far
    /// as this model goes, its leader elector.
    Elector(LeaseName),
    /// The etcd member's server: the part of etcd around its Raft node that
    /// takes client requests and forwards them to the leader.
    Etcd,
}

impl fmt::Display for Process {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Process::Apiserver => f.write_str("kube-apiserver"),
            Process::Elector(lease) => write!(f, "{lease}"),
            Process::Etcd => f.write_str("etcd"),
        }
    }
}

/// Where a message goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Endpoint {
    On(MachineId, Process),
    /// The load balancer in front of the apiservers, outside every zone.
    LoadBalancer,
}

impl Endpoint {
    pub fn machine(self) -> Option<MachineId> {
        match self {
            Endpoint::On(m, _) => Some(m),
            Endpoint::LoadBalancer => None,
        }
    }
}

/// A request to the Kubernetes API, as the leader-election client and the
/// load balancer's health check make them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ApiVerb {
    GetLease(LeaseName),
    CreateLease(LeaseName, LeaseRecord),
    /// `object` carries the resourceVersion the update is conditional on.
    UpdateLease(LeaseName, LeaseObject),
    /// `GET /healthz`, which checks that etcd answers.
    Healthz,
}

/// The API's errors, by HTTP status.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ApiError {
    /// 404
    NotFound,
    /// 409 on create: the object exists.
    AlreadyExists,
    /// 409 on update: the resourceVersion is stale.
    Conflict,
    /// 500: etcd answered with an error, or the stored object is unreadable.
    Internal,
    /// 504: etcd did not answer in time.
    Timeout,
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ApiError::NotFound => "404 NotFound",
            ApiError::AlreadyExists => "409 AlreadyExists",
            ApiError::Conflict => "409 Conflict",
            ApiError::Internal => "500 InternalError",
            ApiError::Timeout => "504 Timeout",
        })
    }
}

/// What an etcd member answers besides a reply.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EtcdError {
    /// `etcdserver: request timed out`: the request was not applied within
    /// the server's request timeout (no quorum, or the leader was lost).
    Timeout,
    /// `raft proposal dropped`: the member knows no leader to forward to.
    ProposalDropped,
}

impl fmt::Display for EtcdError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            EtcdError::Timeout => "etcdserver: request timed out",
            EtcdError::ProposalDropped => "raft proposal dropped",
        })
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KubeMsg {
    /// Client -> apiserver.
    Api { id: u64, verb: ApiVerb },
    /// Apiserver -> client. `Ok(None)` answers a health check.
    ApiReply { id: u64, result: Result<Option<LeaseObject>, ApiError> },
    /// Apiserver -> etcd member (client port 2379).
    EtcdRequest { id: RequestId, request: Rc<Request> },
    /// Etcd member -> apiserver.
    EtcdReply { id: RequestId, result: Result<Rc<Reply>, EtcdError> },
    /// Etcd member -> etcd member (peer port 2380): a client request sent on
    /// to the member's leader, as etcd forwards proposals.
    EtcdForward { id: RequestId, request: Rc<Request>, hops: u8 },
    /// The leader's reply, back along the forwarding path.
    EtcdForwardReply { id: RequestId, reply: Rc<Reply> },
}

impl KubeMsg {
    /// A short name for traces: `Api(GetLease kube-scheduler)`.
    pub fn name(&self) -> &'static str {
        match self {
            KubeMsg::Api { .. } => "ApiRequest",
            KubeMsg::ApiReply { .. } => "ApiReply",
            KubeMsg::EtcdRequest { .. } => "EtcdRequest",
            KubeMsg::EtcdReply { .. } => "EtcdReply",
            KubeMsg::EtcdForward { .. } => "EtcdForward",
            KubeMsg::EtcdForwardReply { .. } => "EtcdForwardReply",
        }
    }
}

impl fmt::Display for ApiVerb {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ApiVerb::GetLease(l) => write!(f, "GET lease {l}"),
            ApiVerb::CreateLease(l, r) => write!(f, "CREATE lease {l} holder={}", r.holder),
            ApiVerb::UpdateLease(l, o) => {
                write!(f, "UPDATE lease {l} holder={} resourceVersion={}", o.record.holder, o.resource_version)
            }
            ApiVerb::Healthz => f.write_str("GET /healthz"),
        }
    }
}

impl fmt::Display for KubeMsg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KubeMsg::Api { id, verb } => write!(f, "ApiRequest #{id} {verb}"),
            KubeMsg::ApiReply { id, result: Ok(Some(o)) } => {
                write!(f, "ApiReply #{id} 200 holder={} resourceVersion={}", o.record.holder, o.resource_version)
            }
            KubeMsg::ApiReply { id, result: Ok(None) } => write!(f, "ApiReply #{id} 200 ok"),
            KubeMsg::ApiReply { id, result: Err(e) } => write!(f, "ApiReply #{id} {e}"),
            KubeMsg::EtcdRequest { id, request } => write!(f, "EtcdRequest {} {request}", short_id(*id)),
            KubeMsg::EtcdReply { id, result: Ok(r) } => write!(f, "EtcdReply {} {r}", short_id(*id)),
            KubeMsg::EtcdReply { id, result: Err(e) } => write!(f, "EtcdReply {} {e}", short_id(*id)),
            KubeMsg::EtcdForward { id, request, .. } => write!(f, "EtcdForward {} {request}", short_id(*id)),
            KubeMsg::EtcdForwardReply { id, reply } => write!(f, "EtcdForwardReply {} {reply}", short_id(*id)),
        }
    }
}

/// An apiserver's etcd request id, as `cp2#17`.
pub fn short_id(id: RequestId) -> String {
    let (machine, seq) = split_etcd_id(id);
    format!("cp{}#{seq}", machine + 1)
}

/// The etcd request ids of apiserver `machine`: marked untracked (the
/// state machine keeps no result for them) and unique across apiservers.
pub fn etcd_id(machine: MachineId, seq: u64) -> RequestId {
    crate::raft::UNTRACKED_REQUEST | (u64::from(machine) << 48) | (seq & ((1 << 48) - 1))
}

pub fn split_etcd_id(id: RequestId) -> (MachineId, u64) {
    (((id >> 48) & 0xff) as MachineId, id & ((1 << 48) - 1))
}

/// The timers a process may ask for; each is one at a time per process
/// (arming it again moves it).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TimerKind {
    /// Elector: the next attempt to acquire or renew.
    Retry,
    /// Elector: the end of the current renewal round (the renew deadline).
    RenewDeadline,
    /// Elector: the HTTP timeout of its request in flight.
    RequestTimeout,
    /// Apiserver: an etcd request got no answer in time.
    EtcdTimeout(RequestId),
    /// Etcd server: a request it holds got no reply within etcd's request
    /// timeout.
    EtcdRequestTimeout(RequestId),
    /// Load balancer: time to check backend `m`.
    HealthCheck(MachineId),
    /// Load balancer: the check of backend `m` got no answer.
    HealthTimeout(MachineId),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TimerSet {
    After(Micros),
    /// `base + r × base × factor_tenths / 10`, r uniform in [0, 1): the
    /// world draws it (client-go's `wait.Jitter`).
    Jittered {
        base: Micros,
        factor_tenths: u64,
    },
    /// Uniform in [0, d): a first check spread over its interval.
    Within(Micros),
    Cancel,
}

/// A change worth a line in the trace and the feed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KubeEffect {
    StartedLeading { lease: LeaseName, machine: MachineId, identity: Rc<str> },
    StoppedLeading { lease: LeaseName, machine: MachineId },
    BackendUp(MachineId),
    BackendDown(MachineId),
}

/// Everything one input produced. The host owns one and clears it.
#[derive(Clone, Debug, Default)]
pub struct Out {
    pub messages: Vec<(Endpoint, KubeMsg)>,
    pub timers: Vec<(TimerKind, TimerSet)>,
    pub effects: Vec<KubeEffect>,
    /// Etcd server: requests to step into its own Raft node as a client
    /// request (the node proposes it if it leads, else answers with a
    /// redirect, which comes back to the server).
    pub propose: Vec<(RequestId, Rc<Request>)>,
    /// The process exited (a controller that lost its lease exits, and the
    /// kubelet restarts it).
    pub exited: bool,
}

impl Out {
    pub fn clear(&mut self) {
        self.messages.clear();
        self.timers.clear();
        self.effects.clear();
        self.propose.clear();
        self.exited = false;
    }
    pub fn send(&mut self, to: Endpoint, msg: KubeMsg) {
        self.messages.push((to, msg));
    }
    pub fn timer(&mut self, kind: TimerKind, set: TimerSet) {
        self.timers.push((kind, set));
    }
}
