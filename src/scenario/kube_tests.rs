//! The control plane's forms: the header, the commands, their errors and
//! canonical text, and runs recorded with machine and zone actions.

use super::ast::{Command, Holder, KubeCommand};
use super::parse;
use super::record::record;
use super::runner::{self, Trace};
use crate::kube::{LeaseName, Topology};
use crate::sim::{World, WorldConfig, SECOND};

fn error(text: &str) -> String {
    parse(text).map(|_| ()).unwrap_err().to_string()
}

#[test]
fn the_header_with_every_option_and_its_canonical_text() {
    let s = parse("kubernetes external control-planes=2 etcd=3 zones=a,b,c,a,b lease-duration=20s seed=4\n").unwrap();
    let kube = s.cluster.kube.as_ref().unwrap();
    assert_eq!((kube.topology, kube.control_planes, kube.etcd, s.cluster.nodes), (Topology::External, 2, 3, 3));
    assert_eq!(kube.lease.duration, 20 * SECOND);
    assert_eq!(
        s.cluster.to_string(),
        "kubernetes external control-planes=2 etcd=3 zones=a,b,c,a,b lease-duration=20s renew-deadline=10s \
         retry-period=2s seed=4 election=150..300ms heartbeat=50ms latency=10..20ms loss=0%"
    );
    let again = parse(&s.to_text()).unwrap();
    assert!(again.equivalent(&s));
    // Zones default to a, b, c in machine order.
    let s = parse("kubernetes stacked control-planes=5").unwrap();
    assert_eq!(s.cluster.kube.unwrap().zones, ["a", "b", "c", "a", "b"]);
}

#[test]
fn header_errors_point_at_the_word() {
    for (text, message) in [
        ("kubernetes", "1:11: missing word, expected 'stacked' or 'external'"),
        ("kubernetes sideways", "1:12: unexpected 'sideways', expected 'stacked' or 'external'"),
        ("kubernetes stacked", "1:19: missing word, expected control-planes=K"),
        ("kubernetes stacked control-planes=10", "1:35: unexpected '10', expected a number of control planes, 1..9"),
        ("kubernetes stacked control-planes=3 etcd=3", "1:37: unexpected 'etcd', expected no etcd= in a stacked"),
        ("kubernetes external control-planes=2", "1:37: missing word, expected etcd=M"),
        ("kubernetes stacked control-planes=3 zones=a,b", "1:43: unexpected 'a,b', expected one zone per machine"),
        ("kubernetes stacked control-planes=3 zones=a,,c", "1:45: missing word, expected a zone name"),
        (
            "kubernetes stacked control-planes=3 color=red",
            "1:37: unexpected 'color', expected an option: control-planes",
        ),
        ("kubernetes stacked control-planes=3 renew-deadline=20s", "1:52: unexpected '20s', expected lease timings"),
        ("kubernetes stacked control-planes=3 seed=x", "1:42: unexpected 'x', expected a seed like 7"),
    ] {
        let got = error(text);
        assert!(got.starts_with(message), "{text}\n  got      {got}\n  expected {message}...");
    }
}

#[test]
fn commands_parse_and_read_back() {
    let text = "kubernetes stacked control-planes=3 zones=a,a,b\n\
                crash cp2\nrestart cp2\ncrash 2\ncrash cp1 \nfail zone a\nrestore zone a\nisolate zone b\nheal\n\
                partition cp1 | cp2,cp3\n\
                kubectl get leases -n kube-system\nkubectl get leases --namespace=kube-system\n\
                expect lease kube-scheduler holder cp3\nexpect lease kube-controller-manager held\n\
                expect lease kube-scheduler holder none\nexpect apiserver unavailable\n\
                etcdctl get --prefix /registry --keys-only\netcdctl endpoint status -w table\n";
    let s = parse(text).unwrap();
    let commands: Vec<&Command> = s.steps.iter().map(|s| &s.command).collect();
    assert_eq!(commands[0], &Command::Kube(KubeCommand::CrashMachine("cp2".into())));
    assert_eq!(commands[2], &Command::Crash(super::NodeRef::Id(2)), "a node id names the etcd member only");
    assert_eq!(commands[8].to_string(), "partition 1 | 2,3", "machine names work as member ids");
    assert_eq!(commands[10].to_string(), "kubectl get leases -n kube-system");
    assert_eq!(
        commands[11],
        &Command::Kube(KubeCommand::ExpectLease { lease: LeaseName::Scheduler, holder: Holder::Machine("cp3".into()) })
    );
    assert_eq!(commands[15].to_string(), "etcdctl get /registry --prefix --keys-only");
    assert!(parse(&s.to_text()).unwrap().equivalent(&s));
}

