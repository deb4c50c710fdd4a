//! The shape of a control plane: its topology, its machines and their
//! zones, and the leader-election timings (the `kubernetes` header line).

use std::fmt;

/// Virtual time in microseconds, as the world counts it.
pub type Micros = u64;

const SECOND: Micros = 1_000_000;

/// Machines are numbered from 0: the control planes first (`cp1..cpK`),
/// then, in an external topology, the etcd machines (`etcd1..etcdM`).
pub type MachineId = u8;

/// The most machines a control plane has: 9 control planes and 9 etcd
/// machines.
pub const MAX_MACHINES: usize = 18;

/// Where etcd runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Topology {
    /// Each control-plane machine also runs an etcd member, and its
    /// apiserver talks to that member only (kubeadm's
    /// `--etcd-servers=https://127.0.0.1:2379`).
    Stacked,
    /// The etcd members run on machines of their own; every apiserver
    /// knows all of them.
    External,
}

impl Topology {
    pub fn name(self) -> &'static str {
        match self {
            Topology::Stacked => "stacked",
            Topology::External => "external",
        }
    }
}

/// client-go's leader-election timings (`--leader-elect-lease-duration`,
/// `--leader-elect-renew-deadline`, `--leader-elect-retry-period`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct LeaseTimings {
    /// How long a lease stays valid after its holder's last renewal was
    /// observed, on the observer's own clock.
    pub duration: Micros,
    /// How long the holder keeps trying to renew before it gives up.
    pub renew_deadline: Micros,
    /// The pause between attempts.
    pub retry_period: Micros,
}

impl Default for LeaseTimings {
    fn default() -> Self {
        LeaseTimings { duration: 15 * SECOND, renew_deadline: 10 * SECOND, retry_period: 2 * SECOND }
    }
}

/// client-go's `JitterFactor`: a candidate waits `retry × (1 + 1.2 × r)`,
/// r uniform in [0, 1), between attempts to acquire.
pub const JITTER_FACTOR_TENTHS: u64 = 12;

impl LeaseTimings {
    /// The checks client-go's `NewLeaderElector` makes, with its messages.
    pub fn validate(&self) -> Result<(), String> {
        if self.duration == 0 || self.renew_deadline == 0 || self.retry_period == 0 {
            return Err("the lease duration, renew deadline and retry period must be above zero".into());
        }
        if self.duration <= self.renew_deadline {
            return Err("leaseDuration must be greater than renewDeadline".into());
        }
        if self.renew_deadline <= self.retry_period * JITTER_FACTOR_TENTHS / 10 {
            return Err("renewDeadline must be greater than retryPeriod*JitterFactor (1.2)".into());
        }
        // The lease object holds whole seconds (leaseDurationSeconds).
        if !self.duration.is_multiple_of(SECOND) {
            return Err("the lease duration is a whole number of seconds (leaseDurationSeconds)".into());
        }
        Ok(())
    }

    /// The lease duration as the Lease object stores it.
    pub fn duration_seconds(&self) -> u64 {
        self.duration / SECOND
    }

    /// The HTTP timeout of the leader-election client: half the renew
    /// deadline, at least a second (client-go's `NewFromKubeconfig`).
    pub fn request_timeout(&self) -> Micros {
        (self.renew_deadline / 2).max(SECOND)
    }
}

/// A machine as traces name it: `cp2`, `etcd1`, or the load balancer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Place {
    ControlPlane(u8),
    Etcd(u8),
    LoadBalancer,
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Place::ControlPlane(i) => write!(f, "cp{i}"),
            Place::Etcd(i) => write!(f, "etcd{i}"),
            Place::LoadBalancer => f.write_str("load-balancer"),
        }
    }
}

/// The Raft options an etcd member runs with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EtcdRaft {
    pub prevote: bool,
    pub checkquorum: bool,
    /// Linearizable reads by ReadIndex rather than through the log.
    pub read_index: bool,
}

