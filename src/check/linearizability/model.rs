//! The sequential specification the client history is checked against: a
//! key-value store whose `put`, `del`, `get` and `list` behave as
//! [`crate::raft::KvStore`] documents them, one operation at a time.
//!
//! The model sees one partition at a time: the state is one [`Val`] per key
//! of the partition, in the partition's (sorted) key order.

use std::fmt;
use std::rc::Rc;

use crate::raft::{Applied, Command};

/// What the model knows about one key.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(super) enum Val {
    Missing,
    Is(Rc<str>),
    /// Some value or none, not known: the state of a key after the checker
    /// gave up on it and started over at a moment when none of its
    /// operations was open (see `Partition::resync`). The first read fixes it.
    Unknown,
    /// Present with a value not known: an unknown key a `list` showed.
    Present,
}

impl fmt::Display for Val {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Val::Missing => f.write_str("missing"),
            Val::Is(v) => write!(f, "{v}"),
            Val::Unknown => f.write_str("unknown"),
            Val::Present => f.write_str("present"),
        }
    }
}

/// One model state: a value per key of the partition. Shared: many
/// configurations of a partition hold the same state. Its hash is kept
/// (a sum over the keys, updated in constant time when one key changes),
/// since the checker hashes configurations far more often than it makes
/// new states.
#[derive(Clone)]
pub(super) struct State {
    vals: Rc<[Val]>,
    hash: u64,
}

impl State {
    pub(super) fn new(vals: Vec<Val>) -> State {
        let hash = vals.iter().enumerate().fold(0u64, |h, (i, v)| h.wrapping_add(slot_hash(i, v)));
        State { vals: vals.into(), hash }
    }

    /// This state with key `i` set to `val`.
    pub(super) fn with(&self, i: usize, val: Val) -> State {
        let hash = self.hash.wrapping_sub(slot_hash(i, &self.vals[i])).wrapping_add(slot_hash(i, &val));
        let mut vals = self.vals.to_vec();
        vals[i] = val;
        State { vals: vals.into(), hash }
    }
}

/// The share of key `i` holding `val` in a state's hash.
fn slot_hash(i: usize, val: &Val) -> u64 {
    let mut h = crate::raft::types::Fnv::new();
    h.u64(i as u64);
    match val {
        Val::Missing => h.byte(0),
        Val::Unknown => h.byte(1),
        Val::Present => h.byte(2),
        Val::Is(v) => h.str(v),
    }
    // Spread the bits before they are summed.
    let z = h.finish();
    (z ^ (z >> 31)).wrapping_mul(0x94d0_49bb_1331_11eb)
}

impl std::ops::Deref for State {
    type Target = [Val];
    fn deref(&self) -> &[Val] {
        &self.vals
    }
}

impl PartialEq for State {
    fn eq(&self, other: &State) -> bool {
        self.hash == other.hash && (Rc::ptr_eq(&self.vals, &other.vals) || self.vals == other.vals)
    }
}

impl Eq for State {}

impl std::hash::Hash for State {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        state.write_u64(self.hash);
    }
}

impl fmt::Debug for State {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.vals.fmt(f)
    }
}

impl FromIterator<Val> for State {
    fn from_iter<I: IntoIterator<Item = Val>>(iter: I) -> State {
        State::new(iter.into_iter().collect())
    }
}

/// A quick hasher for the checker's sets of configurations (whose states
/// bring their own hash): FxHash's step, deterministic.
#[derive(Default)]
pub(super) struct Quick(u64);

