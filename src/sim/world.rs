//! The deterministic world: nodes, virtual time, the event loop.
//!
//! Time only moves when an event is processed. The next event is the earliest
//! of: the first message to arrive, a node's election or heartbeat timer, a
//! client retry, or the client load generator. Ties are broken by that order,
//! then by message id or node id, so one seed always gives one exact run.
//!
//! The user's actions on the world (crash, partition, drop, ...) are in
//! `user_actions.rs`.

use crate::check::{Checker, NodeView};
use crate::raft::{Message, Node, NodeId, Ready, RequestId, Role, TimerRequest, CLIENT, UNTRACKED_REQUEST};

use super::action::{JournalEntry, UserAction};
use super::client::{Client, ClientLoad};
use super::clock::{self, RatePpm};
use super::disk::Persistent;
use super::event::{Effect, Event, EventKind};
use super::kube_host::KubeHost;
use super::network::{MessageFault, Network};
use super::rng::SimRng;
use super::{Micros, SimError, WorldConfig};

/// A node and the world's bookkeeping for it.
#[derive(Clone, Debug)]
pub struct NodeSlot {
    pub node: Node,
    pub alive: bool,
    /// When the election timer fires; `None` when stopped (leader, crashed).
    pub election_deadline: Option<Micros>,
    /// When it was last armed, so a view can draw how much of it is left.
    pub election_armed_at: Micros,
    pub heartbeat_deadline: Option<Micros>,
    pub heartbeat_armed_at: Micros,
    /// When the lease timer fires (PreVote, CheckQuorum, transfer: one
    /// minimum election timeout); `None` when stopped.
    pub lease_deadline: Option<Micros>,
    /// The node's clock rate (`clock.rs`): its timers run on it.
    pub clock_ppm: RatePpm,
    /// When its disk has written everything queued (`disk.rs`).
    pub disk_free_at: Micros,
    /// When the last queued write starts: a change made before then joins
    /// that write (group commit, `disk.rs`).
    pub disk_write_starts_at: Micros,
}

/// Counters over the whole run.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    pub sent: u64,
    pub delivered: u64,
    /// Lost to the configured loss rate.
    pub lost: u64,
    /// Arrived at a crashed node, across a partition or a cut link.
    pub undeliverable: u64,
    /// Dropped or duplicated by a user's fault.
    pub dropped_by_fault: u64,
    pub duplicated_by_fault: u64,
}

#[derive(Clone, Debug)]
pub struct World {
    pub(super) config: WorldConfig,
    pub(super) now: Micros,
    pub(super) rng: SimRng,
    pub(super) nodes: Vec<NodeSlot>,
    pub(super) network: Network,
    pub(super) client: Client,
    pub(super) checker: Checker,
    pub(super) events: u64,
    pub(super) stats: Stats,
    pub(super) load: Option<ClientLoad>,
    /// Scratch output buffer, reused by every input so stepping does not
    /// allocate for it.
    ready: Ready,
    last: Option<Event>,
    pub(super) effects: Vec<Effect>,
    /// Every user action applied so far, in order: with the seed, all it
    /// takes to replay the run (time travel) or to share it as a scenario.
    journal: Vec<JournalEntry>,
    /// The Kubernetes control plane around the nodes, in a `kubernetes`
    /// world (`kube_world.rs`).
    pub(super) kube: Option<Box<KubeHost>>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Due {
    Message,
    Election(NodeId),
    Heartbeat(NodeId),
    Lease(NodeId),
    ClientRetry(RequestId),
    ClientLoad,
    Kube,
}

impl World {
    pub fn new(config: WorldConfig) -> Result<World, SimError> {
        config.validate()?;
        let n = config.nodes;
        let mut rng = SimRng::new(config.seed);
        let rates = clock::draw_rates(&config, &mut rng);
        let lease_ticks = config.lease_ticks();
        let mut world = World {
            rng,
            nodes: (1..=n)
                .zip(rates)
                .map(|(id, clock_ppm)| {
                    let mut node = Node::new(id, n);
                    node.set_lease_ticks(lease_ticks);
                    node.set_snapshot_every(config.snapshot);
                    NodeSlot {
                        node,
                        alive: true,
                        election_deadline: None,
                        election_armed_at: 0,
                        heartbeat_deadline: None,
                        heartbeat_armed_at: 0,
                        lease_deadline: None,
                        clock_ppm,
                        disk_free_at: 0,
                        disk_write_starts_at: 0,
                    }
                })
                .collect(),
            network: Network::default(),
            client: Client::default(),
            checker: Checker::new(n as usize),
            events: 0,
            stats: Stats::default(),
            load: None,
            ready: Ready::default(),
            last: None,
            effects: Vec::new(),
            journal: Vec::new(),
            kube: None,
            now: 0,
            config,
        };
        let options = world.config.election_options();
        for id in 1..=n {
            world.slot_mut(id).node.set_election_options(options);
            world.with_node(id, |node, ready| node.start(ready));
        }
        world.start_kube();
        // Starting the nodes is not an event: the run begins with no history.
        world.effects.clear();
        Ok(world)
    }

