//! etcdctl's parser and printers: the lines it accepts, the errors it
//! refuses others with (keys, arguments and English), the tables.

use super::*;
use crate::store::{KeyValue, RangeRequest};
use crate::util::msg::MsgArg;

fn call(line: &str) -> Result<Call, CallError> {
    parse(&line.split_whitespace().collect::<Vec<_>>())
}

#[test]
fn commands_read_back_from_their_text() {
    for line in [
        "put /a 1",
        "get /a",
        "get /registry --prefix",
        "get / --prefix --keys-only",
        "get /a --print-value-only",
        "del /a",
        "del /registry --prefix",
        "member list",
        "member list -w table",
        "endpoint status -w table",
    ] {
        let c = call(line).unwrap_or_else(|e| panic!("{line}: {e:?}"));
        assert_eq!(c.to_string(), line);
    }
    // Flags go anywhere, in every spelling pflag accepts.
    assert_eq!(call("get --prefix /a --keys-only").unwrap().to_string(), "get /a --prefix --keys-only");
    assert_eq!(call("--write-out=table member list").unwrap(), Call::MemberList(Format::Table));
    assert_eq!(call("endpoint status --write-out table --cluster").unwrap(), Call::EndpointStatus(Format::Table));
    let Call::Kv { request: Request::Range(RangeRequest { keys, keys_only }), .. } =
        call("get /p --prefix --keys-only").unwrap()
    else {
        panic!()
    };
    assert_eq!((keys, keys_only), (Keys::Prefix("/p".into()), true));
}

