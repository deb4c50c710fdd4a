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
        lab.advance(10.0).unwrap();
        match leader(lab) {
            Some(l) if Some(l) != not => return l,
            _ => {}
        }
    }
    panic!("no leader after 10 virtual seconds");
}

fn error_text(e: wasm_bindgen::JsError) -> String {
    let value: JsValue = e.into();
    get(&value, "message").as_string().unwrap_or_default()
}

#[wasm_bindgen_test]
fn a_crashed_leader_is_replaced() {
    let mut lab = RaftLab::create(options(r#"{"nodes": 5, "seed": 3}"#)).unwrap();
    let first = advance_until_leader(&mut lab, None);
    lab.crash(first as f64).unwrap();
    let second = advance_until_leader(&mut lab, Some(first));
    assert_ne!(first, second);
    let snap = lab.snapshot().unwrap();
    let nodes = Array::from(&get(&snap, "nodes"));
    let crashed = nodes.get(first as u32 - 1);
    assert_eq!(get(&crashed, "role").as_string().as_deref(), Some("crashed"));
    // The feed tells both stories.
    let feed: Vec<String> =
        Array::from(&lab.feed(0.0).unwrap()).iter().map(|l| get(&l, "text").as_string().unwrap()).collect();
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
    assert!(lab.crash(9.0).is_err());
    assert!(lab.crash(1.5).is_err());
    assert!(lab.advance(f64::NAN).is_err());
    assert!(lab.submit("frob", "x", None, None).is_err());
    assert!(lab.partition(options("[[1, 2], [2, 3]]")).is_err());
    assert!(lab.drop_message(0.0).is_err());
}

#[wasm_bindgen_test]
fn a_bad_scenario_reports_its_line_and_column() {
    let e = RaftLab::from_scenario("clustre 3\n").err().expect("a parse error");
    let text = error_text(e);
    assert!(text.starts_with("1:"), "{text}");
}

#[wasm_bindgen_test]
fn a_scenario_plays_as_time_advances() {
    let mut lab =
        RaftLab::from_scenario("cluster 3 seed=1\nrun until leader\nput x 1\nrun until committed 2\n").unwrap();
    let status = lab.scenario_status().unwrap();
    assert_eq!(get(&status, "total").as_f64(), Some(3.0));
    assert_eq!(get(&status, "done").as_bool(), Some(false));
    for _ in 0..1_000 {
        lab.advance(10.0).unwrap();
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
    let id = lab.submit("put", "x", Some("1".into()), None).unwrap();
    assert_eq!(id, 1.0);
    for _ in 0..200 {
        lab.advance(10.0).unwrap();
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
    assert!(lab.hit_test(400.0, 300.0).unwrap().is_null(), "nothing drawn yet");
    advance_until_leader(&mut lab, None);
    lab.render(&ctx, 800.0, 600.0, 1.0, options(r#"{"dark": true, "selectedNode": 1}"#)).unwrap();
    lab.render(&ctx, 800.0, 600.0, 2.0, JsValue::UNDEFINED).unwrap();
    lab.render_log(&ctx, 800.0, 600.0, 1.0, JsValue::NULL).unwrap();
    assert!(lab.render(&ctx, 800.0, 600.0, 1.0, options(r#"{"dark": "yes"}"#)).is_err());
    // A breakpoint's nodes are ringed; an unknown node is a readable error.
    lab.render(&ctx, 800.0, 600.0, 1.0, options(r#"{"highlightNodes": [1, 3]}"#)).unwrap();
    let bad = lab.render(&ctx, 800.0, 600.0, 1.0, options(r#"{"highlightNodes": [12]}"#)).unwrap_err();
    assert!(error_text(bad).contains("node id"));
    // Somewhere on the canvas there is a node to hit.
    let hit = (0..40)
        .flat_map(|i| (0..30).map(move |j| (i as f64 * 20.0, j as f64 * 20.0)))
        .map(|(x, y)| lab.hit_test(x, y).unwrap())
        .filter(|h| !h.is_null())
        .find(|h| get(h, "kind").as_string().as_deref() == Some("node"))
        .expect("a node is drawn");
    assert!(get(&hit, "id").as_f64().is_some());
}

#[wasm_bindgen_test]
fn a_huge_advance_is_capped_instead_of_freezing() {
    let mut lab = RaftLab::create(JsValue::NULL).unwrap();
    lab.set_client_load(0.01).unwrap();
    let events = lab.advance(1e12).unwrap();
    assert_eq!(events, 200_000);
    assert!(lab.now_ms() < 3_600_000.0, "the clock stays where the work stopped");
    lab.set_client_load(0.0).unwrap();
    assert!(lab.set_client_load(-1.0).is_err());
}

/// The snapshot as JSON text: equal text, equal picture.
fn snapshot_text(lab: &RaftLab) -> String {
    JSON::stringify(&lab.snapshot().unwrap()).unwrap().as_string().unwrap()
}

#[wasm_bindgen_test]
fn step_back_then_forward_gives_identical_snapshots() {
    let mut lab = RaftLab::create(options(r#"{"nodes": 5, "seed": 11}"#)).unwrap();
    advance_until_leader(&mut lab, None);
    lab.crash(2.0).unwrap();
    lab.advance(200.0).unwrap();
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
    lab.seek(lab.end_event()).unwrap();
    assert!(lab.at_end());
}

#[wasm_bindgen_test]
fn a_leader_elected_breakpoint_stops_the_advance_there() {
    let mut lab = RaftLab::create(options(r#"{"nodes": 3, "seed": 5}"#)).unwrap();
    lab.set_breakpoints(Array::of1(&JsValue::from_str("leader-elected")).into()).unwrap();
    let mut stop = JsValue::NULL;
    for _ in 0..1_000 {
        lab.advance(10.0).unwrap();
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
    lab.submit("put", "x", Some("1".into()), None).unwrap();
    lab.partition(options("[[1, 2]]")).unwrap();
    lab.advance(120.0).unwrap();
    lab.step_event();
    let text = lab.recorded_scenario().unwrap();
    let mut shared = RaftLab::from_scenario(&text).unwrap();
    shared.seek(lab.event_count()).unwrap();
    assert_eq!(snapshot_text(&shared), snapshot_text(&lab), "{text}");
    let trace = lab.trace_json().unwrap();
    let events = Array::from(&get(&JSON::parse(&trace).unwrap(), "events"));
    assert_eq!(events.length() as f64, lab.event_count());
    let inspected = lab.inspect(1.0).unwrap();
    assert_eq!(get(&inspected, "id").as_f64(), Some(1.0));
    assert!(!lab.last_event().unwrap().is_null());
}

#[wasm_bindgen_test]
fn etcdctl_get_prefix_lists_what_etcdctl_put_wrote() {
    let mut lab = RaftLab::from_scenario("cluster 3 seed=4\nrun until leader\n").unwrap();
    advance_until_leader(&mut lab, None);
    lab.advance(300.0).unwrap();
    assert_eq!(lab.etcdctl("etcdctl put /registry/pods/a running").unwrap(), ["OK"]);
    assert_eq!(lab.etcdctl("put /registry/pods/b pending").unwrap(), ["OK"]);
    assert_eq!(
        lab.etcdctl("etcdctl get /registry --prefix").unwrap(),
        ["/registry/pods/a", "running", "/registry/pods/b", "pending"]
    );
    assert_eq!(lab.etcdctl("get / --prefix --keys-only").unwrap(), ["/registry/pods/a", "/registry/pods/b"]);
    assert_eq!(lab.etcdctl("member list").unwrap().len(), 3);
    let e = lab.etcdctl("etcdctl get").unwrap_err();
    assert!(error_text(e).starts_with("Error: missing word, expected a key"));
    // The console's requests are journaled: the recorded run holds them.
    let text = lab.recorded_scenario().unwrap();
    assert!(text.contains("\netcdctl put /registry/pods/a running\n"), "{text}");
}

#[wasm_bindgen_test]
fn a_control_plane_loses_its_apiserver_with_its_bigger_zone() {
    let mut lab = RaftLab::from_scenario("kubernetes stacked control-planes=3 zones=a,a,b seed=1\n").unwrap();
    for _ in 0..20 {
        lab.advance(1000.0).unwrap();
    }
    let leases = lab.kubectl("kubectl get leases -n kube-system").unwrap();
    assert_eq!(leases.len(), 3, "{leases:?}");
    assert!(leases[0].starts_with("NAME") && leases[1].starts_with("kube-controller-manager"));
    assert_eq!(get(&lab.quorum().unwrap(), "writesCommit").as_bool(), Some(true));
    lab.fail_zone("a").unwrap();
    let q = lab.quorum().unwrap();
    assert_eq!((get(&q, "up").as_f64(), get(&q, "writesCommit").as_bool()), (Some(1.0), Some(false)));
    assert!(error_text(lab.fail_zone("z").unwrap_err()).contains("unknown zone z"));
    assert!(error_text(lab.crash_machine("cp9").unwrap_err()).contains("unknown machine cp9"));
    lab.restore_zone("a").unwrap();
    let text = lab.recorded_scenario().unwrap();
    assert!(text.contains("\nfail zone a\n") && text.contains("\nrestore zone a\n"), "{text}");
}
