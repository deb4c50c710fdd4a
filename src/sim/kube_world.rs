//! The world with a Kubernetes control plane: its events, the user's
//! actions on machines and zones, and what can be asked of it (leases, the
//! apiserver's availability). The hosting itself is `kube_host.rs`.

use crate::check::Invariant;
use crate::kube::ETCD_RAFT;
use crate::kube::{kubectl, KubeSpec, LeaseName, LeaseObject, MachineId};
use crate::raft::{ClientOutcome, Command, Message, NodeId, ReadMode, RequestId, Role, CLIENT};
use crate::store::Keys;
use crate::util::msg::{chain, code};
use crate::util::Msg;

use super::action::UserAction;
use super::event::{EventKind, MachineAction};
use super::kube_host::{Ctx, KubeHost};
use super::{SimError, World};

impl World {
    /// Builds and starts the control plane of a `kubernetes` world (not an
    /// event: the run begins with everything starting).
    pub(super) fn start_kube(&mut self) {
        let Some(spec) = self.config.kube.clone() else { return };
        let host = KubeHost::new(spec, self.config.seed, self.config.latency, self.config.election.1);
        self.kube = Some(Box::new(host));
        let proposals = self.with_kube(|kube, ctx| kube.start(ctx));
        debug_assert!(proposals.is_empty(), "no etcd request is handed over at start");
        self.effects.clear();
    }

    /// Runs `f` on the control plane with what it needs of the world; then
    /// steps the Raft nodes the etcd servers handed requests to. Returns
    /// the members stepped.
    fn with_kube(&mut self, f: impl FnOnce(&mut KubeHost, &mut Ctx)) -> Vec<NodeId> {
        let mut proposals = Vec::new();
        let World { kube, rng, network, effects, now, .. } = self;
        let Some(kube) = kube.as_mut() else { return Vec::new() };
        let mut ctx = Ctx { now: *now, rng, network, effects, proposals: &mut proposals };
        f(kube, &mut ctx);
        let mut stepped = Vec::new();
        for (member, id, request) in proposals {
            if self.slot(member).alive {
                // etcd serves linearizable reads by ReadIndex, as etcd does.
                let read = if ETCD_RAFT.read_index && !request.is_write() { ReadMode::Index } else { ReadMode::Log };
                let msg = Message::ClientRequest { request: id, command: Command::Etcd(request), read };
                self.with_node(member, |node, ready| node.step(CLIENT, &msg, ready));
                stepped.push(member);
            }
        }
        stepped
    }

    /// Processes the next control-plane event.
    pub(super) fn kube_step(&mut self) -> (EventKind, Option<NodeId>) {
        let mut event = None;
        let stepped = self.with_kube(|kube, ctx| event = Some(kube.step(ctx)));
        (EventKind::Kube(event.expect("the control plane had an event due")), stepped.first().copied())
    }

    /// A member's Raft node answered a request its etcd server handed it.
    pub(super) fn kube_node_reply(&mut self, node: NodeId, request: RequestId, outcome: &ClientOutcome) {
        let stepped = self.with_kube(|kube, ctx| kube.node_reply(node, request, outcome, ctx));
        debug_assert!(stepped.is_empty(), "a reply hands no new request to a node");
    }

    /// Reports each lease two instances lead at once as a violation of
    /// [`Invariant::LeaseSafety`]; returns how many were recorded.
    pub(super) fn check_leaderships(&mut self) -> usize {
        let Some(kube) = self.kube.as_mut() else { return 0 };
        let doubles = kube.double_leadership();
        let mut recorded = 0;
        for (lease, machines) in doubles {
            let spec = kube.spec();
            let names: Vec<String> = machines.iter().map(|&m| spec.machine_name(m)).collect();
            let members = machines.iter().filter_map(|&m| spec.member_of(m)).collect();
            let machines = chain("v.and", "{a} and {b}", names.iter().map(|n| code(n.to_string())).collect());
            let detail = Msg::new("v.lease", "{lease} acts as leader on {machines} at once")
                .text("lease", lease.to_string())
                .msg("machines", machines.unwrap_or_else(|| code("")));
            if self.checker.report(self.events, self.now, Invariant::LeaseSafety, members, detail) {
                recorded += 1;
            }
        }
        recorded
    }

    // ----- what can be asked -----

    /// The control plane, in a `kubernetes` world.
    pub fn kube(&self) -> Option<&KubeHost> {
        self.kube.as_deref()
    }

