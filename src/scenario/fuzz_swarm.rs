//! Swarm testing (Groce et al., "Swarm Testing", ISSTA 2012): every seed
//! draws its own configuration first, then a schedule under it. One seed
//! may crash nodes in bursts under a fast, read-heavy client with short
//! election timeouts; the next partitions a leader with one follower while
//! a client inside the partition keeps writing through it. A uniform mix
//! spreads every fault thin over every run, so the rare combinations that a
//! lesion needs (Figure 8's leader that commits an old term's entry and
//! crashes, a vote forgotten by a restart in mid-election) almost never
//! line up; a swarm gives each combination whole runs of its own.
//!
//! What a seed draws is a [`Profile`]; [`generate`] turns it into a
//! schedule of scenario commands, always ending with the same recovery
//! phase (heal, restart everyone, a leader and a write within the bound).

use crate::raft::{MessageKind, NodeId, Rule};
use crate::sim::{Micros, SimRng, MS, SECOND};

use super::ast::{ClusterSpec, Command, LinkKind, NodeRef};
use super::fuzz::{recovery_write_window, Fault, FuzzOptions, RECOVERY_BOUND};
use super::fuzz_episodes as episodes;
use super::fuzz_words::{draw_words, CLUSTER_WORDS, READ_WORDS};

/// A generated run: the cluster line (with its option words) and the
/// commands, each `get`/`list` with its `read=` word if one was drawn.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Generated {
    pub cluster: ClusterSpec,
    /// Option words from [`CLUSTER_WORDS`], written after the cluster line.
    pub cluster_words: Vec<&'static str>,
    /// A lesion written right after the cluster line (`rule NAME off`).
    pub rules_off: Vec<Rule>,
    pub commands: Vec<Line>,
}

/// One command with the words the AST does not carry yet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line {
    pub command: Command,
    /// A `read=` word from [`READ_WORDS`] (only on `get` and `list`).
    pub read: Option<&'static str>,
}

impl Line {
    fn plain(command: Command) -> Line {
        Line { command, read: None }
    }
}

impl Generated {
    /// The scenario text that runs.
    pub fn to_text(&self) -> String {
        let mut out = self.cluster.to_string();
        for word in &self.cluster_words {
            out.push(' ');
            out.push_str(word);
        }
        out.push('\n');
        for rule in &self.rules_off {
            out.push_str(&format!("rule {} off\n", rule.name()));
        }
        for line in &self.commands {
            out.push_str(&line.command.to_string());
            if let Some(read) = line.read {
                out.push(' ');
                out.push_str(read);
            }
            out.push('\n');
        }
        out
    }
}

/// What one seed draws before its schedule: which faults and how often,
/// the timings, and what its client does.
#[derive(Clone, Debug, PartialEq)]
pub struct Profile {
    /// A weight for each fault the options allow; 0 leaves it out of this seed.
    pub fault_weights: Vec<(Fault, u64)>,
    /// Mean time between two faults.
    pub fault_every: Micros,
    /// Mean time between two client operations, and the chance (in
    /// percent) that an operation starts a burst of 8..40 back to back.
    pub op_every: Micros,
    pub burst_percent: u64,
    /// Weights of put, get, del, list.
    pub op_weights: [u64; 4],
    /// Chance (percent) that an operation goes `via` a node of the client's
    /// choosing (the one it believes leads its side) rather than the leader.
    pub via_percent: u64,
    /// Chance (percent) that a crash is a burst of several nodes.
    pub crash_burst_percent: u64,
    /// How long a crashed node stays down before the schedule restarts it:
    /// a blip (mid-election) up to a long outage.
    pub downtime: (Micros, Micros),
    /// Distinct keys the client uses: few keys make conflicts, many make
    /// long logs of independent writes.
    pub keys: u64,
    /// Weights of the episodes (`fuzz_episodes.rs`) among the faults: a
    /// vote race with restarting voters, a Figure 8 ladder, Figure 8 to the
    /// commit. They need crashes and partitions both.
    pub episode_weights: [u64; 3],
}

