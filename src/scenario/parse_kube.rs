//! The parser of the control plane's forms (version 2, "The Kubernetes
//! control plane"): the `kubernetes` header, `crash`/`restart` of a machine,
//! `fail`/`restore`/`isolate zone`, `kubectl get leases`, `expect lease`,
//! `expect apiserver`; and `etcdctl`, which plain clusters take too.

use super::lexer::{duration, quoted, uint, Cursor, Line, Word};
use super::parse_cluster::{cluster_option, OPTIONS};
use super::Parser;
use crate::kube::{KubeSpec, LeaseName, Topology, ETCD_RAFT};
use crate::scenario::ast::{ClusterSpec, Command, Holder, KubeCommand, ParseError};
use crate::store::etcdctl;
use crate::util::Msg;

const HEADER: Msg = Msg::new("parse.want.kubeHeader", "'kubernetes stacked' or 'kubernetes external'");
const KUBE_OPTIONS: Msg = Msg::new(
    "parse.want.kubeOption",
    "an option: control-planes, etcd, zones, lease-duration, renew-deadline, retry-period, \
                            seed, election, heartbeat, latency, loss, prevote, checkquorum, snapshot",
);

/// `kubernetes stacked|external control-planes=K [etcd=M] [zones=...]
/// [lease-duration=15s renew-deadline=10s retry-period=2s] [cluster options]`.
pub(super) fn header(line: &Line) -> Result<ClusterSpec, ParseError> {
    let mut c = Cursor::new(line);
    c.word(&HEADER)?;
    let t = c.word(&Msg::new("parse.want.topology", "'stacked' or 'external'"))?;
    let topology = match t.text {
        "stacked" => Topology::Stacked,
        "external" => Topology::External,
        _ => return Err(t.error(Msg::new("parse.want.topology", "'stacked' or 'external'"))),
    };
    let mut cluster = ClusterSpec::new(1);
    // etcd's members run with PreVote and CheckQuorum unless the line says
    // `prevote=off` / `checkquorum=off`.
    cluster.prevote = ETCD_RAFT.prevote;
    cluster.check_quorum = ETCD_RAFT.checkquorum;
    let mut kube = KubeSpec::new(topology, 1, 1);
    let (mut control_planes, mut etcd, mut zones) = (None, None, None);
    let mut lease_word = None;
    let mut seen: Vec<&str> = Vec::new();
    while let Some(w) = c.next() {
        let Some((key, value)) = w.text.split_once('=').filter(|(k, _)| !k.is_empty()) else {
            return Err(w.error(Msg::new(
                "parse.want.kubeOptionLike",
                "an option like control-planes=3, zones=a,b,c or seed=7",
            )));
        };
        let name = w.sub(0, key.len());
        let v = w.tail(key.len() + 1);
        if seen.contains(&key) {
            return Err(name.error(Msg::new("parse.want.optionOnce", "each option at most once")));
        }
        seen.push(key);
        if value.is_empty() {
            return Err(w.error(Msg::new("parse.want.valueAfter", "a value after '{key}='").text("key", key)));
        }
        match key {
            "control-planes" => {
                control_planes =
                    Some(count(&v, Msg::new("parse.want.controlPlaneCount", "a number of control planes, 1..9"))?)
            }
            "etcd" if topology == Topology::Stacked => {
                return Err(name.error(Msg::new(
                    "parse.want.noEtcdStacked",
                    "no etcd= in a stacked topology: each control plane runs one member",
                )));
            }
            "etcd" => etcd = Some(count(&v, Msg::new("parse.want.etcdCount", "a number of etcd members, 1..9"))?),
            "zones" => zones = Some((zone_list(&v)?, v)),
            "lease-duration" | "renew-deadline" | "retry-period" => {
                let d = duration(&v)?;
                match key {
                    "lease-duration" => kube.lease.duration = d,
                    "renew-deadline" => kube.lease.renew_deadline = d,
                    _ => kube.lease.retry_period = d,
                }
                lease_word.get_or_insert(v);
            }
            _ => {
                cluster_option(&mut cluster, key, &v).map_err(|e| {
                    if e.expected.key == OPTIONS.key {
                        name.error(KUBE_OPTIONS)
                    } else {
                        e
                    }
                })?;
            }
        }
    }
    let Some(control_planes) = control_planes else {
        return Err(line.missing(Msg::new("parse.want.controlPlanes", "control-planes=K")));
    };
    let etcd = match (topology, etcd) {
        (Topology::Stacked, _) => control_planes,
        (Topology::External, Some(m)) => m,
        (Topology::External, None) => {
            return Err(line
                .missing(Msg::new("parse.want.etcdExternal", "etcd=M (an external topology names its etcd members)")))
        }
    };
    let lease = kube.lease;
    kube = KubeSpec { lease, ..KubeSpec::new(topology, control_planes, etcd) };
    if let Some((list, word)) = zones {
        if list.len() != kube.machine_count() {
            return Err(word.error(
                Msg::new(
                    "parse.want.zonePerMachine",
                    "one zone per machine ({machines}, control planes first): {count} of them",
                )
                .text("machines", kube.machine_names().to_string())
                .num("count", kube.machine_count() as u64),
            ));
        }
        kube.zones = list;
    }
    if let Err(e) = kube.lease.validate() {
        let at = lease_word.unwrap_or(t);
        return Err(at.error(
            Msg::new("parse.want.leaseTimings", "lease timings client-go accepts: {problem}").text("problem", e),
        ));
    }
    cluster.nodes = etcd;
    cluster.kube = Some(kube);
    Ok(cluster)
}

