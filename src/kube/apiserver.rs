//! kube-apiserver, as far as leases and health go: it turns API requests
//! into etcd requests and etcd's replies into API answers.
//!
//! - `GET` a lease is a range of its key (a quorum read: the apiserver reads
//!   from etcd, not from a cache, when no resourceVersion is given).
//! - `CREATE` is the transaction `if mod_revision(key) = 0 then put else get`
//!   (the key must not exist), `UPDATE` is `if mod_revision(key) =
//!   resourceVersion then put else get`: optimistic concurrency, a conflict
//!   (409) when someone else wrote first.
//! - `GET /healthz` reads etcd's health key with a 2 s timeout
//!   (`--etcd-healthcheck-timeout`).
//!
//! Its etcd client knows the endpoints the apiserver was given: its own
//! machine's member when stacked (`--etcd-servers=https://127.0.0.1:2379`),
//! every member when external. It sends each request to the endpoint it is
//! using and moves on to the next one when a request fails (no answer in
//! time, or etcd's "request timed out"), as etcd's client leaves an
//! endpoint that stops answering.

use std::rc::Rc;

use super::lease::{LeaseName, LeaseObject};
use super::msg::{etcd_id, ApiError, ApiVerb, Endpoint, EtcdError, KubeMsg, Out, Process, TimerKind, TimerSet};
use super::spec::{MachineId, Micros};
use crate::raft::RequestId;
use crate::store::{Compare, CompareOp, Reply, Request, Response, Target, TxnRequest};

/// `--etcd-healthcheck-timeout`.
pub const HEALTH_TIMEOUT: Micros = 2_000_000;
/// How long the apiserver waits on etcd for a lease request: the
/// leader-election client gives up after 5 s anyway (its HTTP timeout).
pub const REQUEST_TIMEOUT: Micros = 5_000_000;
/// The key the health check reads.
pub const HEALTH_KEY: &str = "health";

#[derive(Clone, Debug, PartialEq, Eq)]
struct Pending {
    client: Endpoint,
    id: u64,
    verb: ApiVerb,
    /// What a create writes (with its creation time).
    created: Option<LeaseObject>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Apiserver {
    machine: MachineId,
    /// The machines of the etcd endpoints it was given.
    endpoints: Vec<MachineId>,
    /// The endpoint in use, an index into `endpoints`.
    current: usize,
    /// Requests sent to etcd and not yet answered (a handful).
    pending: Vec<(RequestId, Pending)>,
    next_seq: u64,
}

impl Apiserver {
    /// `first` is the endpoint it starts with.
    pub fn new(machine: MachineId, endpoints: Vec<MachineId>, first: usize) -> Apiserver {
        assert!(!endpoints.is_empty(), "an apiserver needs an etcd endpoint");
        let current = first % endpoints.len();
        Apiserver { machine, endpoints, current, pending: Vec::new(), next_seq: 0 }
    }

    /// The etcd member's machine it sends requests to now.
    pub fn etcd_endpoint(&self) -> MachineId {
        self.endpoints[self.current]
    }

    /// A request from `client`, at `now` on this machine's clock.
    pub fn on_request(&mut self, client: Endpoint, id: u64, verb: ApiVerb, now: Micros, out: &mut Out) {
        let mut created = None;
        let (request, timeout) = match &verb {
            ApiVerb::GetLease(name) => (Request::get(&name.key()), REQUEST_TIMEOUT),
            ApiVerb::CreateLease(name, record) => {
                // The apiserver stamps the creation time, in whole seconds.
                let stamp = now / 1_000_000 * 1_000_000;
                let object = LeaseObject { name: *name, record: record.clone(), created: stamp, resource_version: 0 };
                let request = conditional_put(*name, 0, &object);
                created = Some(object);
                (request, REQUEST_TIMEOUT)
            }
            ApiVerb::UpdateLease(name, object) => {
                (conditional_put(*name, object.resource_version, object), REQUEST_TIMEOUT)
            }
            ApiVerb::Healthz => (Request::get(HEALTH_KEY), HEALTH_TIMEOUT),
        };
        self.next_seq += 1;
        let etcd = etcd_id(self.machine, self.next_seq);
        self.pending.push((etcd, Pending { client, id, verb, created }));
        let to = Endpoint::On(self.etcd_endpoint(), Process::Etcd);
        out.send(to, KubeMsg::EtcdRequest { id: etcd, request: Rc::new(request) });
        out.timer(TimerKind::EtcdTimeout(etcd), TimerSet::After(timeout));
    }

    pub fn on_etcd_reply(&mut self, id: RequestId, result: Result<Rc<Reply>, EtcdError>, out: &mut Out) {
        let Some(p) = self.take(id) else {
            return;
        };
        out.timer(TimerKind::EtcdTimeout(id), TimerSet::Cancel);
        let answer = match result {
            Ok(reply) => answer(&p, &reply),
            Err(EtcdError::Timeout) => {
                self.fail_over();
                Err(ApiError::Internal)
            }
            // The member is up but knows no leader yet: no reason to leave it.
            Err(EtcdError::ProposalDropped) => Err(ApiError::Internal),
        };
        out.send(p.client, KubeMsg::ApiReply { id: p.id, result: answer });
    }

    pub fn on_timer(&mut self, kind: TimerKind, out: &mut Out) {
        if let TimerKind::EtcdTimeout(id) = kind {
            if let Some(p) = self.take(id) {
                self.fail_over();
                out.send(p.client, KubeMsg::ApiReply { id: p.id, result: Err(ApiError::Timeout) });
            }
        }
    }

