//! The `raftlab` binary as a user meets it: exit codes (0 success, 1 a failed
//! expectation, violation or mismatch, 2 bad usage or a parse error) and the
//! messages that go with them.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

fn raftlab(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_raftlab")).args(args).output().expect("the raftlab binary runs")
}

fn code(out: &Output) -> i32 {
    out.status.code().expect("raftlab exited, not killed by a signal")
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Everything the command printed, for assertion messages.
fn shown(out: &Output) -> String {
    format!("exit {:?}\n--- stdout\n{}--- stderr\n{}", out.status.code(), stdout(out), stderr(out))
}

/// A scenario file in the temporary directory, removed when dropped. Names
/// are unique per process and per call, so tests can run in parallel.
struct TempFile(PathBuf);

impl TempFile {
    fn new(stem: &str, text: &str) -> TempFile {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let name = format!("raftlab-cli-{}-{n}-{stem}.txt", std::process::id());
        let path = std::env::temp_dir().join(name);
        std::fs::write(&path, text).expect("the temp dir is writable");
        TempFile(path)
    }

    fn path(&self) -> &str {
        self.0.to_str().expect("a UTF-8 temp path")
    }

    fn read(&self) -> String {
        std::fs::read_to_string(&self.0).expect("the temp file is readable")
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

fn repo_file(path: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path).to_str().unwrap().to_string()
}

// ----- run -----

#[test]
fn run_of_a_passing_file_exits_0_and_prints_the_commands() {
    let out = raftlab(&["run", &repo_file("examples/leader-crash.txt")]);
    assert_eq!(code(&out), 0, "{}", shown(&out));
    let text = stdout(&out);
    assert!(text.starts_with("cluster 5 seed=7"), "{}", shown(&out));
    assert!(text.contains("> crash leader\n"), "{}", shown(&out));
    assert!(text.contains("became leader of term 2"), "{}", shown(&out));
    let last = text.lines().last().unwrap_or_default();
    assert!(last.starts_with("ok: 7 commands, ") && last.ends_with(" 0 violations"), "{}", shown(&out));
}

#[test]
fn run_trace_prints_every_event() {
    let plain = raftlab(&["run", &repo_file("examples/leader-crash.txt")]);
    let traced = raftlab(&["run", "--trace", &repo_file("examples/leader-crash.txt")]);
    assert_eq!(code(&traced), 0, "{}", shown(&traced));
    assert!(stdout(&traced).contains("deliver "), "{}", shown(&traced));
    assert!(!stdout(&plain).contains("deliver "), "{}", shown(&plain));
}

#[test]
fn run_why_prints_the_reasons_under_their_events() {
    let plain = raftlab(&["run", &repo_file("examples/leader-crash.txt")]);
    let why = raftlab(&["run", "--why", &repo_file("examples/leader-crash.txt")]);
    assert_eq!(code(&why), 0, "{}", shown(&why));
    let text = stdout(&why);
    assert!(text.contains("why: S3 became leader of term 1: it won the election with votes from"), "{}", shown(&why));
    assert!(!stdout(&plain).contains("why: "), "{}", shown(&plain));
    // Without the reasons, the output is the default one, line for line.
    let rest: Vec<&str> = text.lines().filter(|l| !l.contains("   why: ")).collect();
    assert_eq!(rest, stdout(&plain).lines().collect::<Vec<_>>());
}

#[test]
fn a_run_that_breaks_the_invariant_it_expects_exits_0() {
    let out = raftlab(&["run", &repo_file("tests/scenarios/rule-vote-once-off.txt")]);
    assert_eq!(code(&out), 0, "{}", shown(&out));
    assert!(stdout(&out).contains("SAFETY VIOLATION: event 9 at 0.030s: Election Safety violated"), "{}", shown(&out));
    assert!(stdout(&out).lines().last().unwrap_or_default().ends_with(" 1 violations"), "{}", shown(&out));
    let wrong = TempFile::new(
        "other-invariant",
        "cluster 3 seed=1\nrule vote-once off\ntimeout 1\ntimeout 2\nrun 1s\nexpect violation log-matching\n",
    );
    let out = raftlab(&["run", wrong.path()]);
    assert_eq!(code(&out), 1, "{}", shown(&out));
    assert!(
        stdout(&out).contains("`expect violation log-matching`: expected Log Matching to be violated"),
        "{}",
        shown(&out)
    );
}

#[test]
fn a_failed_expect_exits_1_with_its_line_and_the_actual_value() {
    let file = TempFile::new(
        "failing",
        "cluster 3 seed=1\nrun until leader\n# wrong on purpose\nexpect term 1 99\nexpect no-violations\n",
    );
    let out = raftlab(&["run", file.path()]);
    assert_eq!(code(&out), 1, "{}", shown(&out));
    let text = stdout(&out);
    let want = format!("FAILED {}:4: `expect term 1 99`: expected node 1 in term 99, but it is in term 1", file.path());
    assert!(text.contains(&want), "missing {want:?} in\n{}", shown(&out));
    // The run stops there: the command after it is not printed.
    assert!(!text.contains("> expect no-violations"), "{}", shown(&out));
}

#[test]
fn a_failed_expect_value_names_the_actual_value() {
    let file = TempFile::new("value", "cluster 3 seed=2\nrun until leader\nput x 1\nrun 500ms\nexpect value x 2\n");
    let out = raftlab(&["run", file.path()]);
    assert_eq!(code(&out), 1, "{}", shown(&out));
    assert!(stdout(&out).contains(":5: `expect value x 2`: expected x = 2 on node "), "{}", shown(&out));
    assert!(stdout(&out).contains(", but it is 1"), "{}", shown(&out));
}

#[test]
fn a_parse_error_exits_2_with_file_line_column_and_the_word() {
    let file = TempFile::new("parse", "cluster 3 seed=1\n\n  run until leadr\nexpect no-violations\n");
    for command in ["run", "check"] {
        let out = raftlab(&[command, file.path()]);
        assert_eq!(code(&out), 2, "{command}: {}", shown(&out));
        let want = format!("{}:3:13: unexpected 'leadr', expected 'leader' or 'committed'", file.path());
        assert!(stderr(&out).contains(&want), "{command}: missing {want:?} in\n{}", shown(&out));
        // A scenario with an error does not start.
        assert!(!stdout(&out).contains("became"), "{command}: {}", shown(&out));
    }
}

#[test]
fn a_missing_cluster_line_is_a_parse_error() {
    let file = TempFile::new("nocluster", "run until leader\n");
    let out = raftlab(&["run", file.path()]);
    assert_eq!(code(&out), 2, "{}", shown(&out));
    assert!(stderr(&out).contains(&format!("{}:1:1: ", file.path())), "{}", shown(&out));
    assert!(stderr(&out).contains("'cluster N' or 'kubernetes ...' as the first command"), "{}", shown(&out));
}

#[test]
fn an_unreadable_file_exits_2() {
    let missing = std::env::temp_dir().join(format!("raftlab-cli-{}-does-not-exist.txt", std::process::id()));
    let out = raftlab(&["run", missing.to_str().unwrap()]);
    assert_eq!(code(&out), 2, "{}", shown(&out));
    assert!(stderr(&out).contains("cannot read"), "{}", shown(&out));
}

// ----- check -----

const BLOCK_SCENARIO: &str = "\
# A block with the wrong output.
cluster 3 seed=1
run until leader
expect leader 2
show nodes
----
node role      term vote leader commit applied last timer
2    leader    9    9    9      9      9       9    nonsense

expect no-violations
";

#[test]
fn check_reports_a_mismatching_block_and_rewrite_fixes_it() {
    let file = TempFile::new("block", BLOCK_SCENARIO);

    let out = raftlab(&["check", file.path()]);
    assert_eq!(code(&out), 1, "{}", shown(&out));
    let text = stdout(&out);
    assert!(text.contains(&format!("{}:5: output of `show nodes` differs", file.path())), "{}", shown(&out));
    assert!(text.contains("  expected:\n    node role"), "{}", shown(&out));
    assert!(text.contains("nonsense"), "{}", shown(&out));
    assert!(text.contains("  actual:\n    node role"), "{}", shown(&out));
    assert!(text.contains("2    leader    1    2    2"), "{}", shown(&out));
    assert_eq!(file.read(), BLOCK_SCENARIO, "check without --rewrite must not touch the file");

    let out = raftlab(&["check", "--rewrite", file.path()]);
    assert_eq!(code(&out), 0, "{}", shown(&out));
    assert!(stdout(&out).contains("rewrote 1 expectation block(s)"), "{}", shown(&out));
    let fixed = file.read();
    assert!(!fixed.contains("nonsense"), "{fixed}");
    assert!(fixed.contains("2    leader    1    2    2"), "{fixed}");
    // Only the block changed: the comment, the commands and the blank line
    // that ends the block are as they were.
    assert!(fixed.starts_with("# A block with the wrong output.\ncluster 3 seed=1\nrun until leader\n"), "{fixed}");
    assert!(fixed.ends_with("\n\nexpect no-violations\n"), "{fixed}");
    assert_eq!(fixed.lines().count(), BLOCK_SCENARIO.lines().count() + 2, "{fixed}");

    let out = raftlab(&["check", file.path()]);
    assert_eq!(code(&out), 0, "{}", shown(&out));
    assert!(stdout(&out).contains(": ok (4 commands, 1 expectation blocks)"), "{}", shown(&out));

    // A second rewrite has nothing to do.
    let out = raftlab(&["check", "--rewrite", file.path()]);
    assert_eq!(code(&out), 0, "{}", shown(&out));
    assert!(!stdout(&out).contains("rewrote"), "{}", shown(&out));
    assert_eq!(file.read(), fixed);
}

#[test]
fn check_fails_on_a_failed_expect_even_with_rewrite() {
    let file =
        TempFile::new("expectfail", "cluster 3 seed=1\nrun until leader\nexpect leader 3\nexpect no-violations\n");
    for args in [vec!["check", file.path()], vec!["check", "--rewrite", file.path()]] {
        let out = raftlab(&args);
        assert_eq!(code(&out), 1, "{args:?}: {}", shown(&out));
        assert!(
            stdout(&out).contains(":3: `expect leader 3` failed: expected leader 3, but the leader is 2"),
            "{}",
            shown(&out)
        );
    }
}

#[test]
fn check_takes_several_files_and_reports_the_worst() {
    let good = TempFile::new("good", "cluster 1\nrun until leader\nexpect leader 1\nexpect no-violations\n");
    let bad = TempFile::new("bad", "cluster 1\nrun until leader\nexpect leader none\n");
    let broken = TempFile::new("broken", "cluster 1\nexpect leader 2\n");
    let out = raftlab(&["check", good.path(), bad.path()]);
    assert_eq!(code(&out), 1, "{}", shown(&out));
    assert!(stdout(&out).contains(&format!("{}: ok", good.path())), "{}", shown(&out));
    let out = raftlab(&["check", good.path(), broken.path(), bad.path()]);
    assert_eq!(code(&out), 2, "{}", shown(&out));
    assert!(stderr(&out).contains(&format!("{}:2:15: unexpected '2'", broken.path())), "{}", shown(&out));
}

#[test]
fn every_scenario_file_checks_through_the_binary() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scenarios");
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .map(|p| p.to_str().unwrap().to_string())
        .collect();
    files.sort();
    assert!(!files.is_empty());
    let mut args = vec!["check"];
    args.extend(files.iter().map(String::as_str));
    let out = raftlab(&args);
    assert_eq!(code(&out), 0, "{}", shown(&out));
    assert_eq!(stdout(&out).lines().filter(|l| l.contains(": ok (")).count(), files.len(), "{}", shown(&out));
}

// ----- fuzz -----

#[test]
fn fuzz_reports_runs_events_and_no_violations() {
    let out = raftlab(&["fuzz", "--seeds", "3", "--duration", "5s"]);
    assert_eq!(code(&out), 0, "{}", shown(&out));
    let text = stdout(&out);
    let line =
        text.lines().find(|l| l.starts_with("3 runs, ")).unwrap_or_else(|| panic!("no summary in\n{}", shown(&out)));
    // "3 runs, N events, 0 violations, 0 liveness failures, 0 panics (T s)"
    let words: Vec<&str> = line.split_whitespace().collect();
    assert!(words.len() >= 12, "{line}");
    assert_eq!(&words[..2], ["3", "runs,"], "{line}");
    assert!(words[2].parse::<u64>().is_ok_and(|n| n > 0), "{line}");
    assert_eq!(&words[3..11], ["events,", "0", "violations,", "0", "liveness", "failures,", "0", "panics"], "{line}");
}

#[test]
fn fuzz_is_deterministic_per_seed() {
    let events = |out: &Output| {
        let text = stdout(out);
        text.lines().find(|l| l.contains(" runs, ")).map(|l| l.split(" events").next().unwrap().to_string())
    };
    let a = raftlab(&["fuzz", "--seeds", "2", "--start", "11", "--duration", "3s", "--jobs", "1"]);
    let b = raftlab(&["fuzz", "--seeds", "2", "--start", "11", "--duration", "3s", "--jobs", "2"]);
    assert_eq!(code(&a), 0, "{}", shown(&a));
    assert_eq!(code(&b), 0, "{}", shown(&b));
    assert!(events(&a).is_some());
    assert_eq!(events(&a), events(&b), "\n{}\n{}", shown(&a), shown(&b));
}

#[test]
fn bad_fuzz_options_exit_2_with_a_message() {
    let cases: [(&[&str], &str); 9] = [
        (
            &["fuzz", "--seeds", "18446744073709551615"],
            "--start 1 plus --seeds 18446744073709551615 is past the largest seed",
        ),
        (
            &["fuzz", "--seeds", "2", "--start", "18446744073709551615"],
            "is past the largest seed (18446744073709551615)",
        ),
        (&["fuzz", "--seeds", "0"], "--seeds takes a number of at least 1"),
        (&["fuzz", "--faults", "bogus", "--seeds", "3"], "unknown fault 'bogus'"),
        (&["fuzz", "--seeds", "3", "--faults", "crash,bogus"], "unknown fault 'bogus'"),
        (&["fuzz", "--seeds", "many"], "--seeds takes a number"),
        (&["fuzz", "--seeds", "3", "--nodes", "12"], "--nodes takes a number 1..9"),
        (&["fuzz", "--seeds", "3", "--duration", "5"], "bad duration '5'"),
        (&["fuzz", "--duration", "5s"], "missing --seeds"),
    ];
    for (args, message) in cases {
        let out = raftlab(args);
        assert_eq!(code(&out), 2, "{args:?}: {}", shown(&out));
        assert!(stderr(&out).contains(message), "{args:?}: missing {message:?} in\n{}", shown(&out));
        assert!(stderr(&out).contains("usage:"), "{args:?}: {}", shown(&out));
    }
}

#[test]
fn fuzz_takes_the_last_seeds_there_are() {
    let out = raftlab(&["fuzz", "--seeds", "2", "--start", "18446744073709551613", "--duration", "1s"]);
    assert_eq!(code(&out), 0, "{}", shown(&out));
    assert!(stdout(&out).starts_with("2 runs, "), "{}", shown(&out));
}

// ----- untrusted input -----

#[test]
fn control_characters_never_reach_the_terminal() {
    // A shared file with a terminal escape sequence (clear the screen, set
    // the window title) in a word: the error names it by code point and
    // prints no escape character.
    let file = TempFile::new("escape", "cluster 3\nput x \u{1b}[2J\u{1b}]0;pwned\u{7}\n");
    let out = raftlab(&["run", file.path()]);
    assert_eq!(code(&out), 2, "{}", shown(&out));
    let err = stderr(&out);
    assert!(err.contains(":2:7: unexpected '<U+001B>'") && err.contains("U+001B (escape)"), "{}", shown(&out));
    assert!(!err.contains('\u{1b}') && !stdout(&out).contains('\u{1b}'), "{}", shown(&out));
    // An invisible character, and a megabyte word cut short.
    let file = TempFile::new("invisible", "cluster 3\ncrash lead\u{200b}er\n");
    let out = raftlab(&["run", file.path()]);
    assert_eq!(code(&out), 2, "{}", shown(&out));
    assert!(stderr(&out).contains("U+200B (zero width space)"), "{}", shown(&out));
    let file = TempFile::new("long", &format!("cluster 3\n{}\n", "y".repeat(1 << 20)));
    let out = raftlab(&["run", file.path()]);
    assert!(stderr(&out).contains("… (1048576 characters)") && stderr(&out).len() < 2_000, "{}", shown(&out));
}

#[test]
fn cr_only_line_ends_run_and_check() {
    let file = TempFile::new("cr", "cluster 3 seed=2\rrun until leader\rexpect no-violations\r");
    let out = raftlab(&["run", file.path()]);
    assert_eq!(code(&out), 0, "{}", shown(&out));
    assert!(stdout(&out).contains("ok: 2 commands"), "{}", shown(&out));
    let out = raftlab(&["check", file.path()]);
    assert_eq!(code(&out), 0, "{}", shown(&out));
}

// ----- bounded runs -----

/// `run` prints each command's lines as they are produced: the first
/// results of an endless run can be read while it is still running. (Were
/// the output held until the end, nothing would come before the watchdog
/// kills it, and the test would fail on the missing lines.)
#[test]
fn run_streams_its_output_as_it_goes() {
    use std::io::{BufRead, BufReader};
    use std::process::Stdio;
    let file = TempFile::new("endless", "cluster 3 seed=1\nrun until leader\nclient load every 1ms\nrun 600000s\n");
    let mut child = Command::new(env!("CARGO_BIN_EXE_raftlab"))
        .args(["run", file.path()])
        .stdout(Stdio::piped())
        .spawn()
        .expect("the raftlab binary runs");
    let pid = child.id();
    let watchdog = std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_secs(300));
        // Only if the test is stuck: the child is gone long before.
        let _ = Command::new("kill").arg(pid.to_string()).status();
    });
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut seen = Vec::new();
    for line in lines.by_ref() {
        let line = line.unwrap();
        let done = line.contains("client #1000 done");
        seen.push(line);
        if done {
            break;
        }
    }
    let running = child.try_wait().unwrap().is_none();
    child.kill().unwrap();
    child.wait().unwrap();
    drop(watchdog);
    assert!(seen.iter().any(|l| l == "> run 600000s"), "{seen:?}");
    assert!(seen.last().is_some_and(|l| l.contains("client #1000 done")), "{:?}", seen.last());
    assert!(running, "the run was still going when its first results were read");
}

