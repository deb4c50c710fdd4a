//! Tests of the phrases: every key the engine emits is listed, and its
//! sentences' English is the same in Rust and in `www/i18n/en.js` (and en-more.js).

use super::*;
use crate::raft::Command;
use crate::sim::{WorldConfig, SECOND};

/// The string literal at the start of `s` (Rust's `"..."` or JavaScript's
/// `'...'`/`"..."`) and the rest after it; `\` + newline skips the next
/// line's indentation, as in Rust.
fn literal(s: &str) -> Option<(String, &str)> {
    let quote = s.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let mut out = String::new();
    let mut chars = s[1..].char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' => match chars.next()?.1 {
                '\n' => {
                    let rest = &s[1 + i + 2..];
                    let skip = rest.len() - rest.trim_start().len();
                    for _ in rest[..skip].chars() {
                        chars.next();
                    }
                }
                'n' => out.push('\n'),
                other => out.push(other),
            },
            c if c == quote => return Some((out, &s[1 + i + 1..])),
            c => out.push(c),
        }
    }
    None
}

/// Every `Msg::new("key", "English")` and `chain("key", "English", ...)`
/// in the engine's sources outside test modules: (file, key, English).
fn engine_sentences() -> Vec<(String, String, String)> {
    let mut found = Vec::new();
    let mut dirs = vec![std::path::PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/src"))];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") || path.ends_with("phrase_tests.rs") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            let code = text.split("#[cfg(test)]\nmod tests").next().unwrap();
            for opener in ["Msg::new(", "chain("] {
                for (at, _) in code.match_indices(opener) {
                    let rest = code[at + opener.len()..].trim_start();
                    let Some((key, rest)) = literal(rest) else { continue };
                    let Some(rest) = rest.trim_start().strip_prefix(',') else { continue };
                    let (en, _) = literal(rest.trim_start()).expect("a key is followed by its English");
                    found.push((path.display().to_string(), key, en));
                }
            }
        }
    }
    found
}

#[test]
fn every_engine_sentence_is_a_listed_key_with_the_same_english_in_en_js() {
    // A language's catalogue: its core and its *-more part (where the parse
    // errors and etcdctl's sentences are, loaded on demand).
    let read = |lang: &str| {
        let file = |name: &str| std::fs::read_to_string(format!("{}/www/i18n/{name}.js", env!("CARGO_MANIFEST_DIR")));
        file(lang).unwrap() + &file(&format!("{lang}-more")).unwrap()
    };
    let (en_js, ko_js) = (read("en"), read("ko"));
    let text = |catalogue: &str, key: &str| {
        let line = catalogue.lines().find(|l| l.trim_start().starts_with(&format!("'{key}': ")))?;
        literal(line.trim_start()[key.len() + 4..].trim_start()).map(|(text, _)| text)
    };
    // The `{name}`s of a template, sorted: a translation fills in the same arguments.
    fn names(template: &str) -> Vec<&str> {
        let mut names: Vec<&str> =
            template.split('{').skip(1).filter_map(|s| s.split_once('}').map(|(name, _)| name)).collect();
        names.sort_unstable();
        names
    }
    let found = engine_sentences();
    assert!(found.len() > 150, "found {} sentences", found.len());
    for (file, key, en) in &found {
        assert!(KEYS.contains(&key.as_str()), "{key} ({file}) is not in KEYS");
        assert_eq!(
            text(&en_js, key).as_deref(),
            Some(en.as_str()),
            "{key} ({file}): en.js differs from the Rust English"
        );
        let ko = text(&ko_js, key).unwrap_or_else(|| panic!("{key} ({file}) is not in ko.js"));
        assert_eq!(names(&ko), names(en), "{key} ({file}): ko.js fills in other arguments than the English");
    }
    for key in [
        "parse.unexpected",
        "parse.missing",
        "parse.want.duration",
        "v.twoLeaders",
        "word.code",
        "etcdctl.error",
        "etcdctl.want.noFlag",
    ] {
        assert!(found.iter().any(|(_, k, _)| k == key), "{key} not found in the sources");
    }
}