    // ----- the event loop -----

    fn next_due(&self) -> Option<(Micros, Due)> {
        let mut best: Option<(Micros, Due)> = self.network.peek_arrival().map(|t| (t, Due::Message));
        let mut consider = |t: Micros, d: Due| {
            if best.is_none_or(|b| (t, d) < b) {
                best = Some((t, d));
            }
        };
        for slot in self.nodes.iter().filter(|s| s.alive) {
            let id = slot.node.id();
            if let Some(t) = slot.election_deadline {
                consider(t, Due::Election(id));
            }
            if let Some(t) = slot.heartbeat_deadline {
                consider(t, Due::Heartbeat(id));
            }
            if let Some(t) = slot.lease_deadline {
                consider(t, Due::Lease(id));
            }
        }
        if let Some((t, op)) = self.client.next_retry() {
            consider(t, Due::ClientRetry(op));
        }
        if let Some(load) = &self.load {
            consider(load.next_at, Due::ClientLoad);
        }
        if let Some(t) = self.kube.as_ref().and_then(|k| k.next_due()) {
            consider(t, Due::Kube);
        }
        best
    }

    /// When the next event will happen, if anything is scheduled.
    pub fn next_event_time(&self) -> Option<Micros> {
        self.next_due().map(|(t, _)| t)
    }

    /// Processes the next event; `None` when nothing is scheduled.
    pub fn step(&mut self) -> Option<&Event> {
        let (time, due) = self.next_due()?;
        self.now = time;
        self.effects.clear();
        let (kind, touched) = match due {
            Due::Message => self.deliver_next(),
            Due::Election(id) => {
                self.with_node(id, |node, ready| node.election_timeout(ready));
                (EventKind::ElectionTimeout(id), Some(id))
            }
            Due::Heartbeat(id) => {
                self.with_node(id, |node, ready| node.heartbeat_timeout(ready));
                (EventKind::HeartbeatTimeout(id), Some(id))
            }
            Due::Lease(id) => {
                self.slot_mut(id).lease_deadline = None;
                self.with_node(id, |node, ready| node.lease_timeout(ready));
                (EventKind::LeaseTimeout(id), Some(id))
            }
            Due::ClientRetry(op) if self.client_gives_up(op) => (EventKind::ClientGiveUp(op), None),
            Due::ClientRetry(op) => {
                self.client_retry(op);
                (EventKind::ClientRetry(op), None)
            }
            Due::ClientLoad => {
                let op = self.load_tick();
                (EventKind::ClientLoad(op), None)
            }
            Due::Kube => self.kube_step(),
        };
        Some(self.finish_event(kind, touched))
    }

    /// Processes every event due up to `until`, then moves the clock there.
    /// Returns the number of events processed.
    pub fn run_until(&mut self, until: Micros) -> u64 {
        let start = self.events;
        while self.next_event_time().is_some_and(|t| t <= until) {
            self.step();
        }
        self.now = self.now.max(until);
        self.events - start
    }

    pub fn run_for(&mut self, duration: Micros) -> u64 {
        self.run_until(self.now.saturating_add(duration))
    }

