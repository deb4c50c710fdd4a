//! client-go's leader election (`tools/leaderelection`) with a `LeaseLock`,
//! as kube-controller-manager and kube-scheduler run it, as a state machine.
//!
//! - **Acquire** (`acquire`, `wait.JitterUntil` with factor 1.2, sliding):
//!   an attempt right away, then one `retry × (1 + 1.2 r)` after each
//!   failed attempt ends.
//! - **An attempt** (`tryAcquireOrRenew`), with `now` read at its start:
//!   the leader first tries the fast path, an update of the record it last
//!   wrote; otherwise `GET` the lease (create it if missing). A record that
//!   differs from the last one seen is *observed* now, on this machine's
//!   clock. A lease held by another is left alone while
//!   `observedTime + leaseDurationSeconds` is after `now`; past that (or if
//!   this instance holds it) the instance `UPDATE`s it, conditional on the
//!   resourceVersion it read: a compare-and-swap on etcd's mod_revision.
//! - **Renew** (`renew`, `wait.Until` then `PollUntilContextTimeout`):
//!   the leader renews right after acquiring, then `retry` after each
//!   successful renewal. A round of renewal tries on a ticker every `retry`
//!   within a context of `renewDeadline`; when the deadline passes without
//!   success, the instance stops leading, and, as kube-controller-manager and
//!   kube-scheduler do in `OnStoppedLeading`, exits (the kubelet restarts it).
//! - Each request has the leader-election client's HTTP timeout,
//!   `max(renewDeadline / 2, 1s)`.

use std::rc::Rc;

use super::lease::{LeaseName, LeaseObject, LeaseRecord};
use super::msg::{ApiError, ApiVerb, Endpoint, KubeEffect, KubeMsg, Out, Process, TimerKind, TimerSet};
use super::spec::{LeaseTimings, MachineId, Micros, JITTER_FACTOR_TENTHS};

const SECOND: Micros = 1_000_000;

/// The request of an attempt in flight.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Call {
    /// The leader's optimistic update of its last record.
    FastUpdate,
    Get,
    Create,
    Update,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Attempt {
    /// The `now` of `tryAcquireOrRenew`, read as the attempt begins.
    now: Micros,
    /// The record it tries to write.
    record: LeaseRecord,
    call: Call,
    request: u64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    Acquiring,
    /// Leading, between renewal rounds (`round` is `None`) or in one.
    Leading {
        round: Option<Round>,
    },
    /// Stopped leading and exited; the process is gone.
    Exited,
}

/// One `PollUntilContextTimeout` of the renew loop.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Round {
    /// Its ticker ticks at `start + k × retry`.
    start: Micros,
    /// When the attempt in progress (or the last one) began.
    attempt_began: Micros,
}

/// One instance of kube-controller-manager or kube-scheduler, as far as
/// leader election goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Elector {
    lease: LeaseName,
    machine: MachineId,
    identity: Rc<str>,
    timings: LeaseTimings,
    phase: Phase,
    attempt: Option<Attempt>,
    /// `observedRecord`, `observedTime`: the last record seen or written,
    /// and when, on this machine's clock.
    observed: Option<LeaseRecord>,
    observed_time: Micros,
    /// `observedRawRecord`: the last record a GET returned.
    observed_raw: Option<LeaseRecord>,
    /// `LeaseLock.lease`: the object last read or written, whose
    /// resourceVersion the next update is conditional on.
    object: Option<LeaseObject>,
    next_request: u64,
    /// When the last renewal round succeeded (or the lease was acquired):
    /// the next round starts a retry period later.
    renewed_at: Micros,
}

impl Elector {
    pub fn new(lease: LeaseName, machine: MachineId, identity: Rc<str>, timings: LeaseTimings) -> Elector {
        Elector {
            lease,
            machine,
            identity,
            timings,
            phase: Phase::Acquiring,
            attempt: None,
            observed: None,
            observed_time: 0,
            observed_raw: None,
            object: None,
            next_request: 0,
            renewed_at: 0,
        }
    }

    pub fn lease(&self) -> LeaseName {
        self.lease
    }

    pub fn identity(&self) -> &Rc<str> {
        &self.identity
    }

    /// Between `OnStartedLeading` and `OnStoppedLeading`: the instance does
    /// its controller's work.
    pub fn is_leading(&self) -> bool {
        matches!(self.phase, Phase::Leading { .. })
    }