#[test]
fn a_parse_error_and_a_violation_reach_the_page_as_listed_keys() {
    let keys = |p: &Phrase| {
        fn walk(p: &Phrase, out: &mut Vec<&'static str>) {
            out.push(p.key);
            for (_, arg) in &p.args.0 {
                match arg {
                    Arg::Phrase(inner) => walk(inner, out),
                    Arg::List(items) => items.iter().for_each(|i| walk(i, out)),
                    _ => {}
                }
            }
        }
        let mut out = Vec::new();
        walk(p, &mut out);
        out
    };
    let error = crate::scenario::parse("cluster 3\nrun 5\n").unwrap_err();
    let p = from_msg(&error.msg());
    assert_eq!(keys(&p), ["parse.unexpected", "parse.want.duration"]);
    let json = serde_json::to_string(&p).unwrap();
    assert_eq!(
        json,
        r#"{"key":"parse.unexpected","args":{"word":"5","line":2,"column":5,"expected":{"key":"parse.want.duration","args":{}}}}"#
    );
    // The shrunk counterexample of tests/scenarios/found/vote-once-off.txt.
    let text = "cluster 3 seed=1 election=150..300ms heartbeat=50ms latency=10009us..30ms loss=0%\n\
                rule vote-once off\ntimeout 2\ntimeout 3\nrun 43301us\n";
    let (runner, _, _) = crate::scenario::runner::run(&crate::scenario::parse(text).unwrap(), Default::default());
    let v = runner.world().checker().violations().first().expect("vote-once off breaks Election Safety");
    let p = effect(&Effect::Violation(v.clone()));
    assert_eq!(keys(&p), ["fx.violation", "inv.electionSafety", "v.twoLeaders"]);
    assert!(keys(&p).iter().all(|k| KEYS.contains(k)));
    // etcdctl's words, in a scenario's parse error and in the console's `Error: ...`.
    let error = crate::scenario::parse("cluster 3\netcdctl get /a --frob\n").unwrap_err();
    assert_eq!(keys(&from_msg(&error.msg())), ["parse.unexpected", "etcdctl.want.flag"]);
    assert_eq!(
        error.to_string(),
        "2:16: unexpected '--frob', expected a flag: --prefix, --keys-only, --print-value-only, -w table"
    );
    let refused = crate::view::etcdctl::parse_line("etcdctl put /a 1 --prefix").unwrap_err();
    let p = from_msg(&refused);
    assert_eq!(keys(&p), ["etcdctl.error", "etcdctl.unexpected", "etcdctl.want.noFlag"]);
    assert!(keys(&p).iter().all(|k| KEYS.contains(k)));
    assert_eq!(
        serde_json::to_string(&p).unwrap(),
        r#"{"key":"etcdctl.error","args":{"error":{"key":"etcdctl.unexpected","args":{"word":"--prefix","expected":{"key":"etcdctl.want.noFlag","args":{"flag":"--prefix","command":"put"}}}}}}"#
    );
}

#[test]
fn the_phrases_of_a_busy_run_use_listed_keys() {
    let mut world = World::new(WorldConfig::with_nodes(3, 4)).unwrap();
    let mut seen = std::collections::BTreeSet::new();
    let mut note = |world: &World| {
        let Some(e) = world.last_event() else { return };
        let phrases = std::iter::once(event(&e.kind, world)).chain(world.last_effects().iter().map(effect));
        for p in phrases {
            let what = match p.args.get("what") {
                Some(Arg::Phrase(w)) => Some(w.key),
                _ => None,
            };
            for key in std::iter::once(p.key).chain(what) {
                assert!(KEYS.contains(&key), "{key} is not in KEYS");
                seen.insert(key);
            }
        }
    };
    while world.now() < SECOND {
        world.step();
        note(&world);
    }
    world.submit(Command::put("x", "1"), None).unwrap();
    note(&world);
    while world.now() < 2 * SECOND {
        world.step();
        note(&world);
    }
    let leader = world.current_leader().unwrap();
    world.crash(leader).unwrap();
    note(&world);
    world.partition(vec![vec![leader % 3 + 1]]).unwrap();
    note(&world);
    world.submit(Command::get("x"), None).unwrap();
    while world.now() < 6 * SECOND {
        world.step();
        note(&world);
    }
    for key in [
        "ev.submit",
        "ev.crash",
        "ev.partition",
        "ev.deliver",
        "ev.electionTimeout",
        "ev.clientRetry",
        "fx.becameLeader",
        "fx.clientDone",
        "res.ok",
    ] {
        assert!(seen.contains(key), "{key} not seen in {seen:?}");
    }
}
