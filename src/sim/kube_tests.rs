//! The world with a control plane: the Lease Safety check, machine and zone
//! actions, the etcd client's failover.

use crate::check::Invariant;
use crate::kube::{KubeSpec, LeaseName, MachineId, Topology};
use crate::sim::{EventKind, SimError, World, WorldConfig, SECOND};

fn world(spec: KubeSpec, seed: u64) -> World {
    World::new(WorldConfig { kube: Some(spec.clone()), ..WorldConfig::with_nodes(spec.etcd, seed) }).unwrap()
}

fn stacked(zones: &[&str]) -> KubeSpec {
    let mut spec = KubeSpec::new(Topology::Stacked, zones.len() as u8, 0);
    spec.zones = zones.iter().map(|z| z.to_string()).collect();
    spec
}

fn leader(w: &World, lease: LeaseName) -> MachineId {
    match w.lease_leaders(lease)[..] {
        [m] => m,
        ref all => panic!("{} leaders of {lease}", all.len()),
    }
}

#[test]
fn two_instances_leading_at_once_break_lease_safety_once() {
    let mut w = world(stacked(&["a", "b", "c"]), 3);
    w.run_until(20 * SECOND);
    assert!(w.checker().is_clean());
    let holder = leader(&w, LeaseName::Scheduler);
    let other = (holder + 1) % 3;
    // Plant a second leader: the next event, whatever it is, finds both.
    w.force_lease_leader(other, LeaseName::Scheduler);
    w.step();
    let v = &w.checker().violations()[0];
    assert_eq!(v.invariant, Invariant::LeaseSafety);
    assert_eq!(v.event, w.event_count());
    let mut names = [holder, other].map(|m| format!("cp{}", m + 1));
    names.sort();
    assert_eq!(v.detail.to_string(), format!("kube-scheduler acts as leader on {} and {} at once", names[0], names[1]));
    assert!(w.last_effects().iter().any(|e| matches!(e, crate::sim::Effect::Violation(_))));
    // The same overlap goes on: it is one violation, not one per event.
    for _ in 0..50 {
        w.step();
    }
    assert_eq!(w.checker().violations().len(), 1);
}

#[test]
fn a_zone_failure_takes_its_machines_and_members_down_and_restore_brings_them_back() {
    let mut w = world(stacked(&["a", "a", "b"]), 1);
    w.run_until(20 * SECOND);
    assert!(w.apiserver_available());
    w.fail_zone("a").unwrap();
    assert!(matches!(w.last_event().unwrap().kind, EventKind::Machines(_)));
    assert!(!w.slot(1).alive && !w.slot(2).alive && w.slot(3).alive);
    assert!(!w.apiserver_available(), "one member of three is no quorum");
    assert_eq!(w.fail_zone("a"), Err(SimError::ControlPlane("every machine of zone a is already down".into())));
    assert_eq!(w.fail_zone("z"), Err(SimError::ControlPlane("unknown zone z: the zones are a, b".into())));
    // The member of a machine that is down cannot start on its own.
    assert!(w.restart(1).unwrap_err().to_string().contains("machine cp1, which is down"));
    w.restore_zone("a").unwrap();
    assert!(w.slot(1).alive && w.slot(2).alive);
    w.run_until(25 * SECOND);
    assert!(w.apiserver_available());
    assert_eq!(w.restore_zone("a"), Err(SimError::ControlPlane("no machine of zone a is down".into())));
}

#[test]
fn an_isolated_zone_is_a_partition_of_members_and_machines_until_heal() {
    let mut w = world(stacked(&["a", "b", "c"]), 2);
    w.run_until(20 * SECOND);
    w.isolate_zone("b").unwrap();
    assert_eq!(w.network().group_of(2), 1);
    assert_eq!(w.kube().unwrap().group_of(1), 1);
    assert_eq!(w.reachable_members(1), [1, 3]);
    assert!(w.apiserver_available(), "cp1 and cp3 still reach a quorum");
    w.heal();
    assert_eq!(w.kube().unwrap().group_of(1), 0);
    assert_eq!(w.reachable_members(2), [1, 2, 3]);
}

#[test]
fn machine_actions_name_what_is_wrong() {
    let mut plain = World::new(WorldConfig::with_nodes(3, 1)).unwrap();
    assert!(plain.crash_machine(0).unwrap_err().to_string().contains("plain cluster"));
    let mut w = world(KubeSpec::new(Topology::External, 2, 3), 1);
    assert_eq!(w.machine_named("etcd3"), Ok(4));
    assert!(w.machine_named("cp3").unwrap_err().to_string().contains("cp1..cp2, etcd1..etcd3"));
    assert!(w.restart_machine(0).unwrap_err().to_string().contains("running"));
    w.crash_machine(0).unwrap();
    assert!(w.crash_machine(0).unwrap_err().to_string().contains("already down"));
    assert_eq!(w.journal().len(), 1, "failed actions are not journaled");
}

#[test]
fn an_external_apiserver_moves_to_another_etcd_endpoint_when_its_own_fails() {
    let mut w = world(KubeSpec::new(Topology::External, 2, 3), 4);
    w.run_until(20 * SECOND);
    let kube = w.kube().unwrap();
    let first = kube.machine(0).apiserver.as_ref().unwrap().etcd_endpoint();
    w.crash_machine(first).unwrap();
    w.run_until(60 * SECOND);
    let now = w.kube().unwrap().machine(0).apiserver.as_ref().unwrap().etcd_endpoint();
    assert_ne!(now, first, "cp1's apiserver moved on from the failed endpoint");
    // etcd kept its quorum. A controller whose requests hung on the failed
    // member until they timed out may have lost its lease meanwhile; the
    // leases are held again.
    assert!(w.apiserver_available());
    for lease in [LeaseName::ControllerManager, LeaseName::Scheduler] {
        leader(&w, lease);
    }
    assert!(w.checker().is_clean());
}

#[test]
fn a_cloned_world_goes_on_exactly_as_the_original() {
    let mut a = world(stacked(&["a", "b", "c"]), 7);
    a.run_until(10 * SECOND);
    let mut b = a.clone();
    for w in [&mut a, &mut b] {
        w.crash_machine(1).unwrap();
        w.run_until(40 * SECOND);
    }
    assert_eq!(a.event_count(), b.event_count());
    assert_eq!(a.kubectl_get_leases(), b.kubectl_get_leases());
    assert_eq!(format!("{:?}", a.kube()), format!("{:?}", b.kube()));
}