/// A file can ask for more than any machine holds: a heartbeat every
/// microsecond with a second of latency piles up messages in flight. The
/// run stops at the budget with the limit named, exit status 1.
#[test]
fn a_run_over_its_budget_stops_naming_the_limit() {
    let file = TempFile::new(
        "flood",
        "cluster 9 seed=3 election=20s..30s heartbeat=1us latency=1s..2s\nexpect no-violations\nrun 60s\n",
    );
    let out = raftlab(&["run", file.path()]);
    assert_eq!(code(&out), 1, "{}", shown(&out));
    let text = stdout(&out);
    let failed = text.lines().find(|l| l.starts_with("FAILED ")).unwrap_or_else(|| panic!("{}", shown(&out)));
    assert!(failed.contains(":3: `run 60s`: the run stopped at event "), "{failed}");
    assert!(failed.contains("messages are in flight, more than the 10,000 one run may hold"), "{failed}");
}

// ----- usage -----

#[test]
fn bad_usage_exits_2() {
    let file = repo_file("examples/leader-crash.txt");
    let cases: [(&[&str], &str); 5] = [
        (&[], "missing command"),
        (&["frobnicate"], "unknown command 'frobnicate'"),
        (&["run"], "run: missing FILE"),
        (&["run", "--fast", &file], "unknown option '--fast'"),
        (&["check"], "check: missing FILE"),
    ];
    for (args, message) in cases {
        let out = raftlab(args);
        assert_eq!(code(&out), 2, "{args:?}: {}", shown(&out));
        assert!(stderr(&out).contains(message), "{args:?}: missing {message:?} in\n{}", shown(&out));
    }
    let out = raftlab(&["run", &file, &file]);
    assert_eq!(code(&out), 2, "{}", shown(&out));
}

#[test]
fn help_exits_0() {
    let out = raftlab(&["--help"]);
    assert_eq!(code(&out), 0, "{}", shown(&out));
    assert!(stdout(&out).contains("raftlab run [--trace] [--why] FILE"), "{}", shown(&out));
}
