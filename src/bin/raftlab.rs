//! The native command line: run a scenario, check expectation files, fuzz.

use std::io::{self, Write};
use std::process::ExitCode;

use raftlab::kube::{KubeSpec, LeaseName, Topology};
use raftlab::raft::Rule;
use raftlab::scenario::check::{check, Mismatch};
use raftlab::scenario::failover::{self, Sample};
use raftlab::scenario::fuzz::{run_seed, Fault, FuzzOptions, FuzzRun, Verdict};
use raftlab::scenario::fuzz_kube::{self, KubeFuzzOptions};
use raftlab::scenario::fuzz_search::shrink;
use raftlab::scenario::fuzz_swarm::generate;
use raftlab::scenario::lesson_parse::{is_lesson, parse_lesson};
use raftlab::scenario::parse::parse;
use raftlab::scenario::runner::{Failure, Runner, Trace};
use raftlab::scenario::{Command, Scenario, Step};
use raftlab::sim::{fmt_time, Budget, Micros};
use raftlab::view::lesson::check as lesson_check;

const USAGE: &str = "\
usage:
  raftlab run [--trace] [--why] FILE
      Run a scenario; print each command, what happened, and the result, as it runs.
      --trace prints every event (message deliveries, timers), not only the notable ones.
      --why prints under each event the reason for every decision a node took (docs/why.md);
      --trace includes them.
      A run that goes over its budget (events, messages in flight, pending client
      operations, user actions, log entries) stops with a message naming the limit.
  raftlab check [--rewrite] FILE...
      Run scenario files and compare their expectation blocks (`----`).
      A lesson (a file that starts with `title`, docs/lessons.md) plays its scripted path:
      Continue, the right answers, and each task's `do` actions until its predicate holds.
      --rewrite replaces each block with the actual output.
  raftlab fuzz --seeds N [--start S] [--nodes K] [--faults crash,partition,cut,loss,duplicate,drop]
               [--duration 60s] [--jobs J] [--rule NAME=off]... [--snapshot K] [--print]
      Random fault schedules with client load (a swarm: each seed draws its own mix of
      faults, timings and client operations, docs/fuzzing.md); checks every safety
      invariant and that the cluster recovers once the faults stop. --rule switches a
      safety rule off in every run (a lesion), to see the fuzzer find what it protects.
      Prints the seed and scenario of each failure, then the runs, violations, liveness
      failures and panics; a panic in one seed does not stop the others.
      --print prints each seed's scenario instead of running it.
  raftlab search --rule NAME=off [--nodes K] [--seeds N] [--start S] [--duration 30s] [--jobs J]
      Fuzzes seeds from S (default 1) until one breaks a safety invariant (at most N,
      default 2000), then shrinks its scenario (fewer commands, shorter runs) and prints
      it, ending with `expect violation INVARIANT`: `raftlab run` stops there. Exit 1
      when no seed broke one.
  raftlab fuzz --kubernetes stacked|external --seeds N [--control-planes K] [--etcd M] [--zones a,b,c]
               [--start S] [--duration 60s] [--jobs J]
      The same for a control plane: zone failures, machine crashes, zones cut off and
      etcd partitions; checks Lease Safety and Raft's invariants after every event, and
      that etcd, the leases and the apiserver recover once the faults stop.
  raftlab failover --seeds N [--kubernetes stacked|external] [--control-planes K] [--etcd M]
                   [--zones a,b,c] [--lease kube-controller-manager|kube-scheduler] [--start S] [--jobs J]
      Crashes the lease holder's machine after 30 s in each seed and reports how long the
      controller takes to lead again (default: stacked, 3 control planes in zones a,b,c).
exit status: 0 success, 1 a failed expectation, violation or mismatch, 2 bad usage or a parse error";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("run") => cmd_run(&args[1..]),
        Some("check") => cmd_check(&args[1..]),
        Some("fuzz") if args.iter().any(|a| a == "--kubernetes") => cmd_fuzz_kube(&args[1..]),
        Some("fuzz") => cmd_fuzz(&args[1..]),
        Some("failover") => cmd_failover(&args[1..]),
        Some("search") => cmd_search(&args[1..]),
        Some("-h" | "--help" | "help") => {
            println!("{USAGE}");
            Ok(ExitCode::SUCCESS)
        }
        Some(other) => Err(format!("unknown command '{other}'")),
        None => Err("missing command".to_string()),
    };
    match result {
        Ok(code) => code,
        Err(message) => {
            eprintln!("raftlab: {message}\n{USAGE}");
            ExitCode::from(2)
        }
    }
}

