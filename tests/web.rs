#![cfg(target_arch = "wasm32")]
//! The JavaScript API, exercised in a browser through wasm-bindgen-test:
//! values cross the JS boundary exactly as the page sees them.

use js_sys::{Array, Reflect, JSON};
use raftlab::web::RaftLab;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

wasm_bindgen_test_configure!(run_in_browser);

fn get(obj: &JsValue, key: &str) -> JsValue {
    Reflect::get(obj, &JsValue::from_str(key)).expect("an object")
}

fn options(json: &str) -> JsValue {
    JSON::parse(json).expect("valid JSON")
}

/// The leader in the snapshot, if any.
fn leader(lab: &RaftLab) -> Option<u8> {
    get(&lab.snapshot().unwrap(), "leader").as_f64().map(|l| l as u8)
}

/// Advances in 10 ms frames until a leader other than `not` is elected.
fn advance_until_leader(lab: &mut RaftLab, not: Option<u8>) -> u8 {
    for _ in 0..1_000 {
        lab.advance(n(10.0)).unwrap();
        match leader(lab) {
            Some(l) if Some(l) != not => return l,
            _ => {}
        }
    }
    panic!("no leader after 10 virtual seconds");
}

fn error_text(value: JsValue) -> String {
    get(&value, "message").as_string().unwrap_or_default()
}

fn n(x: f64) -> JsValue {
    JsValue::from_f64(x)
}

fn s(x: &str) -> JsValue {
    JsValue::from_str(x)
}

const U: JsValue = JsValue::UNDEFINED;

