//! The Kubernetes view: where the control plane is drawn and what state
//! each part of it is in, computed from a [`World`] without browser types.
//!
//! Zones are bands side by side; each holds its machines as boxes stacked
//! top to bottom, and each machine its processes as rows (kube-apiserver,
//! kube-controller-manager, kube-scheduler, the etcd member). kubectl and
//! the load balancer sit above every zone, outside them, as they do in the
//! world; the Leases, with their holder and countdowns, sit in a panel
//! below. `web::render_kube` draws exactly this, and the page builds its
//! buttons and its lease list from the same data.

use serde::Serialize;

use crate::kube::{LeaseName, MachineId, Topology};
use crate::raft::Role;
use crate::sim::{Micros, World, MS};

/// A rectangle in CSS pixels.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct Rect {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

impl Rect {
    pub fn contains(&self, inner: &Rect) -> bool {
        inner.x >= self.x - 1e-9
            && inner.y >= self.y - 1e-9
            && inner.x + inner.w <= self.x + self.w + 1e-9
            && inner.y + inner.h <= self.y + self.h + 1e-9
    }

    pub fn overlaps(&self, other: &Rect) -> bool {
        self.x < other.x + other.w
            && other.x < self.x + self.w
            && self.y < other.y + other.h
            && other.y < self.y + self.h
    }

    pub fn center(&self) -> (f64, f64) {
        (self.x + self.w / 2.0, self.y + self.h / 2.0)
    }
}

/// Which process a row shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ProcessKind {
    KubeApiserver,
    KubeControllerManager,
    KubeScheduler,
    Etcd,
}

impl ProcessKind {
    /// The process's name as `ps` would show it.
    pub fn name(self) -> &'static str {
        match self {
            ProcessKind::KubeApiserver => "kube-apiserver",
            ProcessKind::KubeControllerManager => "kube-controller-manager",
            ProcessKind::KubeScheduler => "kube-scheduler",
            ProcessKind::Etcd => "etcd",
        }
    }
}

/// What a process is doing now.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ProcessState {
    /// Its machine is down (or, for etcd, the member alone was crashed).
    Down,
    /// An apiserver that runs.
    Running,
    /// A controller that holds its lease and does its work.
    Leading,
    /// A controller waiting for the lease.
    Standby,
    /// A controller that lost its lease and exited; the kubelet restarts it
    /// after its back-off.
    Exited,
    /// An etcd member, by its Raft role.
    Leader,
    Follower,
    Candidate,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ProcessRow {
    pub kind: ProcessKind,
    pub state: ProcessState,
    pub rect: Rect,
    /// The etcd member's Raft node id and term.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub member: Option<u8>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub term: Option<u64>,
    /// An apiserver: whether the load balancer sends requests to it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub in_rotation: Option<bool>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MachineBox {
    pub name: String,
    pub zone: String,
    pub up: bool,
    pub control_plane: bool,
    pub rect: Rect,
    pub processes: Vec<ProcessRow>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ZoneBand {
    pub name: String,
    pub rect: Rect,
    /// Every machine of the zone is down.
    pub down: bool,
    /// Cut off from the other zones (`isolate zone`).
    pub isolated: bool,
    /// Indexes into [`KubeView::machines`].
    pub machines: Vec<usize>,
}

/// One Lease: who holds it and how long until its deadlines.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LeaseRow {
    pub name: &'static str,
    pub rect: Rect,
    /// The machine whose instance leads now.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub holder: Option<String>,
    /// The holder's identity (`cp2_<uuid>`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub identity: Option<String>,
    /// Until the holder's renewal round gives up, if every attempt of it
    /// fails (the renew deadline), in ms; and the renew deadline itself.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub renew_left_ms: Option<f64>,
    pub renew_deadline_ms: f64,
    /// Until the first standby may take the lease over: its last sight of
    /// the lease changing plus the lease duration, on its clock, in ms; and
    /// the lease duration itself. `None` without a standby that saw a
    /// holder.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub takeover_left_ms: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub takeover_by: Option<String>,
    pub duration_ms: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct KubeView {
    pub width: f64,
    pub height: f64,
    pub topology: &'static str,
    pub kubectl: Rect,
    pub load_balancer: Rect,
    pub zones: Vec<ZoneBand>,
    pub machines: Vec<MachineBox>,
    pub leases: Vec<LeaseRow>,
    /// Whether a write through the load balancer can succeed now.
    pub apiserver_available: bool,
    /// The machine of the etcd member that leads with a quorum, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub etcd_leader: Option<String>,
}

const PAD: f64 = 8.0;
/// The zone's name above its machines.
const ZONE_HEADER: f64 = 20.0;
/// The machine's name above its processes.
const MACHINE_HEADER: f64 = 18.0;
const MACHINE_GAP: f64 = 6.0;
const ROW_MAX: f64 = 20.0;
const ROW_MIN: f64 = 9.0;

fn processes_of(topology: Topology, control_plane: bool) -> &'static [ProcessKind] {
    use ProcessKind::*;
    match (topology, control_plane) {
        (Topology::Stacked, _) => &[KubeApiserver, KubeControllerManager, KubeScheduler, Etcd],
        (Topology::External, true) => &[KubeApiserver, KubeControllerManager, KubeScheduler],
        (Topology::External, false) => &[Etcd],
    }
}