/// **Where etcd's Raft options get turned on.** etcd runs its members with
/// PreVote (`--pre-vote`, on by default since 3.5) and CheckQuorum, and
/// serves linearizable reads by ReadIndex: the members hand every range
/// request (the apiservers' reads, `etcdctl get`) to their node as a
/// ReadIndex read (`sim/kube_world.rs`, `with_kube`). PreVote and
/// CheckQuorum are on: the `kubernetes` header starts from these
/// (`scenario/parse_kube.rs`, `header`; `prevote=off` / `checkquorum=off`
/// on the line turn them off).
pub const ETCD_RAFT: EtcdRaft = EtcdRaft { prevote: true, checkquorum: true, read_index: true };

/// The control plane of a `kubernetes` scenario.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct KubeSpec {
    pub topology: Topology,
    pub control_planes: u8,
    /// etcd members: as many as control planes when stacked.
    pub etcd: u8,
    /// The zone of each machine, control planes first.
    pub zones: Vec<String>,
    pub lease: LeaseTimings,
}

impl KubeSpec {
    /// A spec with zones `a, b, c, a, b, c, ...` in machine order.
    pub fn new(topology: Topology, control_planes: u8, etcd: u8) -> KubeSpec {
        let etcd = if topology == Topology::Stacked { control_planes } else { etcd };
        let machines = control_planes as usize + if topology == Topology::External { etcd as usize } else { 0 };
        let zones = (0..machines).map(|i| ["a", "b", "c"][i % 3].to_string()).collect();
        KubeSpec { topology, control_planes, etcd, zones, lease: LeaseTimings::default() }
    }

    pub fn machine_count(&self) -> usize {
        self.control_planes as usize + if self.topology == Topology::External { self.etcd as usize } else { 0 }
    }

    pub fn machines(&self) -> impl Iterator<Item = MachineId> {
        0..self.machine_count() as MachineId
    }

    pub fn is_control_plane(&self, m: MachineId) -> bool {
        m < self.control_planes
    }

    /// `cp2`, `etcd1`.
    pub fn machine_name(&self, m: MachineId) -> String {
        self.place(m).to_string()
    }

    pub fn place(&self, m: MachineId) -> Place {
        if self.is_control_plane(m) {
            Place::ControlPlane(m + 1)
        } else {
            Place::Etcd(m - self.control_planes + 1)
        }
    }

    /// The machine a name names.
    pub fn machine_named(&self, name: &str) -> Option<MachineId> {
        let number = |rest: &str| rest.parse::<u8>().ok().filter(|&n| n >= 1 && !rest.starts_with('0'));
        if let Some(i) = name.strip_prefix("cp").and_then(number) {
            return (i <= self.control_planes).then_some(i - 1);
        }
        if let Some(i) = name.strip_prefix("etcd").and_then(number) {
            return (self.topology == Topology::External && i <= self.etcd).then(|| self.control_planes + i - 1);
        }
        None
    }

    /// The names of every machine, for error messages: `cp1..cp3, etcd1..etcd3`.
    pub fn machine_names(&self) -> String {
        let mut s = format!("cp1..cp{}", self.control_planes);
        if self.topology == Topology::External {
            s.push_str(&format!(", etcd1..etcd{}", self.etcd));
        }
        s
    }

    /// The etcd member (Raft node id) a machine runs, if any.
    pub fn member_of(&self, m: MachineId) -> Option<u8> {
        match self.topology {
            Topology::Stacked => Some(m + 1),
            Topology::External => (!self.is_control_plane(m)).then(|| m - self.control_planes + 1),
        }
    }

    /// The machine that runs etcd member `node`.
    pub fn machine_of_member(&self, node: u8) -> MachineId {
        match self.topology {
            Topology::Stacked => node - 1,
            Topology::External => self.control_planes + node - 1,
        }
    }

    pub fn zone_of(&self, m: MachineId) -> &str {
        &self.zones[m as usize]
    }