/// Reads and parses a scenario file; on failure prints FILE:LINE:COLUMN.
fn load(path: &str) -> Result<(String, Scenario), ExitCode> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("{path}: cannot read: {e}");
            return Err(ExitCode::from(2));
        }
    };
    match parse(&text) {
        Ok(s) => Ok((text, s)),
        Err(e) => {
            eprintln!("{}", e.with_file(path));
            Err(ExitCode::from(2))
        }
    }
}

fn cmd_run(args: &[String]) -> Result<ExitCode, String> {
    let mut trace = Trace::Notable;
    let mut file = None;
    for arg in args {
        match arg.as_str() {
            "--trace" => trace = Trace::Full,
            "--why" if trace == Trace::Notable => trace = Trace::Why,
            "--why" => {}
            a if a.starts_with('-') => return Err(format!("run: unknown option '{a}'")),
            a if file.is_none() => file = Some(a.to_string()),
            a => return Err(format!("run: one file at a time ('{a}')")),
        }
    }
    let path = file.ok_or("run: missing FILE")?;
    let (_, scenario) = match load(&path) {
        Ok(x) => x,
        Err(code) => return Ok(code),
    };
    // A closed pipe (`raftlab run FILE | head`) ends the run quietly.
    match run_streaming(&path, &scenario, trace, &mut io::stdout().lock()) {
        Ok(code) => Ok(code),
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(ExitCode::SUCCESS),
        Err(e) => Err(format!("run: cannot write the output: {e}")),
    }
}

/// Events a long step runs between two flushes of its output, so that the
/// output appears as it is produced and is never held in memory.
const EVENTS_PER_FLUSH: u64 = 4_096;

/// Runs `scenario`, printing each command's lines as they come, and stops
/// at a failure, a violation or the run's budget.
fn run_streaming(path: &str, scenario: &Scenario, trace: Trace, out: &mut impl Write) -> io::Result<ExitCode> {
    writeln!(out, "{}", scenario.cluster)?;
    let mut runner = match Runner::new(&scenario.cluster, trace) {
        Ok(r) => r,
        Err(message) => {
            writeln!(out, "FAILED {path}:{}: `cluster`: {message}", scenario.cluster_line)?;
            return Ok(ExitCode::from(1));
        }
    };
    let budget = Budget::DEFAULT;
    let mut failure = None;
    let mut i = 0;
    while let Some(step) = scenario.steps.get(i) {
        writeln!(out, "> {}", step.text)?;
        out.flush()?;
        if let Err(message) = run_step(&mut runner, step, &budget, out)? {
            // A violation that a later `expect violation` names is checked
            // there, at the stop; the steps in between do not run.
            if let Some(expectation) = runner.expected_violation(&scenario.steps, i) {
                i = expectation;
                continue;
            }
            failure = Some((step, message));
            break;
        }
        if matches!(step.command, Command::ExpectViolation(_)) {
            // It held: the run stopped at that violation, nothing after it runs.
            break;
        }
        i += 1;
    }
    let world = runner.world();
    let summary = format!(
        "{} events, {} simulated, {} messages sent, {} violations",
        world.event_count(),
        fmt_time(world.now()),
        world.stats().sent,
        world.checker().violations().len()
    );
    let code = match failure {
        Some((step, message)) => {
            writeln!(out, "FAILED {path}:{}: `{}`: {message}", step.line, step.text)?;
            writeln!(out, "{summary}")?;
            ExitCode::from(1)
        }
        None => {
            writeln!(out, "ok: {} commands, {summary}", scenario.steps.len())?;
            ExitCode::SUCCESS
        }
    };
    out.flush()?;
    Ok(code)
}

/// Runs one step, writing its lines as they come. The outer result is the
/// output's; the inner one the step's (an error message on failure).
fn run_step(runner: &mut Runner, step: &Step, budget: &Budget, out: &mut impl Write) -> io::Result<Result<(), String>> {
    let print = |out: &mut dyn Write, lines: &[String]| -> io::Result<()> {
        for line in lines {
            writeln!(out, "  {line}")?;
        }
        out.flush()
    };
    let Some(mut timed) = runner.begin(step) else {
        // An instant step: an action, an expectation, a table.
        let (lines, result) = match runner.execute(step) {
            Ok(lines) => (lines, Ok(())),
            Err((lines, message)) => (lines, Err(message)),
        };
        print(out, &lines)?;
        return Ok(result.and_then(|()| budget.check(runner.world()).map_err(|over| over.to_string())));
    };
    loop {
        let mut lines = Vec::new();
        let mut over = None;
        let done = runner.resume(&mut timed, Micros::MAX, EVENTS_PER_FLUSH, &mut lines, &mut |world| {
            over = budget.check(world).err();
            over.is_some()
        });
        print(out, &lines)?;
        if let Some(over) = over {
            return Ok(Err(over.to_string()));
        }
        if let Some(result) = done {
            return Ok(result);
        }
    }
}

