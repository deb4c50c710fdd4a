//! The load balancer in front of the apiservers (HAProxy in kubeadm's
//! high-availability guide), outside every zone.
//!
//! It checks each apiserver with `GET /healthz` every 2 s (HAProxy's
//! `inter 2s`, each check given as long to answer), marks a backend down
//! after 3 failed checks in a row (`fall 3`) and up again after 2 good ones
//! (`rise 2`); every backend starts up. The first check of each backend
//! comes at a random moment within the first interval, as HAProxy spreads
//! its checks. Requests go to a backend that is up.

use super::msg::{ApiError, ApiVerb, Endpoint, KubeEffect, KubeMsg, Out, Process, TimerKind, TimerSet};
use super::spec::{MachineId, Micros};

pub const CHECK_INTERVAL: Micros = 2_000_000;
pub const FALL: u8 = 3;
pub const RISE: u8 = 2;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Backend {
    pub machine: MachineId,
    pub up: bool,
    /// Consecutive results against the current state.
    streak: u8,
    /// The id of the check in flight.
    checking: Option<u64>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoadBalancer {
    backends: Vec<Backend>,
    next_id: u64,
}

impl LoadBalancer {
    pub fn new(machines: impl IntoIterator<Item = MachineId>) -> LoadBalancer {
        let backends = machines.into_iter().map(|machine| Backend { machine, up: true, streak: 0, checking: None });
        LoadBalancer { backends: backends.collect(), next_id: 0 }
    }

    pub fn backends(&self) -> &[Backend] {
        &self.backends
    }

    /// Whether the load balancer would send a request anywhere.
    pub fn any_up(&self) -> bool {
        self.backends.iter().any(|b| b.up)
    }

    /// Arms the first check of each backend within the first interval.
    pub fn start(&self, out: &mut Out) {
        for b in &self.backends {
            out.timer(TimerKind::HealthCheck(b.machine), TimerSet::Within(CHECK_INTERVAL));
        }
    }

    fn backend(&mut self, machine: MachineId) -> Option<&mut Backend> {
        self.backends.iter_mut().find(|b| b.machine == machine)
    }

    pub fn on_timer(&mut self, kind: TimerKind, out: &mut Out) {
        match kind {
            TimerKind::HealthCheck(m) => {
                self.next_id += 1;
                let id = self.next_id;
                let Some(b) = self.backend(m) else { return };
                if b.checking.is_some() {
                    return;
                }
                b.checking = Some(id);
                out.send(Endpoint::On(m, Process::Apiserver), KubeMsg::Api { id, verb: ApiVerb::Healthz });
                out.timer(TimerKind::HealthTimeout(m), TimerSet::After(CHECK_INTERVAL));
                out.timer(TimerKind::HealthCheck(m), TimerSet::After(CHECK_INTERVAL));
            }
            TimerKind::HealthTimeout(m) => {
                if let Some(id) = self.backend(m).and_then(|b| b.checking) {
                    self.result(m, id, false, out);
                }
            }
            _ => {}
        }
    }

    pub fn on_reply(
        &mut self,
        from: MachineId,
        id: u64,
        result: &Result<Option<super::LeaseObject>, ApiError>,
        out: &mut Out,
    ) {
        self.result(from, id, result.is_ok(), out);
    }

    fn result(&mut self, machine: MachineId, id: u64, healthy: bool, out: &mut Out) {
        let Some(b) = self.backend(machine) else { return };
        if b.checking != Some(id) {
            return;
        }
        b.checking = None;
        out.timer(TimerKind::HealthTimeout(machine), TimerSet::Cancel);
        if healthy == b.up {
            b.streak = 0;
            return;
        }
        b.streak += 1;
        let needed = if b.up { FALL } else { RISE };
        if b.streak >= needed {
            b.up = healthy;
            b.streak = 0;
            out.effects.push(if healthy { KubeEffect::BackendUp(machine) } else { KubeEffect::BackendDown(machine) });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(lb: &mut LoadBalancer, healthy: bool) -> Vec<KubeEffect> {
        let mut out = Out::default();
        lb.on_timer(TimerKind::HealthCheck(0), &mut out);
        let Some((_, KubeMsg::Api { id, .. })) = out.messages.first().cloned() else { panic!("{out:?}") };
        out.clear();
        if healthy {
            lb.on_reply(0, id, &Ok(None), &mut out);
        } else {
            lb.on_timer(TimerKind::HealthTimeout(0), &mut out);
        }
        out.effects
    }

    #[test]
    fn three_failures_take_a_backend_down_and_two_successes_bring_it_back() {
        let mut lb = LoadBalancer::new([0]);
        assert!(lb.any_up());
        assert!(check(&mut lb, false).is_empty());
        assert!(check(&mut lb, true).is_empty(), "a success resets the count");
        assert!(check(&mut lb, false).is_empty());
        assert!(check(&mut lb, false).is_empty());
        assert_eq!(check(&mut lb, false), [KubeEffect::BackendDown(0)]);
        assert!(!lb.any_up());
        assert!(check(&mut lb, true).is_empty());
        assert_eq!(check(&mut lb, true), [KubeEffect::BackendUp(0)]);
    }
}