/// Draws a seed's cluster line and profile. The weights of the episodes
/// added after the first two come from `episode_rng`, a stream of their
/// own, so that adding one leaves the other draws of every seed as they were.
pub fn draw_profile(rng: &mut SimRng, episode_rng: &mut SimRng, options: &FuzzOptions) -> (ClusterSpec, Profile) {
    let mut cluster = ClusterSpec::new(options.nodes);
    // Timings stay within what lets a healthy cluster elect a leader and
    // commit within the recovery bound: a heartbeat and a round trip well
    // inside the shortest election timeout.
    let election_low = pick(rng, &[100, 150, 150, 300, 600]) * MS;
    let election_width = election_low * pick(rng, &[1, 2, 4]) / 4;
    cluster.election = (election_low, election_low + election_width.max(MS));
    cluster.heartbeat = election_low / pick(rng, &[3, 5]);
    let latency_high = (election_low / pick(rng, &[5, 8, 15, 30])).max(2 * MS);
    cluster.latency = (rng.between(MS / 2, latency_high / 2), latency_high);
    let has = |f: Fault| options.faults.contains(&f);
    if has(Fault::Loss) && rng.between(0, 2) > 0 {
        cluster.loss_ppm = pick(rng, &[1_000, 10_000, 30_000]) as u32;
    }
    let mut fault_weights: Vec<(Fault, u64)> = options.faults.iter().map(|&f| (f, rng.between(0, 4))).collect();
    if fault_weights.iter().all(|&(_, w)| w == 0) && !fault_weights.is_empty() {
        let i = rng.between(0, fault_weights.len() as u64 - 1) as usize;
        fault_weights[i].1 = 1;
    }
    let profile = Profile {
        fault_weights,
        fault_every: pick(rng, &[100, 300, 1_000, 3_000]) * MS,
        op_every: pick(rng, &[50, 100, 200, 400]) * MS,
        burst_percent: pick(rng, &[0, 3, 10]),
        op_weights: [rng.between(2, 8), rng.between(0, 2), rng.between(0, 1), pick(rng, &[0, 0, 1])],
        via_percent: pick(rng, &[0, 30, 70, 100]),
        crash_burst_percent: pick(rng, &[0, 20, 60]),
        downtime: pick_range(rng, &[(5 * MS, 100 * MS), (50 * MS, 800 * MS), (500 * MS, 5 * SECOND)]),
        keys: pick(rng, &[1, 3, 8, 64]),
        episode_weights: if has(Fault::Crash) && has(Fault::Partition) && options.nodes >= 3 {
            [pick(rng, &[0, 0, 1, 4]), pick(rng, &[0, 0, 1, 4]), pick(episode_rng, &[0, 1, 2, 4])]
        } else {
            [0, 0, 0]
        },
    };
    (cluster, profile)
}

fn pick(rng: &mut SimRng, choices: &[u64]) -> u64 {
    choices[rng.between(0, choices.len() as u64 - 1) as usize]
}

fn pick_range(rng: &mut SimRng, choices: &[(Micros, Micros)]) -> (Micros, Micros) {
    choices[rng.between(0, choices.len() as u64 - 1) as usize]
}

/// The index of a choice drawn with these weights (their sum is above 0).
fn weighted(rng: &mut SimRng, weights: &[u64]) -> usize {
    let mut roll = rng.between(0, weights.iter().sum::<u64>() - 1);
    for (i, &w) in weights.iter().enumerate() {
        if roll < w {
            return i;
        }
        roll -= w;
    }
    weights.len() - 1
}

/// The drift of a `drift=P%` word, in parts per million.
fn drift_word_ppm(word: &str) -> Option<u32> {
    let percent: u32 = word.strip_prefix("drift=")?.strip_suffix('%')?.parse().ok()?;
    Some(percent * 10_000)
}

/// An interval around `mean` (half to one and a half of it), never zero.
fn around(rng: &mut SimRng, mean: Micros) -> Micros {
    rng.between(mean / 2, mean * 3 / 2).max(1)
}

/// The schedule being built, with what it knows of the world: which nodes
/// it crashed, which node it last made leader of each side.
pub(super) struct Schedule<'a> {
    pub(super) rng: &'a mut SimRng,
    pub(super) n: u8,
    profile: &'a Profile,
    lines: Vec<Line>,
    pub(super) alive: Vec<bool>,
    /// When each crashed node comes back.
    restart_at: Vec<Option<Micros>>,
    now: Micros,
    /// The cluster's timings, for episodes paced by them.
    pub(super) cluster: &'a ClusterSpec,
    /// The node the client believes leads (the last one the schedule
    /// pushed to lead, or a partition's chosen node): its `via` hint.
    hint: Option<NodeId>,
    ops: u64,
    read_words: &'a [&'static str],
}