    fn spec(&self) -> Result<&KubeSpec, SimError> {
        self.config.kube.as_ref().ok_or_else(|| {
            SimError::ControlPlane("this is a plain cluster: machines and zones need a 'kubernetes' scenario".into())
        })
    }

    /// The machines whose instance of `lease`'s controller leads now.
    pub fn lease_leaders(&self, lease: LeaseName) -> Vec<MachineId> {
        self.kube.as_ref().map_or_else(Vec::new, |k| k.leaders(lease).collect())
    }

    /// Whether a write through the load balancer can succeed: some running
    /// apiserver reaches an etcd member among running members that can form
    /// a quorum.
    pub fn apiserver_available(&self) -> bool {
        let (Some(spec), Some(kube)) = (&self.config.kube, &self.kube) else { return false };
        (0..spec.control_planes).any(|m| {
            let machine = kube.machine(m);
            machine.alive
                && machine.apiserver.is_some()
                && (1..=spec.etcd).any(|member| {
                    let at = spec.machine_of_member(member);
                    let usable = match spec.topology {
                        crate::kube::Topology::Stacked => at == m,
                        crate::kube::Topology::External => kube.group_of(at) == kube.group_of(m),
                    };
                    usable && self.member_can_commit(member)
                })
        })
    }

    /// The leases as a quorum read returns them: from the member that leads
    /// among members able to commit. `None` when no such leader exists.
    pub fn stored_leases(&self) -> Option<Vec<LeaseObject>> {
        let leader = (1..=self.config.nodes)
            .filter(|&id| self.member_up(id) && self.node(id).role() == Role::Leader && self.member_can_commit(id))
            .max_by_key(|&id| self.node(id).term())?;
        let store = self.node(leader).kv().store();
        let leases = LeaseName::ALL
            .into_iter()
            .filter_map(|name| {
                let keys = Keys::Key(name.key().into());
                let kv = store.range(&keys).next()?;
                LeaseObject::decode(name, &kv.value, kv.mod_revision)
            })
            .collect();
        Some(leases)
    }

    /// `kubectl get leases -n kube-system`, through the load balancer.
    pub fn kubectl_get_leases(&self) -> Result<Vec<String>, SimError> {
        self.spec()?;
        let kube = self.kube.as_ref().expect("a kubernetes world has a control plane");
        if !kube.load_balancer().any_up() {
            return Ok(vec![kubectl::NO_BACKEND.to_string()]);
        }
        match self.stored_leases() {
            Some(leases) if self.apiserver_available() => Ok(kubectl::print_leases(&leases, self.now)),
            _ => Ok(vec![kubectl::ETCD_TIMED_OUT.to_string()]),
        }
    }

    /// The machine called `name`, with a message naming the machines when
    /// there is none.
    pub fn machine_named(&self, name: &str) -> Result<MachineId, SimError> {
        let spec = self.spec()?;
        spec.machine_named(name).ok_or_else(|| {
            SimError::ControlPlane(format!("unknown machine {name}: the machines are {}", spec.machine_names()))
        })
    }

    /// A restart of member `id` needs its machine running.
    pub(super) fn check_member_machine_up(&self, id: NodeId) -> Result<(), SimError> {
        if let (Some(spec), Some(kube)) = (&self.config.kube, &self.kube) {
            let m = spec.machine_of_member(id);
            if !kube.machine(m).alive {
                let name = spec.machine_name(m);
                return Err(SimError::ControlPlane(format!(
                    "node {id} runs on machine {name}, which is down: restart {name}"
                )));
            }
        }
        Ok(())
    }

    // ----- the user's actions on machines and zones -----

    fn check_machine(&self, m: MachineId) -> Result<&KubeSpec, SimError> {
        let spec = self.spec()?;
        if m as usize >= spec.machine_count() {
            return Err(SimError::ControlPlane(format!(
                "unknown machine {m}: the machines are {}",
                spec.machine_names()
            )));
        }
        Ok(spec)
    }

    /// Takes machine `m` down with everything on it (its etcd member too).
    fn machine_down(&mut self, m: MachineId) {
        let member = self.config.kube.as_ref().and_then(|s| s.member_of(m));
        if let Some(kube) = &mut self.kube {
            kube.crash_machine(m);
        }
        if let Some(id) = member.filter(|&id| self.slot(id).alive) {
            self.stop_node(id);
        }
    }

    fn machine_up(&mut self, m: MachineId) {
        let member = self.config.kube.as_ref().and_then(|s| s.member_of(m));
        if let Some(id) = member.filter(|&id| !self.slot(id).alive) {
            self.start_node(id);
        }
        self.with_kube(|kube, ctx| kube.restart_machine(m, ctx));
    }

