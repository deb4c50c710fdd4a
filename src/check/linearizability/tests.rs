//! Hand-written histories in the style of Porcupine's tests, a brute-force
//! checker to compare against on random small histories, and properties of
//! histories generated from the model.

use std::rc::Rc;

use proptest::prelude::*;

use super::*;

/// Times are in milliseconds here, microseconds in the checker.
const MS: u64 = 1_000;

struct History(Vec<Operation>);

impl History {
    fn new() -> Self {
        History(Vec::new())
    }

    fn op(&mut self, command: Command, call: u64, ret: Option<u64>, result: Applied) -> &mut Self {
        let id = self.0.len() as RequestId + 1;
        let response = ret.map(|r| (r * MS, result));
        self.0.push(Operation { id, command, invoked_at: call * MS, response, node: Some(1) });
        self
    }
    fn put(&mut self, key: &str, value: &str, call: u64, ret: u64) -> &mut Self {
        self.op(Command::put(key, value), call, Some(ret), Applied::Done)
    }
    fn put_pending(&mut self, key: &str, value: &str, call: u64) -> &mut Self {
        self.op(Command::put(key, value), call, None, Applied::Done)
    }
    fn del(&mut self, key: &str, call: u64, ret: u64) -> &mut Self {
        self.op(Command::del(key), call, Some(ret), Applied::Done)
    }
    fn get(&mut self, key: &str, value: Option<&str>, call: u64, ret: u64) -> &mut Self {
        self.op(Command::get(key), call, Some(ret), Applied::Value(value.map(Into::into)))
    }
    fn list(&mut self, prefix: &str, keys: &[&str], call: u64, ret: u64) -> &mut Self {
        let keys: Rc<[Rc<str>]> = keys.iter().map(|&k| Rc::from(k)).collect();
        self.op(Command::list(prefix), call, Some(ret), Applied::Keys(keys))
    }

    fn check(&self) -> Linearizability {
        check_history(&self.0)
    }

    /// The one-shot check and the live check (fed in time order) agree.
    fn verdict(&self) -> Verdict {
        let one_shot = self.check();
        let mut live = Linearizability::live();
        let mut events: Vec<(u64, bool, &Operation)> = Vec::new();
        for op in &self.0 {
            events.push((op.invoked_at, false, op));
            if let Some((at, _)) = op.response {
                events.push((at, true, op));
            }
        }
        events.sort_by_key(|&(at, respond, op)| (at, respond, op.id));
        for (at, respond, op) in events {
            if respond {
                live.respond(op.id, at, op.response.clone().unwrap().1, op.node);
            } else {
                live.invoke(op.id, op.command.clone(), at);
            }
        }
        live.finish();
        assert_eq!(live.verdict(), one_shot.verdict(), "live and one-shot disagree");
        one_shot.verdict()
    }
}

fn order(check: &Linearizability) -> Vec<RequestId> {
    check.order().iter().map(|p| p.op).collect()
}

#[test]
fn a_sequential_history_is_linearizable_in_its_own_order() {
    let mut h = History::new();
    h.put("x", "1", 0, 10).get("x", Some("1"), 20, 30).del("x", 40, 50).get("x", None, 60, 70);
    assert_eq!(h.verdict(), Verdict::Linearizable);
    assert_eq!(order(&h.check()), [1, 2, 3, 4]);
}

#[test]
fn the_chosen_order_puts_every_point_inside_its_operation() {
    let mut h = History::new();
    h.put("x", "1", 0, 100).put("x", "2", 10, 50).get("x", Some("1"), 60, 70).put("y", "9", 5, 8);
    let check = h.check();
    assert_eq!(check.verdict(), Verdict::Linearizable);
    // put x 2 must come before put x 1 for the read of 1.
    let ops = order(&check);
    let pos = |id| ops.iter().position(|&o| o == id).unwrap();
    assert!(pos(2) < pos(1) && pos(1) < pos(3), "{ops:?}");
    for p in check.order() {
        let op = &h.0[p.op as usize - 1];
        assert!(op.invoked_at <= p.at && op.response.as_ref().is_none_or(|(r, _)| p.at <= *r), "{p:?}");
    }
}

