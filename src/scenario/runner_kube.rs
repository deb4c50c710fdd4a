//! Running `etcdctl` and the control plane's forms (the scenario runner's
//! part for them; `runner.rs` has the rest).

use super::{Runner, SimError, World};
use crate::kube::{LeaseName, MachineId};
use crate::raft::{Applied, RequestId};
use crate::scenario::ast::{Holder, KubeCommand};
use crate::store::etcdctl::{self, Call, DEADLINE_EXCEEDED};

/// What etcdctl prints for a call that reads the members' state.
pub fn etcdctl_state(world: &World, call: &Call) -> Result<Vec<String>, String> {
    match call {
        Call::MemberList(format) => Ok(etcdctl::print_members(*format, &world.etcd_members())),
        Call::EndpointStatus(format) => Ok(etcdctl::print_statuses(*format, &world.endpoint_statuses())),
        Call::Kv { .. } => Err(format!("internal error: etcdctl {call} is a request to the cluster")),
    }
}

/// What etcdctl prints once its request `op` was answered, or its command
/// timeout passed.
pub fn etcdctl_answer(world: &World, call: &Call, op: RequestId) -> Vec<String> {
    let print = match call {
        Call::Kv { print, .. } => *print,
        _ => Default::default(),
    };
    match world.client().op(op).and_then(|o| o.result.as_ref()) {
        Some(Applied::Etcd(reply)) => etcdctl::print_reply(print, reply),
        Some(other) => vec![format!("internal error: etcdctl got {other}")],
        None => vec![DEADLINE_EXCEEDED.to_string()],
    }
}

/// Whether the lease's leadership is as `holder` says: the machines whose
/// instance leads are `leaders`.
fn holder_matches(world: &World, holder: &Holder, leaders: &[MachineId]) -> bool {
    match holder {
        Holder::Held => !leaders.is_empty(),
        Holder::None => leaders.is_empty(),
        Holder::Machine(name) => world.machine_named(name).is_ok_and(|m| leaders.contains(&m)),
    }
}

fn describe_leaders(world: &World, leaders: &[MachineId]) -> String {
    let spec = world.config().kube.as_ref().expect("a kubernetes world");
    match leaders {
        [] => "no instance leads".to_string(),
        [m] => format!("the instance on {} leads", spec.machine_name(*m)),
        _ => {
            let names: Vec<String> = leaders.iter().map(|&m| spec.machine_name(m)).collect();
            format!("the instances on {} all lead", names.join(", "))
        }
    }
}

impl Runner {
    pub(super) fn etcdctl_instant(&self, call: &Call) -> Result<Vec<String>, String> {
        etcdctl_state(&self.world, call)
    }

    pub(super) fn etcdctl_answer(&self, call: &Call, op: RequestId) -> Vec<String> {
        etcdctl_answer(&self.world, call, op)
    }

    pub(super) fn kube_command(&mut self, command: &KubeCommand, out: &mut Vec<String>) -> Result<(), String> {
        let machine = |w: &World, name: &str| w.machine_named(name).map_err(|e| e.to_string());
        match command {
            KubeCommand::CrashMachine(name) => {
                let m = machine(&self.world, name)?;
                self.act(out, |w| w.crash_machine(m))?;
            }
            KubeCommand::RestartMachine(name) => {
                let m = machine(&self.world, name)?;
                self.act(out, |w| w.restart_machine(m))?;
            }
            KubeCommand::FailZone(zone) => self.act(out, |w| w.fail_zone(zone))?,
            KubeCommand::RestoreZone(zone) => self.act(out, |w| w.restore_zone(zone))?,
            KubeCommand::IsolateZone(zone) => self.act(out, |w| w.isolate_zone(zone))?,
            KubeCommand::GetLeases => out.extend(self.world.kubectl_get_leases().map_err(|e: SimError| e.to_string())?),
            KubeCommand::ExpectLease { lease, holder } => self.expect_lease(*lease, holder)?,
            KubeCommand::ExpectApiserver { available } => {
                let actual = self.world.apiserver_available();
                if actual != *available {
                    let say = |a: bool| if a { "available" } else { "unavailable" };
                    return Err(format!("expected the apiserver {}, but it is {}", say(*available), say(actual)));
                }
            }
        }
        Ok(())
    }

    fn expect_lease(&self, lease: LeaseName, holder: &Holder) -> Result<(), String> {
        let leaders = self.world.lease_leaders(lease);
        if holder_matches(&self.world, holder, &leaders) {
            return Ok(());
        }
        let wanted = match holder {
            Holder::Held => "some instance to lead".to_string(),
            Holder::None => "no instance to lead".to_string(),
            Holder::Machine(m) => format!("the instance on {m} to lead"),
        };
        Err(format!("expected {wanted} by lease {lease}, but {}", describe_leaders(&self.world, &leaders)))
    }
}
