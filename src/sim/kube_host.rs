//! The world's side of the Kubernetes control plane: the machines and the
//! processes on them, the network between them, their timers, and the
//! kubelet that restarts a controller after it exits.
//!
//! The processes themselves are pure state machines (`crate::kube`); the
//! host gives each input the time, delivers their messages after a network
//! delay (100 µs on one machine, the cluster's latency range between
//! machines and to the load balancer), drops what cannot get through (a
//! crashed machine, a zone cut off, a cut between etcd members), arms their
//! timers with the run's seeded generator, and hands an etcd server's
//! requests to the world, which steps the member's Raft node.

use std::collections::BinaryHeap;
use std::rc::Rc;

use crate::kube::{
    Apiserver, Elector, Endpoint, EtcdServer, KubeEffect, KubeMsg, KubeSpec, LeaseName, LoadBalancer, MachineId, Out,
    Place, Process, TimerKind, TimerSet, Topology,
};
use crate::raft::{ClientOutcome, NodeId, RequestId};
use crate::store::Request;

pub use super::kube_event::{KubeEvent, KubeFlight, Named};
use super::network::{LossReason, Network};
use super::{Effect, Micros, SimRng, SECOND};

/// Delay of a message between two processes on one machine.
pub const LOCAL_LATENCY: Micros = 100;
/// The kubelet's crash-loop back-off: 10 s after an exit, doubling with
/// each exit in a row, at most 5 minutes; a run of 10 minutes resets it.
pub const KUBELET_BACKOFF: Micros = 10 * SECOND;
pub const KUBELET_BACKOFF_MAX: Micros = 300 * SECOND;
pub const KUBELET_BACKOFF_RESET: Micros = 600 * SECOND;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum HostTimer {
    Process(Endpoint, TimerKind),
    Kubelet(MachineId, LeaseName),
}

/// A machine and what runs on it.
#[derive(Clone, Debug)]
pub struct Machine {
    pub alive: bool,
    pub apiserver: Option<Apiserver>,
    /// kube-controller-manager and kube-scheduler, by [`LeaseName::index`];
    /// `None` while exited (waiting for the kubelet) or down.
    pub electors: [Option<Elector>; 2],
    pub etcd: Option<EtcdServer>,
    /// How many times each controller has started (for its identity).
    starts: [u32; 2],
    /// Exits in a row of each controller, and when it last started.
    backoff: [(u32, Micros); 2],
}

/// What the host needs of the world for one input.
pub(super) struct Ctx<'a> {
    pub now: Micros,
    pub rng: &'a mut SimRng,
    pub network: &'a Network,
    pub effects: &'a mut Vec<Effect>,
    /// Requests for the world to step into a member's Raft node.
    pub proposals: &'a mut Vec<(NodeId, RequestId, Rc<Request>)>,
}

#[derive(Clone, Debug)]
pub struct KubeHost {
    spec: KubeSpec,
    seed: u64,
    latency: (Micros, Micros),
    /// etcd's request timeout: 5 s + 2 × the election timeout.
    etcd_request_timeout: Micros,
    machines: Vec<Machine>,
    lb: LoadBalancer,
    flights: BinaryHeap<KubeFlight>,
    /// Armed timers, earliest first: `(when, arming order, which)`. A few
    /// dozen at most, so a sorted vector (one per key: arming again moves it).
    timers: Vec<(Micros, u64, HostTimer)>,
    /// The partition group of each machine (zone isolation); all 0 when
    /// none.
    group: Vec<u8>,
    next_flight: u64,
    next_timer: u64,
    /// Leases with two leaders reported already, until they have one again.
    reported: [bool; 2],
    out: Out,
}

impl KubeHost {
    pub(super) fn new(spec: KubeSpec, seed: u64, latency: (Micros, Micros), election_high: Micros) -> KubeHost {
        let machines = spec
            .machines()
            .map(|_| Machine {
                alive: true,
                apiserver: None,
                electors: [None, None],
                etcd: None,
                starts: [0, 0],
                backoff: [(0, 0), (0, 0)],
            })
            .collect();
        let n = spec.machine_count();
        KubeHost {
            lb: LoadBalancer::new(0..spec.control_planes),
            seed,
            latency,
            etcd_request_timeout: 5 * SECOND + 2 * election_high,
            machines,
            flights: BinaryHeap::new(),
            timers: Vec::new(),
            group: vec![0; n],
            next_flight: 0,
            next_timer: 0,
            reported: [false; 2],
            out: Out::default(),
            spec,
        }
    }