/// The control plane of `world` laid out on a `width` × `height` canvas, or
/// `None` for a plain cluster.
pub fn kube_view(world: &World, width: f64, height: f64) -> Option<KubeView> {
    let kube = world.kube()?;
    let spec = kube.spec();
    let width = width.max(200.0);
    let height = height.max(200.0);
    let now = world.now();

    let top_h = (height * 0.1).clamp(30.0, 48.0);
    let kubectl = Rect { x: PAD, y: PAD, w: (width * 0.18).clamp(70.0, 120.0), h: top_h };
    let lb_w = (width * 0.3).clamp(110.0, 200.0);
    let load_balancer = Rect { x: (width - lb_w) / 2.0, y: PAD, w: lb_w, h: top_h };

    let lease_h = (height * 0.08).clamp(30.0, 44.0);
    let panel_y = height - PAD - 2.0 * lease_h - 4.0;
    let zones_top = PAD + top_h + 22.0;
    let zones_h = (panel_y - PAD - zones_top).max(40.0);

    let names = spec.zone_names();
    let z = names.len().max(1) as f64;
    let zone_w = (width - PAD * (z + 1.0)) / z;
    // One row height for every zone, so that the same process lines up
    // across zones: the fullest zone decides it.
    let row_h = names
        .iter()
        .map(|zone| {
            let ms = spec.machines_in(zone);
            let rows: usize = ms.iter().map(|&m| processes_of(spec.topology, spec.is_control_plane(m)).len()).sum();
            let fixed = ZONE_HEADER + ms.len() as f64 * (MACHINE_HEADER + MACHINE_GAP) + 4.0;
            (zones_h - fixed) / rows.max(1) as f64
        })
        .fold(ROW_MAX, f64::min)
        .max(ROW_MIN);

    let mut machines = Vec::with_capacity(spec.machine_count());
    let mut zones = Vec::with_capacity(names.len());
    for (zi, zone) in names.iter().enumerate() {
        let rect = Rect { x: PAD + zi as f64 * (zone_w + PAD), y: zones_top, w: zone_w, h: zones_h };
        let mut y = rect.y + ZONE_HEADER;
        let mut indexes = Vec::new();
        for m in spec.machines_in(zone) {
            let kinds = processes_of(spec.topology, spec.is_control_plane(m));
            let h = MACHINE_HEADER + kinds.len() as f64 * row_h + 4.0;
            let mrect = Rect { x: rect.x + 6.0, y, w: rect.w - 12.0, h };
            y += h + MACHINE_GAP;
            let processes = kinds
                .iter()
                .enumerate()
                .map(|(i, &kind)| {
                    let r = Rect {
                        x: mrect.x + 4.0,
                        y: mrect.y + MACHINE_HEADER + i as f64 * row_h,
                        w: mrect.w - 8.0,
                        h: row_h,
                    };
                    process_row(world, m, kind, r)
                })
                .collect();
            indexes.push(machines.len());
            machines.push(MachineBox {
                name: spec.machine_name(m),
                zone: zone.to_string(),
                up: kube.machine(m).alive,
                control_plane: spec.is_control_plane(m),
                rect: mrect,
                processes,
            });
        }
        let down = indexes.iter().all(|&i| !machines[i].up);
        let first = spec.machines_in(zone).first().copied().unwrap_or(0);
        let isolated = kube.group_of(first) != 0;
        zones.push(ZoneBand { name: zone.to_string(), rect, down, isolated, machines: indexes });
    }

    let leases = LeaseName::ALL
        .iter()
        .enumerate()
        .map(|(i, &lease)| {
            let rect = Rect { x: PAD, y: panel_y + i as f64 * (lease_h + 4.0), w: width - 2.0 * PAD, h: lease_h };
            lease_row(world, lease, rect, now)
        })
        .collect();

    let etcd_leader = (1..=spec.etcd)
        .filter(|&id| world.member_up(id) && world.node(id).role() == Role::Leader && world.member_can_commit(id))
        .max_by_key(|&id| world.node(id).term())
        .map(|id| spec.machine_name(spec.machine_of_member(id)));

    Some(KubeView {
        width,
        height,
        topology: spec.topology.name(),
        kubectl,
        load_balancer,
        zones,
        machines,
        leases,
        apiserver_available: world.apiserver_available(),
        etcd_leader,
    })
}

