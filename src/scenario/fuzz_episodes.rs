//! Episodes: short fault schedules the swarm may draw like any fault, each
//! the skeleton of a known-dangerous interleaving with its nodes, timings
//! and load drawn at random. A uniform schedule almost never lines these
//! up (they need a crash inside one message round trip, or a partition at
//! the moment a vote lands), yet a correct Raft must survive every one of
//! them; with a rule off, they are where the rule earns its keep.
//!
//! Pauses are multiples of the cluster's largest message latency `lat`,
//! drawn on either side of what the interleaving needs, so some runs line
//! it up and others miss it by a little.

use crate::raft::NodeId;
use crate::sim::{Micros, RatePpm};

use super::ast::{Command, LinkKind, NodeRef};
use super::fuzz_swarm::Schedule;
use crate::raft::MessageKind;

/// Distinct live nodes in random order.
fn live_shuffled(s: &mut Schedule<'_>) -> Vec<NodeId> {
    let mut live: Vec<NodeId> = (1..=s.n).filter(|&id| s.alive[id as usize]).collect();
    for i in (1..live.len()).rev() {
        let j = s.rng.between(0, i as u64) as usize;
        live.swap(i, j);
    }
    live
}

/// A pause of `low..high` times the largest latency.
fn lats(s: &mut Schedule<'_>, low: u64, high: u64) -> Micros {
    let lat = s.cluster.latency.1.max(1);
    s.rng.between(low * lat, high * lat).max(1)
}

fn drop_next_append(s: &mut Schedule<'_>, from: NodeId, to: NodeId) {
    s.push(Command::Message {
        action: LinkKind::Drop,
        kind: Some(MessageKind::AppendEntries),
        from: NodeRef::Id(from),
        to: NodeRef::Id(to),
    });
}

/// Two candidates that cannot hear each other campaign one after the
/// other for the same term, and the voters between them restart in between
/// (§5.2, Figure 2: votedFor is persistent). A candidate `a` asks first;
/// its first AppendEntries may be lost; the voters crash right after
/// voting and come back at once; then `b`, still a term behind, asks them.
pub(super) fn vote_race(s: &mut Schedule<'_>) {
    let live = live_shuffled(s);
    let [a, b, voters @ ..] = live.as_slice() else { return };
    let (a, b, voters) = (*a, *b, voters.to_vec());
    if voters.is_empty() {
        return;
    }
    let (from, to) = (NodeRef::Id(a), NodeRef::Id(b));
    s.push(Command::Cut { from, to, both: true });
    for &v in &voters {
        if s.rng.between(0, 2) > 0 {
            drop_next_append(s, a, v);
        }
    }
    s.push(Command::Timeout(NodeRef::Id(a)));
    let wait = lats(s, 1, 3);
    s.run(wait);
    let restarting: Vec<NodeId> = voters.iter().copied().filter(|_| s.rng.between(0, 3) > 0).collect();
    for &v in &restarting {
        s.crash(v);
    }
    let down = lats(s, 0, 1);
    s.run(down);
    for &v in &restarting {
        s.restart_now(v);
    }
    s.push(Command::Timeout(NodeRef::Id(b)));
    let wait = lats(s, 2, 5);
    s.run(wait);
    s.push(Command::Uncut { from, to, both: true });
}

/// Figure 8 (§5.4.2) as a ladder of leaders. `a` leads and, cut off with
/// one follower `b`, takes a burst of writes the rest never see; a rival
/// `e` wins the next term with the others' votes but is cut off and
/// crashes before its own entry spreads; then `b`, whose log ends in the
/// older term, wins with the others' votes and sends them the old entries,
/// a batch at a time, and crashes with `a` a moment later; `e` comes back,
/// its log's last term the newest, and leads again.
pub(super) fn figure8_ladder(s: &mut Schedule<'_>) {
    let live = live_shuffled(s);
    let [a, b, e, middle @ ..] = live.as_slice() else { return };
    let (a, b, e, middle) = (*a, *b, *e, middle.to_vec());
    let id = NodeRef::Id;
    s.push(Command::Timeout(id(a)));
    let wait = lats(s, 3, 6);
    s.run(wait);
    s.push(Command::Partition(vec![vec![id(a), id(b)]]));
    let burst = s.rng.between(12, 40);
    s.writes_via(a, burst);
    let wait = lats(s, 2, 5);
    s.run(wait);
    s.push(Command::Timeout(id(e)));
    let wait = lats(s, 1, 3);
    s.run(wait);
    for &m in &middle {
        drop_next_append(s, e, m);
    }
    s.push(Command::Partition(vec![vec![id(a), id(b)], vec![id(e)]]));
    s.crash(e);
    s.push(Command::Heal);
    s.push(Command::Timeout(id(b)));
    let wait = lats(s, 2, 6);
    s.run(wait);
    s.crash(b);
    if s.rng.between(0, 1) == 0 {
        s.crash(a);
    }
    s.restart_now(e);
    s.push(Command::Timeout(id(e)));
    let wait = lats(s, 2, 6);
    s.run(wait);
}

