//! A "why" for every decision: in runs with random faults and client load,
//! with every rule on and with each rule off, every state change a node
//! reports comes with a reason that explains it, and every reason has its
//! `{key, args}` for the page.

use raftlab::raft::{NodeEvent, Rule};
use raftlab::sim::{Effect, SimRng, World, WorldConfig, MS};
use raftlab::view::why::Why;

/// Runs a faulty world for a while and checks every event's effects.
fn check_reasons(seed: u64, lesion: Option<Rule>) -> usize {
    check_reasons_in(WorldConfig::with_nodes(5, seed), lesion)
}

fn check_reasons_in(config: WorldConfig, lesion: Option<Rule>) -> usize {
    let seed = config.seed;
    let mut world = World::new(config).unwrap();
    if let Some(rule) = lesion {
        world.set_rule(rule, false);
    }
    world.set_client_load(Some(15 * MS));
    let mut rng = SimRng::new(seed ^ 0x77);
    let mut reasons = 0;
    let mut check = |world: &World| {
        let effects = world.last_effects();
        for effect in effects {
            if let Effect::Node(id, event) = effect {
                // A candidate's vote for itself is part of becoming candidate.
                let own_vote = matches!(event, NodeEvent::Voted { candidate, .. } if candidate == id);
                let explained = effects.iter().filter_map(Effect::reason).any(|r| effect.explained_by(r));
                assert!(own_vote || explained, "seed {seed}, {lesion:?}: no reason for `{effect}` in {effects:#?}");
            }
            if let Some(why) = Why::of_effect(effect) {
                assert!(!why.key.is_empty() && !why.text.is_empty());
                reasons += 1;
            }
        }
    };
    for _ in 0..60 {
        let until = world.now() + rng.between(20, 300) * MS;
        while world.next_event_time().is_some_and(|t| t <= until) {
            world.step();
            check(&world);
        }
        let id = rng.between(1, 5) as u8;
        let acted = match rng.between(0, 5) {
            0 => world.crash(id).is_ok(),
            1 | 2 => world.restart(id).is_ok(),
            3 => world.partition(vec![vec![id]]).is_ok(),
            4 => world.transfer_leader(id).is_ok(),
            _ => world.force_timeout(id).is_ok(),
        };
        if acted {
            check(&world);
        }
        if rng.between(0, 3) == 0 {
            world.heal();
        }
    }
    if lesion.is_none() {
        let violations = world.checker().violations();
        assert!(violations.is_empty(), "seed {seed}: {violations:?}");
    }
    reasons
}

#[test]
fn every_state_change_comes_with_its_reason() {
    for seed in 1..4 {
        assert!(check_reasons(seed, None) > 100, "seed {seed}: too few decisions to say anything");
    }
}

#[test]
fn every_state_change_comes_with_its_reason_under_each_lesion() {
    for rule in Rule::ALL {
        check_reasons(7, Some(rule));
    }
}

/// PreVote, CheckQuorum and transfers (thesis §9.6, §4.2.3, §3.10) explain
/// their decisions too: a pre-candidate, a leader stepping down, a transfer.
#[test]
fn every_state_change_comes_with_its_reason_with_prevote_and_checkquorum() {
    for (prevote, check_quorum) in [(true, false), (false, true), (true, true)] {
        for seed in 1..3 {
            let config = WorldConfig { prevote, check_quorum, ..WorldConfig::with_nodes(5, seed) };
            assert!(check_reasons_in(config, None) > 100, "seed {seed}: too few decisions to say anything");
        }
    }
}