fn count(w: &Word, expected: Msg) -> Result<u8, ParseError> {
    match uint(w.text) {
        Some(v) if (1..=9).contains(&v) => Ok(v as u8),
        _ => Err(w.error(expected)),
    }
}

/// Zone names: letters, digits and `-`, split by commas.
fn zone_list(w: &Word) -> Result<Vec<String>, ParseError> {
    let mut zones = Vec::new();
    let mut start = 0;
    for part in w.text.split(',') {
        let word = w.sub(start, start + part.len());
        start += part.len() + 1;
        if !is_zone_name(part) {
            return Err(word.error(Msg::new("parse.want.zoneName", "a zone name (letters, digits, '-')")));
        }
        zones.push(part.to_string());
    }
    Ok(zones)
}

fn is_zone_name(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
}

impl Parser {
    fn kube_spec(&self, w: &Word) -> Result<&KubeSpec, ParseError> {
        self.kube.as_ref().ok_or_else(|| {
            w.error(
                Msg::new(
                    "parse.want.plainCommand",
                    "a command of a plain cluster: '{word}' needs a scenario that starts with 'kubernetes'",
                )
                .text("word", w.text),
            )
        })
    }

    /// `crash cp2` / `restart cp2`: the word is a machine name.
    pub(super) fn machine_command(&self, command: &Word, machine: &Word) -> Option<Command> {
        let spec = self.kube.as_ref()?;
        spec.machine_named(machine.text)?;
        let name = machine.text.to_string();
        Some(Command::Kube(match command.text {
            "crash" => KubeCommand::CrashMachine(name),
            _ => KubeCommand::RestartMachine(name),
        }))
    }

    /// `fail zone Z`, `restore zone Z`, `isolate zone Z`.
    pub(super) fn zone_command(&self, w: &Word, c: &mut Cursor) -> Result<Command, ParseError> {
        let spec = self.kube_spec(w)?;
        let z = c.word(&quoted("zone"))?;
        if z.text != "zone" {
            return Err(z.error(quoted("zone")));
        }
        let names = Msg::new("parse.want.zone", "a zone: {names}").text("names", spec.zone_names().join(", "));
        let zone = c.word(&names)?;
        if !spec.zones.iter().any(|x| x == zone.text) {
            return Err(zone.error(names));
        }
        let zone = zone.text.to_string();
        Ok(Command::Kube(match w.text {
            "fail" => KubeCommand::FailZone(zone),
            "restore" => KubeCommand::RestoreZone(zone),
            _ => KubeCommand::IsolateZone(zone),
        }))
    }