    /// While leading: when the renewal round in progress gives up (its
    /// start plus the renew deadline), or between rounds, when the next
    /// round would give up if every attempt of it failed.
    pub fn renew_deadline(&self) -> Option<Micros> {
        match self.phase {
            Phase::Leading { round: Some(round) } => Some(round.start + self.timings.renew_deadline),
            Phase::Leading { round: None } => {
                Some(self.renewed_at + self.timings.retry_period + self.timings.renew_deadline)
            }
            Phase::Acquiring | Phase::Exited => None,
        }
    }

    /// The timings this instance runs with.
    pub fn timings(&self) -> LeaseTimings {
        self.timings
    }

    /// The record this instance last observed, and when.
    pub fn observed(&self) -> Option<(&LeaseRecord, Micros)> {
        self.observed.as_ref().map(|r| (r, self.observed_time))
    }

    /// `IsLeader()`: the last observed holder is this instance.
    fn is_leader(&self) -> bool {
        self.observed.as_ref().is_some_and(|r| r.holder == self.identity)
    }

    /// `isLeaseValid(now)`: the observed lease has not run out on this
    /// machine's clock.
    fn lease_valid(&self, now: Micros) -> bool {
        self.observed.as_ref().is_some_and(|r| self.observed_time + r.duration_seconds * SECOND > now)
    }

    fn apiserver(&self) -> Endpoint {
        // kubeadm points the controllers at their own machine's apiserver.
        Endpoint::On(self.machine, Process::Apiserver)
    }

    /// The process starts: `acquire` makes its first attempt at once.
    pub fn start(&mut self, now: Micros, out: &mut Out) {
        self.try_acquire_or_renew(now, out);
    }

    pub fn on_timer(&mut self, kind: TimerKind, now: Micros, out: &mut Out) {
        match kind {
            TimerKind::Retry => match self.phase {
                Phase::Acquiring => self.try_acquire_or_renew(now, out),
                Phase::Leading { round: None } => self.begin_round(now, out),
                Phase::Leading { round: Some(mut round) } => {
                    round.attempt_began = now;
                    self.phase = Phase::Leading { round: Some(round) };
                    self.try_acquire_or_renew(now, out);
                }
                Phase::Exited => {}
            },
            TimerKind::RequestTimeout => {
                if let Some(a) = &self.attempt {
                    let request = a.request;
                    self.on_reply(request, Err(ApiError::Timeout), now, out);
                }
            }
            TimerKind::RenewDeadline => {
                if let Phase::Leading { round: Some(_) } = self.phase {
                    // The context ends: the request in flight is cancelled,
                    // the poll returns an error, the instance stops leading.
                    self.attempt = None;
                    self.phase = Phase::Exited;
                    out.timer(TimerKind::Retry, TimerSet::Cancel);
                    out.timer(TimerKind::RequestTimeout, TimerSet::Cancel);
                    out.effects.push(KubeEffect::StoppedLeading { lease: self.lease, machine: self.machine });
                    out.exited = true;
                }
            }
            _ => {}
        }
    }

    /// A renewal round: a context of `renewDeadline`, an attempt at once.
    fn begin_round(&mut self, now: Micros, out: &mut Out) {
        self.phase = Phase::Leading { round: Some(Round { start: now, attempt_began: now }) };
        out.timer(TimerKind::RenewDeadline, TimerSet::After(self.timings.renew_deadline));
        self.try_acquire_or_renew(now, out);
    }

    /// `tryAcquireOrRenew`: starts an attempt; its result comes with the replies.
    fn try_acquire_or_renew(&mut self, now: Micros, out: &mut Out) {
        let record = LeaseRecord {
            holder: self.identity.clone(),
            duration_seconds: self.timings.duration_seconds(),
            acquire_time: now,
            renew_time: now,
            transitions: 0,
        };
        let mut attempt = Attempt { now, record, call: Call::Get, request: 0 };
        if self.is_leader() && self.lease_valid(now) {
            let observed = self.observed.as_ref().expect("is_leader saw it");
            attempt.record.acquire_time = observed.acquire_time;
            attempt.record.transitions = observed.transitions;
            if let Some(object) = self.update_object(&attempt.record) {
                attempt.call = Call::FastUpdate;
                self.attempt = Some(attempt);
                return self.send(ApiVerb::UpdateLease(self.lease, object), out);
            }
        }
        self.attempt = Some(attempt);
        self.send(ApiVerb::GetLease(self.lease), out);
    }

