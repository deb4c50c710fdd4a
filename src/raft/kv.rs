//! The replicated state machine each node applies its log to: a thin adapter
//! from log commands to the etcd-like store (`crate::store`), plus the table
//! that makes a retried client request act once.

use std::rc::Rc;

use super::message::Applied;
use super::types::{Command, Entry, RequestId, UNTRACKED_REQUEST};
use crate::store::{Keys, Store};
use crate::util::Chunked;

#[derive(Clone, Debug, Default)]
pub struct KvStore {
    store: Store,
    /// Results of the client operations applied so far. A client that times
    /// out re-sends the same request, so one operation can reach the log
    /// twice; the second copy must not act again, and returns the first
    /// result so the client's history stays linearizable.
    ///
    /// `done[id]` is the result of request `id` (slot 0 stays empty).
    /// Request ids are the client's operation numbers 1, 2, 3..., so a
    /// vector indexed by id is dense; and it grows with the run, so it is
    /// chunked for checkpoints to share. Requests marked
    /// [`UNTRACKED_REQUEST`] have no slot.
    done: Chunked<Option<Applied>>,
}

/// Where request `id` sits in `done`, if it has a place there.
fn slot(id: RequestId) -> Option<usize> {
    if id & UNTRACKED_REQUEST != 0 {
        return None;
    }
    usize::try_from(id).ok()
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
                self.store.put(key.clone(), value.clone());
                Applied::Done
            }
            Command::Del { key } => {
                self.store.delete_key(key);
                Applied::Done
            }
            Command::Get { key } => Applied::Value(self.store.get(key).map(|kv| kv.value.clone())),
            Command::List { prefix } => {
                Applied::Keys(self.store.range(&Keys::Prefix(prefix.clone())).map(|kv| kv.key.clone()).collect())
            }
            Command::Etcd(request) => Applied::Etcd(Rc::new(self.store.apply(request))),
        };
        if let Some(i) = entry.request.and_then(slot) {
            if i >= self.done.len() {
                self.done.resize(i + 1, None);
            }
            *self.done.get_mut(i).expect("grown to hold it") = Some(result.clone());
        }
        result
    }

    /// The result of a client operation already applied, if it was.
    pub fn result_of(&self, request: RequestId) -> Option<&Applied> {
        self.done.get(slot(request)?)?.as_ref()
    }

    /// The etcd store itself: revisions, ranges.
    pub fn store(&self) -> &Store {
        &self.store
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
        assert_eq!(kv.done.len(), 0);
    }
}
