//! The replicated state machine each node applies its log to: a thin adapter
//! from log commands to the etcd-like store (`crate::store`), plus the table
//! that makes a retried client request act once.

use std::collections::{BTreeSet, VecDeque};
use std::rc::Rc;

use super::message::Applied;
use super::types::{Command, Entry, RequestId, UNTRACKED_REQUEST};
use crate::store::{Keys, Reply, Request, Response, Store};

#[derive(Clone, Debug, Default)]
pub struct KvStore {
    store: Store,
    /// Which client requests were applied, and the newest results. A client
    /// that times out re-sends the same request, so one operation can reach
    /// the log twice; the second copy must not act again. Requests marked
    /// [`UNTRACKED_REQUEST`] are not in it: each copy acts.
    results: Results,
}

/// Results kept for re-sent requests: the newest this many applied.
pub const RESULT_WINDOW: usize = 128;

/// The state machine's table of client requests, bounded (thesis §6.3
/// keeps one per client session and discards what the client has
/// acknowledged; here the one client's request ids are its operation
/// numbers 1, 2, 3..., applied nearly in order).
///
/// Whether a request was applied is remembered for every request, in
/// little room: a floor below which all were, and the few applied above it.
/// Its result is remembered for the newest [`RESULT_WINDOW`] only: a copy
/// applied again after that does not act again, and answers `ok` for a
/// write (its only result) or reads again for a read, which is still
/// linearizable, since the read's answer has not reached the client and
/// any moment before it does is within the read's interval.
#[derive(Clone, Debug, Default)]
struct Results {
    /// Every request id up to this one has been applied.
    floor: RequestId,
    /// The requests applied above `floor`.
    above: BTreeSet<RequestId>,
    /// The newest results, oldest first.
    recent: VecDeque<(RequestId, Applied)>,
}

impl Results {
    fn applied(&self, request: RequestId) -> bool {
        request <= self.floor || self.above.contains(&request)
    }

    fn get(&self, request: RequestId) -> Option<&Applied> {
        self.recent.iter().rev().find(|(r, _)| *r == request).map(|(_, a)| a)
    }

    fn record(&mut self, request: RequestId, result: Applied) {
        self.above.insert(request);
        while self.above.remove(&(self.floor + 1)) {
            self.floor += 1;
        }
        if self.recent.len() == RESULT_WINDOW {
            self.recent.pop_front();
        }
        self.recent.push_back((request, result));
    }
}

fn tracked(request: RequestId) -> Option<RequestId> {
    (request & UNTRACKED_REQUEST == 0).then_some(request)
}

impl KvStore {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn apply(&mut self, entry: &Entry) -> Applied {
        let request = entry.request.and_then(tracked);
        if let Some(previous) = request.and_then(|r| self.results.get(r)) {
            return previous.clone();
        }
        // A request applied before whose result is forgotten: it must not
        // act again (see `Results`).
        let first = request.is_none_or(|r| !self.results.applied(r));
        let result = match &entry.command {
            Command::Noop => Applied::Done,
            Command::Put { key, value } => {
                if first {
                    self.store.put(key.clone(), value.clone());
                }
                Applied::Done
            }
            Command::Del { key } => {
                if first {
                    self.store.delete_key(key);
                }
                Applied::Done
            }
            Command::Get { key } => Applied::Value(self.store.get(key).map(|kv| kv.value.clone())),
            Command::List { prefix } => {
                Applied::Keys(self.store.range(&Keys::Prefix(prefix.clone())).map(|kv| kv.key.clone()).collect())
            }
            Command::Etcd(etcd) if first || !etcd.is_write() => Applied::Etcd(Rc::new(self.store.apply(etcd))),
            // A forgotten write applied again: its effect is not repeated;
            // it answers `ok` at the store's current revision.
            Command::Etcd(_) => {
                Applied::Etcd(Rc::new(Reply { revision: self.store.revision(), response: Response::Put }))
            }
        };
        if let Some(request) = request.filter(|_| first) {
            self.results.record(request, result.clone());
        }
        result
    }

    /// What a read answers from the state as it is, without a log entry
    /// (the ReadIndex, lease and local reads of thesis §6.4); `None` for a
    /// command that is not a plain read.
    pub fn read(&self, command: &Command) -> Option<Applied> {
        match command {
            Command::Get { key } => Some(Applied::Value(self.store.get(key).map(|kv| kv.value.clone()))),
            Command::List { prefix } => {
                Some(Applied::Keys(self.store.range(&Keys::Prefix(prefix.clone())).map(|kv| kv.key.clone()).collect()))
            }
            Command::Etcd(request) => match &**request {
                Request::Range(range) => Some(Applied::Etcd(Rc::new(self.store.read_range(range)))),
                _ => None,
            },
            _ => None,
        }
    }