fn cmd_check(args: &[String]) -> Result<ExitCode, String> {
    let mut rewrite = false;
    let mut files = Vec::new();
    for arg in args {
        match arg.as_str() {
            "--rewrite" => rewrite = true,
            a if a.starts_with('-') => return Err(format!("check: unknown option '{a}'")),
            a => files.push(a.to_string()),
        }
    }
    if files.is_empty() {
        return Err("check: missing FILE".into());
    }
    let mut worst = 0u8;
    for path in &files {
        if let Ok(text) = std::fs::read_to_string(path) {
            if is_lesson(&text) {
                worst = worst.max(check_lesson(path, &text, rewrite)?);
                continue;
            }
        }
        let (text, scenario) = match load(path) {
            Ok(x) => x,
            Err(_) => {
                worst = 2;
                continue;
            }
        };
        let report = check(&text, &scenario);
        let outcome = Outcome { text: &text, rewritten: &report.rewritten, mismatches: &report.mismatches };
        if outcome.print(path, report.failure.as_ref(), rewrite)? {
            worst = worst.max(1);
        } else {
            println!("{path}: ok ({} commands, {} expectation blocks)", scenario.steps.len(), report.blocks);
        }
    }
    Ok(ExitCode::from(worst))
}

/// `raftlab check` of a lesson: its scripted path (Continue, the right
/// answers, the actions of "show me") played to the end, and its
/// expectation blocks compared. Returns the exit status it deserves.
fn check_lesson(path: &str, text: &str, rewrite: bool) -> Result<u8, String> {
    let lesson = match parse_lesson(text) {
        Ok(lesson) => lesson,
        Err(e) => {
            eprintln!("{}", e.with_file(path));
            return Ok(2);
        }
    };
    let report = lesson_check(text, &lesson);
    let outcome = Outcome { text, rewritten: &report.rewritten, mismatches: &report.mismatches };
    if outcome.print(path, report.failure.as_ref(), rewrite)? {
        return Ok(1);
    }
    println!(
        "{path}: ok (lesson, {} steps played by its scripted path, {} expectation blocks)",
        report.stages, report.blocks
    );
    Ok(0)
}

/// What `raftlab check` compared in one file, scenario or lesson alike.
struct Outcome<'a> {
    text: &'a str,
    rewritten: &'a str,
    mismatches: &'a [Mismatch],
}

impl Outcome<'_> {
    /// Rewrites the file (with `--rewrite`) or prints its mismatches, then
    /// its failure; says whether the file failed.
    fn print(&self, path: &str, failure: Option<&Failure>, rewrite: bool) -> Result<bool, String> {
        if rewrite && self.rewritten != self.text {
            std::fs::write(path, self.rewritten).map_err(|e| format!("{path}: cannot write: {e}"))?;
            println!("{path}: rewrote {} expectation block(s)", self.mismatches.len());
        }
        if !rewrite {
            for m in self.mismatches {
                print!("{path}:{m}");
            }
        }
        if let Some(f) = failure {
            println!("{path}:{}: `{}` failed: {}", f.line, f.command, f.message);
        }
        Ok(failure.is_some() || (!rewrite && !self.mismatches.is_empty()))
    }
}

fn parse_duration(text: &str) -> Option<u64> {
    let (number, scale) = if let Some(n) = text.strip_suffix("ms") {
        (n, 1_000.0)
    } else if let Some(n) = text.strip_suffix("us") {
        (n, 1.0)
    } else if let Some(n) = text.strip_suffix('s') {
        (n, 1_000_000.0)
    } else {
        return None;
    };
    let value: f64 = number.parse().ok()?;
    (value.is_finite() && value > 0.0 && value <= 7.0 * 86_400.0 * 1e6 / scale).then(|| (value * scale).round() as u64)
}

