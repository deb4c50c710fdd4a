//! The scenario files under `tests/scenarios/` and `examples/` are tests:
//! every `expect` must hold, every expectation block (`----`) must match the
//! output of its command, and no safety invariant may break.
//!
//! The files are found by walking the directories (subdirectories included),
//! as etcd's datadriven tests find their `testdata/*.txt`: adding a file adds
//! a test, and a failure names the file. When an engine change alters a run on
//! purpose, review the new output with `raftlab check --rewrite FILE` and
//! `git diff`.

use std::path::PathBuf;

use raftlab::scenario::check::check;
use raftlab::scenario::runner::{self, StepOutput, Trace};
use raftlab::scenario::{parse, Command, Scenario};

/// The directories whose `*.txt` files are scenarios, relative to the crate.
const DIRS: &[&str] = &["tests/scenarios", "examples", "www/scenarios"];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn read(path: &str) -> String {
    let full = root().join(path);
    std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("{}: cannot read: {e}", full.display()))
}

fn parse_file(path: &str, text: &str) -> Scenario {
    parse(text).unwrap_or_else(|e| panic!("{}", e.with_file(path)))
}

/// Runs one file; returns a description of everything that went wrong.
fn problems(path: &str) -> Option<String> {
    let text = read(path);
    let scenario = match parse(&text) {
        Ok(s) => s,
        Err(e) => return Some(e.with_file(path)),
    };
    let mut out = String::new();
    let report = check(&text, &scenario);
    for m in &report.mismatches {
        out.push_str(&format!("{path}:{m}"));
    }
    if let Some(f) = &report.failure {
        out.push_str(&format!("{path}:{}: `{}` failed: {}\n", f.line, f.command, f.message));
    }
    // A scenario travels in URLs as its canonical text: that text must parse
    // back to the same scenario and pass just the same.
    if report.passed() {
        let canonical = scenario.to_text();
        match parse(&canonical) {
            Ok(again) if again.equivalent(&scenario) => {
                let report = check(&canonical, &again);
                if !report.passed() {
                    out.push_str(&format!("{path}: its canonical text does not pass:\n{canonical}\n"));
                }
            }
            Ok(_) => out.push_str(&format!("{path}: its canonical text parses to another scenario\n")),
            Err(e) => out.push_str(&format!("{path}: its canonical text does not parse: {e}\n")),
        }
    }
    if !report.mismatches.is_empty() {
        out.push_str(&format!("(if the new output is intended: raftlab check --rewrite {path})\n"));
    }
    (!out.is_empty()).then_some(out)
}

/// Every scenario file under the scenario directories (recursively), as
/// crate-relative paths, sorted.
fn all_files() -> Vec<String> {
    fn walk(dir: &std::path::Path, rel: &str, files: &mut Vec<String>) {
        let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{rel}: {e}"));
        for entry in entries {
            let path = entry.expect("a directory entry").path();
            let name = path.file_name().expect("a file name").to_string_lossy().into_owned();
            if path.is_dir() {
                walk(&path, &format!("{rel}/{name}"), files);
            } else if path.extension().is_some_and(|x| x == "txt") {
                files.push(format!("{rel}/{name}"));
            }
        }
    }
    let mut files = Vec::new();
    for dir in DIRS {
        walk(&root().join(dir), dir, &mut files);
    }
    files.sort();
    files
}