    fn deliver_next(&mut self) -> (EventKind, Option<NodeId>) {
        let flight = self.network.pop().expect("next_due saw a message");
        if flight.to == CLIENT {
            self.stats.delivered += 1;
            self.client_receive(flight.from, &flight.msg);
            return (EventKind::Deliver(flight), None);
        }
        let to = flight.to;
        let reason = if !self.slot(to).alive {
            Err(super::LossReason::Crashed)
        } else {
            self.network.link_state(flight.from, to)
        };
        if let Err(reason) = reason {
            self.stats.undeliverable += 1;
            return (EventKind::Undeliverable(flight, reason), Some(to));
        }
        self.stats.delivered += 1;
        let from = flight.from;
        self.with_node(to, |node, ready| node.step(from, &flight.msg, ready));
        (EventKind::Deliver(flight), Some(to))
    }

    /// Runs one input on a node and carries out what it asked for.
    pub(super) fn with_node(&mut self, id: NodeId, input: impl FnOnce(&mut Node, &mut Ready)) {
        let mut ready = std::mem::take(&mut self.ready);
        ready.clear();
        let before = Persistent::of(self.node(id));
        input(&mut self.slot_mut(id).node, &mut ready);
        let leave_at = self.disk_write(id, before);
        for (to, msg) in ready.messages.drain(..) {
            if let (CLIENT, Message::ClientReply { request, outcome }) = (to, &msg) {
                // An answer to a request of the member's own etcd server.
                if request & UNTRACKED_REQUEST != 0 {
                    self.kube_node_reply(id, *request, outcome);
                    continue;
                }
            }
            self.send_at(id, to, msg, leave_at);
        }
        let now = self.now;
        let rate = self.slot(id).clock_ppm;
        match ready.election_timer {
            Some(TimerRequest::Reset) => {
                let (low, high) = self.config.election;
                let timeout = clock::real_duration(self.rng.between(low, high), rate);
                let slot = self.slot_mut(id);
                slot.election_deadline = Some(now + timeout);
                slot.election_armed_at = now;
            }
            Some(TimerRequest::Stop) => self.slot_mut(id).election_deadline = None,
            None => {}
        }
        match ready.heartbeat_timer {
            Some(TimerRequest::Reset) => {
                let interval = clock::real_duration(self.config.heartbeat, rate);
                let slot = self.slot_mut(id);
                slot.heartbeat_deadline = Some(now + interval);
                slot.heartbeat_armed_at = now;
            }
            Some(TimerRequest::Stop) => self.slot_mut(id).heartbeat_deadline = None,
            None => {}
        }
        match ready.lease_timer {
            Some(TimerRequest::Reset) => self.slot_mut(id).lease_deadline = Some(now + self.config.election.0),
            Some(TimerRequest::Stop) => self.slot_mut(id).lease_deadline = None,
            None => {}
        }
        for event in ready.events.drain(..) {
            self.effects.push(Effect::Node(id, event));
        }
        for reason in ready.reasons.drain(..) {
            self.effects.push(Effect::Why(reason));
        }
        self.ready = ready;
    }

    /// Puts a message on the network, subject to armed faults and loss.
    pub(super) fn send(&mut self, from: NodeId, to: NodeId, msg: Message) {
        self.send_at(from, to, msg, self.now);
    }

    /// Puts a message on the network that leaves at `leave_at` (now, or
    /// once the sender's disk has written what it depends on).
    fn send_at(&mut self, from: NodeId, to: NodeId, msg: Message, leave_at: Micros) {
        self.stats.sent += 1;
        let kind = msg.kind();
        match self.network.take_armed(from, to, kind) {
            Some(MessageFault::Drop) => {
                self.stats.dropped_by_fault += 1;
                self.effects.push(Effect::FaultFired { fault: MessageFault::Drop, from, to, kind });
                return;
            }
            Some(MessageFault::Duplicate) => {
                self.stats.duplicated_by_fault += 1;
                self.effects.push(Effect::FaultFired { fault: MessageFault::Duplicate, from, to, kind });
                let arrives = leave_at + self.latency();
                self.network.push(from, to, leave_at, arrives, msg.clone(), true);
            }
            None => {}
        }
        if self.rng.chance_ppm(self.config.loss_ppm) {
            self.stats.lost += 1;
            self.effects.push(Effect::Lost { from, to, kind });
            return;
        }
        let arrives = leave_at + self.latency();
        self.network.push(from, to, leave_at, arrives, msg, false);
    }

    pub(super) fn latency(&mut self) -> Micros {
        let (low, high) = self.config.latency;
        self.rng.between(low, high)
    }