/// Each refused line: the word named, what was expected (its catalogue
/// key and arguments) and the English the CLI and the console print.
#[test]
fn a_wrong_word_is_named_by_position_with_a_sentence_for_the_page() {
    let command = "an etcdctl command: put, get, del, member list, endpoint status";
    let flag = "a flag: --prefix, --keys-only, --print-value-only, -w table";
    #[rustfmt::skip]
    // The line, the word it names, the expected sentence's key and arguments, the English.
    type Case = (&'static str, usize, &'static str, &'static [(&'static str, &'static str)], String);
    let cases: [Case; 13] = [
        ("put /a", 2, "etcdctl.want.keyAndValue", &[], "Error: missing word, expected a key and a value".into()),
        ("put /a 1 2", 3, "etcdctl.want.endOfLine", &[], "Error: unexpected '2', expected end of line".into()),
        ("get", 1, "etcdctl.want.key", &[], "Error: missing word, expected a key".into()),
        ("del", 1, "etcdctl.want.key", &[], "Error: missing word, expected a key".into()),
        (
            "get /a --frobnicate",
            2,
            "etcdctl.want.flag",
            &[],
            format!("Error: unexpected '--frobnicate', expected {flag}"),
        ),
        (
            "put /a 1 --prefix",
            3,
            "etcdctl.want.noFlag",
            &[("flag", "--prefix"), ("command", "put")],
            "Error: unexpected '--prefix', expected no --prefix with etcdctl put".into(),
        ),
        (
            "del --keys-only /a",
            1,
            "etcdctl.want.noFlag",
            &[("flag", "--keys-only"), ("command", "del")],
            "Error: unexpected '--keys-only', expected no --keys-only with etcdctl del".into(),
        ),
        (
            "member show",
            1,
            "etcdctl.want.subcommand",
            &[("word", "list")],
            "Error: unexpected 'show', expected 'list'".into(),
        ),
        (
            "endpoint",
            1,
            "etcdctl.want.subcommand",
            &[("word", "status")],
            "Error: missing word, expected 'status'".into(),
        ),
        ("member list now", 2, "etcdctl.want.endOfLine", &[], "Error: unexpected 'now', expected end of line".into()),
        (
            "member list -w json",
            3,
            "etcdctl.want.format",
            &[],
            "Error: unexpected 'json', expected an output format: simple or table".into(),
        ),
        ("watch /a", 0, "etcdctl.want.command", &[], format!("Error: unexpected 'watch', expected {command}")),
        ("", 0, "etcdctl.want.command", &[], format!("Error: missing word, expected {command}")),
    ];
    for (line, word, key, args, english) in cases {
        let words: Vec<&str> = line.split_whitespace().collect();
        let e = parse(&words).unwrap_err();
        assert_eq!((e.word, e.expected.key), (word, key), "{line}");
        let texts: Vec<(&str, MsgArg)> = args.iter().map(|(n, v)| (*n, MsgArg::Text(v.to_string()))).collect();
        assert_eq!(e.expected.args, texts, "{line}");
        let msg = e.msg(&words);
        assert_eq!(msg.key, "etcdctl.error", "{line}");
        let Some(MsgArg::Msg(why)) = msg.get("error") else { panic!("{line}: {msg:?}") };
        let missing = word == words.len();
        assert_eq!(why.key, if missing { "etcdctl.missing" } else { "etcdctl.unexpected" }, "{line}");
        assert_eq!(why.get("word"), words.get(word).map(|w| MsgArg::Text(w.to_string())).as_ref(), "{line}");
        assert_eq!(why.get("expected"), Some(&MsgArg::Msg(Box::new(e.expected.clone()))), "{line}");
        assert_eq!(msg.to_string(), english, "{line}");
    }
}

#[test]
fn replies_print_as_etcdctl_prints_them() {
    let kv =
        |k: &str, v: &str| KeyValue { key: k.into(), value: v.into(), create_revision: 2, mod_revision: 2, version: 1 };
    let range = Reply { revision: 3, response: Response::Range { kvs: vec![kv("/a", "1"), kv("/b", "2")], count: 2 } };
    assert_eq!(print_reply(Print::default(), &range), ["/a", "1", "/b", "2"]);
    assert_eq!(print_reply(Print { value_only: true }, &range), ["1", "2"]);
    let keys = Reply { revision: 3, response: Response::Range { kvs: vec![kv("/a", ""), kv("/b", "")], count: 2 } };
    assert_eq!(print_reply(Print::default(), &keys), ["/a", "/b"]);
    assert_eq!(print_reply(Print::default(), &Reply { revision: 4, response: Response::Put }), ["OK"]);
    let deleted = Reply { revision: 5, response: Response::Delete { deleted: 2 } };
    assert_eq!(print_reply(Print::default(), &deleted), ["2"]);
}

fn status(endpoint: &str, is_leader: bool) -> Status {
    Status {
        endpoint: endpoint.into(),
        id: 0x8e9e05c52164694d,
        version: "3.6.4",
        storage_version: "3.6.0",
        db_size: 20480,
        db_size_in_use: 16384,
        quota: 2_147_483_648,
        is_leader,
        raft_term: 2,
        raft_index: 8,
        raft_applied_index: 8,
    }
}

#[test]
fn tables_are_drawn_as_tablewriter_draws_them() {
    let members = [Member {
        id: 0x8e9e05c52164694d,
        name: "default".into(),
        peer_url: "http://localhost:2380".into(),
        client_url: "http://localhost:2379".into(),
    }];
    assert_eq!(
        print_members(Format::Simple, &members),
        ["8e9e05c52164694d, started, default, http://localhost:2380, http://localhost:2379, false"]
    );
    assert_eq!(
        print_members(Format::Table, &members),
        [
            "+------------------+---------+---------+-----------------------+-----------------------+------------+",
            "|        ID        | STATUS  |  NAME   |      PEER ADDRS       |     CLIENT ADDRS      | IS LEARNER |",
            "+------------------+---------+---------+-----------------------+-----------------------+------------+",
            "| 8e9e05c52164694d | started | default | http://localhost:2380 | http://localhost:2379 |      false |",
            "+------------------+---------+---------+-----------------------+-----------------------+------------+",
        ]
    );
    let statuses = [Ok(status("https://10.0.1.1:2379", true)), Err("https://10.0.1.2:2379".to_string())];
    assert_eq!(
        print_statuses(Format::Simple, &statuses),
        [
            "Failed to get the status of endpoint https://10.0.1.2:2379 (context deadline exceeded)",
            "https://10.0.1.1:2379, 8e9e05c52164694d, 3.6.4, 3.6.0, 20 kB, 16 kB, 20%, 2.1 GB, true, false, 2, 8, 8, , , false",
        ]
    );
    let table = print_statuses(Format::Table, &statuses[..1]);
    assert_eq!(table.len(), 5);
    assert!(
        table[1].starts_with("|       ENDPOINT        |        ID        | VERSION | STORAGE VERSION |"),
        "{}",
        table[1]
    );
}

#[test]
fn sizes_are_written_as_go_humanize_writes_them() {
    for (bytes, text) in [
        (0, "0 B"),
        (9, "9 B"),
        (10, "10 B"),
        (999, "999 B"),
        (1000, "1.0 kB"),
        (16384, "16 kB"),
        (20480, "20 kB"),
        (24576, "25 kB"),
        (9949, "9.9 kB"),
        (9950, "10 kB"),
        (2_147_483_648, "2.1 GB"),
        (8_589_934_592, "8.6 GB"),
        (u64::MAX, "18 EB"),
    ] {
        assert_eq!(humanize_bytes(bytes), text, "{bytes}");
    }
}