    /// Zone names in order of first appearance.
    pub fn zone_names(&self) -> Vec<&str> {
        let mut names: Vec<&str> = Vec::new();
        for z in &self.zones {
            if !names.contains(&z.as_str()) {
                names.push(z);
            }
        }
        names
    }

    pub fn machines_in(&self, zone: &str) -> Vec<MachineId> {
        self.machines().filter(|&m| self.zone_of(m) == zone).collect()
    }

    /// A machine's address: control planes `10.0.1.I`, etcd machines
    /// `10.0.2.J` (a documented stand-in).
    pub fn machine_ip(&self, m: MachineId) -> String {
        if self.is_control_plane(m) {
            format!("10.0.1.{}", m + 1)
        } else {
            format!("10.0.2.{}", m - self.control_planes + 1)
        }
    }

    pub fn validate(&self) -> Result<(), String> {
        if self.control_planes == 0 || self.control_planes > 9 {
            return Err("a control plane has 1 to 9 machines (control-planes=1..9)".into());
        }
        if self.etcd == 0 || self.etcd > 9 {
            return Err("etcd has 1 to 9 members (etcd=1..9)".into());
        }
        if self.topology == Topology::Stacked && self.etcd != self.control_planes {
            return Err("a stacked topology runs one etcd member per control plane".into());
        }
        if self.zones.len() != self.machine_count() {
            return Err(format!("zones= names one zone per machine: {} of them", self.machine_count()));
        }
        self.lease.validate()
    }
}

/// The header line's words after `kubernetes`, with every option spelled
/// out: `stacked control-planes=3 zones=a,b,c lease-duration=15s
/// renew-deadline=10s retry-period=2s` (the cluster options follow it).
impl fmt::Display for KubeSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} control-planes={}", self.topology.name(), self.control_planes)?;
        if self.topology == Topology::External {
            write!(f, " etcd={}", self.etcd)?;
        }
        write!(f, " zones={}", self.zones.join(","))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn machines_are_named_and_mapped_to_members() {
        let s = KubeSpec::new(Topology::External, 2, 3);
        assert_eq!(s.machine_count(), 5);
        let names: Vec<String> = s.machines().map(|m| s.machine_name(m)).collect();
        assert_eq!(names, ["cp1", "cp2", "etcd1", "etcd2", "etcd3"]);
        assert_eq!(s.machine_named("etcd2"), Some(3));
        assert_eq!(s.machine_named("cp3"), None);
        assert_eq!(s.machine_named("etcd02"), None);
        assert_eq!(s.member_of(0), None);
        assert_eq!(s.member_of(4), Some(3));
        assert_eq!(s.machine_of_member(1), 2);
        assert_eq!(s.zones, ["a", "b", "c", "a", "b"]);
        assert_eq!(s.machine_ip(3), "10.0.2.2");
        let stacked = KubeSpec::new(Topology::Stacked, 3, 0);
        assert_eq!((stacked.etcd, stacked.member_of(2), stacked.machine_named("etcd1")), (3, Some(3), None));
    }

    /// Turning etcd's options on is a change of the documented behaviour
    /// (docs/kubernetes.md, "How faithful"): this test says which is
    /// documented now.
    #[test]
    fn etcd_members_run_with_prevote_and_checkquorum_and_read_by_readindex() {
        assert_eq!(ETCD_RAFT, EtcdRaft { prevote: true, checkquorum: true, read_index: true });
    }

    #[test]
    fn client_go_refuses_timings_that_cannot_work() {
        let t = |d: u64, r: u64, p: u64| LeaseTimings {
            duration: d * SECOND,
            renew_deadline: r * SECOND,
            retry_period: p * SECOND,
        };
        assert!(t(15, 10, 2).validate().is_ok());
        assert!(t(10, 10, 2).validate().unwrap_err().contains("leaseDuration"));
        assert!(t(15, 2, 2).validate().unwrap_err().contains("JitterFactor"));
        assert_eq!(t(15, 10, 2).request_timeout(), 5 * SECOND);
    }
}
