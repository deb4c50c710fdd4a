//! The replicated key-value state machine each node applies its log to.

use std::collections::BTreeMap;
use std::rc::Rc;

use super::message::Applied;
use super::types::{Command, Entry, Fnv, RequestId};
use crate::util::Chunked;

#[derive(Clone, Debug, Default)]
pub struct KvStore {
    map: BTreeMap<Rc<str>, Rc<str>>,
    /// Results of the client operations applied so far. A client that times
    /// out re-sends the same request, so one operation can reach the log
    /// twice; the second copy must not act again, and returns the first
    /// result so the client's history stays linearizable.
    ///
    /// `done[id]` is the result of request `id` (slot 0 stays empty).
    /// Request ids are the client's operation numbers 1, 2, 3..., so a
    /// vector indexed by id is dense; and it grows with the run, so it is
    /// chunked for checkpoints to share.
    done: Chunked<Option<Applied>>,
    /// A fingerprint of `map`'s contents, kept up to date by every change:
    /// the wrapping sum of one hash per (key, value) pair. Two stores with
    /// the same pairs have the same digest, whatever their history, which
    /// lets the checker compare a node's state with its committed log in
    /// constant time (the `applied-state` invariant).
    digest: u64,
}

/// The hash of one (key, value) pair of the map.
pub fn pair_digest(key: &str, value: &str) -> u64 {
    let mut h = Fnv::new();
    h.str(key);
    h.str(value);
    // FNV is nearly linear in its last bytes; a sum of such hashes would
    // cancel too easily. The splitmix64 finalizer spreads every bit.
    let mut z = h.finish();
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// Where request `id` sits in `done`.
fn slot(id: RequestId) -> usize {
    usize::try_from(id).expect("request ids number client operations")
}

impl KvStore {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn apply(&mut self, entry: &Entry) -> Applied {
        if let Some(request) = entry.request {
            if let Some(previous) = self.result_of(request) {
                return previous.clone();
            }
        }
        let result = match &entry.command {
            Command::Noop => Applied::Done,
            Command::Put { key, value } => {
                if let Some(old) = self.map.insert(key.clone(), value.clone()) {
                    self.digest = self.digest.wrapping_sub(pair_digest(key, &old));
                }
                self.digest = self.digest.wrapping_add(pair_digest(key, value));
                Applied::Done
            }
            Command::Del { key } => {
                if let Some(old) = self.map.remove(key) {
                    self.digest = self.digest.wrapping_sub(pair_digest(key, &old));
                }
                Applied::Done
            }
            Command::Get { key } => Applied::Value(self.map.get(key).cloned()),
            Command::List { prefix } => Applied::Keys(
                self.map
                    .range::<str, _>((std::ops::Bound::Included(&**prefix), std::ops::Bound::Unbounded))
                    .take_while(|(k, _)| k.starts_with(&**prefix))
                    .map(|(k, _)| k.clone())
                    .collect(),
            ),
        };
        if let Some(request) = entry.request {
            let i = slot(request);
            if i >= self.done.len() {
                self.done.resize(i + 1, None);
            }
            *self.done.get_mut(i).expect("grown to hold it") = Some(result.clone());
        }
        result
    }

    /// The result of a client operation already applied, if it was.
    pub fn result_of(&self, request: RequestId) -> Option<&Applied> {
        self.done.get(slot(request))?.as_ref()
    }

    /// The fingerprint of the key-value pairs (see the field): 0 when empty.
    pub fn digest(&self) -> u64 {
        self.digest
    }

    pub fn get(&self, key: &str) -> Option<&str> {
        self.map.get(key).map(|v| &**v)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.map.iter().map(|(k, v)| (&**k, &**v))
    }

    pub fn len(&self) -> usize {
        self.map.len()
    }

    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(command: Command, request: Option<RequestId>) -> Entry {
        Entry { term: 1, command, request }
    }

    #[test]
    fn put_get_del_list() {
        let mut kv = KvStore::new();
        kv.apply(&entry(Command::put("/registry/pods/a", "1"), Some(1)));
        kv.apply(&entry(Command::put("/registry/pods/b", "2"), Some(2)));
        kv.apply(&entry(Command::put("/registry/svc/c", "3"), Some(3)));
        assert_eq!(kv.apply(&entry(Command::get("/registry/pods/b"), Some(4))), Applied::Value(Some("2".into())));
        let keys = kv.apply(&entry(Command::list("/registry/pods/"), Some(5)));
        assert_eq!(keys.to_string(), "keys [/registry/pods/a /registry/pods/b]");
        kv.apply(&entry(Command::del("/registry/pods/a"), Some(6)));
        assert_eq!(kv.get("/registry/pods/a"), None);
        assert_eq!(kv.len(), 2);
    }

    #[test]
    fn the_digest_depends_on_the_pairs_only() {
        let recomputed = |kv: &KvStore| kv.iter().fold(0u64, |d, (k, v)| d.wrapping_add(pair_digest(k, v)));
        let mut a = KvStore::new();
        let mut b = KvStore::new();
        assert_eq!(a.digest(), 0);
        a.apply(&entry(Command::put("x", "1"), Some(1)));
        a.apply(&entry(Command::put("y", "2"), Some(2)));
        a.apply(&entry(Command::put("x", "3"), Some(3)));
        b.apply(&entry(Command::put("y", "2"), Some(1)));
        b.apply(&entry(Command::put("z", "9"), Some(2)));
        b.apply(&entry(Command::put("x", "3"), Some(3)));
        assert_ne!(a.digest(), b.digest());
        b.apply(&entry(Command::del("z"), Some(4)));
        assert_eq!(a.digest(), b.digest());
        assert_eq!(a.digest(), recomputed(&a));
        a.apply(&entry(Command::del("x"), Some(5)));
        a.apply(&entry(Command::del("y"), Some(6)));
        assert_eq!(a.digest(), 0);
    }

    #[test]
    fn a_retried_request_acts_once_and_returns_the_first_result() {
        let mut kv = KvStore::new();
        kv.apply(&entry(Command::put("x", "1"), Some(1)));
        let first = kv.apply(&entry(Command::get("x"), Some(2)));
        kv.apply(&entry(Command::put("x", "2"), Some(3)));
        // The same request 1 committed again must not overwrite x back to 1.
        kv.apply(&entry(Command::put("x", "1"), Some(1)));
        assert_eq!(kv.get("x"), Some("2"));
        assert_eq!(kv.apply(&entry(Command::get("x"), Some(2))), first);
    }
}