#[test]
fn concurrent_writes_may_land_in_either_order() {
    for (read, expected) in
        [("1", Verdict::Linearizable), ("2", Verdict::Linearizable), ("3", Verdict::NotLinearizable)]
    {
        let mut h = History::new();
        h.put("x", "1", 0, 100).put("x", "2", 10, 50).get("x", Some(read), 60, 70);
        assert_eq!(h.verdict(), expected, "read {read}");
    }
    // Having read 1 after both writes returned, x stays 1.
    let mut h = History::new();
    h.put("x", "1", 0, 100).put("x", "2", 10, 50).get("x", Some("1"), 110, 115).get("x", Some("2"), 120, 130);
    assert_eq!(h.verdict(), Verdict::NotLinearizable);
}

#[test]
fn a_read_concurrent_with_a_write_sees_before_or_after() {
    for read in [None, Some("1")] {
        let mut h = History::new();
        h.put("x", "1", 0, 100).get("x", read, 10, 20);
        assert_eq!(h.verdict(), Verdict::Linearizable, "{read:?}");
    }
    // Two reads inside one write: the new value, then the old one again, is
    // not possible.
    let mut h = History::new();
    h.put("x", "1", 0, 100).get("x", Some("1"), 10, 20).get("x", None, 30, 40);
    assert_eq!(h.verdict(), Verdict::NotLinearizable);
}

#[test]
fn a_stale_read_is_not_linearizable_and_names_the_operations() {
    let mut h = History::new();
    h.put("x", "1", 0, 10).put("x", "2", 20, 30).get("x", Some("1"), 40, 50);
    let check = h.check();
    assert_eq!(check.verdict(), Verdict::NotLinearizable);
    let c = &check.counterexamples()[0];
    assert_eq!(c.op.id, 3);
    assert_eq!(c.states, ["x = 2"]);
    assert_eq!(c.before.iter().map(|s| s.id).collect::<Vec<_>>(), [1, 2]);
    assert_eq!(c.operations(), [3, 1, 2]);
    assert_eq!(c.nodes(), [1]);
    assert_eq!(
        c.to_string(),
        "#3 get(x) → value 1 (0.040000s to 0.050000s) cannot be linearized: when it had to take effect, x = 2, \
         after #1 put(x=1) → ok (0.000000s to 0.010000s), #2 put(x=2) → ok (0.020000s to 0.030000s)"
    );
}

#[test]
fn a_pending_write_may_take_effect_later_or_never() {
    let mut h = History::new();
    h.put_pending("x", "1", 0).get("x", None, 10, 20).get("x", Some("1"), 30, 40);
    assert_eq!(h.verdict(), Verdict::Linearizable);
    let mut h = History::new();
    h.put_pending("x", "1", 0).get("x", None, 10, 20).get("x", None, 30, 40);
    assert_eq!(h.verdict(), Verdict::Linearizable);
    // Once it has taken effect it stays, unless overwritten.
    let mut h = History::new();
    h.put_pending("x", "1", 0).get("x", Some("1"), 10, 20).get("x", None, 30, 40);
    assert_eq!(h.verdict(), Verdict::NotLinearizable);
}

#[test]
fn a_pending_write_takes_effect_at_most_once() {
    let mut h = History::new();
    h.put_pending("x", "1", 0).get("x", Some("1"), 10, 20).put("x", "2", 30, 40).get("x", Some("1"), 50, 60);
    assert_eq!(h.verdict(), Verdict::NotLinearizable);
    // But it may wait until after the overwrite.
    let mut h = History::new();
    h.put_pending("x", "1", 0).put("x", "2", 30, 40).get("x", Some("1"), 50, 60);
    assert_eq!(h.verdict(), Verdict::Linearizable);
}

#[test]
fn a_pending_read_constrains_nothing() {
    let mut h = History::new();
    h.put("x", "1", 0, 10);
    h.op(Command::get("x"), 5, None, Applied::Done);
    h.put("x", "2", 20, 30).get("x", Some("2"), 40, 50);
    assert_eq!(h.verdict(), Verdict::Linearizable);
}

#[test]
fn operations_that_meet_at_one_instant_are_concurrent() {
    let mut h = History::new();
    h.put("x", "1", 0, 10).get("x", None, 10, 20);
    assert_eq!(h.verdict(), Verdict::Linearizable);
}

