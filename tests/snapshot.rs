//! Log compaction (§7) under faults: with `snapshot=K`, random crashes,
//! restarts, partitions and forced timeouts under client load keep every
//! safety invariant, followers that fall behind a compacted leader are
//! caught up with InstallSnapshot, and every log stays short.

use raftlab::raft::Message;
use raftlab::sim::{EventKind, SimRng, World, WorldConfig, MS};

#[test]
fn s7_snapshots_under_faults_keep_every_invariant_and_bound_the_logs() {
    for (nodes, seed) in [(3, 1), (5, 2), (9, 3)] {
        let every = 20;
        let mut world = World::new(WorldConfig { snapshot: every, ..WorldConfig::with_nodes(nodes, seed) }).unwrap();
        world.set_client_load(Some(10 * MS));
        let mut rng = SimRng::new(seed);
        let (mut installs, mut longest) = (0, 0);
        for _ in 0..120 {
            let until = world.now() + rng.between(50, 300) * MS;
            while world.next_event_time().is_some_and(|t| t <= until) {
                if let Some(EventKind::Deliver(f)) = world.step().map(|e| &e.kind) {
                    installs += matches!(f.msg, Message::InstallSnapshot(_)) as u32;
                }
                for slot in world.nodes() {
                    let log = slot.node.log();
                    longest = longest.max(log.last_index() - log.snapshot().index);
                }
            }
            let id = rng.between(1, nodes as u64) as u8;
            // Errors (crashing a crashed node, ...) are fine.
            let _ = match rng.between(0, 5) {
                0 => world.crash(id),
                1 | 2 => world.restart(id),
                3 => world.partition(vec![vec![id]]),
                4 => world.take_snapshot(id),
                _ => world.force_timeout(id),
            };
            if rng.between(0, 3) == 0 {
                world.heal();
            }
        }
        println!(
            "{nodes} nodes: {installs} InstallSnapshot delivered, longest log past its snapshot {longest}, {} events",
            world.event_count()
        );
        let violations = world.checker().violations();
        assert!(violations.is_empty(), "{nodes} nodes: {violations:?}");
        assert!(installs > 0, "{nodes} nodes: no follower needed a snapshot");
        // The log holds what was not yet snapshotted: under K applied
        // entries, plus what a partitioned or crashed node could not commit.
        assert!(longest < 2_000, "{nodes} nodes: a log held {longest} entries past its snapshot");
        let committed = world.nodes().iter().map(|s| s.node.commit_index()).max().unwrap();
        assert!(committed > 1_000, "{nodes} nodes: only {committed} entries committed");
    }
}
