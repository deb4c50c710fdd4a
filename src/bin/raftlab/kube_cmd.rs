//! `raftlab fuzz --kubernetes` and `raftlab failover`: the simulated
//! control planes swept over seeds.

use std::process::ExitCode;

use raftlab::kube::{KubeSpec, LeaseName, Topology};
use raftlab::scenario::failover::{self, Sample};
use raftlab::scenario::fuzz_kube::{self, KubeFuzzOptions};

use super::fuzz_cmd::{check_seed_range, forget_passing_text, in_parallel, parse_duration, report_fuzz};

/// `--zones` options describe; `None` when an argument is not one of them.
struct TopologyArgs {
    topology: Topology,
    control_planes: u8,
    etcd: Option<u8>,
    zones: Option<Vec<String>>,
}

impl TopologyArgs {
    fn new() -> Self {
        TopologyArgs { topology: Topology::Stacked, control_planes: 3, etcd: None, zones: None }
    }

    /// Takes `arg` (and its value) if it is a topology option.
    fn take(
        &mut self,
        cmd: &str,
        arg: &str,
        value: &mut dyn FnMut() -> Result<String, String>,
    ) -> Result<bool, String> {
        let count = |v: String, what: &str| -> Result<u8, String> {
            v.parse::<u8>().ok().filter(|n| (1..=9).contains(n)).ok_or(format!("{cmd}: {what} takes a number 1..9"))
        };
        match arg {
            "--kubernetes" => {
                self.topology = match value()?.as_str() {
                    "stacked" => Topology::Stacked,
                    "external" => Topology::External,
                    other => return Err(format!("{cmd}: --kubernetes takes stacked or external, not '{other}'")),
                }
            }
            "--control-planes" => self.control_planes = count(value()?, "--control-planes")?,
            "--etcd" => self.etcd = Some(count(value()?, "--etcd")?),
            "--zones" => self.zones = Some(value()?.split(',').map(str::to_string).collect()),
            _ => return Ok(false),
        }
        Ok(true)
    }

    fn spec(&self, cmd: &str) -> Result<KubeSpec, String> {
        let etcd = match (self.topology, self.etcd) {
            (Topology::Stacked, Some(_)) => return Err(format!("{cmd}: --etcd is for --kubernetes external")),
            (Topology::Stacked, None) => self.control_planes,
            (Topology::External, etcd) => etcd.unwrap_or(3),
        };
        let mut spec = KubeSpec::new(self.topology, self.control_planes, etcd);
        if let Some(zones) = &self.zones {
            spec.zones = zones.clone();
        }
        spec.validate().map_err(|e| format!("{cmd}: {e}"))?;
        Ok(spec)
    }
}

pub(crate) fn cmd_fuzz_kube(args: &[String]) -> Result<ExitCode, String> {
    let mut topology = TopologyArgs::new();
    let (mut seeds, mut start, mut duration) = (None, 1u64, None);
    let mut jobs = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let mut value = || it.next().cloned().ok_or(format!("fuzz: {arg} needs a value"));
        if topology.take("fuzz", arg, &mut value)? {
            continue;
        }
        match arg.as_str() {
            "--seeds" => seeds = Some(value()?.parse::<u64>().map_err(|_| "fuzz: --seeds takes a number")?),
            "--start" => start = value()?.parse().map_err(|_| "fuzz: --start takes a number")?,
            "--jobs" => jobs = value()?.parse().map_err(|_| "fuzz: --jobs takes a number")?,
            "--duration" => {
                let d = value()?;
                duration = Some(parse_duration(&d).ok_or(format!("fuzz: bad duration '{d}', expected e.g. 60s"))?);
            }
            other => return Err(format!("fuzz: unknown option '{other}' with --kubernetes")),
        }
    }
    let seeds = seeds.ok_or("fuzz: missing --seeds N")?;
    let mut options = KubeFuzzOptions::new(topology.spec("fuzz")?);
    if let Some(d) = duration {
        options.duration = d;
    }
    check_seed_range("fuzz", start, seeds)?;
    let began = std::time::Instant::now();
    let runs = in_parallel(start, seeds, jobs, |seed| forget_passing_text(fuzz_kube::run_seed(seed, &options)));
    report_fuzz(runs, began)
}

pub(crate) fn cmd_failover(args: &[String]) -> Result<ExitCode, String> {
    let mut topology = TopologyArgs::new();
    let (mut seeds, mut start, mut lease) = (None, 1u64, LeaseName::ControllerManager);
    let mut jobs = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let mut value = || it.next().cloned().ok_or(format!("failover: {arg} needs a value"));
        if topology.take("failover", arg, &mut value)? {
            continue;
        }
        match arg.as_str() {
            "--seeds" => seeds = Some(value()?.parse::<u64>().map_err(|_| "failover: --seeds takes a number")?),
            "--start" => start = value()?.parse().map_err(|_| "failover: --start takes a number")?,
            "--jobs" => jobs = value()?.parse().map_err(|_| "failover: --jobs takes a number")?,
            "--lease" => {
                let name = value()?;
                lease = LeaseName::from_name(&name).ok_or(format!(
                    "failover: --lease takes kube-controller-manager or kube-scheduler, not '{name}'"
                ))?;
            }
            other => return Err(format!("failover: unknown option '{other}'")),
        }
    }
    let seeds = seeds.ok_or("failover: missing --seeds N")?;
    check_seed_range("failover", start, seeds)?;
    let spec = topology.spec("failover")?;
    let results = in_parallel(start, seeds, jobs, |seed| failover::measure(seed, &spec, lease));
    let (mut samples, mut failures): (Vec<Sample>, Vec<String>) = (Vec::new(), Vec::new());
    for r in results {
        match r {
            Ok(s) => samples.push(s),
            Err(e) => failures.push(e),
        }
    }
    for f in &failures {
        println!("{f}");
    }
    let secs = |us: u64| format!("{}.{:03}s", us / 1_000_000, us % 1_000_000 / 1000);
    println!("{lease} failover after its leader's machine fails, {} ({} seeds from {start}):", spec_line(&spec), seeds);
    if let Some(s) = failover::summarize(&samples) {
        println!(
            "  min {}  median {}  p90 {}  p99 {}  max {}  mean {}",
            secs(s.min),
            secs(s.p50),
            secs(s.p90),
            secs(s.p99),
            secs(s.max),
            secs(s.mean)
        );
        let observed = s.mean_observed_before_crash;
        let sign = if observed < 0 { "-" } else { "+" };
        println!(
            "  the new leader last saw a new record of the old one at crash {sign}{} on average",
            secs(observed.unsigned_abs())
        );
        let widest = s.histogram.iter().map(|&(_, n)| n).max().unwrap_or(1);
        for (second, n) in &s.histogram {
            let bar = "#".repeat((n * 50).div_ceil(widest));
            println!("  {second:>3}-{:<3}s {n:>6} {bar}", second + 1);
        }
    }
    println!("{} measured, {} failed", samples.len(), failures.len());
    Ok(if failures.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

fn spec_line(spec: &KubeSpec) -> String {
    let t = &spec.lease;
    format!(
        "{} control planes {} with zones {}, lease {}s / renew deadline {}s / retry {}s",
        spec.control_planes,
        spec.topology.name(),
        spec.zones.join(","),
        t.duration / 1_000_000,
        t.renew_deadline / 1_000_000,
        t.retry_period / 1_000_000
    )
}