fn cmd_fuzz(args: &[String]) -> Result<ExitCode, String> {
    let mut options = FuzzOptions::default();
    let mut print = false;
    let mut seeds: Option<u64> = None;
    let mut start = 1u64;
    let mut jobs = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let mut value = |name: &str| it.next().cloned().ok_or(format!("fuzz: {name} needs a value"));
        match arg.as_str() {
            "--seeds" => seeds = Some(value("--seeds")?.parse().map_err(|_| "fuzz: --seeds takes a number")?),
            "--start" => start = value("--start")?.parse().map_err(|_| "fuzz: --start takes a number")?,
            "--jobs" => jobs = value("--jobs")?.parse().map_err(|_| "fuzz: --jobs takes a number")?,
            "--nodes" => {
                let n: u8 = value("--nodes")?.parse().map_err(|_| "fuzz: --nodes takes a number 1..9")?;
                if !(1..=9).contains(&n) {
                    return Err("fuzz: --nodes takes a number 1..9".into());
                }
                options.nodes = n;
            }
            "--faults" => {
                let list = value("--faults")?;
                options.faults = list
                    .split(',')
                    .map(|f| {
                        Fault::from_name(f.trim())
                            .ok_or(format!("fuzz: unknown fault '{f}' (crash, partition, cut, loss, duplicate, drop)"))
                    })
                    .collect::<Result<_, _>>()?;
            }
            "--duration" => {
                let d = value("--duration")?;
                options.duration =
                    parse_duration(&d).ok_or(format!("fuzz: bad duration '{d}', expected e.g. 60s or 500ms"))?;
            }
            "--rule" => options.rules_off.push(parse_rule_off("fuzz", &value("--rule")?)?),
            "--print" => print = true,
            "--snapshot" => {
                const K: &str = "fuzz: --snapshot takes a number of applied entries above 0";
                options.snapshot = value("--snapshot")?.parse().ok().filter(|&k| k > 0).ok_or(K)?;
            }
            other => return Err(format!("fuzz: unknown option '{other}'")),
        }
    }
    let seeds = seeds.ok_or("fuzz: missing --seeds N")?;
    check_seed_range("fuzz", start, seeds)?;
    let began = std::time::Instant::now();
    if print {
        for seed in start..start + seeds {
            print!("{}", generate(seed, &options).to_text());
        }
        return Ok(ExitCode::SUCCESS);
    }
    let runs = in_parallel(start, seeds, jobs, |seed| forget_passing_text(run_seed(seed, &options)));
    report_fuzz(runs, began)
}

fn cmd_search(args: &[String]) -> Result<ExitCode, String> {
    let mut options = FuzzOptions::default();
    let (mut seeds, mut start) = (2_000u64, 1u64);
    let mut jobs = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let mut value = || it.next().cloned().ok_or(format!("search: {arg} needs a value"));
        match arg.as_str() {
            "--seeds" => seeds = value()?.parse().map_err(|_| "search: --seeds takes a number")?,
            "--start" => start = value()?.parse().map_err(|_| "search: --start takes a number")?,
            "--jobs" => jobs = value()?.parse().map_err(|_| "search: --jobs takes a number")?,
            "--nodes" => {
                options.nodes = value()?
                    .parse()
                    .ok()
                    .filter(|n| (1..=9).contains(n))
                    .ok_or("search: --nodes takes a number 1..9")?
            }
            "--duration" => {
                let d = value()?;
                options.duration =
                    parse_duration(&d).ok_or(format!("search: bad duration '{d}', expected e.g. 30s"))?;
            }
            "--rule" => options.rules_off.push(parse_rule_off("search", &value()?)?),
            other => return Err(format!("search: unknown option '{other}'")),
        }
    }
    check_seed_range("search", start, seeds)?;
    let began = std::time::Instant::now();
    // Seeds go in batches, so the search stops soon after the first find and
    // still reports the lowest breaking seed of its batch.
    let batch = (jobs.clamp(1, 64) as u64) * 4;
    let mut next = start;
    let end = start + seeds;
    while next < end {
        let count = batch.min(end - next);
        let runs = in_parallel(next, count, jobs, |seed| run_seed(seed, &options));
        if let Some(run) = runs.iter().find(|r| r.verdict == Verdict::Panic) {
            println!("seed {}: {}", run.seed, run.failure.as_ref().map_or("", |f| f.message.as_str()));
            print!("{}", run.scenario_text);
            return Ok(ExitCode::from(1));
        }
        if let Some(run) = runs.into_iter().find(|r| r.verdict == Verdict::Violation) {
            let tried = run.seed - start + 1;
            let found = generate(run.seed, &options);
            let shrunk = shrink(&found).ok_or("search: the violation did not happen again")?;
            let rules: Vec<String> = options.rules_off.iter().map(|r| format!("--rule {r}=off")).collect();
            println!(
                "# `raftlab search {} --nodes {}`: seed {} broke {} ({tried} seeds tried); shrunk from {} to {} \
                 commands in {} runs ({:.1}s)",
                rules.join(" "),
                options.nodes,
                run.seed,
                shrunk.invariant,
                shrunk.commands_before,
                shrunk.generated.commands.len(),
                shrunk.runs,
                began.elapsed().as_secs_f64()
            );
            print!("{}", shrunk.to_text());
            return Ok(ExitCode::SUCCESS);
        }
        next += count;
    }
    println!("no violation in seeds {start}..{} ({:.1}s)", end - 1, began.elapsed().as_secs_f64());
    Ok(ExitCode::from(1))
}