    fn alive(&self, m: MachineId) -> bool {
        self.kube.as_ref().is_some_and(|k| k.machine(m).alive)
    }

    pub fn crash_machine(&mut self, m: MachineId) -> Result<(), SimError> {
        let spec = self.check_machine(m)?;
        let (place, member) = (spec.place(m), spec.member_of(m));
        if !self.alive(m) {
            return Err(SimError::ControlPlane(format!("machine {place} is already down")));
        }
        self.record(UserAction::CrashMachine(m));
        self.effects.clear();
        self.machine_down(m);
        self.finish_event(EventKind::Machines(MachineAction::Crash(place)), member);
        Ok(())
    }

    pub fn restart_machine(&mut self, m: MachineId) -> Result<(), SimError> {
        let spec = self.check_machine(m)?;
        let (place, member) = (spec.place(m), spec.member_of(m));
        if self.alive(m) {
            return Err(SimError::ControlPlane(format!("machine {place} is running, so it cannot restart")));
        }
        self.record(UserAction::RestartMachine(m));
        self.effects.clear();
        self.machine_up(m);
        self.finish_event(EventKind::Machines(MachineAction::Restart(place)), member);
        Ok(())
    }

    fn zone(&self, zone: &str) -> Result<Vec<MachineId>, SimError> {
        let spec = self.spec()?;
        let machines = spec.machines_in(zone);
        if machines.is_empty() {
            return Err(SimError::ControlPlane(format!(
                "unknown zone {zone}: the zones are {}",
                spec.zone_names().join(", ")
            )));
        }
        Ok(machines)
    }

    /// Every running machine of the zone fails.
    pub fn fail_zone(&mut self, zone: &str) -> Result<(), SimError> {
        let running: Vec<MachineId> = self.zone(zone)?.into_iter().filter(|&m| self.alive(m)).collect();
        if running.is_empty() {
            return Err(SimError::ControlPlane(format!("every machine of zone {zone} is already down")));
        }
        self.record(UserAction::FailZone(zone.to_string()));
        self.effects.clear();
        for &m in &running {
            self.machine_down(m);
        }
        let member = running.iter().find_map(|&m| self.config.kube.as_ref().and_then(|s| s.member_of(m)));
        self.finish_event(EventKind::Machines(MachineAction::FailZone(zone.to_string())), member);
        Ok(())
    }

    /// Every failed machine of the zone comes back.
    pub fn restore_zone(&mut self, zone: &str) -> Result<(), SimError> {
        let down: Vec<MachineId> = self.zone(zone)?.into_iter().filter(|&m| !self.alive(m)).collect();
        if down.is_empty() {
            return Err(SimError::ControlPlane(format!("no machine of zone {zone} is down")));
        }
        self.record(UserAction::RestoreZone(zone.to_string()));
        self.effects.clear();
        for &m in &down {
            self.machine_up(m);
        }
        let member = down.iter().find_map(|&m| self.config.kube.as_ref().and_then(|s| s.member_of(m)));
        self.finish_event(EventKind::Machines(MachineAction::RestoreZone(zone.to_string())), member);
        Ok(())
    }

    /// Cuts the zone off from the others: a partition of the etcd members
    /// (those in the zone apart) and of the machines. It replaces any
    /// partition in force; `heal` ends it.
    pub fn isolate_zone(&mut self, zone: &str) -> Result<(), SimError> {
        let machines = self.zone(zone)?;
        let spec = self.spec()?;
        let members: Vec<NodeId> = machines.iter().filter_map(|&m| spec.member_of(m)).collect();
        self.record(UserAction::IsolateZone(zone.to_string()));
        self.effects.clear();
        let groups = if members.is_empty() { Vec::new() } else { vec![members] };
        self.network.set_partition(&groups);
        if let Some(kube) = &mut self.kube {
            kube.isolate(Some(zone));
        }
        self.finish_event(EventKind::Machines(MachineAction::IsolateZone(zone.to_string())), None);
        Ok(())
    }

    /// Makes the instance of `lease` on `m` lead whatever its lease says,
    /// for tests that plant two leaders.
    #[cfg(test)]
    pub(crate) fn force_lease_leader(&mut self, m: MachineId, lease: LeaseName) {
        if let Some(kube) = &mut self.kube {
            kube.force_leading(m, lease);
        }
    }
}

#[cfg(test)]
#[path = "kube_tests.rs"]
mod tests;