#[wasm_bindgen_test]
fn a_crashed_leader_is_replaced() {
    let mut lab = RaftLab::create(options(r#"{"nodes": 5, "seed": 3}"#)).unwrap();
    let first = advance_until_leader(&mut lab, None);
    lab.crash(n(first as f64)).unwrap();
    let second = advance_until_leader(&mut lab, Some(first));
    assert_ne!(first, second);
    let snap = lab.snapshot().unwrap();
    let nodes = Array::from(&get(&snap, "nodes"));
    let crashed = nodes.get(first as u32 - 1);
    assert_eq!(get(&crashed, "role").as_string().as_deref(), Some("crashed"));
    // The feed tells both stories.
    let feed: Vec<String> =
        Array::from(&lab.feed(n(0.0)).unwrap()).iter().map(|l| get(&l, "text").as_string().unwrap()).collect();
    assert!(feed.iter().any(|t| t == &format!("crash node {first}")), "{feed:?}");
    assert!(feed.iter().filter(|t| t.contains("became leader")).count() >= 2, "{feed:?}");
}

#[wasm_bindgen_test]
fn bad_options_are_readable_errors() {
    let e = RaftLab::create(options(r#"{"nodes": 12}"#)).err().expect("12 nodes is too many");
    assert!(error_text(e).contains("nodes"));
    let e = RaftLab::create(options(r#"{"electionMs": [300, 150]}"#)).err().expect("low above high");
    assert!(error_text(e).contains("election"));
    let e = RaftLab::create(options(r#"{"nodez": 3}"#)).err().expect("unknown option");
    assert!(error_text(e).contains("nodez"));
    assert!(RaftLab::create(JsValue::UNDEFINED).is_ok());
    let mut lab = RaftLab::create(JsValue::NULL).unwrap();
    assert!(lab.crash(n(9.0)).is_err());
    assert!(lab.crash(n(1.5)).is_err());
    assert!(lab.advance(n(f64::NAN)).is_err());
    assert!(lab.submit(s("frob"), s("x"), U, U, U).is_err());
    assert!(lab.partition(options("[[1, 2], [2, 3]]")).is_err());
    assert!(lab.drop_message(n(0.0)).is_err());
}

#[wasm_bindgen_test]
fn a_bad_scenario_reports_its_line_and_column() {
    let e = RaftLab::from_scenario(s("clustre 3\n")).err().expect("a parse error");
    let text = error_text(e);
    assert!(text.starts_with("1:"), "{text}");
}

#[wasm_bindgen_test]
fn a_scenario_plays_as_time_advances() {
    let mut lab =
        RaftLab::from_scenario(s("cluster 3 seed=1\nrun until leader\nput x 1\nrun until committed 2\n")).unwrap();
    let status = lab.scenario_status().unwrap();
    assert_eq!(get(&status, "total").as_f64(), Some(3.0));
    assert_eq!(get(&status, "done").as_bool(), Some(false));
    for _ in 0..1_000 {
        lab.advance(n(10.0)).unwrap();
        if get(&lab.scenario_status().unwrap(), "done").as_bool() == Some(true) {
            break;
        }
    }
    let status = lab.scenario_status().unwrap();
    assert_eq!(get(&status, "done").as_bool(), Some(true));
    assert!(get(&status, "failure").is_undefined());
    assert!(RaftLab::create(JsValue::NULL).unwrap().scenario_status().unwrap().is_null());
}

#[wasm_bindgen_test]
fn a_submitted_put_is_committed() {
    let mut lab = RaftLab::create(options(r#"{"nodes": 3, "seed": 9}"#)).unwrap();
    let l = advance_until_leader(&mut lab, None);
    let id = lab.submit(s("put"), s("x"), s("1"), U, U).unwrap();
    assert_eq!(id, 1.0);
    for _ in 0..200 {
        lab.advance(n(10.0)).unwrap();
    }
    let snap = lab.snapshot().unwrap();
    let op = Array::from(&get(&snap, "clientOps")).get(0);
    assert_eq!(get(&op, "result").as_string().as_deref(), Some("ok"));
    let node = Array::from(&get(&snap, "nodes")).get(l as u32 - 1);
    let log = Array::from(&get(&node, "log"));
    let put = log.iter().find(|e| get(e, "command").as_string().as_deref() == Some("put(x=1)")).expect("in the log");
    assert_eq!(get(&put, "committed").as_bool(), Some(true));
}

#[wasm_bindgen_test]
fn step_event_and_clock() {
    let mut lab = RaftLab::create(JsValue::NULL).unwrap();
    assert_eq!(lab.event_count(), 0.0);
    let text = lab.step_event().expect("an election timer is scheduled");
    assert!(text.starts_with("#1 "), "{text}");
    assert_eq!(lab.event_count(), 1.0);
    assert!(lab.now_ms() > 0.0);
}

#[wasm_bindgen_test]
fn render_draws_and_hit_tests() {
    let document = web_sys::window().unwrap().document().unwrap();
    let canvas: HtmlCanvasElement = document.create_element("canvas").unwrap().dyn_into().unwrap();
    canvas.set_width(800);
    canvas.set_height(600);
    let ctx: CanvasRenderingContext2d = canvas.get_context("2d").unwrap().unwrap().dyn_into().unwrap();
    let mut lab = RaftLab::create(JsValue::NULL).unwrap();
    assert!(lab.hit_test(n(400.0), n(300.0)).unwrap().is_null(), "nothing drawn yet");
    advance_until_leader(&mut lab, None);
    lab.render(ctx.clone().into(), n(800.0), n(600.0), n(1.0), options(r#"{"dark": true, "selectedNode": 1}"#))
        .unwrap();
    lab.render(ctx.clone().into(), n(800.0), n(600.0), n(2.0), JsValue::UNDEFINED).unwrap();
    lab.render_log(ctx.clone().into(), n(800.0), n(600.0), n(1.0), JsValue::NULL).unwrap();
    assert!(lab.render(ctx.clone().into(), n(800.0), n(600.0), n(1.0), options(r#"{"dark": "yes"}"#)).is_err());
    // A breakpoint's nodes are ringed; an unknown node is a readable error.
    lab.render(ctx.clone().into(), n(800.0), n(600.0), n(1.0), options(r#"{"highlightNodes": [1, 3]}"#)).unwrap();
    let bad =
        lab.render(ctx.clone().into(), n(800.0), n(600.0), n(1.0), options(r#"{"highlightNodes": [12]}"#)).unwrap_err();
    assert!(error_text(bad).contains("node id"));
    // Somewhere on the canvas there is a node to hit.
    let hit = (0..40)
        .flat_map(|i| (0..30).map(move |j| (i as f64 * 20.0, j as f64 * 20.0)))
        .map(|(x, y)| lab.hit_test(n(x), n(y)).unwrap())
        .filter(|h| !h.is_null())
        .find(|h| get(h, "kind").as_string().as_deref() == Some("node"))
        .expect("a node is drawn");
    assert!(get(&hit, "id").as_f64().is_some());
}

#[wasm_bindgen_test]
fn a_huge_advance_is_capped_instead_of_freezing() {
    let mut lab = RaftLab::create(JsValue::NULL).unwrap();
    lab.set_client_load(n(0.01)).unwrap();
    let events = lab.advance(n(1e12)).unwrap();
    assert_eq!(events, 200_000);
    assert!(lab.now_ms() < 3_600_000.0, "the clock stays where the work stopped");
    lab.set_client_load(n(0.0)).unwrap();
    assert!(lab.set_client_load(n(-1.0)).is_err());
}

/// The snapshot as JSON text: equal text, equal picture.
fn snapshot_text(lab: &RaftLab) -> String {
    JSON::stringify(&lab.snapshot().unwrap()).unwrap().as_string().unwrap()
}

#[wasm_bindgen_test]
fn step_back_then_forward_gives_identical_snapshots() {
    let mut lab = RaftLab::create(options(r#"{"nodes": 5, "seed": 11}"#)).unwrap();
    advance_until_leader(&mut lab, None);
    lab.crash(n(2.0)).unwrap();
    lab.advance(n(200.0)).unwrap();
    // A jump lands at the moment of an event; `advance` leaves the clock
    // between events, so start from an event.
    lab.step_event().unwrap();
    let mut forward = Vec::new();
    for _ in 0..25 {
        forward.push(snapshot_text(&lab));
        lab.step_event().unwrap();
    }
    for expected in forward.iter().rev() {
        assert!(lab.step_back());
        assert_eq!(&snapshot_text(&lab), expected);
    }
    assert!(!lab.at_end());
    lab.seek(n(lab.end_event())).unwrap();
    assert!(lab.at_end());
}

#[wasm_bindgen_test]
fn a_leader_elected_breakpoint_stops_the_advance_there() {
    let mut lab = RaftLab::create(options(r#"{"nodes": 3, "seed": 5}"#)).unwrap();
    lab.set_breakpoints(Array::of1(&JsValue::from_str("leader-elected")).into()).unwrap();
    let mut stop = JsValue::NULL;
    for _ in 0..1_000 {
        lab.advance(n(10.0)).unwrap();
        stop = lab.take_stop().unwrap();
        if !stop.is_null() {
            break;
        }
    }
    assert_eq!(get(&stop, "kind").as_string().as_deref(), Some("leader-elected"));
    assert_eq!(get(&stop, "event").as_f64(), Some(lab.event_count()));
    let node = Array::from(&get(&stop, "nodes")).get(0).as_f64().unwrap();
    assert_eq!(leader(&lab).map(f64::from), Some(node));
    let markers = Array::from(&get(&lab.timeline().unwrap(), "markers"));
    assert!(markers.iter().any(|m| get(&m, "kind").as_string().as_deref() == Some("breakpoint")));
    // Bad names are readable errors and change nothing.
    let bad = lab.set_breakpoints(Array::of1(&JsValue::from_str("message AppendEntries 1->7")).into());
    assert!(error_text(bad.unwrap_err()).contains("names node 7"));
    assert_eq!(Array::from(&lab.breakpoints().unwrap()).length(), 1);
}

#[wasm_bindgen_test]
fn the_recorded_scenario_reproduces_the_state() {
    let mut lab = RaftLab::create(options(r#"{"nodes": 5, "seed": 4}"#)).unwrap();
    advance_until_leader(&mut lab, None);
    lab.submit(s("put"), s("x"), s("1"), U, U).unwrap();
    lab.partition(options("[[1, 2]]")).unwrap();
    lab.advance(n(120.0)).unwrap();
    let _ = lab.step_event();
    let text = lab.recorded_scenario().unwrap();
    let mut shared = RaftLab::from_scenario(s(&text)).unwrap();
    shared.seek(n(lab.event_count())).unwrap();
    assert_eq!(snapshot_text(&shared), snapshot_text(&lab), "{text}");
    let trace = lab.trace_json().unwrap();
    let events = Array::from(&get(&JSON::parse(&trace).unwrap(), "events"));
    assert_eq!(events.length() as f64, lab.event_count());
    let inspected = lab.inspect(n(1.0)).unwrap();
    assert_eq!(get(&inspected, "id").as_f64(), Some(1.0));
    assert!(!lab.last_event().unwrap().is_null());
}

#[wasm_bindgen_test]
fn a_rule_switched_off_is_listed_recorded_and_explained() {
    let mut lab = RaftLab::create(options(r#"{"nodes": 3, "seed": 1}"#)).unwrap();
    let rules = Array::from(&lab.rules().unwrap());
    assert_eq!(rules.length(), 8);
    assert!(rules.iter().all(|r| get(&r, "on").as_bool() == Some(true)));
    lab.set_rule(JsValue::from_str("vote-once"), JsValue::from_bool(false)).unwrap();
    let off: Vec<String> = Array::from(&lab.rules().unwrap())
        .iter()
        .filter(|r| get(r, "on").as_bool() == Some(false))
        .map(|r| get(&r, "name").as_string().unwrap())
        .collect();
    assert_eq!(off, ["vote-once"]);
    assert!(lab.recorded_scenario().unwrap().contains("\nrule vote-once off\n"));
    // Bad input changes nothing and says what was expected.
    for (name, enabled, message) in [
        (
            JsValue::from_str("vote-twice"),
            JsValue::TRUE,
            "unknown rule \"vote-twice\": expected one of: commit-current-term",
        ),
        (JsValue::from_f64(3.0), JsValue::TRUE, "setRule: 'name' must be a string, not the number 3"),
        (
            JsValue::from_str("vote-once"),
            JsValue::from_str("yes"),
            "setRule: 'enabled' must be true or false, not the string \"yes\"",
        ),
    ] {
        let e = error_text(lab.set_rule(name, enabled).unwrap_err());
        assert!(e.contains(message), "{e}");
    }
    // A forced timeout says why in lastEvent().why, as {key, args, text}.
    lab.timeout(n(2.0)).unwrap();
    let why = Array::from(&get(&lab.last_event().unwrap(), "why"));
    let first = why.get(0);
    assert_eq!(get(&first, "key").as_string().as_deref(), Some("role.candidate.forced"));
    assert_eq!(get(&get(&first, "args"), "node").as_f64(), Some(2.0));
    assert!(get(&first, "text").as_string().unwrap().starts_with("S2 became candidate of term 1"));
}

/// Asserts that `result` threw a `TypeError` whose message contains `text`
/// (the method and the argument it names).
fn assert_type_error<T>(result: Result<T, JsValue>, text: &str) {
    let e = result.err().unwrap_or_else(|| panic!("no error; expected a TypeError with {text:?}"));
    let message = error_text(e.clone());
    assert!(e.is_instance_of::<js_sys::TypeError>(), "not a TypeError: {message}");
    assert!(message.contains(text), "{message:?} does not contain {text:?}");
}

/// Every public method, called with an argument of the wrong type, throws a
/// `TypeError` naming the method and the argument, and the object still
/// works afterwards (a wrong type once corrupted wasm memory: `RuntimeError:
/// memory access out of bounds`).
#[wasm_bindgen_test]
fn every_method_type_checks_its_arguments() {
    let obj = options("{}");
    let arr = options("[1]");
    assert_type_error(
        RaftLab::create(n(42.0)),
        "RaftLab.create: 'options' must be an object or undefined, not the number 42",
    );
    assert_type_error(RaftLab::create(arr.clone()), "'options' must be an object or undefined, not an array");
    assert_type_error(
        RaftLab::create(options(r#"{"nodes": "5"}"#)),
        "options.nodes must be a number, not the string \"5\"",
    );
    assert_type_error(RaftLab::create(options(r#"{"electionMs": 150}"#)), "options.electionMs must be an array");
    assert_type_error(
        RaftLab::from_scenario(n(42.0)),
        "RaftLab.fromScenario: 'text' must be a string, not the number 42",
    );
    assert_type_error(RaftLab::from_scenario(U), "'text' must be a string, not undefined");

    let mut lab = RaftLab::create(options(r#"{"nodes": 3, "seed": 2}"#)).unwrap();
    assert_type_error(lab.advance(s("5")), "advance: 'virtualMs' must be a number");
    assert_type_error(lab.crash(s("1")), "crash: 'id' must be a number, not the string \"1\"");
    assert_type_error(lab.restart(JsValue::NULL), "restart: 'id' must be a number, not null");
    assert_type_error(lab.timeout(U), "timeout: 'id' must be a number, not undefined");
    assert_type_error(lab.take_snapshot(s("2")), "takeSnapshot: 'id' must be a number, not the string \"2\"");
    assert_type_error(lab.partition(s("1,2|3")), "partition: 'groups' must be an array of groups");
    assert_type_error(lab.partition(options(r#"[[1, "2"]]"#)), "partition: 'groups'");
    assert_type_error(lab.cut(n(1.0), s("2"), U), "cut: 'to' must be a number");
    assert_type_error(lab.cut(n(1.0), n(2.0), s("yes")), "cut: 'both' must be true or false");
    assert_type_error(lab.uncut(s("1"), n(2.0), U), "uncut: 'from' must be a number");
    assert_type_error(lab.drop_message(s("3")), "dropMessage: 'id' must be a number");
    assert_type_error(lab.duplicate_message(obj.clone()), "duplicateMessage: 'id' must be a number, not an object");
    assert_type_error(
        lab.submit(s("put"), s("x"), n(1.0), U, U),
        "submit: 'value' must be a string or undefined, not the number 1",
    );
    assert_type_error(lab.submit(n(1.0), s("x"), U, U, U), "submit: 'op' must be a string");
    assert_type_error(lab.submit(s("get"), n(5.0), U, U, U), "submit: 'key' must be a string");
    assert_type_error(lab.submit(s("get"), s("x"), U, s("2"), U), "submit: 'via' must be a number or undefined");
    assert_type_error(lab.submit(s("get"), s("x"), U, U, n(1.0)), "submit: 'read' must be a string or undefined");
    assert!(lab.submit(s("get"), s("x"), U, U, s("fast")).is_err(), "an unknown read mode");
    assert!(lab.submit(s("put"), s("x"), s("1"), U, s("local")).is_err(), "a write has no read mode");
    assert!(lab.submit(s("get"), s("x"), U, n(1.0), s("local")).is_ok(), "a local read on node 1");
    assert_type_error(lab.set_client_load(s("10")), "setClientLoad: 'intervalMs' must be a number");
    assert_type_error(lab.feed(s("0")), "feed: 'sinceEvent' must be a number or undefined");
    assert_type_error(lab.hit_test(s("1"), n(2.0)), "hitTest: 'x' must be a number");
    assert_type_error(lab.seek(s("5")), "seek: 'event' must be a number");
    assert_type_error(lab.run_to_next(n(5.0)), "runToNext: 'kind' must be a string, not the number 5");
    assert_type_error(
        lab.set_breakpoints(s("leader-elected")),
        "setBreakpoints: 'names' must be an array of breakpoint names",
    );
    assert_type_error(lab.set_breakpoints(arr), "setBreakpoints: 'names'");
    assert_type_error(lab.inspect(s("1")), "inspect: 'id' must be a number");
    assert_type_error(lab.set_checkpoint_budget(s("64")), "setCheckpointBudget: 'bytes' must be a number");

    let document = web_sys::window().unwrap().document().unwrap();
    let canvas: HtmlCanvasElement = document.create_element("canvas").unwrap().dyn_into().unwrap();
    let ctx: JsValue = canvas.get_context("2d").unwrap().unwrap().into();
    assert_type_error(
        lab.render(obj.clone(), n(8.0), n(6.0), n(1.0), U),
        "render: 'ctx' must be a CanvasRenderingContext2D, not an object",
    );
    assert_type_error(lab.render(canvas.clone().into(), n(8.0), n(6.0), n(1.0), U), "render: 'ctx'");
    assert_type_error(lab.render(ctx.clone(), s("800"), n(6.0), n(1.0), U), "render: 'width' must be a number");
    assert_type_error(
        lab.render(ctx.clone(), n(8.0), n(6.0), n(1.0), s("dark")),
        "render: 'style' must be an object or undefined",
    );
    assert_type_error(
        lab.render(ctx.clone(), n(8.0), n(6.0), n(1.0), options(r#"{"dark": "yes"}"#)),
        "style.dark must be true or false",
    );
    assert_type_error(lab.render_log(JsValue::NULL, n(8.0), n(6.0), n(1.0), U), "renderLog: 'ctx'");
    assert_type_error(lab.render_log(ctx.clone(), n(8.0), U, n(1.0), U), "renderLog: 'height' must be a number");

    // Right types, wrong values: RangeError or Error, never a crash.
    let e = lab.crash(n(9.0)).unwrap_err();
    assert!(e.is_instance_of::<js_sys::RangeError>(), "{}", error_text(e.clone()));
    assert!(error_text(e).contains("crash: 'id' (a node id) must be a whole number from 1 to 3, not 9"));
    assert!(lab.advance(n(-1.0)).unwrap_err().is_instance_of::<js_sys::RangeError>());
    assert!(lab
        .render(ctx.clone(), n(f64::NAN), n(6.0), n(1.0), U)
        .unwrap_err()
        .is_instance_of::<js_sys::RangeError>());
    // And the object still works.
    advance_until_leader(&mut lab, None);
    // Operation 2: the local read above was the first.
    assert_eq!(lab.submit(s("put"), s("x"), s("1"), U, U).unwrap(), 2.0);
    lab.render(ctx, n(80.0), n(60.0), n(1.0), U).unwrap();
}

#[wasm_bindgen_test]
fn a_random_seed_is_a_safe_whole_number_and_varies() {
    let seeds: Vec<f64> = (0..4).map(|_| RaftLab::random_seed().unwrap()).collect();
    for &seed in &seeds {
        assert!((0.0..=9_007_199_254_740_991.0).contains(&seed) && seed.fract() == 0.0, "{seed}");
    }
    assert!(seeds.windows(2).any(|w| w[0] != w[1]), "four draws, all equal: {seeds:?}");
    // The seed it gives runs like any other.
    let lab = RaftLab::create(options(&format!(r#"{{"seed": {}}}"#, seeds[0]))).unwrap();
    assert_eq!(get(&get(&lab.snapshot().unwrap(), "config"), "seed").as_string(), Some(format!("{}", seeds[0] as u64)));
}

/// A shared link can ask for a client load of a put every microsecond: the
/// run stops at its budget with the limit named, instead of growing until
/// the tab dies.
#[wasm_bindgen_test]
fn a_run_over_its_budget_stops_with_a_budget_stop() {
    let mut lab =
        RaftLab::from_scenario(s("cluster 9 seed=3 election=20s..30s heartbeat=1us latency=1s..2s\nrun 60s\n"))
            .unwrap();
    let mut stop = JsValue::NULL;
    for _ in 0..200 {
        lab.advance(n(1000.0)).unwrap();
        stop = lab.take_stop().unwrap();
        if !stop.is_null() {
            break;
        }
    }
    assert_eq!(get(&stop, "kind").as_string().as_deref(), Some("budget"));
    let cause = get(&stop, "cause").as_string().unwrap();
    assert!(cause.contains("messages are in flight, more than the 10,000 one run may hold"), "{cause}");
    let at = lab.event_count();
    assert_eq!(lab.advance(n(1000.0)).unwrap(), 0);
    assert_eq!(lab.event_count(), at);
    assert_eq!(get(&lab.take_stop().unwrap(), "kind").as_string().as_deref(), Some("budget"));
}

/// The memory report and the checkpoint budget: a small budget (a few
/// checkpoints, each charged a few hundred KB at this load) drops the
/// oldest checkpoints, and going there throws a RangeError with the reason.
#[wasm_bindgen_test]
fn memory_is_reported_and_the_checkpoint_budget_bounds_the_reachable_past() {
    let mut lab = RaftLab::create(options(r#"{"nodes": 3, "seed": 6}"#)).unwrap();
    lab.set_checkpoint_budget(n(2_000_000.0)).unwrap();
    lab.set_client_load(n(1.0)).unwrap();
    let mut memory = lab.memory().unwrap();
    for _ in 0..400 {
        lab.advance(n(1000.0)).unwrap();
        memory = lab.memory().unwrap();
        if get(&memory, "reachable").as_f64() > Some(0.0) {
            break;
        }
    }
    let reachable = get(&memory, "reachable").as_f64().unwrap();
    assert!(reachable > 0.0, "the budget dropped the oldest checkpoints");
    assert!(get(&memory, "checkpointBytes").as_f64().unwrap() <= 2_000_000.0);
    assert_eq!(get(&get(&memory, "budget"), "inFlight").as_f64(), Some(10_000.0));
    assert!(get(&memory, "logEntries").as_f64().unwrap() > 0.0);
    assert_eq!(get(&lab.timeline().unwrap(), "reachable").as_f64(), Some(reachable));
    let e = lab.seek(n(reachable - 1.0)).unwrap_err();
    assert!(e.is_instance_of::<js_sys::RangeError>());
    assert!(error_text(e).contains("is no longer reachable"));
    lab.seek(n(reachable)).unwrap();
    assert_eq!(lab.event_count(), reachable);
    assert!(!lab.step_back());
}

#[wasm_bindgen_test]
fn etcdctl_get_prefix_lists_what_etcdctl_put_wrote() {
    let mut lab = RaftLab::from_scenario(s("cluster 3 seed=4\nrun until leader\n")).unwrap();
    advance_until_leader(&mut lab, None);
    lab.advance(n(300.0)).unwrap();
    assert_eq!(lab.etcdctl(s("etcdctl put /registry/pods/a running")).unwrap(), ["OK"]);
    assert_eq!(lab.etcdctl(s("put /registry/pods/b pending")).unwrap(), ["OK"]);
    assert_eq!(
        lab.etcdctl(s("etcdctl get /registry --prefix")).unwrap(),
        ["/registry/pods/a", "running", "/registry/pods/b", "pending"]
    );
    assert_eq!(lab.etcdctl(s("get / --prefix --keys-only")).unwrap(), ["/registry/pods/a", "/registry/pods/b"]);
    assert_eq!(lab.etcdctl(s("member list")).unwrap().len(), 3);
    let e = lab.etcdctl(s("etcdctl get")).unwrap_err();
    // A sentence for the page's language (etcdctl.*), with the English as its message.
    assert_eq!(get(&e, "key").as_string().as_deref(), Some("etcdctl.error"));
    assert_eq!(get(&get(&get(&e, "args"), "error"), "key").as_string().as_deref(), Some("etcdctl.missing"));
    assert_eq!(error_text(e), "Error: missing word, expected a key");
    // The console's requests are journaled: the recorded run holds them.
    let text = lab.recorded_scenario().unwrap();
    assert!(text.contains("\netcdctl put /registry/pods/a running\n"), "{text}");
}

#[wasm_bindgen_test]
fn a_control_plane_loses_its_apiserver_with_its_bigger_zone() {
    let mut lab = RaftLab::from_scenario(s("kubernetes stacked control-planes=3 zones=a,a,b seed=1\n")).unwrap();
    for _ in 0..20 {
        lab.advance(n(1000.0)).unwrap();
    }
    let leases = lab.kubectl(s("kubectl get leases -n kube-system")).unwrap();
    assert_eq!(leases.len(), 3, "{leases:?}");
    assert!(leases[0].starts_with("NAME") && leases[1].starts_with("kube-controller-manager"));
    assert_eq!(get(&lab.quorum().unwrap(), "writesCommit").as_bool(), Some(true));
    lab.fail_zone(s("a")).unwrap();
    let q = lab.quorum().unwrap();
    assert_eq!((get(&q, "up").as_f64(), get(&q, "writesCommit").as_bool()), (Some(1.0), Some(false)));
    assert!(error_text(lab.fail_zone(s("z")).unwrap_err()).contains("unknown zone z"));
    assert!(error_text(lab.crash_machine(s("cp9")).unwrap_err()).contains("unknown machine cp9"));
    lab.restore_zone(s("a")).unwrap();
    let text = lab.recorded_scenario().unwrap();
    assert!(text.contains("\nfail zone a\n") && text.contains("\nrestore zone a\n"), "{text}");
}

/// A lesson through the API (docs/lessons.md): its state, the world held
/// still at a pause, an action refused with its catalogue key until the
/// learner's turn, a task completed by an action, a wrong and a right
/// answer; its arguments checked, its errors named FILE:LINE:COLUMN.
#[wasm_bindgen_test]
fn a_lesson_plays_through_the_api_and_checks_its_arguments() {
    const LESSON: &str =
        "title T\ntitle[ko] 티\ncluster 3 seed=2\nrun until leader\npause\nact leader crashed\ndo crash leader\n\
                          predict\nchoice no\nfeedback nope\nanswer yes\nrun 100ms\n";
    let mut lab = RaftLab::from_lesson(s(LESSON), s("lessons/t.txt"), U).unwrap();
    let state = |lab: &RaftLab| lab.lesson_state().unwrap();
    assert_eq!(get(&state(&lab), "kind").as_string().as_deref(), Some("script"));
    assert_eq!(get(&state(&lab), "steps").as_f64(), Some(4.0));
    let leader = advance_until_leader(&mut lab, None);
    for _ in 0..100 {
        lab.advance(n(10.0)).unwrap();
    }
    assert_eq!(get(&state(&lab), "kind").as_string().as_deref(), Some("pause"));
    // Held still, and not the learner's turn.
    let now = lab.now_ms();
    lab.advance(n(500.0)).unwrap();
    assert_eq!(lab.now_ms(), now);
    let refused = lab.crash(n(leader as f64)).unwrap_err();
    assert_eq!(get(&refused, "key").as_string().as_deref(), Some("lesson.notYourTurn"));
    assert!(lab.lesson_answer(n(0.0)).is_err());
    lab.lesson_continue().unwrap();
    assert_eq!(get(&state(&lab), "kind").as_string().as_deref(), Some("act"));
    lab.crash(n(leader as f64)).unwrap();
    let st = state(&lab);
    assert_eq!(get(&st, "kind").as_string().as_deref(), Some("predict"));
    assert_eq!(get(&st, "solved").as_f64(), Some(2.0));
    assert!(!lab.lesson_answer(n(0.0)).unwrap());
    let feedback = get(&state(&lab), "feedback");
    assert_eq!(get(&feedback, "correct").as_bool(), Some(false));
    assert!(lab.lesson_answer(n(1.0)).unwrap());
    assert_eq!(get(&state(&lab), "step").as_f64(), Some(4.0));
    // A later step, reached by the scripted path; the info for the list.
    let lab3 = RaftLab::from_lesson(s(LESSON), U, n(3.0)).unwrap();
    assert_eq!(get(&lab3.lesson_state().unwrap(), "kind").as_string().as_deref(), Some("predict"));
    let info = RaftLab::lesson_info(s(LESSON), U).unwrap();
    assert_eq!(get(&info, "steps").as_f64(), Some(4.0));
    assert_eq!(Array::from(&get(&info, "title")).length(), 2);
    assert!(RaftLab::create(U).unwrap().lesson_state().unwrap().is_null());

    assert_type_error(RaftLab::from_lesson(n(1.0), U, U), "RaftLab.fromLesson: 'text' must be a string");
    assert_type_error(
        RaftLab::from_lesson(s(LESSON), n(1.0), U),
        "RaftLab.fromLesson: 'file' must be a string or undefined",
    );
    assert_type_error(
        RaftLab::from_lesson(s(LESSON), U, s("2")),
        "RaftLab.fromLesson: 'step' must be a number or undefined",
    );
    assert_type_error(RaftLab::lesson_info(U, U), "RaftLab.lessonInfo: 'text' must be a string");
    assert_type_error(lab.lesson_answer(s("1")), "lessonAnswer: 'choice' must be a number");
    let range = RaftLab::from_lesson(s(LESSON), U, n(9.0)).err().unwrap();
    assert!(range.is_instance_of::<js_sys::RangeError>());
    assert!(error_text(range).contains("from 1 to 4"));
    let bad = RaftLab::from_lesson(s("title T\ncluster 3\nact leader crashd\ndo crash 1\n"), s("lessons/t.txt"), U)
        .err()
        .unwrap();
    assert!(error_text(bad).starts_with("lessons/t.txt:3:12: unexpected 'crashd'"));
}

/// PreVote and CheckQuorum as `RaftLab.create` options, shown in the
/// snapshot's config; `transferLeader` moves leadership (thesis §3.10) and
/// its errors are readable; a non-boolean option is a TypeError.
#[wasm_bindgen_test]
fn election_options_and_leadership_transfer() {
    let mut lab = RaftLab::create(options(r#"{"nodes": 3, "seed": 4, "prevote": true, "checkQuorum": true}"#)).unwrap();
    let config = get(&lab.snapshot().unwrap(), "config");
    assert_eq!(get(&config, "prevote").as_bool(), Some(true));
    assert_eq!(get(&config, "checkQuorum").as_bool(), Some(true));
    let first = advance_until_leader(&mut lab, None);
    let to = if first == 1 { 2 } else { 1 };
    assert!(error_text(lab.transfer_leader(n(first as f64)).unwrap_err()).contains("already the leader"));
    lab.transfer_leader(n(to as f64)).unwrap();
    assert_eq!(advance_until_leader(&mut lab, Some(first)), to);
    assert!(lab.recorded_scenario().unwrap().contains(&format!("transfer leader to {to}")));
    assert_type_error(lab.transfer_leader(s("2")), "transferLeader: 'id' must be a number");
    let bad = RaftLab::create(options(r#"{"prevote": "yes"}"#)).err().expect("a TypeError");
    assert!(error_text(bad).contains("prevote"));
}