#[test]
fn list_reads_its_keys_atomically() {
    let mut h = History::new();
    h.put("k1", "1", 0, 10).put("k2", "1", 0, 10).put("z", "1", 0, 10).list("k", &["k1", "k2"], 20, 30);
    assert_eq!(h.verdict(), Verdict::Linearizable);
    // Each list alone is possible, and so is each key's history alone, but
    // not both lists: put a < list 1 < put b < list 2 < put a.
    let mut h = History::new();
    h.put("a", "1", 20, 100).put("b", "1", 20, 100).list("", &["a"], 30, 40).list("", &["b"], 30, 40);
    assert_eq!(h.verdict(), Verdict::NotLinearizable);
    let mut h = History::new();
    h.put("a", "1", 20, 100).put("b", "1", 20, 100).list("", &["a"], 30, 40).list("", &["a", "b"], 30, 40);
    assert_eq!(h.verdict(), Verdict::Linearizable);
}

#[test]
fn list_sees_keys_first_written_while_it_is_open() {
    let mut h = History::new();
    h.op(Command::list("k"), 0, Some(100), Applied::Keys(vec![Rc::from("k1")].into())).put("k1", "v", 10, 20);
    assert_eq!(h.verdict(), Verdict::Linearizable);
    let mut h = History::new();
    h.list("k", &["k1"], 0, 20).put("k1", "v", 30, 40);
    assert_eq!(h.verdict(), Verdict::NotLinearizable);
    let mut h = History::new();
    h.list("k", &[], 0, 20).put("k1", "v", 10, 40).list("k", &["k1"], 50, 60);
    assert_eq!(h.verdict(), Verdict::Linearizable);
}

#[test]
fn keys_joined_by_a_list_are_split_again_once_it_is_done() {
    let mut check = Linearizability::live();
    let mut t = 0;
    for round in 0..50 {
        for k in ["k1", "k2", "k3"] {
            let id = check.in_flight() as RequestId + 1000 * round + t;
            check.invoke(id, Command::put(k, "v"), t);
            check.respond(id, t + 5, Applied::Done, None);
            t += 10;
        }
        let id = 999_999 - round;
        check.invoke(id, Command::list("k"), t);
        let keys: Rc<[Rc<str>]> = ["k1", "k2", "k3"].iter().map(|&k| Rc::from(k)).collect();
        check.respond(id, t + 5, Applied::Keys(keys), None);
        t += 10;
    }
    assert_eq!(check.verdict(), Verdict::Linearizable);
    assert_eq!(check.parts.iter().flatten().count(), 3, "{:?}", check.parts);
}

#[test]
fn many_concurrent_writes_alone_stay_cheap() {
    let mut h = History::new();
    for i in 0..100 {
        h.put("x", &i.to_string(), i, 1_000 + i);
    }
    h.get("x", Some("42"), 2_000, 2_010);
    let check = h.check();
    assert_eq!(check.verdict(), Verdict::Linearizable);
    assert!(check.peak().configs <= 200, "{:?}", check.peak());
    h.get("x", Some("43"), 2_020, 2_030);
    assert_eq!(h.verdict(), Verdict::NotLinearizable);
}

#[test]
fn too_many_ways_to_order_give_up_without_a_false_violation_then_start_over() {
    // Twenty concurrent writes, each seen by its own concurrent read: the
    // reads may have seen them in any order, so every subset of writes
    // placed is a different configuration.
    let mut h = History::new();
    for i in 0..12 {
        h.put("x", &i.to_string(), 0, 1_000 + i);
    }
    for i in 0..12 {
        h.get("x", Some(&i.to_string()), 10 + i, 500 + i);
    }
    h.get("x", Some("7"), 2_000, 2_010);
    let small = || Linearizability::with(None, 2_000);
    let check = small().check_all(&h.0);
    assert_eq!(check.verdict(), Verdict::Undecided);
    assert!(check.gave_up()[0].contains("more than 2000 possible states"), "{:?}", check.gave_up());
    // With the full budget it is decided.
    assert_eq!(h.check().verdict(), Verdict::Linearizable);
    // Starting over, the first read pins the value and later ones are
    // judged again.
    h.get("x", Some("8"), 2_020, 2_030);
    assert_eq!(small().check_all(&h.0).verdict(), Verdict::NotLinearizable);
}