    pub fn spec(&self) -> &KubeSpec {
        &self.spec
    }

    pub fn machines(&self) -> &[Machine] {
        &self.machines
    }

    pub fn machine(&self, m: MachineId) -> &Machine {
        &self.machines[m as usize]
    }

    pub fn load_balancer(&self) -> &LoadBalancer {
        &self.lb
    }

    /// Control-plane messages in flight, in arrival order.
    pub fn in_flight(&self) -> Vec<&KubeFlight> {
        let mut v: Vec<&KubeFlight> = self.flights.iter().collect();
        // Unstable is enough: the key (arrival, id) is unique.
        v.sort_unstable_by_key(|f| f.key());
        v
    }

    /// Whether machine `m` is cut off from the others by `isolate zone`.
    pub fn group_of(&self, m: MachineId) -> u8 {
        self.group[m as usize]
    }

    /// The machines whose instance of `lease`'s controller leads now.
    pub fn leaders(&self, lease: LeaseName) -> impl Iterator<Item = MachineId> + '_ {
        self.spec.machines().filter(move |&m| {
            let machine = &self.machines[m as usize];
            machine.alive && machine.electors[lease.index()].as_ref().is_some_and(Elector::is_leading)
        })
    }

    fn named(&self, e: Endpoint) -> Named {
        match e {
            Endpoint::On(m, p) => Named { place: self.spec.place(m), process: Some(p) },
            Endpoint::LoadBalancer => Named { place: Place::LoadBalancer, process: None },
        }
    }

    /// When the next control-plane event is due.
    pub(super) fn next_due(&self) -> Option<Micros> {
        let flight = self.flights.peek().map(|f| f.arrives_at);
        let timer = self.timers.first().map(|&(t, _, _)| t);
        match (flight, timer) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    // ----- starting and stopping -----

    /// Starts every process of every machine, and the load balancer.
    pub(super) fn start(&mut self, ctx: &mut Ctx) {
        for m in self.spec.machines() {
            self.start_machine(m, ctx);
        }
        let mut out = std::mem::take(&mut self.out);
        out.clear();
        self.lb.start(&mut out);
        self.apply(Endpoint::LoadBalancer, out, ctx);
    }

    fn start_machine(&mut self, m: MachineId, ctx: &mut Ctx) {
        let spec = &self.spec;
        let machine = &mut self.machines[m as usize];
        machine.alive = true;
        machine.backoff = [(0, 0), (0, 0)];
        if let Some(member) = spec.member_of(m) {
            let machines = (1..=spec.etcd).map(|n| spec.machine_of_member(n)).collect();
            machine.etcd = Some(EtcdServer::new(member, machines, self.etcd_request_timeout));
        }
        if spec.is_control_plane(m) {
            let endpoints: Vec<MachineId> = match spec.topology {
                // kubeadm: `--etcd-servers=https://127.0.0.1:2379`.
                Topology::Stacked => vec![m],
                Topology::External => (1..=spec.etcd).map(|n| spec.machine_of_member(n)).collect(),
            };
            machine.apiserver = Some(Apiserver::new(m, endpoints, m as usize));
            for lease in LeaseName::ALL {
                self.start_elector(m, lease, ctx);
            }
        }
    }

    fn start_elector(&mut self, m: MachineId, lease: LeaseName, ctx: &mut Ctx) {
        let hostname = self.spec.machine_name(m);
        let machine = &mut self.machines[m as usize];
        let i = lease.index();
        let identity = crate::kube::identity(&hostname, self.seed, lease, machine.starts[i]);
        machine.starts[i] += 1;
        machine.backoff[i].1 = ctx.now;
        let mut elector = Elector::new(lease, m, identity.into(), self.spec.lease);
        let mut out = std::mem::take(&mut self.out);
        out.clear();
        elector.start(ctx.now, &mut out);
        self.machines[m as usize].electors[i] = Some(elector);
        self.apply(Endpoint::On(m, Process::Elector(lease)), out, ctx);
    }

    /// Machine `m` fails: everything on it stops, its timers and the
    /// messages on their way to it are gone. (The world crashes its etcd
    /// member's Raft node.)
    pub(super) fn crash_machine(&mut self, m: MachineId) {
        let machine = &mut self.machines[m as usize];
        machine.alive = false;
        machine.apiserver = None;
        machine.electors = [None, None];
        machine.etcd = None;
        self.cancel_timers(|t| match t {
            HostTimer::Process(e, _) => e.machine() == Some(m),
            HostTimer::Kubelet(k, _) => *k == m,
        });
        self.flights.retain(|f| f.to.machine() != Some(m));
    }

    pub(super) fn restart_machine(&mut self, m: MachineId, ctx: &mut Ctx) {
        self.start_machine(m, ctx);
    }

    /// The etcd member `node` stopped (its machine stays up).
    pub(super) fn member_down(&mut self, node: NodeId) {
        let m = self.spec.machine_of_member(node);
        self.machines[m as usize].etcd = None;
        let etcd = Endpoint::On(m, Process::Etcd);
        self.cancel_timers(|t| matches!(t, HostTimer::Process(e, _) if *e == etcd));
        self.flights.retain(|f| f.to != etcd);
    }

    /// The etcd member `node` started again.
    pub(super) fn member_up(&mut self, node: NodeId) {
        let m = self.spec.machine_of_member(node);
        let spec = &self.spec;
        let machines = (1..=spec.etcd).map(|n| spec.machine_of_member(n)).collect();
        self.machines[m as usize].etcd = Some(EtcdServer::new(node, machines, self.etcd_request_timeout));
    }

    /// Cuts the machines of `zone` off from the others; `None` joins every
    /// machine again.
    pub(super) fn isolate(&mut self, zone: Option<&str>) {
        for m in self.spec.machines() {
            self.group[m as usize] = u8::from(zone.is_some_and(|z| self.spec.zone_of(m) == z));
        }
    }

    fn cancel_timers(&mut self, doomed: impl Fn(&HostTimer) -> bool) {
        self.timers.retain(|(_, _, t)| !doomed(t));
    }

    fn arm(&mut self, key: HostTimer, at: Micros) {
        self.cancel_timers(|t| *t == key);
        self.next_timer += 1;
        let slot = (at, self.next_timer);
        let i = self.timers.partition_point(|&(t, n, _)| (t, n) < slot);
        self.timers.insert(i, (at, self.next_timer, key));
    }

    // ----- the event loop -----

    /// Processes the next control-plane event.
    pub(super) fn step(&mut self, ctx: &mut Ctx) -> KubeEvent {
        let flight_at = self.flights.peek().map(|f| f.arrives_at);
        let timer = self.timers.first().map(|&(t, _, _)| t);
        match (flight_at, timer) {
            (Some(f), Some(t)) if f <= t => self.deliver(ctx),
            (Some(_), None) => self.deliver(ctx),
            (_, Some(_)) => {
                let (_, _, key) = self.timers.remove(0);
                self.fire(key, ctx)
            }
            (None, None) => unreachable!("step is called only when an event is due"),
        }
    }

    /// Whether `e` runs (the load balancer always does).
    fn listening(&self, e: Endpoint) -> bool {
        let Endpoint::On(m, p) = e else { return true };
        let machine = &self.machines[m as usize];
        machine.alive
            && match p {
                Process::Apiserver => machine.apiserver.is_some(),
                Process::Elector(l) => machine.electors[l.index()].is_some(),
                Process::Etcd => machine.etcd.is_some(),
            }
    }

    /// Whether a message from `from` to `to` gets through: zone isolation
    /// between machines, and between etcd members the Raft network's
    /// partitions and cuts too (their peer link is the same).
    fn link(&self, from: Endpoint, to: Endpoint, network: &Network) -> Result<(), LossReason> {
        let (Some(a), Some(b)) = (from.machine(), to.machine()) else { return Ok(()) };
        if a == b {
            return Ok(());
        }
        if self.group[a as usize] != self.group[b as usize] {
            return Err(LossReason::Partitioned);
        }
        if let (Endpoint::On(_, Process::Etcd), Endpoint::On(_, Process::Etcd)) = (from, to) {
            if let (Some(x), Some(y)) = (self.spec.member_of(a), self.spec.member_of(b)) {
                return network.link_state(x, y);
            }
        }
        Ok(())
    }

    fn deliver(&mut self, ctx: &mut Ctx) -> KubeEvent {
        let flight = self.flights.pop().expect("a flight is due");
        if !self.listening(flight.to) {
            return KubeEvent::Lost(flight, LossReason::Crashed);
        }
        if let Err(reason) = self.link(flight.from, flight.to, ctx.network) {
            return KubeEvent::Lost(flight, reason);
        }
        let mut out = std::mem::take(&mut self.out);
        out.clear();
        let now = ctx.now;
        match (flight.to, &flight.msg) {
            (Endpoint::LoadBalancer, KubeMsg::ApiReply { id, result }) => {
                if let Some(m) = flight.from.machine() {
                    self.lb.on_reply(m, *id, result, &mut out);
                }
            }
            (Endpoint::On(m, Process::Apiserver), msg) => {
                let api = self.machines[m as usize].apiserver.as_mut().expect("listening");
                match msg {
                    KubeMsg::Api { id, verb } => api.on_request(flight.from, *id, verb.clone(), now, &mut out),
                    KubeMsg::EtcdReply { id, result } => api.on_etcd_reply(*id, result.clone(), &mut out),
                    _ => {}
                }
            }
            (Endpoint::On(m, Process::Elector(l)), KubeMsg::ApiReply { id, result }) => {
                let elector = self.machines[m as usize].electors[l.index()].as_mut().expect("listening");
                elector.on_reply(*id, result.clone(), now, &mut out);
            }
            (Endpoint::On(m, Process::Etcd), msg) => {
                let server = self.machines[m as usize].etcd.as_mut().expect("listening");
                match msg {
                    KubeMsg::EtcdRequest { id, request } => {
                        server.on_request(flight.from, *id, request.clone(), &mut out)
                    }
                    KubeMsg::EtcdForward { id, request, hops } => {
                        let from = flight.from.machine().expect("a member forwards");
                        server.on_forward(from, *id, request.clone(), *hops, &mut out)
                    }
                    KubeMsg::EtcdForwardReply { id, reply } => server.on_forward_reply(*id, reply.clone(), &mut out),
                    _ => {}
                }
            }
            _ => {}
        }
        self.apply(flight.to, out, ctx);
        KubeEvent::Deliver(flight)
    }

    fn fire(&mut self, key: HostTimer, ctx: &mut Ctx) -> KubeEvent {
        match key {
            HostTimer::Kubelet(m, lease) => {
                let at = self.named(Endpoint::On(m, Process::Elector(lease)));
                self.start_elector(m, lease, ctx);
                KubeEvent::KubeletRestart(at)
            }
            HostTimer::Process(at, kind) => {
                let mut out = std::mem::take(&mut self.out);
                out.clear();
                let now = ctx.now;
                match at {
                    Endpoint::LoadBalancer => self.lb.on_timer(kind, &mut out),
                    Endpoint::On(m, p) => {
                        let machine = &mut self.machines[m as usize];
                        match p {
                            Process::Apiserver => machine.apiserver.as_mut().map(|a| a.on_timer(kind, &mut out)),
                            Process::Elector(l) => {
                                machine.electors[l.index()].as_mut().map(|e| e.on_timer(kind, now, &mut out))
                            }
                            Process::Etcd => machine.etcd.as_mut().map(|s| s.on_timer(kind, &mut out)),
                        };
                    }
                }
                self.apply(at, out, ctx);
                KubeEvent::Timer(self.named(at), kind)
            }
        }
    }

    /// The Raft node of member `node` answered a request its server handed it.
    pub(super) fn node_reply(&mut self, node: NodeId, request: RequestId, outcome: &ClientOutcome, ctx: &mut Ctx) {
        let m = self.spec.machine_of_member(node);
        let mut out = std::mem::take(&mut self.out);
        out.clear();
        if let Some(server) = self.machines[m as usize].etcd.as_mut() {
            server.on_node_reply(request, outcome, &mut out);
        }
        self.apply(Endpoint::On(m, Process::Etcd), out, ctx);
    }

    /// Carries out what one input of the process at `from` asked for.
    fn apply(&mut self, from: Endpoint, mut out: Out, ctx: &mut Ctx) {
        let now = ctx.now;
        for (to, msg) in out.messages.drain(..) {
            let delay = if from.machine().is_some() && from.machine() == to.machine() {
                LOCAL_LATENCY
            } else {
                ctx.rng.between(self.latency.0, self.latency.1)
            };
            self.next_flight += 1;
            let flight = KubeFlight {
                id: self.next_flight,
                from,
                to,
                from_name: self.named(from),
                to_name: self.named(to),
                sent_at: now,
                arrives_at: now + delay,
                msg,
            };
            self.flights.push(flight);
        }
        for (kind, set) in out.timers.drain(..) {
            let key = HostTimer::Process(from, kind);
            let delay = match set {
                TimerSet::Cancel => {
                    self.cancel_timers(|t| *t == key);
                    continue;
                }
                TimerSet::After(d) => d,
                TimerSet::Jittered { base, factor_tenths } => {
                    let span = base * factor_tenths / 10;
                    base + if span > 0 { ctx.rng.between(0, span - 1) } else { 0 }
                }
                TimerSet::Within(d) => ctx.rng.between(0, d.saturating_sub(1)),
            };
            self.arm(key, now + delay);
        }
        for effect in out.effects.drain(..) {
            let place = match &effect {
                KubeEffect::StartedLeading { machine, .. }
                | KubeEffect::StoppedLeading { machine, .. }
                | KubeEffect::BackendUp(machine)
                | KubeEffect::BackendDown(machine) => self.spec.place(*machine),
            };
            ctx.effects.push(Effect::Kube { place, effect });
        }
        if let Endpoint::On(m, Process::Etcd) = from {
            if let Some(member) = self.spec.member_of(m) {
                ctx.proposals.extend(out.propose.drain(..).map(|(id, r)| (member, id, r)));
            }
        }
        if out.exited {
            if let Endpoint::On(m, Process::Elector(lease)) = from {
                self.exited(m, lease, now);
            }
        }
        self.out = out;
    }

    /// A controller exited: the kubelet starts it again after its back-off.
    fn exited(&mut self, m: MachineId, lease: LeaseName, now: Micros) {
        let i = lease.index();
        let machine = &mut self.machines[m as usize];
        machine.electors[i] = None;
        let (exits, started) = &mut machine.backoff[i];
        if now.saturating_sub(*started) >= KUBELET_BACKOFF_RESET {
            *exits = 0;
        }
        let delay = KUBELET_BACKOFF.saturating_mul(1 << (*exits).min(10)).min(KUBELET_BACKOFF_MAX);
        *exits += 1;
        let endpoint = Endpoint::On(m, Process::Elector(lease));
        self.cancel_timers(|t| matches!(t, HostTimer::Process(e, _) if *e == endpoint));
        self.arm(HostTimer::Kubelet(m, lease), now + delay);
    }

    /// Each lease that two instances or more lead at once, with their
    /// machines: reported once when it starts (again only after the lease
    /// has had at most one leader in between).
    pub(super) fn double_leadership(&mut self) -> Vec<(LeaseName, Vec<MachineId>)> {
        let mut found = Vec::new();
        for lease in LeaseName::ALL {
            // Checked after every event: count first, list only when needed.
            let double = self.leaders(lease).nth(1).is_some();
            if double && !self.reported[lease.index()] {
                found.push((lease, self.leaders(lease).collect()));
            }
            self.reported[lease.index()] = double;
        }
        found
    }

    /// Makes the instance of `lease` on `m` lead whatever the lease says:
    /// for tests that plant a second leader.
    #[cfg(test)]
    pub(crate) fn force_leading(&mut self, m: MachineId, lease: LeaseName) {
        if let Some(e) = self.machines[m as usize].electors[lease.index()].as_mut() {
            e.force_leading();
        }
    }
}
