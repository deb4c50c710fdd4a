//! An etcd-like key-value store: what each etcd member applies its Raft log
//! to. It depends on nothing in `raft`: the node's state machine
//! (`raft::kv`) is a thin adapter from log commands to [`Store::apply`].
//!
//! Like etcd's `mvcc` store it keeps a revision, the store's logical clock,
//! that rises by one with every change (a put, a delete that deleted
//! something, a transaction that wrote), and for each key the revision that
//! created it, the revision that last changed it and its version (writes
//! since creation). Unlike etcd it keeps only the newest value of each key:
//! there is no history, so no reads at an older revision, no watch and no
//! compaction. Ranges, deletes with a prefix, and transactions with compares
//! on a key's revisions, version or value work as etcd's do.
//!
//! - [`request`]: requests and replies, shaped as etcd's KV service shapes them;
//! - [`etcdctl`]: etcdctl's command line and its printers.

pub mod etcdctl;
pub mod request;

use std::collections::btree_map::Entry;
use std::collections::BTreeMap;
use std::ops::Bound;
use std::rc::Rc;

pub use request::{
    Compare, CompareOp, DeleteRequest, KeyValue, Keys, PutRequest, RangeRequest, Reply, Request, Response, Revision,
    Target, TxnRequest,
};

/// The revision of an empty store, as etcd reports it before any write.
pub const FIRST_REVISION: Revision = 1;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Store {
    kvs: BTreeMap<Rc<str>, KeyValue>,
    revision: Revision,
    /// A fingerprint of the (key, value) pairs, kept up to date by every
    /// change: the wrapping sum of one [`pair_digest`] per pair. Two stores
    /// with the same pairs have the same digest, whatever their history,
    /// which lets the checker compare a node's state with its committed log
    /// in constant time (the `applied-state` invariant).
    digest: u64,
}