impl std::hash::Hasher for Quick {
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.write_u64(u64::from_le_bytes(word));
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
    fn write_u128(&mut self, n: u128) {
        self.write_u64(n as u64);
        self.write_u64((n >> 64) as u64);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

pub(super) type QuickSet<T> = std::collections::HashSet<T, std::hash::BuildHasherDefault<Quick>>;
pub(super) type QuickMap<K, V> = std::collections::HashMap<K, V, std::hash::BuildHasherDefault<Quick>>;

/// What applying an operation with its result to a state gives.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Outcome {
    /// The operation could not have returned that result from this state.
    Invalid,
    /// Allowed, and the state is unchanged.
    Same,
    Next(State),
}

/// The position of `key` among the sorted `keys`.
pub(super) fn index(keys: &[Rc<str>], key: &str) -> Option<usize> {
    keys.binary_search_by(|k| (**k).cmp(key)).ok()
}

/// The keys of `keys` (sorted) under `prefix`, as a range of positions.
pub(super) fn prefix_range(keys: &[Rc<str>], prefix: &str) -> std::ops::Range<usize> {
    let start = keys.partition_point(|k| &**k < prefix);
    let len = keys[start..].iter().take_while(|k| k.starts_with(prefix)).count();
    start..start + len
}

/// Reads leave the state as it is (unless they pin down an unknown value);
/// writes change it. A read's position in a linearization therefore only
/// matters through the state it sees.
pub(super) fn is_read(command: &Command) -> bool {
    matches!(command, Command::Get { .. } | Command::List { .. })
}

/// Applies `command`, which returned `result` (`None`: a write still
/// pending, whose result, `ok`, is known in advance), to `state`.
pub(super) fn apply(keys: &[Rc<str>], state: &State, command: &Command, result: Option<&Applied>) -> Outcome {
    let set = |i: usize, val: Val| -> Outcome { Outcome::Next(state.with(i, val)) };
    match command {
        Command::Put { key, value } => match (index(keys, key), result) {
            (Some(i), None | Some(Applied::Done)) => set(i, Val::Is(value.clone())),
            _ => Outcome::Invalid,
        },
        Command::Del { key } => match (index(keys, key), result) {
            (Some(i), None | Some(Applied::Done)) => set(i, Val::Missing),
            _ => Outcome::Invalid,
        },
        Command::Get { key } => {
            let (Some(i), Some(Applied::Value(read))) = (index(keys, key), result) else {
                return Outcome::Invalid;
            };
            match (&state[i], read) {
                (Val::Is(v), Some(r)) if v == r => Outcome::Same,
                (Val::Missing, None) => Outcome::Same,
                (Val::Unknown, None) => set(i, Val::Missing),
                (Val::Unknown | Val::Present, Some(r)) => set(i, Val::Is(r.clone())),
                _ => Outcome::Invalid,
            }
        }
        Command::List { prefix } => {
            let Some(Applied::Keys(listed)) = result else {
                return Outcome::Invalid;
            };
            list(keys, state, prefix, listed)
        }
        // No-ops are not client operations; etcd's requests (etcdctl, the
        // apiservers) are not judged (the register model has no revisions).
        Command::Noop | Command::Etcd(_) => Outcome::Invalid,
    }
}

/// `list PREFIX` returned `listed`: exactly the keys under the prefix that
/// are present. A key the partition does not hold was never written, so it
/// cannot be listed.
fn list(keys: &[Rc<str>], state: &State, prefix: &str, listed: &[Rc<str>]) -> Outcome {
    let scope = prefix_range(keys, prefix);
    let mut seen = vec![false; scope.len()];
    for key in listed {
        match index(keys, key).filter(|i| scope.contains(i)) {
            Some(i) if !seen[i - scope.start] => seen[i - scope.start] = true,
            _ => return Outcome::Invalid,
        }
    }
    let mut next: Option<State> = None;
    for (offset, &present) in seen.iter().enumerate() {
        let i = scope.start + offset;
        let pinned = match (&state[i], present) {
            (Val::Is(_) | Val::Present, true) | (Val::Missing, false) => continue,
            (Val::Unknown, true) => Val::Present,
            (Val::Unknown, false) => Val::Missing,
            _ => return Outcome::Invalid,
        };
        next = Some(next.as_ref().unwrap_or(state).with(i, pinned));
    }
    match next {
        Some(next) => Outcome::Next(next),
        None => Outcome::Same,
    }
}

/// What the keys `command` reads or writes hold in `state`, for reports:
/// `x = 1`, `x missing`, `keys under k: [k1 k2]`.
pub(super) fn describe(keys: &[Rc<str>], state: &[Val], command: &Command) -> String {
    match command {
        Command::Put { key, .. } | Command::Del { key } | Command::Get { key } => match index(keys, key) {
            Some(i) => match &state[i] {
                Val::Missing => format!("{key} missing"),
                Val::Is(v) => format!("{key} = {v}"),
                other => format!("{key} {other}"),
            },
            None => format!("{key} missing"),
        },
        Command::List { prefix } => {
            let present: Vec<String> = prefix_range(keys, prefix)
                .filter(|&i| state[i] != Val::Missing)
                .map(|i| match state[i] {
                    Val::Is(_) | Val::Present => keys[i].to_string(),
                    _ => format!("{}?", keys[i]),
                })
                .collect();
            format!("keys under '{prefix}': [{}]", present.join(" "))
        }
        Command::Noop | Command::Etcd(_) => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(names: &[&str]) -> Vec<Rc<str>> {
        names.iter().map(|&k| k.into()).collect()
    }

    fn is(v: &str) -> Val {
        Val::Is(v.into())
    }

    fn value(v: Option<&str>) -> Applied {
        Applied::Value(v.map(Into::into))
    }

    fn listed(names: &[&str]) -> Applied {
        Applied::Keys(names.iter().map(|&k| Rc::from(k)).collect())
    }

    #[test]
    fn writes_set_and_reads_compare() {
        let ks = keys(&["x"]);
        let s = State::new(vec![Val::Missing]);
        let Outcome::Next(s) = apply(&ks, &s, &Command::put("x", "1"), Some(&Applied::Done)) else { panic!() };
        assert_eq!(&*s, &[is("1")]);
        assert_eq!(apply(&ks, &s, &Command::get("x"), Some(&value(Some("1")))), Outcome::Same);
        assert_eq!(apply(&ks, &s, &Command::get("x"), Some(&value(Some("2")))), Outcome::Invalid);
        assert_eq!(apply(&ks, &s, &Command::get("x"), Some(&value(None))), Outcome::Invalid);
        let Outcome::Next(s) = apply(&ks, &s, &Command::del("x"), None) else { panic!() };
        assert_eq!(apply(&ks, &s, &Command::get("x"), Some(&value(None))), Outcome::Same);
        // A write that answered anything but `ok` is impossible.
        assert_eq!(apply(&ks, &s, &Command::put("x", "1"), Some(&value(None))), Outcome::Invalid);
    }

    #[test]
    fn list_sees_exactly_the_present_keys_under_its_prefix() {
        let ks = keys(&["a", "k1", "k2", "k3"]);
        let s = State::new(vec![is("0"), is("1"), Val::Missing, is("3")]);
        let list = Command::list("k");
        assert_eq!(apply(&ks, &s, &list, Some(&listed(&["k1", "k3"]))), Outcome::Same);
        assert_eq!(apply(&ks, &s, &list, Some(&listed(&["k1"]))), Outcome::Invalid);
        assert_eq!(apply(&ks, &s, &list, Some(&listed(&["k1", "k2", "k3"]))), Outcome::Invalid);
        // A key never written cannot be listed; nor one outside the prefix.
        assert_eq!(apply(&ks, &s, &list, Some(&listed(&["k1", "k3", "k9"]))), Outcome::Invalid);
        assert_eq!(apply(&ks, &s, &list, Some(&listed(&["a", "k1", "k3"]))), Outcome::Invalid);
        assert_eq!(describe(&ks, &s, &list), "keys under 'k': [k1 k3]");
    }

    #[test]
    fn unknown_values_are_pinned_by_the_first_read() {
        let ks = keys(&["k1", "k2"]);
        let s = State::new(vec![Val::Unknown, Val::Unknown]);
        let Outcome::Next(s) = apply(&ks, &s, &Command::list("k"), Some(&listed(&["k2"]))) else { panic!() };
        assert_eq!(&*s, &[Val::Missing, Val::Present]);
        assert_eq!(apply(&ks, &s, &Command::get("k2"), Some(&value(None))), Outcome::Invalid);
        let Outcome::Next(s) = apply(&ks, &s, &Command::get("k2"), Some(&value(Some("7")))) else { panic!() };
        assert_eq!(&*s, &[Val::Missing, is("7")]);
    }
}
