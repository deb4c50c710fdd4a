//! The deterministic world: nodes, virtual time, the event loop.
//!
//! Time only moves when an event is processed. The next event is the earliest
//! of: the first message to arrive, a node's election or heartbeat timer, a
//! client retry, or the client load generator. Ties are broken by that order,
//! then by message id or node id, so one seed always gives one exact run.

use crate::check::{Checker, NodeView};
use crate::raft::{
    Message, Node, NodeId, Ready, RequestId, Role, Rule, Rules, TimerRequest, CLIENT, UNTRACKED_REQUEST,
};

use super::action::{JournalEntry, UserAction};
use super::client::{Client, ClientLoad};
use super::clock::{self, RatePpm};
use super::disk::Persistent;
use super::event::{Effect, Event, EventKind};
use super::kube_host::KubeHost;
use super::network::{ArmedFault, MessageFault, Network};
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
    stats: Stats,
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

    fn latency(&mut self) -> Micros {
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

    // ----- faults and user actions: each is an event of its own -----

    pub fn crash(&mut self, id: NodeId) -> Result<(), SimError> {
        self.check_node(id)?;
        if !self.slot(id).alive {
            return Err(SimError::AlreadyCrashed(id));
        }
        self.record(UserAction::Crash(id));
        self.effects.clear();
        self.stop_node(id);
        self.finish_event(EventKind::Crash(id), Some(id));
        Ok(())
    }

    /// Node `id` stops: its timers and the messages on their way to it are
    /// gone (and, in a `kubernetes` world, its etcd server).
    pub(super) fn stop_node(&mut self, id: NodeId) {
        let slot = self.slot_mut(id);
        slot.alive = false;
        slot.election_deadline = None;
        slot.heartbeat_deadline = None;
        slot.lease_deadline = None;
        slot.disk_free_at = 0;
        slot.disk_write_starts_at = 0;
        let lost = self.network.discard_to(id) + self.network.discard_unsent_from(id, self.now);
        self.stats.undeliverable += lost as u64;
        if let Some(kube) = &mut self.kube {
            kube.member_down(id);
        }
    }

    /// Node `id` starts again from its persistent state.
    pub(super) fn start_node(&mut self, id: NodeId) {
        self.slot_mut(id).alive = true;
        self.with_node(id, |node, ready| node.restart(ready));
        if let Some(kube) = &mut self.kube {
            kube.member_up(id);
        }
    }

    pub fn restart(&mut self, id: NodeId) -> Result<(), SimError> {
        self.check_node(id)?;
        if self.slot(id).alive {
            return Err(SimError::NotCrashed(id));
        }
        self.check_member_machine_up(id)?;
        self.record(UserAction::Restart(id));
        self.effects.clear();
        self.start_node(id);
        self.finish_event(EventKind::Restart(id), Some(id));
        Ok(())
    }

    /// Fires a node's election timer now.
    pub fn force_timeout(&mut self, id: NodeId) -> Result<(), SimError> {
        self.check_node(id)?;
        if !self.slot(id).alive {
            return Err(SimError::Crashed(id));
        }
        self.record(UserAction::Timeout(id));
        self.effects.clear();
        self.with_node(id, |node, ready| node.force_timeout(ready));
        self.finish_event(EventKind::ForcedTimeout(id), Some(id));
        Ok(())
    }

    /// The current leader hands its leadership to `to` (thesis §3.10). A
    /// target that is crashed or cut off is accepted: the transfer then
    /// aborts after an election timeout, as it would in a real cluster.
    pub fn transfer_leader(&mut self, to: NodeId) -> Result<(), SimError> {
        self.check_node(to)?;
        let leader = self.current_leader().ok_or(SimError::NoLeader)?;
        if leader == to {
            return Err(SimError::AlreadyLeader(to));
        }
        self.record(UserAction::TransferLeader(to));
        self.effects.clear();
        self.with_node(leader, |node, ready| node.transfer_leadership(to, ready));
        self.finish_event(EventKind::TransferLeader { from: leader, to }, Some(leader));
        Ok(())
    }

    /// §7, `snapshot N`: node `id` snapshots its state machine now, up to
    /// its applied index, and discards its log up to there (nothing to do
    /// when its latest snapshot already covers the applied index).
    pub fn take_snapshot(&mut self, id: NodeId) -> Result<(), SimError> {
        self.check_node(id)?;
        if !self.slot(id).alive {
            return Err(SimError::Crashed(id));
        }
        self.record(UserAction::Snapshot(id));
        self.effects.clear();
        self.with_node(id, |node, ready| {
            node.take_snapshot(ready);
        });
        self.finish_event(EventKind::Snapshot(id), Some(id));
        Ok(())
    }

    /// Splits the cluster; nodes not listed form one more group.
    pub fn partition(&mut self, groups: Vec<Vec<NodeId>>) -> Result<(), SimError> {
        let mut seen = 0u16;
        for &id in groups.iter().flatten() {
            self.check_node(id)?;
            if seen & (1 << id) != 0 {
                return Err(SimError::NodeListedTwice(id));
            }
            seen |= 1 << id;
        }
        self.record(UserAction::Partition(groups.clone()));
        self.effects.clear();
        self.network.set_partition(&groups);
        // A new partition replaces a zone's isolation too.
        if let Some(kube) = &mut self.kube {
            kube.isolate(None);
        }
        self.finish_event(EventKind::Partition(groups), None);
        Ok(())
    }

    /// Takes the link from -> to down (`down`) or back up; `both` does the
    /// reverse direction too.
    pub fn set_link(&mut self, from: NodeId, to: NodeId, both: bool, down: bool) -> Result<(), SimError> {
        self.check_node(from)?;
        self.check_node(to)?;
        if from == to {
            return Err(SimError::SelfLink(from));
        }
        self.record(UserAction::Cut { from, to, both, down });
        self.effects.clear();
        self.network.set_cut(from, to, down);
        if both {
            self.network.set_cut(to, from, down);
        }
        let kind = if down { EventKind::Cut { from, to, both } } else { EventKind::Uncut { from, to, both } };
        self.finish_event(kind, None);
        Ok(())
    }

    pub fn heal(&mut self) {
        self.record(UserAction::Heal);
        self.effects.clear();
        self.network.heal();
        if let Some(kube) = &mut self.kube {
            kube.isolate(None);
        }
        self.finish_event(EventKind::Heal, None);
    }

    /// Switches a safety rule on or off on every node (a lesion, to see
    /// what the rule protects). Every rule is on in a new world.
    pub fn set_rule(&mut self, rule: Rule, on: bool) {
        self.record(UserAction::SetRule { rule, on });
        self.effects.clear();
        for slot in &mut self.nodes {
            slot.node.set_rule(rule, on);
        }
        self.finish_event(EventKind::SetRule { rule, on }, None);
    }

    /// The safety rules in force (the same on every node).
    pub fn rules(&self) -> Rules {
        self.nodes[0].node.rules()
    }

    /// Drops or duplicates the next in-flight message of `kind` on from -> to.
    /// When none is in flight, the rule waits for the next one sent.
    pub fn message_fault(
        &mut self,
        fault: MessageFault,
        kind: Option<crate::raft::MessageKind>,
        from: NodeId,
        to: NodeId,
    ) -> Result<(), SimError> {
        self.check_endpoint(from)?;
        self.check_endpoint(to)?;
        self.record(UserAction::MessageFault { fault, kind, from, to });
        self.effects.clear();
        let target = self.network.find_next(kind, from, to).map(|m| m.id);
        let event = match target {
            Some(id) => self.fault_in_flight(fault, id)?,
            None => {
                let rule = ArmedFault { fault, kind, from, to };
                self.network.armed.push(rule.clone());
                EventKind::Armed(rule)
            }
        };
        self.finish_event(event, None);
        Ok(())
    }

    /// Drops or duplicates one in-flight message chosen by id (the
    /// visualizer's click on a message).
    pub fn fault_message(&mut self, fault: MessageFault, id: u64) -> Result<(), SimError> {
        if self.network.get(id).is_none() {
            return Err(SimError::NoSuchMessage(id));
        }
        self.record(UserAction::FaultMessage { fault, id });
        self.effects.clear();
        let event = self.fault_in_flight(fault, id)?;
        self.finish_event(event, None);
        Ok(())
    }

    fn fault_in_flight(&mut self, fault: MessageFault, id: u64) -> Result<EventKind, SimError> {
        match fault {
            MessageFault::Drop => {
                let flight = self.network.remove(id).ok_or(SimError::NoSuchMessage(id))?;
                self.stats.dropped_by_fault += 1;
                Ok(EventKind::Dropped(flight))
            }
            MessageFault::Duplicate => {
                let original = self.network.get(id).cloned().ok_or(SimError::NoSuchMessage(id))?;
                let arrives = self.now + self.latency();
                let copy = self.network.push(original.from, original.to, self.now, arrives, original.msg, true);
                self.stats.duplicated_by_fault += 1;
                Ok(EventKind::Duplicated { original: id, copy })
            }
        }
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

    fn check_endpoint(&self, id: NodeId) -> Result<(), SimError> {
        if id == CLIENT {
            Ok(())
        } else {
            self.check_node(id)
        }
    }
}