/// The hash of one (key, value) pair of a store.
pub fn pair_digest(key: &str, value: &str) -> u64 {
    // FNV-1a, then the splitmix64 finalizer: FNV is nearly linear in its
    // last bytes, so a sum of plain FNV hashes would cancel too easily.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for part in [key, value] {
        for b in (part.len() as u64).to_le_bytes().into_iter().chain(part.bytes()) {
            h ^= b as u64;
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    h = (h ^ (h >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    h = (h ^ (h >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    h ^ (h >> 31)
}

impl Default for Store {
    fn default() -> Self {
        Store { kvs: BTreeMap::new(), revision: FIRST_REVISION, digest: 0 }
    }
}

impl Store {
    pub fn new() -> Self {
        Self::default()
    }

    /// The revision of the last change (1 for an empty store).
    pub fn revision(&self) -> Revision {
        self.revision
    }

    /// The fingerprint of the store's (key, value) pairs (see `digest`).
    pub fn digest(&self) -> u64 {
        self.digest
    }

    fn remove(&mut self, key: &str) -> bool {
        match self.kvs.remove(key) {
            Some(old) => {
                self.digest = self.digest.wrapping_sub(pair_digest(key, &old.value));
                true
            }
            None => false,
        }
    }

    pub fn get(&self, key: &str) -> Option<&KeyValue> {
        self.kvs.get(key)
    }

    /// Every key in order, with its value and revisions.
    pub fn iter(&self) -> impl Iterator<Item = &KeyValue> {
        self.kvs.values()
    }

    pub fn len(&self) -> usize {
        self.kvs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.kvs.is_empty()
    }

    /// The keys `keys` names, in order.
    pub fn range<'a>(&'a self, keys: &'a Keys) -> impl Iterator<Item = &'a KeyValue> + 'a {
        let start: &str = match keys {
            Keys::Key(k) | Keys::Prefix(k) => k,
        };
        self.kvs.range::<str, _>((Bound::Included(start), Bound::Unbounded)).map(|(_, kv)| kv).take_while(move |kv| {
            match keys {
                Keys::Key(k) => kv.key == *k,
                Keys::Prefix(p) => kv.key.starts_with(&**p),
            }
        })
    }

    /// Writes `key` at the next revision. (The same as applying a put,
    /// without building a request: the path every version-1 `put` takes.)
    pub fn put(&mut self, key: Rc<str>, value: Rc<str>) {
        Writer { store: self, wrote: false }.put(key, value);
        self.revision += 1;
    }

    /// Deletes one key; whether it was there (the revision moves if so).
    pub fn delete_key(&mut self, key: &str) -> bool {
        let deleted = self.remove(key);
        self.revision += i64::from(deleted);
        deleted
    }

    /// Answers a range request from the store as it is, at its current
    /// revision (a read served outside the log: ReadIndex).
    pub fn read_range(&self, request: &RangeRequest) -> Reply {
        Reply { revision: self.revision, response: range_response(self, request) }
    }

    /// Applies one request and answers it with the revision it leaves the
    /// store at. A write that changes nothing (deleting a missing key, a
    /// transaction whose branch only reads) leaves the revision as it was.
    pub fn apply(&mut self, request: &Request) -> Reply {
        let mut writer = Writer { store: self, wrote: false };
        let response = writer.apply(request);
        let revision = if writer.wrote { self.revision + 1 } else { self.revision };
        self.revision = revision;
        Reply { revision, response }
    }
}

fn range_response(store: &Store, r: &RangeRequest) -> Response {
    let kvs: Vec<KeyValue> = store
        .range(&r.keys)
        .map(|kv| if r.keys_only { KeyValue { value: "".into(), ..kv.clone() } } else { kv.clone() })
        .collect();
    Response::Range { count: kvs.len() as i64, kvs }
}

/// One request being applied: every change it makes carries the same new
/// revision (a transaction is one change), and reads see the changes made
/// before them in the same transaction, as in etcd.
struct Writer<'a> {
    store: &'a mut Store,
    wrote: bool,
}

impl Writer<'_> {
    /// The revision this request's changes carry.
    fn next(&self) -> Revision {
        self.store.revision + 1
    }

    fn apply(&mut self, request: &Request) -> Response {
        match request {
            Request::Range(r) => range_response(self.store, r),
            Request::Put(p) => {
                self.put(p.key.clone(), p.value.clone());
                Response::Put
            }
            Request::Delete(d) => {
                let doomed: Vec<Rc<str>> = self.store.range(&d.keys).map(|kv| kv.key.clone()).collect();
                for key in &doomed {
                    self.store.remove(key);
                }
                self.wrote |= !doomed.is_empty();
                Response::Delete { deleted: doomed.len() as i64 }
            }
            Request::Txn(t) => {
                let succeeded = t.compare.iter().all(|c| self.holds(c));
                let branch = if succeeded { &t.success } else { &t.failure };
                let responses = branch.iter().map(|r| self.apply(r)).collect();
                Response::Txn { succeeded, responses }
            }
        }
    }

    fn put(&mut self, key: Rc<str>, value: Rc<str>) {
        let revision = self.next();
        let store = &mut *self.store;
        store.digest = store.digest.wrapping_add(pair_digest(&key, &value));
        match store.kvs.entry(key) {
            Entry::Occupied(mut e) => {
                let kv = e.get_mut();
                store.digest = store.digest.wrapping_sub(pair_digest(&kv.key, &kv.value));
                kv.value = value;
                kv.mod_revision = revision;
                kv.version += 1;
            }
            Entry::Vacant(e) => {
                let key = e.key().clone();
                e.insert(KeyValue { key, value, create_revision: revision, mod_revision: revision, version: 1 });
            }
        }
        self.wrote = true;
    }

    /// etcd's `applyCompare`: a missing key compares as all zeros, except
    /// that a compare on the value of a missing key always fails.
    fn holds(&self, c: &Compare) -> bool {
        let kv = self.store.kvs.get(&c.key);
        let ordering = match (&c.target, kv) {
            (Target::Value(_), None) => return false,
            (Target::Value(v), Some(kv)) => kv.value.cmp(v),
            (Target::Version(v), kv) => kv.map_or(0, |kv| kv.version).cmp(v),
            (Target::CreateRevision(r), kv) => kv.map_or(0, |kv| kv.create_revision).cmp(r),
            (Target::ModRevision(r), kv) => kv.map_or(0, |kv| kv.mod_revision).cmp(r),
        };
        match c.op {
            CompareOp::Equal => ordering.is_eq(),
            CompareOp::NotEqual => ordering.is_ne(),
            CompareOp::Greater => ordering.is_gt(),
            CompareOp::Less => ordering.is_lt(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kv(store: &Store, key: &str) -> (i64, i64, i64, String) {
        let kv = store.get(key).expect("the key exists");
        (kv.create_revision, kv.mod_revision, kv.version, kv.value.to_string())
    }

    fn cas(key: &str, mod_revision: Revision, value: &str) -> Request {
        Request::Txn(TxnRequest {
            compare: vec![Compare { key: key.into(), target: Target::ModRevision(mod_revision), op: CompareOp::Equal }],
            success: vec![Request::put(key, value)],
            failure: vec![Request::get(key)],
        })
    }

    #[test]
    fn an_empty_store_is_at_revision_1_and_each_write_adds_one() {
        let mut s = Store::new();
        assert_eq!(s.revision(), 1);
        assert_eq!(s.apply(&Request::put("a", "1")).revision, 2);
        assert_eq!(s.apply(&Request::put("b", "1")).revision, 3);
        assert_eq!(s.apply(&Request::put("a", "2")).revision, 4);
        assert_eq!(kv(&s, "a"), (2, 4, 2, "2".into()));
        assert_eq!(kv(&s, "b"), (3, 3, 1, "1".into()));
        // A read changes nothing.
        assert_eq!(s.apply(&Request::get("a")).revision, 4);
    }

    #[test]
    fn a_deleted_key_starts_over_when_written_again() {
        let mut s = Store::new();
        s.apply(&Request::put("a", "1"));
        s.apply(&Request::put("a", "2"));
        let reply = s.apply(&Request::delete(Keys::Key("a".into())));
        assert_eq!(reply, Reply { revision: 4, response: Response::Delete { deleted: 1 } });
        // Deleting what is not there is no change.
        assert_eq!(s.apply(&Request::delete(Keys::Key("a".into()))).revision, 4);
        s.apply(&Request::put("a", "3"));
        assert_eq!(kv(&s, "a"), (5, 5, 1, "3".into()));
    }

    #[test]
    fn ranges_and_deletes_by_prefix() {
        let mut s = Store::new();
        for key in ["/registry/pods/a", "/registry/pods/b", "/registry/services/c", "/other"] {
            s.apply(&Request::put(key, "v"));
        }
        let keys = |r: &Reply| match &r.response {
            Response::Range { kvs, count } => {
                assert_eq!(*count as usize, kvs.len());
                kvs.iter().map(|kv| (kv.key.to_string(), kv.value.to_string())).collect::<Vec<_>>()
            }
            other => panic!("{other:?}"),
        };
        let pods = s.apply(&Request::range_prefix("/registry/pods/", false));
        assert_eq!(keys(&pods), [("/registry/pods/a".into(), "v".into()), ("/registry/pods/b".into(), "v".into())]);
        let only = s.apply(&Request::range_prefix("/registry/", true));
        assert_eq!(keys(&only).len(), 3);
        assert!(keys(&only).iter().all(|(_, v)| v.is_empty()));
        assert_eq!(keys(&s.apply(&Request::range_prefix("", true))).len(), 4);
        let gone = s.apply(&Request::delete(Keys::Prefix("/registry/".into())));
        assert_eq!(gone.response, Response::Delete { deleted: 3 });
        assert_eq!(s.len(), 1);
    }

    #[test]
    fn compare_and_swap_on_mod_revision_is_optimistic_concurrency() {
        let mut s = Store::new();
        // Create: only if the key does not exist (mod_revision 0).
        let created = s.apply(&cas("lease", 0, "holder=a"));
        assert_eq!(created.revision, 2);
        assert!(matches!(created.response, Response::Txn { succeeded: true, .. }));
        // A second create fails and reads what is there instead.
        let again = s.apply(&cas("lease", 0, "holder=b"));
        assert_eq!(again.revision, 2, "a failed transaction changes nothing");
        let Response::Txn { succeeded: false, responses } = &again.response else { panic!("{again:?}") };
        let Response::Range { kvs, .. } = &responses[0] else { panic!() };
        assert_eq!(kvs[0].mod_revision, 2);
        // Two writers read revision 2; the first update wins, the second is stale.
        assert!(matches!(s.apply(&cas("lease", 2, "holder=a")).response, Response::Txn { succeeded: true, .. }));
        assert!(matches!(s.apply(&cas("lease", 2, "holder=b")).response, Response::Txn { succeeded: false, .. }));
        assert_eq!(kv(&s, "lease"), (2, 3, 2, "holder=a".into()));
    }

    #[test]
    fn a_compare_on_the_value_of_a_missing_key_fails() {
        let s = &mut Store::new();
        let t = |target: Target, op: CompareOp| {
            Request::Txn(TxnRequest {
                compare: vec![Compare { key: "x".into(), target, op }],
                success: vec![],
                failure: vec![],
            })
        };
        let ok = |s: &mut Store, r: Request| matches!(s.apply(&r).response, Response::Txn { succeeded: true, .. });
        assert!(!ok(s, t(Target::Value("".into()), CompareOp::Equal)));
        assert!(ok(s, t(Target::Version(0), CompareOp::Equal)));
        assert!(ok(s, t(Target::CreateRevision(1), CompareOp::Less)));
        s.apply(&Request::put("x", "b"));
        assert!(ok(s, t(Target::Value("a".into()), CompareOp::Greater)));
        assert!(!ok(s, t(Target::Version(1), CompareOp::NotEqual)));
    }

    #[test]
    fn all_changes_of_a_transaction_share_one_revision_and_reads_see_them() {
        let mut s = Store::new();
        let reply = s.apply(&Request::Txn(TxnRequest {
            compare: vec![],
            success: vec![Request::put("a", "1"), Request::put("b", "2"), Request::get("a")],
            failure: vec![],
        }));
        assert_eq!(reply.revision, 2);
        assert_eq!(kv(&s, "a").1, 2);
        assert_eq!(kv(&s, "b").1, 2);
        let Response::Txn { responses, .. } = &reply.response else { panic!() };
        assert!(matches!(&responses[2], Response::Range { count: 1, .. }));
    }

    #[test]
    fn requests_read_as_etcd_methods() {
        assert_eq!(Request::range_prefix("/r/", true).to_string(), "Range(/r/*,keys-only)");
        assert_eq!(Request::put("a", "1").to_string(), "Put(a=1)");
        assert_eq!(cas("k", 3, "v").to_string(), "Txn(mod(k)=3?Put(k=v):Range(k))");
        assert_eq!(Reply { revision: 4, response: Response::Delete { deleted: 2 } }.to_string(), "rev 4 deleted 2");
    }
}