#[test]
fn a_read_pending_for_too_long_is_left_out_rather_than_queueing_forever() {
    let mut check = Linearizability::live();
    check.invoke(1, Command::get("x"), 0);
    let mut t = 1;
    for id in 2..=(MAX_QUEUE as RequestId / 2 + 2) {
        check.invoke(id, Command::put("y", "v"), t);
        check.respond(id, t + 1, Applied::Done, None);
        t += 2;
    }
    assert!(check.queue.len() <= MAX_QUEUE, "{}", check.queue.len());
    check.respond(1, t, Applied::Value(Some("anything".into())), None);
    assert_eq!(check.not_judged(), 1);
    assert_eq!(check.verdict(), Verdict::Undecided);
}

#[test]
fn a_read_holds_the_queue_only_until_it_returns() {
    let mut check = Linearizability::live();
    check.invoke(1, Command::put("x", "1"), 0);
    check.respond(1, 10, Applied::Done, None);
    check.invoke(2, Command::get("x"), 20);
    check.invoke(3, Command::put("x", "2"), 25);
    check.respond(3, 30, Applied::Done, None);
    assert_eq!(check.queue.len(), 3);
    // The stale read is found as soon as it returns.
    let found = check.respond(2, 40, Applied::Value(Some("1".into())), None);
    assert!(found.is_empty(), "it may have read before the put: {found:?}");
    check.invoke(4, Command::get("x"), 50);
    let found = check.respond(4, 60, Applied::Value(Some("1".into())), Some(3));
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].op.id, 4);
    assert_eq!(found[0].nodes(), [3]);
    assert!(check.queue.is_empty());
}

// ----- against brute force -----

/// Tries every order of the completed operations (and every subset of the
/// pending writes) that respects real time.
fn brute_force(ops: &[Operation]) -> bool {
    let done: Vec<&Operation> = ops.iter().filter(|o| o.response.is_some()).collect();
    let pending: Vec<&Operation> = ops.iter().filter(|o| o.response.is_none() && !model::is_read(&o.command)).collect();
    for mask in 0..1u32 << pending.len() {
        let mut chosen: Vec<&Operation> = done.clone();
        chosen.extend(pending.iter().enumerate().filter(|(i, _)| mask & (1 << i) != 0).map(|(_, o)| *o));
        let mut keys: Vec<Rc<str>> = Vec::new();
        for o in &chosen {
            match &o.command {
                Command::Put { key, .. } | Command::Del { key } | Command::Get { key } => keys.push(key.clone()),
                Command::List { .. } | Command::Noop | Command::Etcd(_) => {}
            }
            if let Some((_, Applied::Keys(ks))) = &o.response {
                keys.extend(ks.iter().cloned());
            }
        }
        keys.sort();
        keys.dedup();
        let mut used = vec![false; chosen.len()];
        let state = model::State::new(vec![model::Val::Missing; keys.len()]);
        if search(&chosen, &keys, &mut used, &state) {
            return true;
        }
    }
    false
}

fn search(ops: &[&Operation], keys: &[Rc<str>], used: &mut [bool], state: &model::State) -> bool {
    if used.iter().all(|&u| u) {
        return true;
    }
    for i in 0..ops.len() {
        if used[i] {
            continue;
        }
        // Minimal: no unused operation returned before this one began.
        let minimal = (0..ops.len())
            .all(|j| used[j] || j == i || ops[j].response.as_ref().is_none_or(|(r, _)| *r >= ops[i].invoked_at));
        if !minimal {
            continue;
        }
        let result = ops[i].response.as_ref().map(|(_, r)| r);
        let next = match model::apply(keys, state, &ops[i].command, result) {
            model::Outcome::Invalid => continue,
            model::Outcome::Same => state.clone(),
            model::Outcome::Next(s) => s,
        };
        used[i] = true;
        if search(ops, keys, used, &next) {
            used[i] = false;
            return true;
        }
        used[i] = false;
    }
    false
}