    /// `kubectl get leases -n kube-system` (`--namespace` too, flags after
    /// the resource in any spelling kubectl takes).
    pub(super) fn kubectl(&self, w: &Word, c: &mut Cursor) -> Result<Command, ParseError> {
        self.kube_spec(w)?;
        let get = c.word(&quoted("get"))?;
        if get.text != "get" {
            return Err(get.error(Msg::new("parse.want.getLeases", "'get' (kubectl get leases -n kube-system)")));
        }
        const LEASES: Msg = Msg::new("parse.want.leasesWord", "'leases'");
        let what = c.word(&LEASES)?;
        if !["leases", "lease", "leases.coordination.k8s.io"].contains(&what.text) {
            return Err(what.error(LEASES));
        }
        const NAMESPACE: Msg = Msg::new("parse.want.kubeSystemFlag", "'-n kube-system'");
        let mut namespace = None;
        while let Some(flag) = c.next() {
            let ns = match flag.text {
                "-n" | "--namespace" => c.word(&Msg::new("parse.want.namespace", "a namespace"))?.text,
                t => match t.strip_prefix("--namespace=").or_else(|| t.strip_prefix("-n=")) {
                    Some(ns) => ns,
                    None => return Err(flag.error(NAMESPACE)),
                },
            };
            if namespace.replace(ns).is_some() || ns.is_empty() {
                return Err(flag.error(Msg::new("parse.want.oneNamespace", "one namespace")));
            }
        }
        match namespace {
            Some("kube-system") => Ok(Command::Kube(KubeCommand::GetLeases)),
            Some(_) => {
                Err(what.error(Msg::new("parse.want.kubeSystemLeases", "the leases of kube-system: '-n kube-system'")))
            }
            None => Err(c.word(&NAMESPACE).expect_err("no words left")),
        }
    }

    /// `expect lease NAME holder cpI|none`, `expect lease NAME held`.
    pub(super) fn expect_lease(&self, w: &Word, c: &mut Cursor) -> Result<Command, ParseError> {
        let spec = self.kube_spec(w)?;
        const NAMES: Msg = Msg::new("parse.want.leaseName", "a lease: kube-controller-manager or kube-scheduler");
        let name = c.word(&NAMES)?;
        let lease = LeaseName::from_name(name.text).ok_or_else(|| name.error(NAMES))?;
        const WHAT: Msg = Msg::new("parse.want.leaseState", "'holder MACHINE', 'holder none' or 'held'");
        let what = c.word(&WHAT)?;
        let holder = match what.text {
            "held" => Holder::Held,
            "holder" => {
                let machines = Msg::new("parse.want.controlPlaneOrNone", "a control plane cp1..cp{last} or 'none'")
                    .num("last", spec.control_planes);
                let m = c.word(&machines)?;
                match spec.machine_named(m.text) {
                    _ if m.text == "none" => Holder::None,
                    Some(i) if spec.is_control_plane(i) => Holder::Machine(m.text.to_string()),
                    _ => return Err(m.error(machines)),
                }
            }
            _ => return Err(what.error(WHAT)),
        };
        Ok(Command::Kube(KubeCommand::ExpectLease { lease, holder }))
    }

    /// `expect apiserver available|unavailable`.
    pub(super) fn expect_apiserver(&self, w: &Word, c: &mut Cursor) -> Result<Command, ParseError> {
        self.kube_spec(w)?;
        const STATES: Msg = Msg::new("parse.want.apiserverState", "'available' or 'unavailable'");
        let state = c.word(&STATES)?;
        let available = match state.text {
            "available" => true,
            "unavailable" => false,
            _ => return Err(state.error(STATES)),
        };
        Ok(Command::Kube(KubeCommand::ExpectApiserver { available }))
    }
}

/// `etcdctl ...`: the rest of the line, as etcdctl reads it.
pub(super) fn etcdctl(c: &mut Cursor) -> Result<Command, ParseError> {
    let mut words = Vec::new();
    while let Some(w) = c.next() {
        words.push(w);
    }
    let texts: Vec<&str> = words.iter().map(|w| w.text).collect();
    match etcdctl::parse(&texts) {
        Ok(call) => Ok(Command::Etcdctl(call)),
        // What etcdctl wanted there, in the console's words (`etcdctl.want.*`).
        Err(e) => match words.get(e.word) {
            Some(w) => Err(w.error(e.expected)),
            None => Err(c.word(&e.expected).expect_err("no words left")),
        },
    }
}