impl Schedule<'_> {
    pub(super) fn push(&mut self, command: Command) {
        self.lines.push(Line::plain(command));
    }

    pub(super) fn run(&mut self, duration: Micros) {
        let duration = duration.max(1);
        self.push(Command::Run(duration));
        self.now += duration;
        self.restart_due();
    }

    /// Restarts the crashed nodes whose downtime is over.
    fn restart_due(&mut self) {
        for id in 1..=self.n {
            if self.restart_at[id as usize].is_some_and(|t| t <= self.now) {
                self.restart_at[id as usize] = None;
                self.alive[id as usize] = true;
                self.push(Command::Restart(NodeRef::Id(id)));
            }
        }
    }

    fn node(&mut self) -> NodeId {
        self.rng.between(1, self.n as u64) as NodeId
    }

    fn live_node(&mut self) -> Option<NodeId> {
        let live: Vec<NodeId> = (1..=self.n).filter(|&id| self.alive[id as usize]).collect();
        (!live.is_empty()).then(|| live[self.rng.between(0, live.len() as u64 - 1) as usize])
    }

    pub(super) fn crash(&mut self, id: NodeId) {
        if !self.alive[id as usize] {
            return;
        }
        self.alive[id as usize] = false;
        let (low, high) = self.profile.downtime;
        self.restart_at[id as usize] = Some(self.now + self.rng.between(low, high));
        self.push(Command::Crash(NodeRef::Id(id)));
    }

    /// Restarts a node this episode crashed, at once.
    pub(super) fn restart_now(&mut self, id: NodeId) {
        if !self.alive[id as usize] {
            self.restart_at[id as usize] = None;
            self.alive[id as usize] = true;
            self.push(Command::Restart(NodeRef::Id(id)));
        }
    }

    /// `count` puts sent through `via`, as a client on its side writes.
    pub(super) fn writes_via(&mut self, via: NodeId, count: u64) {
        for _ in 0..count {
            let key = self.key();
            self.put_via(via, key);
        }
    }

    fn client_op(&mut self) {
        let p = self.profile;
        let key = self.key();
        let via = if self.rng.between(0, 99) < p.via_percent {
            Some(NodeRef::Id(self.hint.unwrap_or_else(|| self.rng.between(1, self.n as u64) as NodeId)))
        } else {
            None
        };
        let (command, read) = match weighted(self.rng, &p.op_weights) {
            0 => {
                self.ops += 1;
                (Command::Put { key, value: self.ops.to_string(), via }, None)
            }
            1 => (Command::Get { key, via, read: crate::raft::ReadMode::Log }, self.read_word()),
            2 => (Command::Del { key, via }, None),
            _ => (Command::List { prefix: String::new(), via, read: crate::raft::ReadMode::Log }, self.read_word()),
        };
        self.lines.push(Line { command, read });
    }

    /// A key the client uses.
    pub(super) fn key(&mut self) -> String {
        format!("k{}", self.rng.between(0, self.profile.keys - 1))
    }

    /// A `put` of a new value to `key`, sent to node `via`.
    pub(super) fn put_via(&mut self, via: NodeId, key: String) {
        self.ops += 1;
        self.push(Command::Put { key, value: self.ops.to_string(), via: Some(NodeRef::Id(via)) });
    }

    /// A `get` of `key` sent to node `via`, in a drawn read mode.
    pub(super) fn get_via(&mut self, via: NodeId, key: String) {
        let read = self.read_word();
        let command = Command::Get { key, via: Some(NodeRef::Id(via)), read: crate::raft::ReadMode::Log };
        self.lines.push(Line { command, read });
    }

    fn read_word(&mut self) -> Option<&'static str> {
        (!self.read_words.is_empty() && self.rng.between(0, 1) == 0)
            .then(|| self.read_words[self.rng.between(0, self.read_words.len() as u64 - 1) as usize])
    }

    fn fault(&mut self, fault: Fault) {
        match fault {
            Fault::Crash => {
                let burst = self.rng.between(0, 99) < self.profile.crash_burst_percent;
                let count = if burst { self.rng.between(2, (self.n as u64).div_ceil(2) + 1) } else { 1 };
                for _ in 0..count {
                    let id = self.node();
                    self.crash(id);
                }
            }
            Fault::Partition => self.partition(),
            Fault::Cut => {
                let (from, to) = (self.node(), self.node());
                if from != to {
                    let (from, to, both) = (NodeRef::Id(from), NodeRef::Id(to), self.rng.between(0, 1) == 0);
                    if self.rng.between(0, 3) == 0 {
                        self.push(Command::Uncut { from, to, both });
                    } else {
                        self.push(Command::Cut { from, to, both });
                    }
                }
            }
            Fault::Duplicate | Fault::Drop => {
                let (from, to) = (self.node(), self.node());
                if from != to {
                    let kinds = [
                        None,
                        Some(MessageKind::RequestVote),
                        Some(MessageKind::RequestVoteReply),
                        Some(MessageKind::AppendEntries),
                        Some(MessageKind::AppendEntriesReply),
                    ];
                    let kind = kinds[self.rng.between(0, kinds.len() as u64 - 1) as usize];
                    let action = if fault == Fault::Drop { LinkKind::Drop } else { LinkKind::Duplicate };
                    self.push(Command::Message { action, kind, from: NodeRef::Id(from), to: NodeRef::Id(to) });
                }
            }
            Fault::Loss => {
                // Loss itself is the cluster's `loss=`; its slot forces an
                // election, or two at once (a split vote in one term).
                if let Some(id) = self.live_node() {
                    self.push(Command::Timeout(NodeRef::Id(id)));
                    if let Some(other) = self.live_node().filter(|&o| o != id && self.rng.between(0, 1) == 0) {
                        self.push(Command::Timeout(NodeRef::Id(other)));
                    }
                }
            }
        }
    }

    /// A heal, a random split, or a leader isolated with one follower: the
    /// schedule makes a node lead (`timeout N`, then time for the election)
    /// and cuts it off with one other, and the client then writes through it
    /// (`via N`), as a client on its side would.
    fn partition(&mut self) {
        match self.rng.between(0, 3) {
            0 => self.push(Command::Heal),
            1 => {
                let group: Vec<NodeRef> =
                    (1..=self.n).filter(|_| self.rng.between(0, 1) == 0).map(NodeRef::Id).collect();
                if !group.is_empty() && group.len() < self.n as usize {
                    self.push(Command::Partition(vec![group]));
                }
            }
            _ => {
                let Some(leader) = self.live_node() else { return };
                let follower = self.node();
                self.push(Command::Timeout(NodeRef::Id(leader)));
                let settle = self.rng.between(20 * MS, 400 * MS);
                self.run(settle);
                let mut group = vec![NodeRef::Id(leader)];
                if follower != leader {
                    group.push(NodeRef::Id(follower));
                }
                self.push(Command::Partition(vec![group]));
                self.hint = Some(leader);
            }
        }
    }
}