    /// `LeaseLock.Update`: the last object read or written, with a new spec.
    fn update_object(&self, record: &LeaseRecord) -> Option<LeaseObject> {
        self.object.as_ref().map(|o| LeaseObject { record: record.clone(), ..o.clone() })
    }

    fn send(&mut self, verb: ApiVerb, out: &mut Out) {
        self.next_request += 1;
        let id = self.next_request;
        if let Some(a) = &mut self.attempt {
            a.request = id;
        }
        out.send(self.apiserver(), KubeMsg::Api { id, verb });
        out.timer(TimerKind::RequestTimeout, TimerSet::After(self.timings.request_timeout()));
    }

    /// `setObservedRecord`: remembers the record and the time it was seen.
    fn set_observed(&mut self, record: LeaseRecord, now: Micros) {
        self.observed = Some(record);
        self.observed_time = now;
    }

    pub fn on_reply(&mut self, id: u64, result: Result<Option<LeaseObject>, ApiError>, now: Micros, out: &mut Out) {
        let Some(attempt) = self.attempt.clone().filter(|a| a.request == id) else {
            // An answer to a request already given up on.
            return;
        };
        out.timer(TimerKind::RequestTimeout, TimerSet::Cancel);
        match (attempt.call, result) {
            (Call::FastUpdate | Call::Update | Call::Create, Ok(Some(object))) => {
                self.object = Some(object);
                self.set_observed(attempt.record, now);
                self.finish(true, now, out);
            }
            (Call::FastUpdate, _) => {
                // "Failed to update lease optimistically, falling back to
                // slow path": the same attempt goes on with a GET.
                self.attempt = Some(Attempt { call: Call::Get, ..attempt });
                self.send(ApiVerb::GetLease(self.lease), out);
            }
            (Call::Get, Err(ApiError::NotFound)) => {
                self.attempt = Some(Attempt { call: Call::Create, ..attempt.clone() });
                self.send(ApiVerb::CreateLease(self.lease, attempt.record), out);
            }
            (Call::Get, Ok(Some(object))) => {
                let old = object.record.clone();
                self.object = Some(object);
                if self.observed_raw.as_ref() != Some(&old) {
                    self.set_observed(old.clone(), now);
                    self.observed_raw = Some(old.clone());
                }
                if !old.holder.is_empty() && self.lease_valid(attempt.now) && !self.is_leader() {
                    // "Lease is held by ... and has not yet expired".
                    return self.finish(false, now, out);
                }
                let mut record = attempt.record.clone();
                if self.is_leader() {
                    record.acquire_time = old.acquire_time;
                    record.transitions = old.transitions;
                } else {
                    record.transitions = old.transitions + 1;
                }
                let object = self.update_object(&record).expect("just read");
                self.attempt = Some(Attempt { call: Call::Update, record, ..attempt });
                self.send(ApiVerb::UpdateLease(self.lease, object), out);
            }
            (Call::Get | Call::Create | Call::Update, _) => self.finish(false, now, out),
        }
    }

    /// The end of an attempt.
    fn finish(&mut self, succeeded: bool, now: Micros, out: &mut Out) {
        self.attempt = None;
        match self.phase {
            Phase::Acquiring if succeeded => {
                self.phase = Phase::Leading { round: None };
                self.renewed_at = now;
                out.effects.push(KubeEffect::StartedLeading {
                    lease: self.lease,
                    machine: self.machine,
                    identity: self.identity.clone(),
                });
                // `renew` runs its first round at once.
                self.begin_round(now, out);
            }
            Phase::Acquiring => {
                let base = self.timings.retry_period;
                out.timer(TimerKind::Retry, TimerSet::Jittered { base, factor_tenths: JITTER_FACTOR_TENTHS });
            }
            Phase::Leading { round: Some(_) } if succeeded => {
                // The round is over; `wait.Until` runs the next one a retry
                // period later.
                self.phase = Phase::Leading { round: None };
                self.renewed_at = now;
                out.timer(TimerKind::RenewDeadline, TimerSet::Cancel);
                out.timer(TimerKind::Retry, TimerSet::After(self.timings.retry_period));
            }
            Phase::Leading { round: Some(round) } => {
                // The ticker ticks every retry period from the round's
                // start; a tick that came during the attempt is waiting, so
                // the next attempt starts at once.
                let retry = self.timings.retry_period;
                let next_tick = round.start + ((round.attempt_began - round.start) / retry + 1) * retry;
                out.timer(TimerKind::Retry, TimerSet::After(next_tick.saturating_sub(now)));
            }
            Phase::Leading { round: None } | Phase::Exited => {}
        }
    }