#[test]
fn command_errors_point_at_the_word() {
    let k = "kubernetes external control-planes=2 etcd=3\n";
    for (body, message) in [
        ("fail zone z", "2:11: unexpected 'z', expected a zone: a, b, c"),
        ("fail region a", "2:6: unexpected 'region', expected 'zone'"),
        ("partition cp1 | etcd1", "2:11: unexpected 'cp1', expected a node id 1..3, a member's machine etcd1..etcd3"),
        ("crash cp9", "2:7: unexpected 'cp9', expected a node id 1..3"),
        ("kubectl get pods -n kube-system", "2:13: unexpected 'pods', expected 'leases'"),
        ("kubectl get leases", "2:19: missing word, expected '-n kube-system'"),
        ("kubectl get leases -n default", "2:13: unexpected 'leases', expected the leases of kube-system"),
        ("expect lease kube-proxy held", "2:14: unexpected 'kube-proxy', expected a lease"),
        ("expect lease kube-scheduler holder etcd1", "2:36: unexpected 'etcd1', expected a control plane cp1..cp2"),
        ("expect apiserver up", "2:18: unexpected 'up', expected 'available' or 'unavailable'"),
        ("etcdctl get /a --frob", "2:16: unexpected '--frob', expected a flag"),
        ("etcdctl put /a", "2:15: missing word, expected a key and a value"),
    ] {
        let got = error(&format!("{k}{body}\n"));
        assert!(got.starts_with(message), "{body}\n  got      {got}\n  expected {message}...");
    }
    let plain = error("cluster 3\nfail zone a\n");
    assert!(plain.starts_with("2:1: unexpected 'fail', expected a command of a plain cluster"), "{plain}");
    // etcdctl works in a plain cluster.
    assert!(parse("cluster 3\netcdctl member list\n").is_ok());
}

#[test]
fn a_run_with_machine_and_zone_actions_is_recorded_and_replays_exactly() {
    let text = "kubernetes stacked control-planes=3 zones=a,a,b seed=3\n";
    let config: WorldConfig = parse(text).unwrap().cluster;
    let mut w = World::new(config.clone()).unwrap();
    w.run_until(12 * SECOND);
    w.crash_machine(2).unwrap();
    w.run_until(14 * SECOND);
    w.fail_zone("a").unwrap();
    w.run_until(17 * SECOND);
    w.restore_zone("a").unwrap();
    w.restart_machine(2).unwrap();
    w.run_until(20 * SECOND);
    w.isolate_zone("b").unwrap();
    w.step();
    w.heal();
    w.run_until(25 * SECOND);
    let recording = record(&config, w.journal()).unwrap();
    assert!(recording.contains("\ncrash cp3\n") && recording.contains("\nfail zone a\n"), "{recording}");
    assert!(recording.contains("\nisolate zone b\n") && recording.ends_with("\nheal\n"), "{recording}");
    let (runner, _, failure) = runner::run(&parse(&recording).unwrap(), Trace::Notable);
    assert!(failure.is_none(), "{failure:?}");
    let r = runner.world();
    assert_eq!(r.event_count(), w.journal().last().unwrap().at_event + 1);
    // Run both to the same point and compare everything the control plane holds.
    let mut r = runner.into_world();
    r.run_until(25 * SECOND);
    assert_eq!((r.event_count(), r.now()), (w.event_count(), w.now()));
    assert_eq!(format!("{:?}", r.kube()), format!("{:?}", w.kube()));
    assert_eq!(r.kubectl_get_leases(), w.kubectl_get_leases());
}