    fn take(&mut self, id: RequestId) -> Option<Pending> {
        let i = self.pending.iter().position(|(p, _)| *p == id)?;
        Some(self.pending.remove(i).1)
    }

    fn fail_over(&mut self) {
        self.current = (self.current + 1) % self.endpoints.len();
    }
}

/// `if mod_revision(key) = rv then put(object) else get(key)`.
fn conditional_put(name: LeaseName, rv: i64, object: &LeaseObject) -> Request {
    let key = name.key();
    Request::Txn(TxnRequest {
        compare: vec![Compare { key: key.as_str().into(), target: Target::ModRevision(rv), op: CompareOp::Equal }],
        success: vec![Request::put(&key, &object.encode())],
        failure: vec![Request::get(&key)],
    })
}

/// etcd's reply to a request, as the API answers it.
fn answer(p: &Pending, reply: &Reply) -> Result<Option<LeaseObject>, ApiError> {
    match (&p.verb, &reply.response) {
        (ApiVerb::Healthz, _) => Ok(None),
        (ApiVerb::GetLease(name), Response::Range { kvs, .. }) => match kvs.first() {
            None => Err(ApiError::NotFound),
            Some(kv) => LeaseObject::decode(*name, &kv.value, kv.mod_revision).map(Some).ok_or(ApiError::Internal),
        },
        (ApiVerb::CreateLease(..), Response::Txn { succeeded, .. }) => match (&p.created, *succeeded) {
            (Some(object), true) => Ok(Some(LeaseObject { resource_version: reply.revision, ..object.clone() })),
            _ => Err(ApiError::AlreadyExists),
        },
        (ApiVerb::UpdateLease(_, object), Response::Txn { succeeded, .. }) => {
            if *succeeded {
                Ok(Some(LeaseObject { resource_version: reply.revision, ..object.clone() }))
            } else {
                Err(ApiError::Conflict)
            }
        }
        _ => Err(ApiError::Internal),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kube::lease::LeaseRecord;
    use crate::store::Store;

    fn record(holder: &str) -> LeaseRecord {
        LeaseRecord { holder: holder.into(), duration_seconds: 15, acquire_time: 1, renew_time: 1, transitions: 0 }
    }

    /// Sends `verb` through the apiserver to `store`, returning the answer.
    fn call(api: &mut Apiserver, store: &mut Store, verb: ApiVerb) -> Result<Option<LeaseObject>, ApiError> {
        let mut out = Out::default();
        let client = Endpoint::On(0, Process::Elector(LeaseName::Scheduler));
        api.on_request(client, 7, verb, 1, &mut out);
        let Some((_, KubeMsg::EtcdRequest { id, request })) = out.messages.pop() else { panic!("{out:?}") };
        let reply = Rc::new(store.apply(&request));
        out.clear();
        api.on_etcd_reply(id, Ok(reply), &mut out);
        match out.messages.pop() {
            Some((to, KubeMsg::ApiReply { id: 7, result })) if to == client => result,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn leases_are_created_read_and_updated_with_optimistic_concurrency() {
        let mut api = Apiserver::new(0, vec![0], 0);
        let mut store = Store::new();
        let name = LeaseName::Scheduler;
        assert_eq!(call(&mut api, &mut store, ApiVerb::GetLease(name)), Err(ApiError::NotFound));
        let created = call(&mut api, &mut store, ApiVerb::CreateLease(name, record("a"))).unwrap().unwrap();
        assert_eq!(created.resource_version, 2);
        assert_eq!(call(&mut api, &mut store, ApiVerb::CreateLease(name, record("b"))), Err(ApiError::AlreadyExists));
        let read = call(&mut api, &mut store, ApiVerb::GetLease(name)).unwrap().unwrap();
        assert_eq!(read, created);
        // Two updates from the same read: the first wins, the second conflicts.
        let mine = LeaseObject { record: record("a"), ..read.clone() };
        let theirs = LeaseObject { record: record("b"), ..read };
        let updated = call(&mut api, &mut store, ApiVerb::UpdateLease(name, mine)).unwrap().unwrap();
        assert_eq!(updated.resource_version, 3);
        assert_eq!(call(&mut api, &mut store, ApiVerb::UpdateLease(name, theirs)), Err(ApiError::Conflict));
        // A value that is not a lease is a server error.
        store.apply(&Request::put(&name.key(), "garbage"));
        assert_eq!(call(&mut api, &mut store, ApiVerb::GetLease(name)), Err(ApiError::Internal));
    }

    #[test]
    fn a_request_etcd_does_not_answer_times_out_and_the_client_moves_on() {
        let mut api = Apiserver::new(0, vec![3, 4, 5], 1);
        assert_eq!(api.etcd_endpoint(), 4);
        let mut out = Out::default();
        api.on_request(Endpoint::LoadBalancer, 1, ApiVerb::Healthz, 0, &mut out);
        let (to, timer) = (out.messages[0].0, out.timers[0]);
        assert_eq!(to, Endpoint::On(4, Process::Etcd));
        let TimerKind::EtcdTimeout(id) = timer.0 else { panic!() };
        assert_eq!(timer.1, TimerSet::After(HEALTH_TIMEOUT));
        out.clear();
        api.on_timer(TimerKind::EtcdTimeout(id), &mut out);
        assert!(matches!(
            &out.messages[..],
            [(Endpoint::LoadBalancer, KubeMsg::ApiReply { result: Err(ApiError::Timeout), .. })]
        ));
        assert_eq!(api.etcd_endpoint(), 5);
        // A late reply to the abandoned request is dropped.
        out.clear();
        api.on_etcd_reply(id, Err(EtcdError::Timeout), &mut out);
        assert!(out.messages.is_empty());
    }
}