/// Builds one seed's run: its profile, then faults and client operations
/// over the fault window, then the recovery phase.
pub fn generate(seed: u64, options: &FuzzOptions) -> Generated {
    generate_with(seed, options, CLUSTER_WORDS, READ_WORDS)
}

/// [`generate`] drawing from the given tables of option and read words.
pub fn generate_with(
    seed: u64,
    options: &FuzzOptions,
    cluster_table: &[&[&'static str]],
    read_words: &[&'static str],
) -> Generated {
    let mut rng = SimRng::new(seed ^ 0x5a4a_4d50);
    let mut episode_rng = SimRng::new(seed ^ 0x0f16_0008);
    let (mut cluster, profile) = draw_profile(&mut rng, &mut episode_rng, options);
    cluster.seed = seed;
    cluster.snapshot = options.snapshot;
    // The words get a stream of their own, so that adding a word to a table
    // leaves every other draw of every seed as it was.
    let mut word_rng = SimRng::new(seed ^ 0x0077_0bd5);
    let mut cluster_words = draw_words(&mut word_rng, cluster_table);
    // `--snapshot K` sets the option itself.
    if options.snapshot > 0 {
        cluster_words.retain(|w| !w.starts_with("snapshot="));
    }
    let n = options.nodes;
    // The stale-read episode came last. It runs where clocks may drift far
    // enough apart for a fast follower's timer to outrun a slow leader's
    // lease: with `drift=` 20 % or more drawn. Its weight and its draws
    // have a stream of their own, so every other seed runs exactly the
    // schedule it ran before the episode.
    let drift_ppm = cluster_words.iter().find_map(|w| drift_word_ppm(w)).unwrap_or(0);
    let mut stale_read_rng = SimRng::new(seed ^ 0x05ea_d6e7);
    let stale_read = if drift_ppm >= 200_000 && options.faults.contains(&Fault::Partition) && n >= 3 {
        pick(&mut stale_read_rng, &[0, 1, 2, 4])
    } else {
        0
    };
    if stale_read > 0 {
        // A lease is counted in heartbeats (⌊shortest election timeout ÷
        // (1 + drift) ÷ heartbeat⌋), so a long heartbeat leaves it too short
        // to outlast a new election and a write: with the episode, the
        // heartbeat is a twentieth of the shortest timeout and messages are
        // quick, as in a LAN.
        cluster.heartbeat = (cluster.election.0 / 20).max(MS);
        cluster.latency = (MS / 2, MS * 2);
    }
    let timings = cluster.clone();
    let clock_rates = crate::sim::clock_rates(seed, n, drift_ppm);
    let mut s = Schedule {
        rng: &mut rng,
        n,
        profile: &profile,
        lines: Vec::new(),
        alive: vec![true; n as usize + 1],
        restart_at: vec![None; n as usize + 1],
        now: 0,
        cluster: &timings,
        hint: None,
        ops: 0,
        read_words,
    };
    let mut weights: Vec<u64> = profile.fault_weights.iter().map(|&(_, w)| w).collect();
    let [vote_race, ladder, figure8_commit] = profile.episode_weights;
    weights.extend([vote_race, ladder]);
    let total_weight: u64 = weights.iter().sum();
    let mut next_fault = around(s.rng, profile.fault_every);
    while s.now < options.duration {
        let pause = around(s.rng, profile.op_every).min(options.duration - s.now).max(1);
        s.run(pause);
        let burst = s.rng.between(0, 99) < profile.burst_percent;
        for _ in 0..if burst { s.rng.between(8, 40) } else { 1 } {
            s.client_op();
        }
        // An episode runs time forward by itself: the next fault is drawn
        // from the later of the two, and none starts past the end.
        while next_fault <= s.now && s.now < options.duration && total_weight > 0 {
            next_fault = next_fault.max(s.now) + around(s.rng, profile.fault_every);
            // The later episodes are drawn, and draw, from their own stream:
            // the main one goes on as it would have without them.
            if figure8_commit > 0 && episode_rng.between(1, total_weight + figure8_commit) <= figure8_commit {
                std::mem::swap(s.rng, &mut episode_rng);
                episodes::figure8_commit(&mut s);
                std::mem::swap(s.rng, &mut episode_rng);
                continue;
            }
            if stale_read > 0 && stale_read_rng.between(1, total_weight + stale_read) <= stale_read {
                std::mem::swap(s.rng, &mut stale_read_rng);
                episodes::stale_read(&mut s, &clock_rates);
                std::mem::swap(s.rng, &mut stale_read_rng);
                continue;
            }
            let i = weighted(s.rng, &weights);
            match i.checked_sub(profile.fault_weights.len()) {
                None => s.fault(profile.fault_weights[i].0),
                Some(0) => episodes::vote_race(&mut s),
                Some(_) => episodes::figure8_ladder(&mut s),
            }
        }
    }
    // Recovery: every fault stops, then the cluster must elect a leader and
    // commit a new write within the bound.
    s.push(Command::Heal);
    for id in 1..=n {
        if !s.alive[id as usize] {
            s.push(Command::Restart(NodeRef::Id(id)));
        }
    }
    s.push(Command::RunUntilLeader { within: RECOVERY_BOUND });
    s.push(Command::Put { key: "recovered".into(), value: "yes".into(), via: None });
    s.push(Command::Run(recovery_write_window(&timings)));
    // The value is read from the leader, and there may be none at that
    // instant: without PreVote a follower that missed two heartbeats
    // (3 % loss, 5 % drift) campaigns and deposes it, as the thesis says
    // (§9.6; seed 1512 at 7 nodes, docs/fuzzing.md). That is a new
    // election, not a stuck cluster, so the check waits for the next one.
    s.push(Command::RunUntilLeader { within: RECOVERY_BOUND });
    s.push(Command::ExpectValue { key: "recovered".into(), value: "yes".into(), on: None });
    s.push(Command::ExpectNoViolations);
    Generated { cluster, cluster_words, rules_off: options.rules_off.clone(), commands: s.lines }
}