fn process_row(world: &World, m: MachineId, kind: ProcessKind, rect: Rect) -> ProcessRow {
    let kube = world.kube().expect("a kubernetes world");
    let spec = kube.spec();
    let machine = kube.machine(m);
    let mut row = ProcessRow { kind, state: ProcessState::Down, rect, member: None, term: None, in_rotation: None };
    match kind {
        ProcessKind::KubeApiserver => {
            row.in_rotation = kube.load_balancer().backends().iter().find(|b| b.machine == m).map(|b| b.up);
            if machine.alive && machine.apiserver.is_some() {
                row.state = ProcessState::Running;
            }
        }
        ProcessKind::KubeControllerManager | ProcessKind::KubeScheduler => {
            let lease =
                if kind == ProcessKind::KubeScheduler { LeaseName::Scheduler } else { LeaseName::ControllerManager };
            if machine.alive {
                row.state = match &machine.electors[lease.index()] {
                    Some(e) if e.is_leading() => ProcessState::Leading,
                    Some(_) => ProcessState::Standby,
                    None => ProcessState::Exited,
                };
            }
        }
        ProcessKind::Etcd => {
            let id = spec.member_of(m).expect("a machine that runs etcd has a member");
            row.member = Some(id);
            if world.member_up(id) {
                let node = world.node(id);
                row.term = Some(node.term());
                row.state = match node.role() {
                    Role::Leader => ProcessState::Leader,
                    Role::Candidate => ProcessState::Candidate,
                    _ => ProcessState::Follower,
                };
            }
        }
    }
    row
}

fn ms(us: Micros) -> f64 {
    us as f64 / MS as f64
}

