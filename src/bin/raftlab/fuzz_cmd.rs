//! `raftlab fuzz` and `raftlab search`: seeds swept in parallel, the
//! summary of violations, liveness failures and panics, and the shrunk
//! counterexample of a lesion; with the helpers the Kubernetes commands share.

use std::process::ExitCode;

use raftlab::raft::Rule;
use raftlab::scenario::fuzz::{run_seed, Fault, FuzzOptions, FuzzRun, Verdict};
use raftlab::scenario::fuzz_search::shrink;
use raftlab::scenario::fuzz_swarm::generate;

pub(crate) fn parse_duration(text: &str) -> Option<u64> {
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

pub(crate) fn cmd_fuzz(args: &[String]) -> Result<ExitCode, String> {
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

pub(crate) fn cmd_search(args: &[String]) -> Result<ExitCode, String> {
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
            let mut words: Vec<String> = options.rules_off.iter().map(|r| format!("--rule {r}=off")).collect();
            words.push(format!("--nodes {}", options.nodes));
            if start != 1 {
                // The search's own command line, so the header reproduces it.
                words.push(format!("--start {start}"));
            }
            println!(
                "# `raftlab search {}`: seed {} broke {} ({tried} seeds tried); shrunk from {} to {} \
                 commands in {} runs ({:.1}s)",
                words.join(" "),
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
pub(crate) fn check_seed_range(command: &str, start: u64, seeds: u64) -> Result<(), String> {
    if seeds == 0 {
        return Err(format!("{command}: --seeds takes a number of at least 1"));
    }
    start.checked_add(seeds).map(|_| ()).ok_or(format!(
        "{command}: --start {start} plus --seeds {seeds} is past the largest seed ({}): use fewer seeds or a lower start",
        u64::MAX
    ))
}

/// A passing run's scenario text is not needed: only failures print theirs.
pub(crate) fn forget_passing_text(mut run: FuzzRun) -> FuzzRun {
    if run.failure.is_none() {
        run.scenario_text = String::new();
    }
    run
}

/// Runs `f` for seeds `start..start + seeds` (checked by
/// [`check_seed_range`]) on `jobs` threads; results
/// in seed order. Seeds are independent: each thread builds its own worlds.
pub(crate) fn in_parallel<T: Send>(start: u64, seeds: u64, jobs: usize, f: impl Fn(u64) -> T + Sync) -> Vec<T> {
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

pub(crate) fn report_fuzz(runs: Vec<FuzzRun>, began: std::time::Instant) -> Result<ExitCode, String> {
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