/// `NAME=off`, the lesion of `--rule`.
fn parse_rule_off(command: &str, text: &str) -> Result<Rule, String> {
    let names = Rule::ALL.map(Rule::name).join(", ");
    let Some(name) = text.strip_suffix("=off") else {
        return Err(format!("{command}: --rule takes NAME=off (NAME: {names}), not '{text}'"));
    };
    Rule::from_name(name).ok_or(format!("{command}: unknown rule '{name}' (one of {names})"))
}

/// Seeds `start..start + seeds`: at least one, and a range whose end does
/// not fit in a u64 is an error, not a range that wraps around to zero runs.
fn check_seed_range(command: &str, start: u64, seeds: u64) -> Result<(), String> {
    if seeds == 0 {
        return Err(format!("{command}: --seeds takes a number of at least 1"));
    }
    start.checked_add(seeds).map(|_| ()).ok_or(format!(
        "{command}: --start {start} plus --seeds {seeds} is past the largest seed ({}): use fewer seeds or a lower start",
        u64::MAX
    ))
}

/// A passing run's scenario text is not needed: only failures print theirs.
fn forget_passing_text(mut run: FuzzRun) -> FuzzRun {
    if run.failure.is_none() {
        run.scenario_text = String::new();
    }
    run
}

/// Runs `f` for seeds `start..start + seeds` (checked by
/// [`check_seed_range`]) on `jobs` threads; results
/// in seed order. Seeds are independent: each thread builds its own worlds.
fn in_parallel<T: Send>(start: u64, seeds: u64, jobs: usize, f: impl Fn(u64) -> T + Sync) -> Vec<T> {
    let jobs = jobs.clamp(1, 64) as u64;
    let f = &f;
    let mut runs: Vec<(u64, T)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..jobs)
            .map(|j| {
                scope.spawn(move || {
                    (start + j..start + seeds).step_by(jobs as usize).map(|seed| (seed, f(seed))).collect::<Vec<_>>()
                })
            })
            .collect();
        handles.into_iter().flat_map(|h| h.join().expect("a worker thread panicked")).collect()
    });
    runs.sort_by_key(|(seed, _)| *seed);
    runs.into_iter().map(|(_, r)| r).collect()
}

fn report_fuzz(runs: Vec<FuzzRun>, began: std::time::Instant) -> Result<ExitCode, String> {
    let events: u64 = runs.iter().map(|r| r.events).sum();
    let failures: Vec<&FuzzRun> = runs.iter().filter(|r| r.failure.is_some()).collect();
    for run in &failures {
        let f = run.failure.as_ref().expect("kept for its failure");
        match run.verdict {
            Verdict::Panic => println!("seed {}: {}", run.seed, f.message),
            _ => println!("seed {}: line {}: `{}` failed: {}", run.seed, f.line, f.command, f.message),
        }
        println!("--- reproduce with `raftlab run FILE` on this scenario:");
        print!("{}", run.scenario_text);
        println!("---");
    }
    let count = |v: Verdict| runs.iter().filter(|r| r.verdict == v).count();
    println!(
        "{} runs, {events} events, {} violations, {} liveness failures, {} panics ({:.1}s)",
        runs.len(),
        count(Verdict::Violation),
        count(Verdict::Liveness),
        count(Verdict::Panic),
        began.elapsed().as_secs_f64()
    );
    Ok(if failures.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

/// The control plane the `--kubernetes`, `--control-planes`, `--etcd` and
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

fn cmd_fuzz_kube(args: &[String]) -> Result<ExitCode, String> {
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

fn cmd_failover(args: &[String]) -> Result<ExitCode, String> {
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
