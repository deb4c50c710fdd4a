//! §5.4.3 and Figure 3: the safety properties hold under arbitrary schedules.
//!
//! The scenarios of the other files each build one situation by hand; this
//! one lets a fixed-seed generator choose the schedule (deliveries in any
//! order, losses, duplicates, timeouts, heartbeats, client requests with
//! retries, crashes) and checks Figure 3's properties after every input.
//! The seeds are fixed, so a failure replays exactly.

use std::collections::BTreeMap;

use super::*;

/// A small linear congruential generator: deterministic, and enough to
/// pick actions.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        ((self.0 >> 33) % n as u64) as usize
    }
}

/// What the run has observed so far, to check properties across time.
#[derive(Default)]
struct Observed {
    /// Election Safety: the leader seen in each term.
    leaders: BTreeMap<Term, NodeId>,
    /// State Machine Safety: the digest of the log prefix ending at each
    /// committed index, as the first node to commit it had it.
    committed: Vec<u64>,
}

impl Observed {
    fn check(&mut self, c: &Cluster) -> Result<(), String> {
        let size = c.nodes.len() as NodeId;
        for id in 1..=size {
            let n = c.node(id);
            if n.role() == Role::Leader {
                let first = *self.leaders.entry(n.term()).or_insert(id);
                if first != id {
                    return Err(format!("Election Safety: {first} and {id} both lead term {}", n.term()));
                }
            }
            if n.commit_index() > n.log().last_index() || n.last_applied() != n.commit_index() {
                let (commit, applied, last) = (n.commit_index(), n.last_applied(), n.log().last_index());
                return Err(format!("node {id}: commit {commit}, applied {applied}, last index {last}"));
            }
            // A committed entry never changes, on any node.
            for index in 1..=n.commit_index() {
                let digest = n.log().digest_at(index).unwrap();
                match self.committed.get(index as usize - 1) {
                    Some(&d) if d != digest => return Err(format!("State Machine Safety: node {id} index {index}")),
                    Some(_) => {}
                    None => self.committed.push(digest),
                }
            }
        }
        for a in 1..=size {
            for b in a + 1..=size {
                let (la, lb) = (c.node(a).log(), c.node(b).log());
                // Log Matching: same index and term means same prefix.
                for index in 1..=la.last_index().min(lb.last_index()) {
                    if la.term_at(index) == lb.term_at(index) && la.digest_at(index) != lb.digest_at(index) {
                        return Err(format!("Log Matching: nodes {a} and {b} at index {index}"));
                    }
                }
            }
        }
        // Leader Completeness: the leader of the newest term holds every
        // entry committed so far.
        let newest = (1..=size).map(|id| c.node(id).term()).max().unwrap();
        let known = self.committed.len() as LogIndex;
        for id in 1..=size {
            let n = c.node(id);
            let is_newest_leader = n.role() == Role::Leader && n.term() == newest;
            if is_newest_leader && known > 0 && n.log().digest_at(known) != Some(self.committed[known as usize - 1]) {
                return Err(format!("Leader Completeness: leader {id} of term {newest} lacks index {known}"));
            }
        }
        Ok(())
    }
}

fn random_input(c: &mut Cluster, rng: &mut Lcg, request: &mut RequestId) {
    let size = c.nodes.len();
    let any_node = |rng: &mut Lcg| rng.below(size) as NodeId + 1;
    let roll = rng.below(100);
    if c.net.is_empty() && roll < 66 {
        return;
    }
    match roll {
        0..=54 => {
            // Deliver any message in flight: the network reorders freely.
            let (from, to, msg) = c.net.remove(rng.below(c.net.len())).unwrap();
            c.deliver(from, to, msg);
        }
        55..=61 => {
            c.net.remove(rng.below(c.net.len()));
        }
        62..=65 => {
            let copy = c.net[rng.below(c.net.len())].clone();
            c.net.push_back(copy);
        }
        66..=70 => {
            c.timeout(any_node(rng));
        }
        71..=84 => {
            for id in 1..=size as NodeId {
                c.heartbeat(id);
            }
        }
        85..=96 => {
            *request += 1;
            // One request in four is a retry of the previous one.
            let id = if rng.below(4) == 0 { *request - 1 } else { *request };
            let command = match rng.below(3) {
                0 => Command::put("x", &id.to_string()),
                1 => Command::get("x"),
                _ => Command::del("x"),
            };
            c.client_request(any_node(rng), id, command);
        }
        _ => {
            c.restart(any_node(rng));
        }
    }
}

/// After the chaos, a calm period: someone wins an election and every log
/// converges to the leader's, fully committed.
fn converge(c: &mut Cluster) -> Result<(), String> {
    let size = c.nodes.len() as NodeId;
    c.deliver_all();
    let leader = (0..3)
        .flat_map(|_| 1..=size)
        .find(|&id| {
            c.timeout(id);
            c.deliver_all();
            c.node(id).role() == Role::Leader
        })
        .ok_or("no node could win an election")?;
    for _ in 0..2 {
        c.heartbeat(leader);
        c.deliver_all();
    }
    for id in 1..=size {
        let (n, l) = (c.node(id), c.node(leader));
        if n.log().entries() != l.log().entries() || n.commit_index() != l.log().last_index() {
            return Err(format!("node {id} did not converge to leader {leader}'s log"));
        }
    }
    Ok(())
}

#[test]
fn s5_4_3_safety_properties_hold_under_random_schedules() {
    let mut committed_total = 0;
    for seed in 0..150 {
        for size in [3, 5] {
            let mut c = Cluster::new(size);
            let mut rng = Lcg(seed);
            let mut observed = Observed::default();
            let mut request = 1;
            for input in 0..400 {
                random_input(&mut c, &mut rng, &mut request);
                if let Err(e) = observed.check(&c) {
                    panic!("seed {seed}, {size} nodes, input {input}: {e}");
                }
            }
            committed_total += observed.committed.len();
            if let Err(e) = converge(&mut c) {
                panic!("seed {seed}, {size} nodes: {e}");
            }
        }
    }
    // The schedules are not so hostile that nothing ever commits.
    assert!(committed_total > 1000, "only {committed_total} entries committed");
}