/// A random small history: operations on `keys` keys with random
/// intervals and results drawn from a small set, so that both verdicts
/// come up.
fn small_history(keys: u8, max_ops: usize) -> impl Strategy<Value = Vec<Operation>> {
    let op = (0..keys, 0..6u8, 0..3u8, 0..20u64, 1..12u64, 0..8u8);
    proptest::collection::vec(op, 1..max_ops).prop_map(|raw| {
        let keys = ["a", "b", "c"];
        raw.into_iter()
            .enumerate()
            .map(|(i, (key, kind, value, call, len, pend))| {
                let key = keys[key as usize];
                let count = value as usize + 1;
                let value = value.to_string();
                let pending = pend == 0;
                let (command, result) = match kind {
                    0 | 1 => (Command::put(key, &value), Applied::Done),
                    2 => (Command::del(key), Applied::Done),
                    3 | 4 => {
                        let read = (value != "0").then(|| Rc::from(value.as_str()));
                        (Command::get(key), Applied::Value(read))
                    }
                    _ => {
                        let listed: Rc<[Rc<str>]> =
                            keys.iter().take(count).filter(|&&k| k != key).map(|&k| k.into()).collect();
                        (Command::list(""), Applied::Keys(listed))
                    }
                };
                let response = (!pending).then(|| ((call + len) * MS, result));
                Operation { id: i as RequestId + 1, command, invoked_at: call * MS, response, node: None }
            })
            .collect()
    })
}

/// Operations applied in a random order at random moments, each given an
/// interval around its moment: linearizable by construction.
fn linearizable_history() -> impl Strategy<Value = Vec<Operation>> {
    let op = (0..3u8, 0..5u8, 0..4u8, 0..30u64, 0..30u64, 0..10u8);
    proptest::collection::vec(op, 1..60).prop_map(|raw| {
        let keys: Vec<Rc<str>> = ["a", "b", "c"].iter().map(|&k| Rc::from(k)).collect();
        let mut state = model::State::new(vec![model::Val::Missing; 3]);
        let mut ops = Vec::new();
        for (i, (key, kind, value, left, right, pend)) in raw.into_iter().enumerate() {
            let at = 100 * (i as u64 + 1);
            let k = &keys[key as usize];
            let command = match kind {
                0 | 1 => Command::put(k, &format!("{value}")),
                2 => Command::del(k),
                3 => Command::get(k),
                _ => Command::list(""),
            };
            let result = match &command {
                Command::Get { .. } => Applied::Value(match &state[key as usize] {
                    model::Val::Is(v) => Some(v.clone()),
                    _ => None,
                }),
                Command::List { .. } => Applied::Keys(
                    keys.iter()
                        .zip(state.iter())
                        .filter(|(_, v)| **v != model::Val::Missing)
                        .map(|(k, _)| k.clone())
                        .collect(),
                ),
                _ => Applied::Done,
            };
            if let model::Outcome::Next(s) = model::apply(&keys, &state, &command, Some(&result)) {
                state = s;
            }
            // Some writes never answer; they took effect all the same.
            let pending = pend == 0 && command.is_write();
            let response = (!pending).then(|| ((at + right) * MS, result));
            ops.push(Operation { id: i as RequestId + 1, command, invoked_at: (at - left) * MS, response, node: None });
        }
        ops
    })
}

