//! One seed gives one exact run; another seed gives another.

use raftlab::sim::{Micros, World, WorldConfig, MS, SECOND};

/// The full event trace of a run: every event and everything it caused.
fn trace(seed: u64, nodes: u8, until: Micros) -> Vec<String> {
    let mut world = World::new(WorldConfig { loss_ppm: 20_000, ..WorldConfig::with_nodes(nodes, seed) }).unwrap();
    world.set_client_load(Some(40 * MS));
    let mut out = Vec::new();
    let mut crashed = false;
    while world.next_event_time().is_some_and(|t| t <= until) {
        let event = world.step().unwrap().to_string();
        out.push(event);
        out.extend(world.last_effects().iter().map(|e| format!("  {e}")));
        // A fault in the middle, so restarts and re-elections are covered.
        if !crashed && world.now() > until / 2 {
            crashed = true;
            if let Some(leader) = world.current_leader() {
                world.crash(leader).unwrap();
                out.push(world.last_event().unwrap().to_string());
            }
        }
    }
    out
}

#[test]
fn the_same_seed_gives_the_same_trace() {
    let a = trace(7, 5, 5 * SECOND);
    let b = trace(7, 5, 5 * SECOND);
    assert!(a.len() > 500, "the run should be busy, got {} lines", a.len());
    assert_eq!(a, b);
}

#[test]
fn different_seeds_give_different_traces() {
    let a = trace(7, 5, 3 * SECOND);
    let b = trace(8, 5, 3 * SECOND);
    assert_ne!(a, b);
}

#[test]
fn a_cloned_world_continues_exactly_like_the_original() {
    let mut world = World::new(WorldConfig::with_nodes(5, 3)).unwrap();
    world.set_client_load(Some(25 * MS));
    world.run_for(2 * SECOND);
    let mut copy = world.clone();
    world.run_for(2 * SECOND);
    copy.run_for(2 * SECOND);
    assert_eq!(world.event_count(), copy.event_count());
    assert_eq!(world.stats(), copy.stats());
    for (a, b) in world.nodes().iter().zip(copy.nodes()) {
        assert_eq!(a.node.log().entries(), b.node.log().entries());
        assert_eq!(a.node.commit_index(), b.node.commit_index());
    }
}