/// Every scenario file passes; all failures are reported together, each
/// named by its file.
#[test]
fn every_scenario_file_passes() {
    let files = all_files();
    assert!(files.len() > 10, "the scenario directories hold only {files:?}");
    let failures: Vec<String> = files.iter().filter_map(|f| problems(f)).collect();
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

/// The teaching files keep to the house rules: a header comment saying what
/// they teach, at least one `expect` beyond the final check, and as the last
/// command `expect no-violations`, or `expect violation INVARIANT` for a file
/// that shows what a switched-off rule breaks.
#[test]
fn scenario_files_follow_the_conventions() {
    let is_final_check = |c: &Command| matches!(c, Command::ExpectNoViolations | Command::ExpectViolation(_));
    let mut wrong = Vec::new();
    for path in all_files().iter().filter(|f| f.starts_with("tests/scenarios/")) {
        let text = read(path);
        let scenario = parse_file(path, &text);
        if !text.starts_with('#') {
            wrong.push(format!("{path}: does not start with a comment saying what it teaches"));
        }
        if !scenario.steps.last().is_some_and(|s| is_final_check(&s.command)) {
            wrong.push(format!("{path}: does not end with `expect no-violations` or `expect violation INVARIANT`"));
        }
        let expects =
            scenario.steps.iter().filter(|s| s.text.starts_with("expect ") && !is_final_check(&s.command)).count();
        // A shrunk counterexample (`raftlab search`) makes its point with its
        // final `expect violation` alone.
        if expects == 0 && !path.starts_with("tests/scenarios/found/") {
            wrong.push(format!("{path}: makes its point with no `expect` command"));
        }
    }
    assert!(wrong.is_empty(), "\n{}", wrong.join("\n"));
}

// ----- determinism -----

/// Everything a run shows, with every event printed.
fn full_run(scenario: &Scenario) -> (Vec<StepOutput>, String) {
    let (runner, outputs, failure) = runner::run(scenario, Trace::Full);
    let world = runner.world();
    let mut state = format!("{failure:?} {} {} {:?}\n", world.now(), world.event_count(), world.stats());
    for slot in world.nodes() {
        let n = &slot.node;
        state.push_str(&format!(
            "{} {} {} {:?} {} {:?}\n",
            n.id(),
            n.term(),
            n.commit_index(),
            n.voted_for(),
            slot.alive,
            n.log().entries()
        ));
    }
    (outputs, state)
}

#[test]
fn the_same_scenario_runs_the_same_way_twice() {
    for path in all_files() {
        let text = read(&path);
        let scenario = parse_file(&path, &text);
        let (a, state_a) = full_run(&scenario);
        let (b, state_b) = full_run(&parse_file(&path, &text));
        assert_eq!(a, b, "{path}: two runs printed different output");
        assert_eq!(state_a, state_b, "{path}: two runs ended in different states");
    }
}

/// The output of the first `run until leader` of a 5-node cluster.
fn first_election(seed: u64) -> Vec<String> {
    let scenario = parse(&format!("cluster 5 seed={seed}\nrun until leader\n")).unwrap();
    let (_, outputs, failure) = runner::run(&scenario, Trace::Notable);
    assert!(failure.is_none(), "seed {seed}: {failure:?}");
    outputs[0].lines.clone()
}

#[test]
fn another_seed_gives_another_run() {
    let first = first_election(1);
    assert!(!first.is_empty());
    assert_eq!(first, first_election(1));
    // The first line is the first election timeout: "TIME node N became
    // candidate of term 1". Its time is a random draw, so it changes with the
    // seed (a handful of seeds, in case two happen to pick the same node).
    let time = |lines: &[String]| lines[0].split(' ').next().unwrap().to_string();
    let times: Vec<String> = (1..=5).map(|s| time(&first_election(s))).collect();
    let mut distinct = times.clone();
    distinct.sort();
    distinct.dedup();
    assert!(distinct.len() >= 4, "first election times barely depend on the seed: {times:?}");
    for seed in 2..=5 {
        assert_ne!(first, first_election(seed), "seed 1 and seed {seed} gave the same election");
    }
}

#[test]
fn changing_the_seed_line_of_a_file_changes_its_run() {
    let path = "tests/scenarios/leader-crash.txt";
    let text = read(path);
    let other = text.replacen("seed=7", "seed=8", 1);
    assert_ne!(text, other, "{path} no longer uses seed=7");
    let (a, _) = full_run(&parse_file(path, &text));
    let (b, _) = full_run(&parse_file(path, &other));
    assert_ne!(a[0], b[0], "the first `run until leader` printed the same with seeds 7 and 8");
}

/// lossy-network.txt says loss makes the same work slower: its client
/// operations take longer, on average, than with loss=0% and the same seed.
#[test]
fn loss_slows_the_lossy_scenario_down() {
    let path = "tests/scenarios/lossy-network.txt";
    let lossy = parse_file(path, &read(path));
    assert!(lossy.cluster.loss_ppm > 0, "{path} has no loss");
    let mut lossless = lossy.clone();
    lossless.cluster.loss_ppm = 0;
    let mean_latency = |s: &Scenario| {
        let (runner, _, failure) = runner::run(s, Trace::Notable);
        assert!(failure.is_none(), "{failure:?}");
        let ops = runner.world().client().ops();
        assert!(ops.iter().all(|o| o.is_done()), "some writes were never answered");
        ops.iter().map(|o| o.completed_at.unwrap() - o.invoked_at).sum::<u64>() / ops.len() as u64
    };
    let (slow, fast) = (mean_latency(&lossy), mean_latency(&lossless));
    assert!(slow > fast, "mean latency with loss {slow}us, without {fast}us");
}