proptest! {
    // PROPTEST_CASES=100000 runs a longer search.
    #![proptest_config(ProptestConfig::with_cases(
        std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(600)
    ))]

    #[test]
    fn agrees_with_brute_force_on_small_histories(ops in small_history(3, 8)) {
        let h = History(ops.clone());
        let expected = if brute_force(&ops) { Verdict::Linearizable } else { Verdict::NotLinearizable };
        prop_assert_eq!(h.verdict(), expected.clone(), "{:#?}", ops);
        if expected == Verdict::Linearizable {
            let check = h.check();
            prop_assert_eq!(check.order_problem(), None);
        }
    }

    /// One key, many overlapping writes and reads of few values.
    #[test]
    fn agrees_with_brute_force_on_one_busy_key(ops in small_history(1, 10)) {
        let h = History(ops.clone());
        let expected = if brute_force(&ops) { Verdict::Linearizable } else { Verdict::NotLinearizable };
        prop_assert_eq!(h.verdict(), expected, "{:#?}", ops);
    }

    #[test]
    fn histories_generated_from_the_model_are_linearizable(ops in linearizable_history()) {
        let h = History(ops.clone());
        prop_assert_eq!(h.verdict(), Verdict::Linearizable, "{:#?}", ops);
        // The order replays through the store, and names every operation
        // that returned.
        let check = h.check();
        prop_assert_eq!(check.order_problem(), None);
        let placed = order(&check);
        for op in ops.iter().filter(|o| o.response.is_some()) {
            prop_assert!(placed.contains(&op.id), "#{} missing from {:?}", op.id, placed);
        }
    }

    #[test]
    fn one_corrupted_read_is_caught(ops in linearizable_history(), pick in any::<prop::sample::Index>()) {
        let mut ops = ops;
        let reads: Vec<usize> = (0..ops.len())
            .filter(|&i| matches!(ops[i].command, Command::Get { .. }) && ops[i].response.is_some())
            .collect();
        if reads.is_empty() {
            return Ok(());
        }
        let i = reads[pick.index(reads.len())];
        // A value nobody wrote.
        ops[i].response.as_mut().unwrap().1 = Applied::Value(Some("corrupted".into()));
        let h = History(ops.clone());
        prop_assert_eq!(h.verdict(), Verdict::NotLinearizable);
        let check = h.check();
        prop_assert_eq!(check.counterexamples()[0].op.id, ops[i].id);
    }

    #[test]
    fn one_corrupted_read_of_a_sequential_history_is_caught(
        ops in linearizable_history(),
        pick in any::<prop::sample::Index>(),
        other in 0..4u8,
    ) {
        // Sequential: one operation at a time, so exactly one order. The
        // writes that never answered took effect: they answer here.
        let mut ops = ops;
        for (i, op) in ops.iter_mut().enumerate() {
            op.invoked_at = 10 * i as u64 * MS;
            let result = op.response.take().map_or(Applied::Done, |(_, r)| r);
            op.response = Some(((10 * i as u64 + 5) * MS, result));
        }
        let reads: Vec<usize> = (0..ops.len()).filter(|&i| matches!(ops[i].command, Command::Get { .. })).collect();
        if reads.is_empty() {
            return Ok(());
        }
        let i = reads[pick.index(reads.len())];
        let Some((_, Applied::Value(read))) = &ops[i].response else { unreachable!() };
        // Another answer: missing, or a value some write may have written.
        let answers: Vec<Option<Rc<str>>> = std::iter::once(None)
            .chain((0..4).map(|v| Some(Rc::from(format!("{v}")))))
            .filter(|a| a != read)
            .collect();
        let wrong = answers[other as usize % answers.len()].clone();
        ops[i].response.as_mut().unwrap().1 = Applied::Value(wrong);
        prop_assert_eq!(History(ops).verdict(), Verdict::NotLinearizable);
    }
}

#[test]
fn a_check_fed_event_by_event_concludes_as_the_check_of_the_whole_history() {
    // #3 cannot be placed while #2 is open; #2 returns only later, and a
    // read (#4) stays pending meanwhile, holding the queue.
    let mut h = History::new();
    h.put("x", "1", 0, 10).put("x", "2", 5, 40).get("x", Some("3"), 20, 30);
    h.op(Command::get("y"), 25, Some(50), Applied::Value(None)).put("y", "1", 26, 27);
    let mut check = Linearizability::following(ONE_SHOT_BUDGET);
    let mut events: Vec<(u64, bool, &Operation)> = Vec::new();
    for op in &h.0 {
        events.push((op.invoked_at, false, op));
        events.extend(op.response.as_ref().map(|(at, _)| (*at, true, op)));
    }
    events.sort_by_key(|&(at, respond, op)| (at, respond, op.id));
    for (i, &(at, respond, op)) in events.iter().enumerate() {
        if respond {
            check.respond(op.id, at, op.response.clone().unwrap().1, op.node);
        } else {
            check.invoke(op.id, op.command.clone(), at);
        }
        // The history so far: what returned by now has its response.
        let now: Vec<Operation> = h.0[..]
            .iter()
            .filter(|o| o.invoked_at <= at)
            .map(|o| Operation { response: o.response.clone().filter(|(r, _)| *r <= at), ..o.clone() })
            .filter(|o| events[..=i].iter().any(|e| e.2.id == o.id))
            .collect();
        let concluded = check.clone().conclude(&now);
        let whole = check_history(&now);
        assert_eq!(concluded.verdict(), whole.verdict(), "after event {i}");
        assert_eq!(concluded.counterexamples(), whole.counterexamples(), "after event {i}");
        assert_eq!(concluded.order(), whole.order(), "after event {i}");
    }
    assert_eq!(check.conclude(&h.0).counterexamples()[0].concurrent[0].response, Some((40 * MS, Applied::Done)));
}