    pub(super) fn finish_event(&mut self, kind: EventKind, touched: Option<NodeId>) -> &Event {
        self.events += 1;
        let touched_buf = [touched.unwrap_or(0)];
        let touched: &[NodeId] = if touched.is_some() { &touched_buf } else { &[] };
        let views: [NodeView<'_>; crate::raft::MAX_NODES] = std::array::from_fn(|i| {
            let slot = &self.nodes[i.min(self.nodes.len() - 1)];
            NodeView {
                id: slot.node.id(),
                alive: slot.alive,
                role: slot.node.role(),
                term: slot.node.term(),
                log: slot.node.log(),
                commit_index: slot.node.commit_index(),
                last_applied: slot.node.last_applied(),
                kv: slot.node.kv(),
            }
        });
        let mut found = self.checker.after_event(self.events, self.now, &views[..self.nodes.len()], touched);
        if self.kube.is_some() {
            found += self.check_leaderships();
        }
        found += self.check_client(&kind);
        if found > 0 {
            let total = self.checker.violations().len();
            for v in &self.checker.violations()[total.saturating_sub(found)..] {
                self.effects.push(Effect::Violation(v.clone()));
            }
        }
        self.last = Some(Event { number: self.events, time: self.now, kind });
        self.last.as_ref().expect("just set")
    }

    /// Appends a user action to the journal; called once it is known to
    /// succeed and before it counts as an event.
    pub(super) fn record(&mut self, action: UserAction) {
        self.journal.push(JournalEntry { action, at_event: self.events, at_time: self.now });
    }

    /// Adds an effect to the last event, as if it had caused it: lets tests
    /// of what consumes effects (a violation's pause) plant one that a
    /// correct Raft never produces.
    #[cfg(test)]
    pub(crate) fn plant_effect(&mut self, effect: Effect) {
        self.effects.push(effect);
    }

    // ----- what can be seen -----

    /// Every user action applied to this world, in order.
    pub fn journal(&self) -> &[JournalEntry] {
        &self.journal
    }

    pub fn config(&self) -> &WorldConfig {
        &self.config
    }
    pub fn now(&self) -> Micros {
        self.now
    }
    /// Events processed so far (user actions included).
    pub fn event_count(&self) -> u64 {
        self.events
    }
    pub fn last_event(&self) -> Option<&Event> {
        self.last.as_ref()
    }
    /// What the last event caused: role changes, votes, commits, client
    /// replies, faults fired, violations found.
    pub fn last_effects(&self) -> &[Effect] {
        &self.effects
    }
    pub fn nodes(&self) -> &[NodeSlot] {
        &self.nodes
    }
    pub fn slot(&self, id: NodeId) -> &NodeSlot {
        &self.nodes[id as usize - 1]
    }
    pub(super) fn slot_mut(&mut self, id: NodeId) -> &mut NodeSlot {
        &mut self.nodes[id as usize - 1]
    }
    pub fn node(&self, id: NodeId) -> &Node {
        &self.slot(id).node
    }
    pub fn network(&self) -> &Network {
        &self.network
    }
    pub fn client(&self) -> &Client {
        &self.client
    }
    pub fn checker(&self) -> &Checker {
        &self.checker
    }
    pub fn stats(&self) -> &Stats {
        &self.stats
    }

    /// The live leader of the highest term, as the scenario language defines
    /// "the current leader".
    pub fn current_leader(&self) -> Option<NodeId> {
        self.nodes
            .iter()
            .filter(|s| s.alive && s.node.role() == Role::Leader)
            .max_by_key(|s| s.node.term())
            .map(|s| s.node.id())
    }

    /// The current leader, once a quorum has acknowledged it in its term.
    ///
    /// That is the moment its no-op entry commits (a majority accepted an
    /// AppendEntries of its term), so a majority knows it as leader and it has
    /// applied everything committed before it: the point where a course author
    /// expects "the cluster has a leader" to mean it can serve reads.
    pub fn established_leader(&self) -> Option<NodeId> {
        let leader = self.current_leader()?;
        let node = self.node(leader);
        (node.log().term_at(node.commit_index()) == Some(node.term())).then_some(leader)
    }

    pub fn check_node(&self, id: NodeId) -> Result<(), SimError> {
        if id == 0 || id > self.config.nodes {
            return Err(SimError::UnknownNode { id, nodes: self.config.nodes });
        }
        Ok(())
    }
}
