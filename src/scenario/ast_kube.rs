//! The scenario forms of the Kubernetes control plane (version 2 of the
//! language, "The Kubernetes control plane"), parsed by `parse_kube.rs` and
//! run by `runner_kube.rs`. `etcdctl` commands are `Command::Etcdctl`.

use std::fmt;

use crate::kube::LeaseName;

/// What `expect lease NAME ...` expects of the lease's leader.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Holder {
    /// `holder cpI`: the instance on that machine leads.
    Machine(String),
    /// `held`: some running instance leads.
    Held,
    /// `holder none`: no instance leads.
    None,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum KubeCommand {
    /// `crash cp2`: the machine fails with every process on it.
    CrashMachine(String),
    /// `restart cp2`.
    RestartMachine(String),
    FailZone(String),
    RestoreZone(String),
    IsolateZone(String),
    /// `kubectl get leases -n kube-system`.
    GetLeases,
    ExpectLease {
        lease: LeaseName,
        holder: Holder,
    },
    /// `expect apiserver available` / `expect apiserver unavailable`.
    ExpectApiserver {
        available: bool,
    },
}

impl KubeCommand {
    /// Whether running it is one event of the world (a user action).
    pub fn is_event(&self) -> bool {
        matches!(
            self,
            KubeCommand::CrashMachine(_)
                | KubeCommand::RestartMachine(_)
                | KubeCommand::FailZone(_)
                | KubeCommand::RestoreZone(_)
                | KubeCommand::IsolateZone(_)
        )
    }
}

impl fmt::Display for KubeCommand {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KubeCommand::CrashMachine(m) => write!(f, "crash {m}"),
            KubeCommand::RestartMachine(m) => write!(f, "restart {m}"),
            KubeCommand::FailZone(z) => write!(f, "fail zone {z}"),
            KubeCommand::RestoreZone(z) => write!(f, "restore zone {z}"),
            KubeCommand::IsolateZone(z) => write!(f, "isolate zone {z}"),
            KubeCommand::GetLeases => f.write_str("kubectl get leases -n kube-system"),
            KubeCommand::ExpectLease { lease, holder: Holder::Machine(m) } => {
                write!(f, "expect lease {lease} holder {m}")
            }
            KubeCommand::ExpectLease { lease, holder: Holder::Held } => write!(f, "expect lease {lease} held"),
            KubeCommand::ExpectLease { lease, holder: Holder::None } => write!(f, "expect lease {lease} holder none"),
            KubeCommand::ExpectApiserver { available: true } => f.write_str("expect apiserver available"),
            KubeCommand::ExpectApiserver { available: false } => f.write_str("expect apiserver unavailable"),
        }
    }
}