/// Figure 8 (§5.4.2) played to the commit that the rule forbids. `a` leads
/// and, cut off with fewer than a majority (`few`), takes a burst of writes
/// longer than one AppendEntries batch; it crashes, and a rival `e` wins
/// the next term with the others' votes, its first AppendEntries lost, and
/// crashes before its entry spreads. `a` comes back, wins a later term
/// with the votes of the nodes whose logs end before its writes, and sends
/// them the old entries a batch at a time, its own term's no-op last: with
/// the rule off it commits the old entries as soon as a batch is on a
/// majority. It crashes some batches later; `e` comes back, its log's last
/// term newer than the old entries', wins with the votes of those that
/// never got `a`'s no-op, and overwrites what `a` committed. With the rule
/// on, nothing of this is committed before the no-op is on a majority, and
/// then `e` cannot win.
pub(super) fn figure8_commit(s: &mut Schedule<'_>) {
    let live = live_shuffled(s);
    let majority = s.n as usize / 2 + 1;
    let [a, e, rest @ ..] = live.as_slice() else { return };
    // `a` needs a majority without `e`, and `e` one without `a` and `few`.
    if rest.len() + 1 < majority {
        return;
    }
    let (a, e) = (*a, *e);
    let few_most = (majority - 2).min(rest.len() + 1 - majority);
    let few_count = s.rng.between(0, few_most as u64) as usize;
    let (few, others) = rest.split_at(few_count);
    let (few, others) = (few.to_vec(), others.to_vec());
    let id = NodeRef::Id;
    // (a) `a` leads; its writes reach `few` only.
    s.push(Command::Timeout(id(a)));
    let wait = lats(s, 3, 6);
    s.run(wait);
    let mut side = vec![id(a)];
    side.extend(few.iter().map(|&f| id(f)));
    s.push(Command::Partition(vec![side]));
    let burst = s.rng.between(20, 70);
    s.writes_via(a, burst);
    let wait = lats(s, 2, 5);
    s.run(wait);
    // (b) `a` crashes; `e` wins the next term and crashes, its entry on no
    // one else: its first AppendEntries (and maybe a heartbeat) are lost.
    s.crash(a);
    s.push(Command::Heal);
    for &o in &others {
        for _ in 0..s.rng.between(1, 2) {
            drop_next_append(s, e, o);
        }
    }
    s.push(Command::Timeout(id(e)));
    let wait = lats(s, 2, 3);
    s.run(wait);
    s.crash(e);
    // (c) `a` returns and wins a term above `e`'s; the old entries go out a
    // batch at a time and, the rule off, commit; `a` crashes.
    s.restart_now(a);
    s.push(Command::Timeout(id(a)));
    s.push(Command::Timeout(id(a)));
    let wait = lats(s, 4, 12);
    s.run(wait);
    s.crash(a);
    // (d) `e` returns, campaigns past `a`'s term, and overwrites.
    s.restart_now(e);
    for _ in 0..3 {
        s.push(Command::Timeout(id(e)));
    }
    let wait = lats(s, 3, 8);
    s.run(wait);
}

/// Thesis §6.4.1: the node whose clock runs slowest leads and is cut off
/// alone; the others, the fastest clock among them, elect a new leader once
/// a timer fires on its own clock, and take a write to a key; then a client
/// on the old leader's side reads that key through it, in a drawn read
/// mode. A `log` or `index` read must not answer with the old value (the
/// old leader cannot reach a quorum). A `local` read answers stale, and so
/// can a `lease` read when the clocks drift further apart than the lease
/// assumes (the slow leader still counts its lease after the fast
/// follower's timer has fired): the history checker sees those, and the
/// `linearizability` invariant judges only the reads whose mode promises
/// linearizability in the run. `rates` are the nodes' clock rates
/// (`crate::sim::clock_rates`), node 1 first.
pub(super) fn stale_read(s: &mut Schedule<'_>, rates: &[RatePpm]) {
    let mut live: Vec<NodeId> = (1..=s.n).filter(|&id| s.alive[id as usize]).collect();
    // The others need a majority without the old leader.
    if live.len() < s.n as usize / 2 + 2 {
        return;
    }
    live.sort_by_key(|&id| (rates[id as usize - 1], id));
    let (a, b) = (live[0], live[live.len() - 1]);
    let id = NodeRef::Id;
    // Everyone hears everyone and catches up; `a` leads; everyone learns
    // the key's value.
    s.push(Command::Heal);
    let wait = lats(s, 5, 10);
    s.run(wait);
    s.push(Command::Timeout(id(a)));
    let wait = lats(s, 3, 6);
    s.run(wait);
    let key = s.key();
    s.put_via(a, key.clone());
    let wait = lats(s, 3, 6);
    s.run(wait);
    // `a` is cut off. The others' timers fire between the shortest and the
    // longest election timeout on their clocks, `b`'s fastest in real time;
    // the write to `b` goes in somewhere in that span, after an election.
    s.push(Command::Partition(vec![vec![id(a)]]));
    let (shortest, longest) = s.cluster.election;
    let rate = rates[b as usize - 1] as Micros;
    let real = |local: Micros| local * crate::sim::EXACT_RATE as Micros / rate;
    let wait = s.rng.between(real(shortest), real(longest)) + lats(s, 4, 8);
    s.run(wait);
    s.put_via(b, key.clone());
    let wait = lats(s, 4, 10);
    s.run(wait);
    s.get_via(a, key);
    let wait = lats(s, 2, 6);
    s.run(wait);
    s.push(Command::Heal);
}
