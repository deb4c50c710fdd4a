//! The native command line: run a scenario, check expectation files, fuzz
//! (fuzz_cmd.rs), the Kubernetes sweeps (kube_cmd.rs).

// A crate root's `mod` looks beside it (src/bin/), so the paths are named.
#[path = "raftlab/fuzz_cmd.rs"]
mod fuzz_cmd;
#[path = "raftlab/kube_cmd.rs"]
mod kube_cmd;

use std::io::{self, Write};
use std::process::ExitCode;

use fuzz_cmd::{cmd_fuzz, cmd_search};
use kube_cmd::{cmd_failover, cmd_fuzz_kube};
use raftlab::scenario::check::{check, Mismatch};
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