    /// Makes this instance lead now, whatever the lease says: only for
    /// tests that plant a second leader to see the checker catch it.
    #[cfg(test)]
    pub(crate) fn force_leading(&mut self) {
        self.phase = Phase::Leading { round: None };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: Micros = SECOND;

    fn elector() -> Elector {
        Elector::new(LeaseName::Scheduler, 1, "cp2_x".into(), LeaseTimings::default())
    }

    /// The API request the elector sent last, answering it `result`.
    fn sent(out: &Out) -> (u64, ApiVerb) {
        match out.messages.last() {
            Some((Endpoint::On(1, Process::Apiserver), KubeMsg::Api { id, verb })) => (*id, verb.clone()),
            other => panic!("expected an API request to the local apiserver, got {other:?}"),
        }
    }

    fn object(holder: &str, renew: Micros, rv: i64) -> LeaseObject {
        LeaseObject {
            name: LeaseName::Scheduler,
            record: LeaseRecord {
                holder: holder.into(),
                duration_seconds: 15,
                acquire_time: 0,
                renew_time: renew,
                transitions: 0,
            },
            created: 0,
            resource_version: rv,
        }
    }

    #[test]
    fn a_candidate_waits_the_lease_duration_from_its_own_observation() {
        let mut e = elector();
        let mut out = Out::default();
        e.start(100 * S, &mut out);
        let (id, verb) = sent(&out);
        assert_eq!(verb, ApiVerb::GetLease(LeaseName::Scheduler));
        // The holder's record, first seen now: held for 15 s from now.
        out.clear();
        e.on_reply(id, Ok(Some(object("cp1_y", 99 * S, 5))), 100 * S, &mut out);
        assert!(out.messages.is_empty(), "held and not expired: no update");
        assert!(
            matches!(out.timers[..], [(_, _), (TimerKind::Retry, TimerSet::Jittered { base, factor_tenths: 12 })] if base == 2 * S)
        );
        // 14 s later the same record: still valid (observed at 100 s).
        out.clear();
        e.on_timer(TimerKind::Retry, 114 * S, &mut out);
        let (id, _) = sent(&out);
        out.clear();
        e.on_reply(id, Ok(Some(object("cp1_y", 99 * S, 5))), 114 * S, &mut out);
        assert!(out.messages.is_empty());
        // At 115.5 s it has run out: update it, conditional on rv 5.
        out.clear();
        e.on_timer(TimerKind::Retry, 115_500_000, &mut out);
        let (id, _) = sent(&out);
        out.clear();
        e.on_reply(id, Ok(Some(object("cp1_y", 99 * S, 5))), 115_500_000, &mut out);
        let (id, verb) = sent(&out);
        let ApiVerb::UpdateLease(_, update) = verb else { panic!("{verb:?}") };
        assert_eq!((update.resource_version, &*update.record.holder, update.record.transitions), (5, "cp2_x", 1));
        out.clear();
        e.on_reply(id, Ok(Some(LeaseObject { resource_version: 9, ..update })), 115_600_000, &mut out);
        assert!(e.is_leading());
        assert!(matches!(out.effects[..], [KubeEffect::StartedLeading { .. }]));
        // It renews at once, by the fast path, on rv 9.
        let (_, verb) = sent(&out);
        assert!(matches!(verb, ApiVerb::UpdateLease(_, ref o) if o.resource_version == 9), "{verb:?}");
    }

    #[test]
    fn a_new_record_restarts_the_wait() {
        let mut e = elector();
        let mut out = Out::default();
        e.start(0, &mut out);
        let (id, _) = sent(&out);
        e.on_reply(id, Ok(Some(object("cp1_y", 0, 5))), 0, &mut out);
        out.clear();
        // The holder renewed: a different record, observed at 10 s.
        e.on_timer(TimerKind::Retry, 10 * S, &mut out);
        let (id, _) = sent(&out);
        e.on_reply(id, Ok(Some(object("cp1_y", 9 * S, 6))), 10 * S, &mut out);
        out.clear();
        e.on_timer(TimerKind::Retry, 20 * S, &mut out);
        let (id, _) = sent(&out);
        out.clear();
        e.on_reply(id, Ok(Some(object("cp1_y", 9 * S, 6))), 20 * S, &mut out);
        assert!(out.messages.is_empty(), "observed at 10 s: valid until 25 s");
    }

    #[test]
    fn a_missing_lease_is_created() {
        let mut e = elector();
        let mut out = Out::default();
        e.start(S, &mut out);
        let (id, _) = sent(&out);
        out.clear();
        e.on_reply(id, Err(ApiError::NotFound), S, &mut out);
        let (id, verb) = sent(&out);
        assert!(matches!(verb, ApiVerb::CreateLease(_, ref r) if &*r.holder == "cp2_x" && r.renew_time == S));
        e.on_reply(id, Ok(Some(object("cp2_x", S, 2))), S + 10, &mut out);
        assert!(e.is_leading());
    }

    /// Acquires at 0 and returns the elector, leading, with its first
    /// renewal (sent at once) succeeded at 0.
    fn leader() -> (Elector, Out) {
        let mut e = elector();
        let mut out = Out::default();
        e.start(0, &mut out);
        let (id, _) = sent(&out);
        e.on_reply(id, Err(ApiError::NotFound), 0, &mut out);
        let (id, _) = sent(&out);
        e.on_reply(id, Ok(Some(object("cp2_x", 0, 2))), 0, &mut out);
        let (id, verb) = sent(&out);
        let ApiVerb::UpdateLease(_, o) = verb else { panic!() };
        out.clear();
        e.on_reply(id, Ok(Some(LeaseObject { resource_version: 3, ..o })), 0, &mut out);
        (e, out)
    }

    #[test]
    fn the_leader_renews_every_retry_period_and_quits_at_the_renew_deadline() {
        let (mut e, mut out) = leader();
        assert!(out.timers.contains(&(TimerKind::Retry, TimerSet::After(2 * S))), "{:?}", out.timers);
        out.clear();
        // The next round starts at 2 s; its update times out at 7 s (5 s).
        e.on_timer(TimerKind::Retry, 2 * S, &mut out);
        assert!(out.timers.contains(&(TimerKind::RenewDeadline, TimerSet::After(10 * S))));
        out.clear();
        e.on_timer(TimerKind::RequestTimeout, 7 * S, &mut out);
        // The fast path failed: the same attempt falls back to a GET.
        let (_, verb) = sent(&out);
        assert_eq!(verb, ApiVerb::GetLease(LeaseName::Scheduler));
        out.clear();
        e.on_timer(TimerKind::RequestTimeout, 12 * S, &mut out);
        // The deadline of the round (2 s + 10 s) passes first in the world;
        // here the GET's timeout came at the same instant.
        out.clear();
        e.on_timer(TimerKind::RenewDeadline, 12 * S, &mut out);
        assert!(!e.is_leading());
        assert!(out.exited);
        assert!(matches!(out.effects[..], [KubeEffect::StoppedLeading { .. }]));
    }

    #[test]
    fn a_failed_renewal_retries_on_the_round_ticker() {
        let (mut e, mut out) = leader();
        out.clear();
        e.on_timer(TimerKind::Retry, 2 * S, &mut out);
        let (id, _) = sent(&out);
        out.clear();
        // A conflict, answered fast: the fallback GET ...
        e.on_reply(id, Err(ApiError::Conflict), 2 * S + 30_000, &mut out);
        let (id, _) = sent(&out);
        out.clear();
        // ... fails too; the next try is at the next tick, 4 s.
        e.on_reply(id, Err(ApiError::Internal), 2 * S + 60_000, &mut out);
        assert_eq!(
            out.timers,
            [(TimerKind::RequestTimeout, TimerSet::Cancel), (TimerKind::Retry, TimerSet::After(2 * S - 60_000))]
        );
    }
}