fn lease_row(world: &World, lease: LeaseName, rect: Rect, now: Micros) -> LeaseRow {
    let kube = world.kube().expect("a kubernetes world");
    let spec = kube.spec();
    let timings = spec.lease;
    let holder = kube.leaders(lease).next();
    let elector = |m: MachineId| kube.machine(m).electors[lease.index()].as_ref().filter(|_| kube.machine(m).alive);
    let leading = holder.and_then(elector);
    // The standby that may take over first: the earliest end of the lease
    // as each running standby last saw it held by someone else.
    let takeover = spec
        .machines()
        .filter_map(|m| elector(m).filter(|e| !e.is_leading()).map(|e| (m, e)))
        .filter_map(|(m, e)| {
            let (record, seen) = e.observed()?;
            (!record.holder.is_empty() && record.holder != *e.identity())
                .then(|| (m, seen + record.duration_seconds * crate::sim::SECOND))
        })
        .min_by_key(|&(m, until)| (until, m));
    LeaseRow {
        name: lease.name(),
        rect,
        holder: holder.map(|m| spec.machine_name(m)),
        identity: leading.map(|e| e.identity().to_string()),
        renew_left_ms: leading.and_then(|e| e.renew_deadline()).map(|d| ms(d.saturating_sub(now))),
        renew_deadline_ms: ms(timings.renew_deadline),
        takeover_left_ms: takeover.map(|(_, until)| ms(until.saturating_sub(now))),
        takeover_by: takeover.map(|(m, _)| spec.machine_name(m)),
        duration_ms: ms(timings.duration),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kube::KubeSpec;
    use crate::sim::{WorldConfig, SECOND};

    fn world(topology: Topology, cps: u8, etcd: u8, zones: &[&str]) -> World {
        let mut spec = KubeSpec::new(topology, cps, etcd);
        spec.zones = zones.iter().map(|z| z.to_string()).collect();
        let nodes = spec.etcd;
        let mut w = World::new(WorldConfig { kube: Some(spec), ..WorldConfig::with_nodes(nodes, 1) }).unwrap();
        w.run_until(25 * SECOND);
        w
    }

    fn check_geometry(v: &KubeView) {
        let canvas = Rect { x: 0.0, y: 0.0, w: v.width, h: v.height };
        for zone in &v.zones {
            assert!(canvas.contains(&zone.rect), "zone {} inside the canvas", zone.name);
            for &i in &zone.machines {
                let m = &v.machines[i];
                assert!(zone.rect.contains(&m.rect), "{} inside zone {}", m.name, zone.name);
                for p in &m.processes {
                    assert!(m.rect.contains(&p.rect), "{} inside {}", p.kind.name(), m.name);
                }
            }
        }
        for (i, a) in v.machines.iter().enumerate() {
            for b in &v.machines[i + 1..] {
                assert!(!a.rect.overlaps(&b.rect), "{} and {} overlap", a.name, b.name);
            }
        }
        for (i, a) in v.zones.iter().enumerate() {
            for b in &v.zones[i + 1..] {
                assert!(!a.rect.overlaps(&b.rect), "zones {} and {} overlap", a.name, b.name);
            }
            for l in &v.leases {
                assert!(!a.rect.overlaps(&l.rect), "zone {} and lease {} overlap", a.name, l.name);
            }
            assert!(!a.rect.overlaps(&v.load_balancer) && !a.rect.overlaps(&v.kubectl));
        }
        assert!(!v.kubectl.overlaps(&v.load_balancer));
    }

    #[test]
    fn machines_sit_in_their_zones_and_processes_in_their_machines() {
        let cases: [(Topology, u8, u8, &[&str]); 4] = [
            (Topology::Stacked, 3, 3, &["a", "b", "c"]),
            (Topology::Stacked, 3, 3, &["a", "a", "b"]),
            (Topology::External, 2, 3, &["a", "b", "a", "b", "c"]),
            (Topology::Stacked, 5, 5, &["a", "a", "b", "b", "c"]),
        ];
        for (topology, cps, etcd, zones) in cases {
            let w = world(topology, cps, etcd, zones);
            for (width, height) in [(900.0, 520.0), (360.0, 640.0), (1600.0, 900.0)] {
                let v = kube_view(&w, width, height).unwrap();
                check_geometry(&v);
                assert_eq!(v.machines.len(), zones.len());
            }
            let v = kube_view(&w, 900.0, 520.0).unwrap();
            let etcd_rows = v.machines.iter().flat_map(|m| &m.processes).filter(|p| p.kind == ProcessKind::Etcd);
            assert_eq!(etcd_rows.count(), etcd as usize, "one etcd row per member");
        }
    }

    #[test]
    fn a_plain_cluster_has_no_kubernetes_view() {
        let w = World::new(WorldConfig::with_nodes(3, 1)).unwrap();
        assert!(kube_view(&w, 800.0, 600.0).is_none());
    }

    #[test]
    fn a_settled_control_plane_shows_one_holder_per_lease_and_its_countdowns() {
        let w = world(Topology::Stacked, 3, 3, &["a", "b", "c"]);
        let v = kube_view(&w, 900.0, 520.0).unwrap();
        assert!(v.apiserver_available);
        assert!(v.etcd_leader.is_some());
        for (lease, kind) in v.leases.iter().zip([ProcessKind::KubeControllerManager, ProcessKind::KubeScheduler]) {
            let holder = lease.holder.as_deref().expect("held");
            assert!(lease.identity.as_deref().unwrap().starts_with(holder));
            let renew = lease.renew_left_ms.unwrap();
            assert!(renew > 0.0 && renew <= 12_000.0, "within retry + renew deadline: {renew}");
            let takeover = lease.takeover_left_ms.expect("a standby saw the holder");
            assert!(takeover > 0.0 && takeover <= 15_000.0, "{takeover}");
            assert_ne!(lease.takeover_by.as_deref(), Some(holder));
            let leading: Vec<&str> = v
                .machines
                .iter()
                .filter(|m| m.processes.iter().any(|p| p.kind == kind && p.state == ProcessState::Leading))
                .map(|m| m.name.as_str())
                .collect();
            assert_eq!(leading, [holder], "the drawn leader is the lease's holder");
        }
        let apiservers = v.machines.iter().flat_map(|m| &m.processes).filter(|p| p.kind == ProcessKind::KubeApiserver);
        assert!(apiservers.clone().all(|p| p.state == ProcessState::Running && p.in_rotation == Some(true)));
    }

    #[test]
    fn failing_the_big_zone_of_2_plus_1_greys_it_and_loses_the_apiserver() {
        let mut w = world(Topology::Stacked, 3, 3, &["a", "a", "b"]);
        w.fail_zone("a").unwrap();
        w.run_until(w.now() + 12 * SECOND);
        let v = kube_view(&w, 900.0, 520.0).unwrap();
        let a = v.zones.iter().find(|z| z.name == "a").unwrap();
        assert!(a.down);
        for &i in &a.machines {
            assert!(!v.machines[i].up);
            assert!(v.machines[i].processes.iter().all(|p| p.state == ProcessState::Down));
        }
        assert!(!v.zones.iter().find(|z| z.name == "b").unwrap().down);
        assert!(!v.apiserver_available);
        assert_eq!(v.etcd_leader, None, "one member of three cannot lead with a quorum");
        let cp3 = v.machines.iter().find(|m| m.name == "cp3").unwrap();
        let apiserver = &cp3.processes[0];
        assert_eq!(apiserver.state, ProcessState::Running);
        assert_eq!(apiserver.in_rotation, Some(false), "its health checks fail without a quorum");
        assert!(v.leases.iter().all(|l| l.holder.is_none()), "no controller keeps a lease it cannot renew");
    }

    #[test]
    fn an_isolated_zone_is_marked() {
        let mut w = world(Topology::Stacked, 3, 3, &["a", "b", "c"]);
        w.isolate_zone("c").unwrap();
        let v = kube_view(&w, 900.0, 520.0).unwrap();
        let marked: Vec<&str> = v.zones.iter().filter(|z| z.isolated).map(|z| z.name.as_str()).collect();
        assert_eq!(marked, ["c"]);
    }
}
