//! Unit tests of `parse`, kept apart so that parse.rs stays readable.

use super::parse;
use crate::raft::{self, MessageKind, ReadMode};
use crate::scenario::ast::*;
use crate::util::msg::MsgArg;
use NodeRef::{Id, Leader};

const MS: Micros = 1_000;
const S: Micros = 1_000_000;

/// The single command of `cluster 5` followed by `line`.
fn cmd(line: &str) -> Command {
    let s = parse(&format!("cluster 5\n{line}")).unwrap_or_else(|e| panic!("{line:?}: {e}"));
    assert_eq!(s.steps.len(), 1, "{line:?}");
    s.steps[0].command.clone()
}

fn cluster(line: &str) -> ClusterSpec {
    parse(line).unwrap_or_else(|e| panic!("{line:?}: {e}")).cluster
}

/// The error, as the CLI prints it without the file name.
fn err(text: &str) -> String {
    match parse(text) {
        Ok(s) => panic!("{text:?} parsed: {s:?}"),
        Err(e) => e.to_string(),
    }
}

/// The error of `line` in a 5-node cluster (so on line 2).
fn err2(line: &str) -> String {
    err(&format!("cluster 5\n{line}"))
}

#[test]
fn spec_example() {
    let text = "# A leader crashes; the rest elect a new one and keep the data.
cluster 5 seed=7
run until leader
put x 1
run until committed 2
crash leader
run until leader within 2s
expect value x 1
expect no-violations
";
    let s = parse(text).unwrap();
    assert_eq!(s.cluster_line, 2);
    assert_eq!(s.cluster, ClusterSpec { seed: 7, ..ClusterSpec::new(5) });
    let commands: Vec<Command> = s.steps.iter().map(|s| s.command.clone()).collect();
    assert_eq!(
        commands,
        vec![
            Command::RunUntilLeader { within: 10 * S },
            Command::Put { key: "x".into(), value: "1".into(), via: None },
            Command::RunUntilCommitted { index: 2, within: 10 * S },
            Command::Crash(Leader),
            Command::RunUntilLeader { within: 2 * S },
            Command::ExpectValue { key: "x".into(), value: "1".into(), on: None },
            Command::ExpectNoViolations,
        ]
    );
    assert_eq!(s.steps[0].line, 3);
    assert!(s.steps.iter().all(|s| s.expected.is_none()));
}

#[test]
fn cluster_defaults_and_options() {
    let d = cluster("cluster 3");
    assert_eq!(
        d,
        ClusterSpec {
            nodes: 3,
            seed: 0,
            election: (150 * MS, 300 * MS),
            heartbeat: 50 * MS,
            latency: (10 * MS, 20 * MS),
            loss_ppm: 0,
            prevote: false,
            check_quorum: false,
            disk: (0, 0),
            drift_ppm: 0,
            kube: None,
            snapshot: 0,
        }
    );
    let on = cluster("cluster 3 prevote=on checkquorum=on");
    assert!(on.prevote && on.check_quorum);
    assert_eq!(
        on.to_string(),
        "cluster 3 seed=0 election=150..300ms heartbeat=50ms latency=10..20ms loss=0% prevote=on checkquorum=on"
    );
    let off = cluster("cluster 3 prevote=off checkquorum=off");
    assert_eq!(off, d);
    let c = cluster("cluster 9 loss=5% latency=1ms..2ms heartbeat=20ms election=1..1.5s seed=18446744073709551615");
    assert_eq!(c.nodes, 9);
    assert_eq!(c.seed, u64::MAX);
    assert_eq!(c.election, (S, 1500 * MS));
    assert_eq!(c.heartbeat, 20 * MS);
    assert_eq!(c.latency, (MS, 2 * MS));
    assert_eq!(c.loss_ppm, 50_000);
    assert_eq!(cluster("cluster 1 loss=0.5%").loss_ppm, 5_000);
    assert_eq!(cluster("cluster 1 loss=100%").loss_ppm, 1_000_000);
    assert_eq!(cluster("cluster 1 loss=0.0001%").loss_ppm, 1);
    assert_eq!(cluster("cluster 1 latency=0..0ms").latency, (0, 0));
    assert_eq!(cluster("cluster 1 election=200ms..1s").election, (200 * MS, S));
    assert_eq!(cluster("cluster 1 election=300..300us").election, (300, 300));
    // Version 2: stable-storage latency and clock drift.
    let c = cluster("cluster 3 disk=5..15ms drift=2%");
    assert_eq!((c.disk, c.drift_ppm), ((5 * MS, 15 * MS), 20_000));
    assert_eq!(
        c.to_string(),
        "cluster 3 seed=0 election=150..300ms heartbeat=50ms latency=10..20ms loss=0% disk=5..15ms drift=2%"
    );
    assert_eq!(cluster("cluster 3 disk=0ms").disk, (0, 0));
    assert_eq!(cluster("cluster 3 disk=4ms").disk, (4 * MS, 4 * MS));
}