    /// The result of a client operation applied recently (one of the newest
    /// [`RESULT_WINDOW`]), if it was.
    pub fn result_of(&self, request: RequestId) -> Option<&Applied> {
        self.results.get(tracked(request)?)
    }

    /// The etcd store itself: revisions, ranges.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// A fingerprint of the key-value pairs, equal for equal states
    /// whatever their history (see `Store::digest`).
    pub fn digest(&self) -> u64 {
        self.store.digest()
    }

    pub fn get(&self, key: &str) -> Option<&str> {
        self.store.get(key).map(|kv| &*kv.value)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.store.iter().map(|kv| (&*kv.key, &*kv.value))
    }

    pub fn len(&self) -> usize {
        self.store.len()
    }

    /// An estimate of what a clone allocates: the store's map, about six
    /// words a key (its B-tree slot and the key-value record; the strings
    /// are shared), and the window of recent results.
    pub fn clone_bytes(&self) -> usize {
        self.len() * 6 * std::mem::size_of::<usize>()
            + self.results.recent.len() * std::mem::size_of::<(RequestId, Applied)>()
            + self.results.above.len() * std::mem::size_of::<RequestId>()
    }

    pub fn is_empty(&self) -> bool {
        self.store.is_empty()
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

    #[test]
    fn the_version_1_commands_move_the_etcd_revisions() {
        let mut kv = KvStore::new();
        kv.apply(&entry(Command::put("a", "1"), Some(1)));
        kv.apply(&entry(Command::put("a", "2"), Some(2)));
        kv.apply(&entry(Command::Noop, None));
        let a = kv.store().get("a").unwrap();
        assert_eq!((a.create_revision, a.mod_revision, a.version), (2, 3, 2));
        kv.apply(&entry(Command::del("a"), Some(3)));
        assert_eq!(kv.store().revision(), 4);
    }

    #[test]
    fn untracked_requests_are_applied_every_time_and_leave_no_slot() {
        let mut kv = KvStore::new();
        let id = UNTRACKED_REQUEST | 5;
        let put = Command::Etcd(Rc::new(crate::store::Request::put("k", "v")));
        let first = kv.apply(&entry(put.clone(), Some(id)));
        let second = kv.apply(&entry(put, Some(id)));
        assert_ne!(first, second, "each copy is applied: the revision moves");
        assert_eq!(kv.store().revision(), 3);
        assert!(kv.result_of(id).is_none());
        assert!(kv.results.recent.is_empty() && kv.results.floor == 0);
    }

    #[test]
    fn the_result_table_stays_bounded_and_a_forgotten_request_still_acts_once() {
        let mut kv = KvStore::new();
        kv.apply(&entry(Command::put("x", "old"), Some(1)));
        kv.apply(&entry(Command::get("x"), Some(2)));
        // Applied out of order: 4 before 3.
        kv.apply(&entry(Command::put("y", "4"), Some(4)));
        kv.apply(&entry(Command::put("y", "3"), Some(3)));
        for id in 5..100_000 {
            kv.apply(&entry(Command::put("z", &id.to_string()), Some(id)));
        }
        assert_eq!(kv.results.recent.len(), RESULT_WINDOW);
        assert!(kv.results.above.is_empty(), "every id up to the newest was applied");
        assert_eq!(kv.results.floor, 99_999);
        assert_eq!(kv.result_of(1), None, "forgotten");
        kv.apply(&entry(Command::put("x", "new"), Some(100_000)));
        // Request 1 committed again, long after: it does not act again.
        assert_eq!(kv.apply(&entry(Command::put("x", "old"), Some(1))), Applied::Done);
        assert_eq!(kv.get("x"), Some("new"));
        assert_eq!(kv.apply(&entry(Command::del("x"), Some(5))), Applied::Done);
        assert_eq!(kv.get("x"), Some("new"));
        // A read applied again reads again.
        assert_eq!(kv.apply(&entry(Command::get("x"), Some(2))), Applied::Value(Some("new".into())));
        // A request never applied does act, however old its id.
        kv.apply(&entry(Command::put("late", "1"), Some(200_000)));
        assert!(!kv.results.applied(150_000));
        assert_eq!(kv.results.above.len(), 1);
    }

    #[test]
    fn the_digest_depends_on_the_pairs_only() {
        let recomputed =
            |kv: &KvStore| kv.iter().fold(0u64, |d, (k, v)| d.wrapping_add(crate::store::pair_digest(k, v)));
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
        // etcd requests change it too: a put, then a delete by prefix.
        a.apply(&entry(Command::Etcd(Rc::new(crate::store::Request::put("k", "v"))), Some(7)));
        assert_eq!(a.digest(), recomputed(&a));
        a.apply(&entry(
            Command::Etcd(Rc::new(crate::store::Request::delete(crate::store::Keys::Prefix("".into())))),
            Some(8),
        ));
        assert_eq!(a.digest(), 0);
    }
}