#[test]
fn disk_drift_and_read_mode_errors_name_the_word() {
    assert_eq!(
        err("cluster 3 drift=60%
"),
        "1:17: unexpected '60%', expected a clock drift of at most 50%, like 2%"
    );
    assert_eq!(
        err("cluster 3 drift=fast
")
        .split(", expected")
        .nth(1),
        Some(" a percentage like 5%, 0.5% or 100%")
    );
    assert!(err("cluster 3 disk=15..5ms
")
    .starts_with("1:16: unexpected '15..5ms'"));
    assert_eq!(
        err("cluster 3
get x read=fast
"),
        "2:12: unexpected 'fast', expected a read mode: log, index, lease or local"
    );
    assert_eq!(
        err("cluster 3
get x via 2 read=
"),
        "2:18: missing word, expected a read mode: log, index, lease or local"
    );
    assert_eq!(
        err("cluster 3
get x read=local via 2
"),
        "2:18: unexpected 'via', expected end of line"
    );
    assert!(err("cluster 3
del x read=local
")
    .starts_with("2:7: unexpected 'read=local'"));
}

#[test]
fn cluster_errors() {
    assert_eq!(err("run 1s\n"), "1:1: unexpected 'run', expected 'cluster N' or 'kubernetes ...' as the first command");
    assert_eq!(
        err("# only a comment\n\n"),
        "1:1: missing word, expected 'cluster N' or 'kubernetes ...' as the first command"
    );
    assert_eq!(err(""), "1:1: missing word, expected 'cluster N' or 'kubernetes ...' as the first command");
    assert_eq!(
        err("\n  # intro\n  crash 1"),
        "3:3: unexpected 'crash', expected 'cluster N' or 'kubernetes ...' as the first command"
    );
    assert_eq!(
        err("cluster 3\ncluster 3"),
        "2:1: unexpected 'cluster', expected a command other than 'cluster', which comes once, first"
    );
    assert_eq!(err("cluster"), "1:8: missing word, expected a cluster size 1..9");
    assert_eq!(err("cluster 0"), "1:9: unexpected '0', expected a cluster size 1..9");
    assert_eq!(err("cluster 10"), "1:9: unexpected '10', expected a cluster size 1..9");
    assert_eq!(err("cluster +3"), "1:9: unexpected '+3', expected a cluster size 1..9");
    assert_eq!(err("cluster 5 seed=1 prevote=maybe"), "1:26: unexpected 'maybe', expected 'on' or 'off'");
    assert_eq!(err("cluster 5 checkquorum="), "1:11: unexpected 'checkquorum=', expected a value after 'checkquorum='");
    assert_eq!(
        err("cluster 5 quorum=on"),
        "1:11: unexpected 'quorum', expected an option: seed, election, heartbeat, latency, loss, prevote, checkquorum, disk, drift, snapshot"
    );
    assert_eq!(err("cluster 5 seed=1 seed=2"), "1:18: unexpected 'seed', expected each option at most once");
    assert_eq!(err("cluster 5 seed=-1"), "1:16: unexpected '-1', expected a seed like 7");
    assert_eq!(err("cluster 5 seed="), "1:11: unexpected 'seed=', expected a value after 'seed='");
    assert!(err("cluster 5 seed").starts_with("1:11: unexpected 'seed', expected an option like seed=7"));
    assert!(err("cluster 5 =3").starts_with("1:11: unexpected '=3', expected an option like"));
    assert_eq!(
        err("cluster 5 election=300..150ms"),
        "1:20: unexpected '300..150ms', expected a range whose low end is not above its high end"
    );
    assert_eq!(
        err("cluster 5 election=0..150ms"),
        "1:20: unexpected '0..150ms', expected an election timeout above 0, like 150..300ms"
    );
    assert_eq!(err("cluster 5 election=150ms"), "1:20: unexpected '150ms', expected a range like 150..300ms");
    assert_eq!(err("cluster 5 election=150ms..300"), "1:20: unexpected '150ms..300', expected a range like 150..300ms");
    assert!(err("cluster 5 election=150..300").contains("expected a range like 150..300ms"));
    assert!(err("cluster 5 heartbeat=0s").ends_with("expected a heartbeat interval above 0, like 50ms"));
    assert!(err("cluster 5 heartbeat=50").ends_with("expected a duration like 300ms, 1.5s or 20us"));
    assert_eq!(err("cluster 5 loss=5"), "1:16: unexpected '5', expected a percentage like 5%, 0.5% or 100%");
    assert_eq!(err("cluster 5 loss=101%"), "1:16: unexpected '101%', expected a percentage from 0% to 100%");
    assert!(err("cluster 5 loss=0.00001%").ends_with("expected a percentage with at most 4 decimals"));
    assert!(err("cluster 5 loss=-1%").ends_with("expected a percentage like 5%, 0.5% or 100%"));
}

#[test]
fn durations() {
    assert_eq!(cmd("run 1.5s"), Command::Run(1_500_000));
    assert_eq!(cmd("run 300ms"), Command::Run(300_000));
    assert_eq!(cmd("run 20us"), Command::Run(20));
    assert_eq!(cmd("run 0.5ms"), Command::Run(500));
    assert_eq!(cmd("run 1.000us"), Command::Run(1));
    assert_eq!(cmd("run 0.000001s"), Command::Run(1));
    assert_eq!(cmd("run 0s"), Command::Run(0));
    assert_eq!(cmd("run 007ms"), Command::Run(7_000));
    assert_eq!(cmd("run 604800s"), Command::Run(7 * 24 * 3600 * S));
    let bad = "expected a duration like 300ms, 1.5s or 20us";
    for word in ["300", ".5s", "5.s", "1.5.5s", "1e3ms", "+5s", "-5s", "5 s", "5m", "ms", "5sec", "½s"] {
        let e = err2(&format!("run {word}"));
        assert!(e.starts_with("2:5: unexpected '"), "{word}: {e}");
        assert!(e.ends_with(bad) || e.ends_with("or 'until'") || e.contains("end of line"), "{word}: {e}");
    }
    assert_eq!(err2("run 300"), format!("2:5: unexpected '300', {bad}"));
    assert_eq!(err2("run 604801s"), "2:5: unexpected '604801s', expected a duration of at most 7 days");
    assert!(err2("run 99999999999999999999999999999999999999999s").ends_with("at most 7 days"));
    assert_eq!(err2("run 0.5us"), "2:5: unexpected '0.5us', expected a whole number of microseconds");
    assert!(err2("run 1.0000001s").ends_with("a whole number of microseconds"));
    assert_eq!(err2("run soon"), format!("2:5: unexpected 'soon', {bad}, or 'until'"));
    assert_eq!(err2("run"), format!("2:4: missing word, {bad}, or 'until'"));
}

#[test]
fn run_until() {
    assert_eq!(cmd("run until leader"), Command::RunUntilLeader { within: 10 * S });
    assert_eq!(cmd("run until leader within 2s"), Command::RunUntilLeader { within: 2 * S });
    assert_eq!(cmd("run until committed 2"), Command::RunUntilCommitted { index: 2, within: 10 * S });
    assert_eq!(cmd("run until committed 7 within 500ms"), Command::RunUntilCommitted { index: 7, within: 500 * MS });
    assert_eq!(err2("run until"), "2:10: missing word, expected 'leader' or 'committed'");
    assert_eq!(err2("run until now"), "2:11: unexpected 'now', expected 'leader' or 'committed'");
    assert_eq!(err2("run until committed"), "2:20: missing word, expected a log index like 3");
    assert_eq!(err2("run until committed x"), "2:21: unexpected 'x', expected a log index like 3");
    assert!(err2("run until leader within").starts_with("2:24: missing word, expected a duration"));
    assert!(err2("run until leader within 2").starts_with("2:25: unexpected '2', expected a duration"));
    assert_eq!(err2("run until leader 2s"), "2:18: unexpected '2s', expected 'within DURATION' or end of line");
}

#[test]
fn step() {
    assert_eq!(cmd("step"), Command::Step(1));
    assert_eq!(cmd("step 5"), Command::Step(5));
    assert_eq!(cmd("step 1000000"), Command::Step(1_000_000));
    assert_eq!(err2("step 0"), "2:6: unexpected '0', expected a count 1..1000000");
    assert_eq!(err2("step 1000001"), "2:6: unexpected '1000001', expected a count 1..1000000");
    assert_eq!(
        err2("step 99999999999999999999999"),
        "2:6: unexpected '99999999999999999999999', expected a count 1..1000000"
    );
    assert_eq!(err2("step 2 3"), "2:8: unexpected '3', expected end of line");
}

#[test]
fn node_commands_and_ids() {
    assert_eq!(cmd("crash 3"), Command::Crash(Id(3)));
    assert_eq!(cmd("crash leader"), Command::Crash(Leader));
    assert_eq!(cmd("restart 5"), Command::Restart(Id(5)));
    assert_eq!(cmd("timeout 1"), Command::Timeout(Id(1)));
    assert_eq!(err2("crash 7"), "2:7: unexpected '7', expected a node id 1..5 or 'leader'");
    assert_eq!(err2("crash 0"), "2:7: unexpected '0', expected a node id 1..5 or 'leader'");
    assert_eq!(err2("restart 300"), "2:9: unexpected '300', expected a node id 1..5 or 'leader'");
    assert_eq!(err2("timeout"), "2:8: missing word, expected a node id 1..5 or 'leader'");
    assert_eq!(err2("crash 1 2"), "2:9: unexpected '2', expected end of line");
    assert_eq!(err("cluster 1\ncrash 2"), "2:7: unexpected '2', expected a node id 1 or 'leader'");
    assert_eq!(err("cluster 9\ncrash 10"), "2:7: unexpected '10', expected a node id 1..9 or 'leader'");
    assert_eq!(cmd("heal"), Command::Heal);
    assert_eq!(err2("heal now"), "2:6: unexpected 'now', expected end of line");
}

/// `transfer leader to N` (version 2, thesis §3.10), and its errors.
#[test]
fn transfer_leader_to_n() {
    assert_eq!(cmd("transfer leader to 3"), Command::TransferLeader(Id(3)));
    assert_eq!(cmd("transfer leader to 3").to_string(), "transfer leader to 3");
    for (line, error) in [
        ("transfer", "2:9: missing word, expected 'leader'"),
        ("transfer node to 3", "2:10: unexpected 'node', expected 'leader'"),
        ("transfer leader 3", "2:17: unexpected '3', expected 'to'"),
        ("transfer leader to", "2:19: missing word, expected a node id 1..5 or 'leader'"),
        ("transfer leader to 6", "2:20: unexpected '6', expected a node id 1..5 or 'leader'"),
        (
            "transfer leader to leader",
            "2:20: unexpected 'leader', expected a node other than the leader: a node id 1..5",
        ),
        ("transfer leader to 2 now", "2:22: unexpected 'now', expected end of line"),
    ] {
        assert_eq!(err2(line), error, "{line}");
    }
    for kind in ["PreVote", "PreVoteReply", "TimeoutNow"] {
        assert!(matches!(cmd(&format!("drop next {kind} 1->2")), Command::Message { .. }), "{kind}");
    }
}

#[test]
fn s7_snapshot_forms_and_their_errors() {
    assert_eq!(cluster("cluster 3 snapshot=10").snapshot, 10);
    assert_eq!(cluster("cluster 3 snapshot=off").snapshot, 0);
    assert!(!cluster("cluster 3").to_string().contains("snapshot"), "off is not written");
    assert!(cluster("cluster 3 snapshot=7").to_string().ends_with(" snapshot=7"));
    let every = "expected a number of applied entries above 0, like snapshot=100, or 'off'";
    // (text, error)
    let errors = [
        ("cluster 3 snapshot=0", format!("1:20: unexpected '0', {every}")),
        ("cluster 3 snapshot=many", format!("1:20: unexpected 'many', {every}")),
        ("cluster 3 snapshot=", "1:11: unexpected 'snapshot=', expected a value after 'snapshot='".to_string()),
    ];
    for (text, error) in errors {
        assert_eq!(err(text), error, "{text}");
    }
    assert_eq!(cmd("snapshot 2"), Command::Snapshot(Id(2)));
    assert_eq!(cmd("snapshot leader"), Command::Snapshot(Leader));
    assert_eq!(cmd("expect snapshot 3 20"), Command::ExpectSnapshot { node: Id(3), index: 20 });
    assert_eq!(err2("snapshot"), "2:9: missing word, expected a node id 1..5 or 'leader'");
    assert_eq!(err2("snapshot 2 now"), "2:12: unexpected 'now', expected end of line");
    assert_eq!(err2("expect snapshot 2 x"), "2:19: unexpected 'x', expected a log index like 10");
}

#[test]
fn unknown_command_on_line_3() {
    assert_eq!(
        err("cluster 3\nrun 1s\nreboot 2\n"),
        "3:1: unexpected 'reboot', expected one of: run, step, crash, restart, timeout, transfer, snapshot, partition, cut, \
         uncut, heal, drop, duplicate, put, get, del, list, client, break, unbreak, rule, expect, show, etcdctl, kubectl, fail, restore, isolate"
    );
    // Keywords are case-sensitive.
    assert!(err2("Run 1s").starts_with("2:1: unexpected 'Run', expected one of: run,"));
}

#[test]
fn partitions() {
    let want = Command::Partition(vec![vec![Id(1), Id(2)], vec![Id(3)]]);
    for line in ["partition 1,2|3", "partition 1, 2 | 3", "partition 1 ,2| 3", "partition\t1,2\t|\t3"] {
        assert_eq!(cmd(line), want, "{line}");
    }
    assert_eq!(cmd("partition leader"), Command::Partition(vec![vec![Leader]]));
    assert_eq!(cmd("partition 1,2 | 3,4,5"), Command::Partition(vec![vec![Id(1), Id(2)], vec![Id(3), Id(4), Id(5)]]));
    assert_eq!(cmd("partition leader|1"), Command::Partition(vec![vec![Leader], vec![Id(1)]]));
    let node = "expected a node id 1..5 or 'leader'";
    assert_eq!(err2("partition 1,2|1"), "2:15: unexpected '1', expected a node not already listed in this partition");
    assert!(err2("partition leader,leader").starts_with("2:18: unexpected 'leader', expected a node not already"));
    assert_eq!(err2("partition"), format!("2:10: missing word, {node}"));
    assert_eq!(err2("partition 1,2|"), format!("2:15: missing word, {node}"));
    assert_eq!(err2("partition 1,,2"), format!("2:13: unexpected ',', {node}"));
    assert_eq!(err2("partition |1"), format!("2:11: unexpected '|', {node}"));
    assert_eq!(err2("partition 1,6"), format!("2:13: unexpected '6', {node}"));
    assert_eq!(err2("partition 1 2"), "2:13: unexpected '2', expected ',', '|' or end of line");
    assert_eq!(err2("partition 1->2"), "2:12: unexpected '->', expected ',', '|' or end of line");
}

#[test]
fn links() {
    assert_eq!(cmd("cut 1->2"), Command::Cut { from: Id(1), to: Id(2), both: false });
    assert_eq!(cmd("cut 1<->2"), Command::Cut { from: Id(1), to: Id(2), both: true });
    assert_eq!(cmd("cut leader -> 3"), Command::Cut { from: Leader, to: Id(3), both: false });
    assert_eq!(cmd("uncut 2->leader"), Command::Uncut { from: Id(2), to: Leader, both: false });
    assert_eq!(cmd("uncut 4 <->5"), Command::Uncut { from: Id(4), to: Id(5), both: true });
    assert_eq!(err2("cut 1->1"), "2:8: unexpected '1', expected a node other than 1");
    assert_eq!(err2("cut 1"), "2:6: missing word, expected '->' or '<->'");
    assert_eq!(err2("cut 1,2"), "2:6: unexpected ',', expected '->' or '<->'");
    assert_eq!(err2("cut 1-2"), "2:5: unexpected '1-2', expected a node id 1..5 or 'leader'");
    assert_eq!(err2("cut 1->2->3"), "2:9: unexpected '->', expected end of line");
    assert_eq!(err2("cut 1->9"), "2:8: unexpected '9', expected a node id 1..5 or 'leader'");
    assert_eq!(err2("cut 1->"), "2:8: missing word, expected a node id 1..5 or 'leader'");
}

#[test]
fn message_actions() {
    let m = |action, kind, from, to| Command::Message { action, kind, from, to };
    assert_eq!(cmd("drop next RequestVote 1->2"), m(LinkKind::Drop, Some(MessageKind::RequestVote), Id(1), Id(2)));
    assert_eq!(
        cmd("duplicate next AppendEntriesReply leader->3"),
        m(LinkKind::Duplicate, Some(MessageKind::AppendEntriesReply), Leader, Id(3))
    );
    assert_eq!(cmd("drop next any 2 -> 1"), m(LinkKind::Drop, None, Id(2), Id(1)));
    for kind in MessageKind::ALL {
        assert_eq!(cmd(&format!("drop next {} 1->2", kind.name())), m(LinkKind::Drop, Some(kind), Id(1), Id(2)));
    }
    let types = "expected a message type: RequestVote, RequestVoteReply, AppendEntries, AppendEntriesReply, \
                 PreVote, PreVoteReply, TimeoutNow, InstallSnapshot, InstallSnapshotReply, any";
    assert_eq!(err2("drop next Vote 1->2"), format!("2:11: unexpected 'Vote', {types}"));
    assert_eq!(err2("drop next requestvote 1->2"), format!("2:11: unexpected 'requestvote', {types}"));
    assert_eq!(err2("drop next"), format!("2:10: missing word, {types}"));
    assert_eq!(err2("drop RequestVote 1->2"), "2:6: unexpected 'RequestVote', expected 'next' or 'message'");
    assert_eq!(err2("drop next any 1<->2"), "2:16: unexpected '<->', expected '->'");
}

#[test]
fn message_links_may_name_the_client() {
    let m = |action, kind, from, to| Command::Message { action, kind, from, to };
    assert_eq!(
        cmd("drop next ClientRequest client->2"),
        m(LinkKind::Drop, Some(MessageKind::ClientRequest), NodeRef::Client, Id(2))
    );
    assert_eq!(
        cmd("duplicate next ClientReply leader -> client"),
        m(LinkKind::Duplicate, Some(MessageKind::ClientReply), Leader, NodeRef::Client)
    );
    assert_eq!(err2("drop next any client->client"), "2:23: unexpected 'client', expected a node other than client");
    let ends = "expected a node id 1..5, 'leader' or 'client'";
    assert_eq!(err2("drop next any 1->6"), format!("2:18: unexpected '6', {ends}"));
    assert_eq!(err2("drop next any clients->1"), format!("2:15: unexpected 'clients', {ends}"));
    // Only message links: a cut or a partition names nodes.
    assert_eq!(err2("cut client->1"), "2:5: unexpected 'client', expected a node id 1..5 or 'leader'");
    assert_eq!(err2("partition client"), "2:11: unexpected 'client', expected a node id 1..5 or 'leader'");
    assert_eq!(err2("crash client"), "2:7: unexpected 'client', expected a node id 1..5 or 'leader'");
}

#[test]
fn drop_and_duplicate_a_message_by_id() {
    assert_eq!(cmd("drop message 42"), Command::FaultMessage { action: LinkKind::Drop, id: 42 });
    assert_eq!(cmd("duplicate message 7"), Command::FaultMessage { action: LinkKind::Duplicate, id: 7 });
    assert_eq!(cmd("duplicate message 7").to_string(), "duplicate message 7");
    let id = "expected a message id like 42";
    assert_eq!(err2("drop message"), format!("2:13: missing word, {id}"));
    assert_eq!(err2("drop message x"), format!("2:14: unexpected 'x', {id}"));
    assert_eq!(err2("drop message -1"), format!("2:14: unexpected '-1', {id}"));
    assert_eq!(err2("drop message 1 2"), "2:16: unexpected '2', expected end of line");
    assert_eq!(err2("drop messages 1"), "2:6: unexpected 'messages', expected 'next' or 'message'");
}

#[test]
fn client_load() {
    assert_eq!(cmd("client load every 10ms"), Command::ClientLoad(Some(10 * MS)));
    assert_eq!(cmd("client load every 1.5s"), Command::ClientLoad(Some(1_500 * MS)));
    assert_eq!(cmd("client load off"), Command::ClientLoad(None));
    assert_eq!(cmd("client load every 250us").to_string(), "client load every 250us");
    assert_eq!(cmd("client load off").to_string(), "client load off");
    assert_eq!(err2("client"), "2:7: missing word, expected 'load'");
    assert_eq!(err2("client submits"), "2:8: unexpected 'submits', expected 'load'");
    assert_eq!(err2("client load"), "2:12: missing word, expected 'every DURATION' or 'off'");
    assert_eq!(err2("client load on"), "2:13: unexpected 'on', expected 'every DURATION' or 'off'");
    assert_eq!(err2("client load every"), format!("2:18: missing word, expected {DURATION_TEXT}"));
    assert_eq!(err2("client load every 10"), format!("2:19: unexpected '10', expected {DURATION_TEXT}"));
    assert_eq!(err2("client load every 0ms"), "2:19: unexpected '0ms', expected an interval above 0, like 10ms");
    assert_eq!(err2("client load off now"), "2:17: unexpected 'now', expected end of line");
}

#[test]
fn partition_none() {
    assert_eq!(cmd("partition none"), Command::Partition(vec![]));
    assert_eq!(cmd("partition none").to_string(), "partition none");
    assert_eq!(err2("partition none 1"), "2:16: unexpected '1', expected end of line");
    assert_eq!(err2("partition 1,none"), "2:13: unexpected 'none', expected a node id 1..5 or 'leader'");
}

#[test]
fn breakpoints() {
    use crate::sim::Breakpoint;
    let b = |line: &str| match cmd(line) {
        Command::Break(b) => b,
        other => panic!("{line}: {other:?}"),
    };
    assert_eq!(b("break leader-elected"), Breakpoint::LeaderElected);
    assert_eq!(b("break election-started"), Breakpoint::ElectionStarted);
    assert_eq!(b("break term-change"), Breakpoint::TermChange);
    assert_eq!(b("break entry-committed"), Breakpoint::EntryCommitted);
    assert_eq!(b("break violation"), Breakpoint::Violation);
    assert_eq!(b("break deliver"), Breakpoint::Deliver);
    assert_eq!(b("break timeout"), Breakpoint::Timer);
    assert_eq!(b("break action"), Breakpoint::Action);
    let message = |kind, from, to| Breakpoint::Message { kind, from, to };
    assert_eq!(b("break message AppendEntries 1->2"), message(Some(MessageKind::AppendEntries), 1, 2));
    assert_eq!(b("break message any 3 -> 1"), message(None, 3, 1));
    assert_eq!(b("break message ClientRequest client->5"), message(Some(MessageKind::ClientRequest), 0, 5));
    for line in ["break leader-elected", "break message any 1->client", "break message RequestVoteReply 2->1"] {
        assert_eq!(cmd(line).to_string(), line);
    }
    let names = "expected a breakpoint: election-started, leader-elected, term-change, entry-committed, violation, \
                 deliver, timeout, action, or 'message TYPE A->B'";
    assert_eq!(err2("break"), format!("2:6: missing word, {names}"));
    assert_eq!(err2("break leader"), format!("2:7: unexpected 'leader', {names}"));
    assert_eq!(err2("break leader-elected now"), "2:22: unexpected 'now', expected end of line");
    let types = "expected a message type: RequestVote, RequestVoteReply, AppendEntries, AppendEntriesReply, \
                 PreVote, PreVoteReply, TimeoutNow, InstallSnapshot, InstallSnapshotReply, ClientRequest, ClientReply, or any";
    assert_eq!(err2("break message Vote 1->2"), format!("2:15: unexpected 'Vote', {types}"));
    assert_eq!(err2("break message"), format!("2:14: missing word, {types}"));
    let ends = "expected a node id 1..5 or 'client'";
    assert_eq!(err2("break message any 1->6"), format!("2:22: unexpected '6', {ends}"));
    assert_eq!(err2("break message any leader->2"), format!("2:19: unexpected 'leader', {ends}"));
    assert_eq!(err2("break message any 2->2"), "2:22: unexpected '2', expected a node other than 2");
    assert_eq!(err2("break message any 1<->2"), "2:20: unexpected '<->', expected '->'");
    assert_eq!(err2("break message any 1->2 x"), "2:24: unexpected 'x', expected end of line");
    assert_eq!(err("cluster 1\nbreak message any 1->2"), "2:22: unexpected '2', expected a node id 1 or 'client'");
}

#[test]
fn unbreak_removes_what_an_earlier_break_set() {
    use crate::sim::Breakpoint;
    let s =
        parse("cluster 3\nbreak deliver\nbreak message any 1->2\nunbreak message any 1 -> 2\nunbreak all\n").unwrap();
    let commands: Vec<Command> = s.steps.iter().map(|s| s.command.clone()).collect();
    assert_eq!(
        commands,
        vec![
            Command::Break(Breakpoint::Deliver),
            Command::Break(Breakpoint::Message { kind: None, from: 1, to: 2 }),
            Command::Unbreak(Some(Breakpoint::Message { kind: None, from: 1, to: 2 })),
            Command::Unbreak(None),
        ]
    );
    assert_eq!(Command::Unbreak(None).to_string(), "unbreak all");
    assert_eq!(Command::Unbreak(Some(Breakpoint::Deliver)).to_string(), "unbreak deliver");
    // `unbreak all` with nothing set is fine; one breakpoint must have been set.
    assert!(parse("cluster 3\nunbreak all\n").is_ok());
    assert_eq!(
        err("cluster 3\nunbreak deliver"),
        "2:9: unexpected 'deliver', expected a breakpoint set by an earlier 'break' (none is set), or 'all'"
    );
    assert_eq!(
        err("cluster 3\nbreak deliver\nbreak violation\nunbreak message any 1->2"),
        "4:9: unexpected 'message', expected a breakpoint set by an earlier 'break' (deliver, violation), or 'all'"
    );
    assert!(err("cluster 3\nbreak deliver\nunbreak deliver\nunbreak deliver").starts_with("4:9: unexpected 'deliver'"));
    assert!(err("cluster 3\nbreak deliver\nunbreak all\nunbreak deliver").starts_with("4:9: unexpected 'deliver'"));
    assert_eq!(err2("unbreak"), "2:8: missing word, expected a breakpoint: election-started, leader-elected, \
                                  term-change, entry-committed, violation, deliver, timeout, action, or 'message TYPE A->B'");
    assert_eq!(err2("unbreak all now"), "2:13: unexpected 'now', expected end of line");
}

#[test]
fn breakpoint_and_load_lines_may_be_expected_output_but_commands_not() {
    let text = "cluster 3\nput x 1\n----\nclient submits #1 put(x=1) to node 1\nbreakpoint action at #1 0.000ms: x\n";
    assert_eq!(parse(text).unwrap().steps[0].expected.as_ref().unwrap().lines.len(), 2);
    for command in ["client load off", "break deliver", "unbreak all"] {
        let text = format!("cluster 3\nrun 1s\n----\nout\n{command}\n");
        let e = parse(&text).unwrap_err();
        assert_eq!((e.line, e.column), (5, 1), "{command}");
        assert!(e.expected.to_string().contains("blank line"), "{e}");
    }
}

#[test]
fn client_requests() {
    let s = |v: &str| v.to_string();
    assert_eq!(cmd("put x 1"), Command::Put { key: s("x"), value: s("1"), via: None });
    assert_eq!(cmd("put x a=b via 2"), Command::Put { key: s("x"), value: s("a=b"), via: Some(Id(2)) });
    assert_eq!(cmd("put via via"), Command::Put { key: s("via"), value: s("via"), via: None });
    assert_eq!(cmd("get x via leader"), Command::Get { key: s("x"), via: Some(Leader), read: ReadMode::Log });
    assert_eq!(cmd("get x"), Command::Get { key: s("x"), via: None, read: ReadMode::Log });
    assert_eq!(cmd("del x via 5"), Command::Del { key: s("x"), via: Some(Id(5)) });
    assert_eq!(cmd("list user/ via 1"), Command::List { prefix: s("user/"), via: Some(Id(1)), read: ReadMode::Log });
    // Extension: the bare `list` is the empty prefix (every key).
    assert_eq!(cmd("list"), Command::List { prefix: s(""), via: None, read: ReadMode::Log });
    assert_eq!(cmd("list via 2"), Command::List { prefix: s(""), via: Some(Id(2)), read: ReadMode::Log });
    assert_eq!(cmd("list via"), Command::List { prefix: s("via"), via: None, read: ReadMode::Log });
    assert_eq!(cmd("list via via 2"), Command::List { prefix: s("via"), via: Some(Id(2)), read: ReadMode::Log });
    // Version 2: the read mode.
    assert_eq!(cmd("get x read=index"), Command::Get { key: s("x"), via: None, read: ReadMode::Index });
    assert_eq!(cmd("get x via 2 read=local"), Command::Get { key: s("x"), via: Some(Id(2)), read: ReadMode::Local });
    assert_eq!(cmd("list read=lease"), Command::List { prefix: s(""), via: None, read: ReadMode::Lease });
    assert_eq!(cmd("list via 3 read=log"), Command::List { prefix: s(""), via: Some(Id(3)), read: ReadMode::Log });
    assert_eq!(cmd("list u/ read=index"), Command::List { prefix: s("u/"), via: None, read: ReadMode::Index });
    for line in [
        "list",
        "list via 2",
        "list via",
        "list via via 2",
        "list k via leader",
        "get x via 2 read=local",
        "list read=index",
    ] {
        assert_eq!(cmd(line).to_string(), line);
    }
    assert_eq!(err2("list via 6"), "2:10: unexpected '6', expected a node id 1..5 or 'leader'");
    assert_eq!(err2("list x y"), "2:8: unexpected 'y', expected 'via N', 'read=MODE' or end of line");
    assert_eq!(err2("get x via 2 y"), "2:13: unexpected 'y', expected 'read=MODE' or end of line");
    assert_eq!(cmd("put ключ значение"), Command::Put { key: s("ключ"), value: s("значение"), via: None });
    assert_eq!(err2("put x"), "2:6: missing word, expected a value");
    assert_eq!(err2("put"), "2:4: missing word, expected a key");
    assert_eq!(err2("put a=b 1"), "2:5: unexpected 'a=b', expected a key without '='");
    assert_eq!(err2("put x 1 via 9"), "2:13: unexpected '9', expected a node id 1..5 or 'leader'");
    assert_eq!(err2("put x 1 via"), "2:12: missing word, expected a node id 1..5 or 'leader'");
    assert_eq!(err2("put x 1 2"), "2:9: unexpected '2', expected 'via N' or end of line");
    assert_eq!(err2("get x y"), "2:7: unexpected 'y', expected 'via N', 'read=MODE' or end of line");
    assert_eq!(err2("del x y"), "2:7: unexpected 'y', expected 'via N' or end of line");
    // Columns count characters, not bytes.
    assert_eq!(err2("put ключ значение via 7"), "2:23: unexpected '7', expected a node id 1..5 or 'leader'");
}

#[test]
fn expectations() {
    let s = |v: &str| v.to_string();
    assert_eq!(cmd("expect leader 3"), Command::ExpectLeader(Some(3)));
    assert_eq!(cmd("expect leader none"), Command::ExpectLeader(None));
    assert_eq!(cmd("expect term 2 4"), Command::ExpectTerm { node: Id(2), term: 4 });
    assert_eq!(cmd("expect term leader 0"), Command::ExpectTerm { node: Leader, term: 0 });
    for (word, role) in [
        ("follower", ExpectedRole::Follower),
        ("candidate", ExpectedRole::Candidate),
        ("leader", ExpectedRole::Leader),
        ("crashed", ExpectedRole::Crashed),
    ] {
        assert_eq!(cmd(&format!("expect role 1 {word}")), Command::ExpectRole { node: Id(1), role });
    }
    assert_eq!(cmd("expect committed leader 2"), Command::ExpectCommitted { node: Leader, index: 2 });
    assert_eq!(cmd("expect value x 1"), Command::ExpectValue { key: s("x"), value: s("1"), on: None });
    assert_eq!(cmd("expect value x 1 on 4"), Command::ExpectValue { key: s("x"), value: s("1"), on: Some(Id(4)) });
    assert_eq!(cmd("expect missing x"), Command::ExpectMissing { key: s("x"), on: None });
    assert_eq!(cmd("expect missing x on leader"), Command::ExpectMissing { key: s("x"), on: Some(Leader) });
    assert_eq!(cmd("expect no-violations"), Command::ExpectNoViolations);

    assert_eq!(err2("expect leader leader"), "2:15: unexpected 'leader', expected a node id 1..5 or 'none'");
    assert_eq!(err2("expect leader 6"), "2:15: unexpected '6', expected a node id 1..5 or 'none'");
    assert!(err2("expect lead 1").starts_with("2:8: unexpected 'lead', expected one of: leader, term, role,"));
    assert_eq!(
        err2("expect role 1 boss"),
        "2:15: unexpected 'boss', expected one of: follower, pre-candidate, candidate, leader, crashed"
    );
    assert_eq!(err2("expect term 1"), "2:14: missing word, expected a term like 2");
    assert_eq!(err2("expect committed 1 -1"), "2:20: unexpected '-1', expected a log index like 3");
    assert_eq!(err2("expect value x 1 via 2"), "2:18: unexpected 'via', expected 'on N' or end of line");
    assert_eq!(err2("expect no-violations now"), "2:22: unexpected 'now', expected end of line");
}

#[test]
fn expect_log() {
    let e = |term, command| (term, command);
    assert_eq!(cmd("expect log 2"), Command::ExpectLog { node: Id(2), entries: vec![] });
    assert_eq!(
        cmd("expect log leader 1:put(x=1) 1:noop 2:del(x) 2:get(x) 3:list(pre) 3:put(k=a=b) 4:put(f(x=))"),
        Command::ExpectLog {
            node: Leader,
            entries: vec![
                e(1, raft::Command::put("x", "1")),
                e(1, raft::Command::Noop),
                e(2, raft::Command::del("x")),
                e(2, raft::Command::get("x")),
                e(3, raft::Command::list("pre")),
                e(3, raft::Command::put("k", "a=b")),
                e(4, raft::Command::put("f(x", ")")),
            ],
        }
    );
    let entry = "expected a log entry like 1:noop, 1:put(x=1), 2:del(x), 2:get(x) or 3:list(prefix)";
    assert_eq!(err2("expect log 1 noop"), format!("2:14: unexpected 'noop', {entry}"));
    assert_eq!(err2("expect log 1 x:noop"), "2:14: unexpected 'x', expected a term like 2, before ':'");
    assert_eq!(err2("expect log 1 1:nop"), format!("2:16: unexpected 'nop', {entry}"));
    assert_eq!(err2("expect log 1 :noop"), format!("2:14: unexpected ':noop', {entry}"));
    assert_eq!(err2("expect log 1 1:noop 1:"), format!("2:21: unexpected '1:', {entry}"));
    for bad in
        ["1:put(x)", "1:put(=1)", "1:put(x=)", "1:del()", "1:del(a=b)", "1:get(x", "1:set(x)", "1:noop()", "1:put"]
    {
        let e = err2(&format!("expect log 1 1:noop {bad}"));
        assert!(e.starts_with("2:23: unexpected '"), "{bad}: {e}");
        assert!(e.ends_with(entry), "{bad}: {e}");
    }
}

#[test]
fn show() {
    assert_eq!(cmd("show nodes"), Command::Show(ShowWhat::Nodes));
    assert_eq!(cmd("show log"), Command::Show(ShowWhat::Log));
    assert_eq!(cmd("show kv"), Command::Show(ShowWhat::Kv));
    assert_eq!(cmd("show messages"), Command::Show(ShowWhat::Messages));
    assert_eq!(err2("show all"), "2:6: unexpected 'all', expected one of: nodes, log, kv, messages");
}

#[test]
fn expectation_blocks() {
    let text = "cluster 3\nshow nodes # a table\n----\n  id  role   # not a comment  \nx\n\nstep 2\n ---- \none\n";
    let s = parse(text).unwrap();
    assert_eq!(s.steps.len(), 2);
    let e0 = s.steps[0].expected.as_ref().unwrap();
    assert_eq!(e0.separator_line, 3);
    assert_eq!(e0.lines, vec!["  id  role   # not a comment", "x"]);
    let e1 = s.steps[1].expected.as_ref().unwrap();
    assert_eq!((s.steps[1].line, e1.separator_line), (7, 8));
    assert_eq!(e1.lines, vec!["one"]);

    // An empty block, a `----` inside a block, and a block at end of file.
    let s = parse("cluster 3\nstep\n----\n\nstep\n----\n----\nran 1s").unwrap();
    assert_eq!(s.steps[0].expected.as_ref().unwrap().lines, Vec::<String>::new());
    assert_eq!(s.steps[1].expected.as_ref().unwrap().lines, vec!["----", "ran 1s"]);

    let orphan = "unexpected '----', expected a command on the line just before it";
    assert_eq!(err("cluster 3\nstep\n\n----\nx\n"), format!("4:1: {orphan}"));
    assert_eq!(err("cluster 3\n# comment\n  ----"), format!("3:3: {orphan}"));
    assert_eq!(err("cluster 3\nstep\n----\nx\n\n----\n"), format!("6:1: {orphan}"));
    assert_eq!(err("----\ncluster 3"), format!("1:1: {orphan}"));
    assert_eq!(
        err("cluster 3\n----\nx"),
        "2:1: unexpected '----', expected a step before it; the cluster line has no output"
    );
    // Not exactly `----`: read as a command.
    assert!(err("cluster 3\nstep\n---- x").starts_with("3:1: unexpected '----', expected one of: run,"));
}

#[test]
fn step_positions_and_text() {
    let s = parse("# intro\n\n  cluster 3   # three\n\t  put  x   1   # comment\nheal#now").unwrap();
    assert_eq!(s.cluster_line, 3);
    assert_eq!((s.steps[0].line, s.steps[0].column), (4, 4));
    assert_eq!(s.steps[0].text, "put  x   1");
    assert_eq!((s.steps[1].line, s.steps[1].column, s.steps[1].text.as_str()), (5, 1, "heal"));
}

#[test]
fn crlf_tabs_and_bom() {
    let s = parse("\u{feff}cluster 3\r\nput\tx\t1\r\nshow kv\r\n----\r\nx = 1  \r\n\r\nheal\r\n").unwrap();
    assert_eq!(s.steps.len(), 3);
    assert_eq!(s.steps[0].command, Command::Put { key: "x".into(), value: "1".into(), via: None });
    assert_eq!(s.steps[1].expected.as_ref().unwrap().lines, vec!["x = 1"]);
    assert_eq!(s.steps[2].command, Command::Heal);
    assert_eq!(err("cluster 3\r\ncrash 4\r\n"), "2:7: unexpected '4', expected a node id 1..3 or 'leader'");
}

#[test]
fn error_formats() {
    let e = parse("cluster 5\nrun 5").unwrap_err();
    assert_eq!((e.line, e.column, e.word.as_str()), (2, 5, "5"));
    assert_eq!((e.expected.key, e.expected.to_string().as_str()), ("parse.want.duration", DURATION_TEXT));
    // The page's form: a key and named arguments, the expectation nested.
    let msg = e.msg();
    assert_eq!(msg.key, "parse.unexpected");
    assert_eq!(msg.get("line"), Some(&MsgArg::Num(2)));
    assert_eq!(msg.get("column"), Some(&MsgArg::Num(5)));
    assert_eq!(msg.get("word"), Some(&MsgArg::Text("5".into())));
    assert_eq!(msg.get("expected"), Some(&MsgArg::Msg(Box::new(e.expected.clone()))));
    assert_eq!(e.with_file("a.scn"), format!("a.scn:2:5: unexpected '5', expected {DURATION_TEXT}"));
    let missing = parse("cluster 5\ncrash   # why").unwrap_err();
    assert_eq!(missing.to_string(), "2:6: missing word, expected a node id 1..5 or 'leader'");
    assert_eq!(missing.msg().key, "parse.missing");
    assert_eq!(missing.msg_with_file("a.scn").to_string(), format!("a.scn:{missing}"));
    let boxed: Box<dyn std::error::Error> = Box::new(missing);
    assert!(boxed.to_string().starts_with("2:6"));
}

const DURATION_TEXT: &str = "a duration like 300ms, 1.5s or 20us";

#[test]
fn canonical_text() {
    // The shortest exact spelling; at equal length, no "0." in front.
    assert_eq!(format_duration(1_500_000), "1.5s");
    assert_eq!(format_duration(2_000_000), "2s");
    assert_eq!(format_duration(1_500), "1.5ms");
    assert_eq!(format_duration(150_000), "150ms");
    assert_eq!(format_duration(1_234_000), "1.234s");
    assert_eq!(format_duration(1_234), "1234us");
    assert_eq!(format_duration(1_234_500), "1.2345s");
    assert_eq!(format_duration(1_000_001), "1.000001s");
    assert_eq!(format_duration(100_000), "100ms");
    assert_eq!(format_duration(7), "7us");
    assert_eq!(format_duration(0), "0s");
    assert_eq!(format_duration(MAX_DURATION), "604800s");
    for us in [0, 1, 7, 999, 1_000, 1_001, 1_500, 150_000, 1_234_000, 1_234_567, 60 * S, MAX_DURATION - 1] {
        assert_eq!(cmd(&format!("run {}", format_duration(us))), Command::Run(us), "{us}");
    }
    assert_eq!(format_range((150 * MS, 300 * MS)), "150..300ms");
    assert_eq!(format_range((500, S)), "500us..1s");
    assert_eq!(format_range((0, 0)), "0..0ms");
    assert_eq!(format_percent(5_000), "0.5%");
    assert_eq!(format_percent(1), "0.0001%");
    assert_eq!(format_percent(1_000_000), "100%");
    assert_eq!(
        ClusterSpec::new(5).to_string(),
        "cluster 5 seed=0 election=150..300ms heartbeat=50ms latency=10..20ms loss=0%"
    );
    let text = "cluster 2 seed=3 loss=2.5%\nput x 1 via 2 # c\nrun until committed 2 within 10s\nstep 1\n\
                show log\n----\n1:put(x=1)\n\nexpect log 1 1:noop 1:put(x=1)\npartition 1, 2\ncut 1 <-> 2";
    let s = parse(text).unwrap();
    let canonical = s.to_text();
    assert_eq!(
        canonical,
        "cluster 2 seed=3 election=150..300ms heartbeat=50ms latency=10..20ms loss=2.5%\nput x 1 via 2\n\
         run until committed 2\nstep\nshow log\n----\n1:put(x=1)\n\nexpect log 1 1:noop 1:put(x=1)\n\
         partition 1,2\ncut 1<->2\n"
    );
    let again = parse(&canonical).unwrap();
    assert!(again.equivalent(&s));
    assert_eq!(again.to_text(), canonical);
    assert_eq!(parse(&again.to_text()).unwrap(), again);
}

#[test]
fn a_command_inside_an_expectation_block_is_an_error() {
    // The blank line after the block was forgotten: `expect ...` would be
    // taken as expected output and lost on `check --rewrite`.
    let text = "cluster 3\nrun 1s\n----\n12.0ms node 1 became candidate of term 1\nexpect leader 1\n";
    let err = parse(text).unwrap_err();
    assert_eq!((err.line, err.column, err.word.as_str()), (5, 1, "expect"));
    assert!(err.to_string().contains("blank line"), "{err}");
}
