//! Unit tests of the pure Raft node, named after the section of the Raft
//! paper (Ongaro & Ousterhout, "In Search of an Understandable Consensus
//! Algorithm") whose rule they check.
//!
//! The harness below is not a mock: it holds real [`Node`]s and carries their
//! output messages in a queue that the tests deliver by hand, one message or
//! a filtered batch at a time. Timers fire only when a test says so, and a
//! node can be cut off (crashed or partitioned) so that messages to or from
//! it are lost. Nothing depends on a clock or an unseeded random source, so
//! every scenario replays exactly.

use std::collections::VecDeque;

use super::node::MAX_ENTRIES_PER_MESSAGE;
use super::*;

mod client;
mod commit;
mod election;
mod election_options;
mod lesions;
mod persistence;
mod reads;
mod reasons;
mod replication;
mod safety;
mod snapshot;
mod timers;

/// A message in flight: (from, to, message).
pub(crate) type Envelope = (NodeId, NodeId, Message);

/// Feeds one message to one node and returns everything it produced.
#[allow(clippy::useless_conversion)] // identity with the `&Message` signature
pub(crate) fn step(node: &mut Node, from: NodeId, msg: Message) -> Ready {
    let mut ready = Ready::default();
    node.step(from, &msg, &mut ready);
    ready
}

pub(crate) fn election_timeout(node: &mut Node) -> Ready {
    let mut ready = Ready::default();
    node.election_timeout(&mut ready);
    ready
}

pub(crate) fn heartbeat_timeout(node: &mut Node) -> Ready {
    let mut ready = Ready::default();
    node.heartbeat_timeout(&mut ready);
    ready
}

// ----- building entries and messages -----

/// A distinct, recognisable entry: `put(k<term>_<n>=v)`, so that two logs
/// with the same terms but from different leaders still differ.
pub(crate) fn put_entry(term: Term, n: usize) -> Entry {
    Entry { term, command: Command::put(&format!("k{term}_{n}"), &format!("v{n}")), request: None }
}

/// Entries whose terms are `terms`, in order.
pub(crate) fn entries_of_terms(terms: &[Term]) -> Vec<Entry> {
    terms.iter().enumerate().map(|(n, &t)| put_entry(t, n)).collect()
}

/// The terms of a log written as runs: `terms(&[(1, 1), (2, 20)])` is one
/// entry of term 1 followed by twenty of term 2.
pub(crate) fn terms(runs: &[(Term, usize)]) -> Vec<Term> {
    runs.iter().flat_map(|&(term, count)| std::iter::repeat_n(term, count)).collect()
}

pub(crate) fn append_entries(
    term: Term,
    leader: NodeId,
    prev: (LogIndex, Term),
    entries: Vec<Entry>,
    leader_commit: LogIndex,
) -> Message {
    Message::AppendEntries(AppendEntries {
        term,
        leader,
        prev_log_index: prev.0,
        prev_log_term: prev.1,
        entries,
        leader_commit,
        round: 0,
    })
}

/// `message` (an AppendEntries) as sent in heartbeat round `round`.
pub(crate) fn with_round(message: Message, round: u64) -> Message {
    match message {
        Message::AppendEntries(append) => Message::AppendEntries(AppendEntries { round, ..append }),
        other => other,
    }
}

pub(crate) fn request_vote(term: Term, candidate: NodeId, last_log_index: LogIndex, last_log_term: Term) -> Message {
    Message::RequestVote(RequestVote { term, candidate, last_log_index, last_log_term, leader_transfer: false })
}

/// Gives `node` the log `entries` as a follower would get it: through an
/// AppendEntries from `leader` in the term of the newest entry. The reply is
/// discarded; the node keeps no commit index from it.
pub(crate) fn seed_log(node: &mut Node, leader: NodeId, entries: Vec<Entry>) {
    let term = entries.iter().map(|e| e.term).max().unwrap_or(1).max(node.term());
    let ready = step(node, leader, append_entries(term, leader, (0, 0), entries, 0));
    assert!(matches!(ready.messages[..], [(_, Message::AppendEntriesReply(AppendEntriesReply { success: true, .. }))]));
}

/// The terms of a node's log, index 1 first.
pub(crate) fn log_terms(node: &Node) -> Vec<Term> {
    node.log().entries().iter().map(|e| e.term).collect()
}

/// The messages of a `Ready` addressed to `to`.
pub(crate) fn sent_to(ready: &Ready, to: NodeId) -> Vec<&Message> {
    ready.messages.iter().filter(|(t, _)| *t == to).map(|(_, m)| m).collect()
}

/// The only message of a `Ready`, which must hold exactly one, to `to`.
pub(crate) fn only_message(ready: &Ready, to: NodeId) -> &Message {
    match &ready.messages[..] {
        [(t, m)] if *t == to => m,
        other => panic!("expected one message to {to}, got {other:?}"),
    }
}

// ----- the cluster -----

pub(crate) struct Cluster {
    /// `nodes[i]` is the node of id `i + 1`.
    pub(crate) nodes: Vec<Node>,
    /// Messages sent between servers and not yet delivered, oldest first.
    pub(crate) net: VecDeque<Envelope>,
    /// Everything the servers sent to the client: (from, message).
    pub(crate) client_inbox: Vec<(NodeId, Message)>,
    /// Every message delivered so far, to count round trips.
    pub(crate) delivered: Vec<Envelope>,
    /// Every event any node reported, with the node's id.
    pub(crate) events: Vec<(NodeId, NodeEvent)>,
    /// Every reason any node gave for a decision, in order.
    pub(crate) reasons: Vec<Reason>,
    /// Cut-off nodes (indexed by id): messages to or from them are lost.
    isolated: Vec<bool>,
}

impl Cluster {
    /// `size` started nodes, all followers of term 0 with empty logs.
    pub(crate) fn new(size: u8) -> Self {
        let mut c = Cluster {
            nodes: (1..=size).map(|id| Node::new(id, size)).collect(),
            net: VecDeque::new(),
            client_inbox: Vec::new(),
            delivered: Vec::new(),
            events: Vec::new(),
            reasons: Vec::new(),
            isolated: vec![false; size as usize + 1],
        };
        for id in 1..=size {
            let mut ready = Ready::default();
            c.node_mut(id).start(&mut ready);
            c.absorb(id, &ready);
        }
        c
    }

    pub(crate) fn node(&self, id: NodeId) -> &Node {
        &self.nodes[id as usize - 1]
    }

    pub(crate) fn node_mut(&mut self, id: NodeId) -> &mut Node {
        &mut self.nodes[id as usize - 1]
    }

    /// Queues what a node sent and records its events.
    pub(crate) fn absorb(&mut self, from: NodeId, ready: &Ready) {
        self.events.extend(ready.events.iter().map(|e| (from, e.clone())));
        self.reasons.extend(ready.reasons.iter().copied());
        for (to, msg) in &ready.messages {
            if *to == CLIENT {
                self.client_inbox.push((from, msg.clone()));
            } else {
                self.net.push_back((from, *to, msg.clone()));
            }
        }
    }

    pub(crate) fn timeout(&mut self, id: NodeId) -> Ready {
        let ready = election_timeout(self.node_mut(id));
        self.absorb(id, &ready);
        ready
    }

    pub(crate) fn heartbeat(&mut self, id: NodeId) -> Ready {
        let ready = heartbeat_timeout(self.node_mut(id));
        self.absorb(id, &ready);
        ready
    }

    pub(crate) fn restart(&mut self, id: NodeId) -> Ready {
        let mut ready = Ready::default();
        self.node_mut(id).restart(&mut ready);
        self.absorb(id, &ready);
        ready
    }

    pub(crate) fn client_request(&mut self, to: NodeId, request: RequestId, command: Command) -> Ready {
        self.client_read(to, request, command, crate::raft::ReadMode::Log)
    }

    /// A client request with a read mode (`read=`).
    pub(crate) fn client_read(
        &mut self,
        to: NodeId,
        request: RequestId,
        command: Command,
        read: crate::raft::ReadMode,
    ) -> Ready {
        let ready = step(self.node_mut(to), CLIENT, Message::ClientRequest { request, command, read });
        self.absorb(to, &ready);
        ready
    }

    /// Delivers a message straight to `to` (whether or not it is queued).
    pub(crate) fn deliver(&mut self, from: NodeId, to: NodeId, msg: Message) -> Ready {
        self.delivered.push((from, to, msg.clone()));
        let ready = step(self.node_mut(to), from, msg);
        self.absorb(to, &ready);
        ready
    }

    /// Delivers the oldest queued message; returns false when none is left.
    /// A message to or from an isolated node is dropped instead.
    pub(crate) fn deliver_next(&mut self) -> bool {
        let Some((from, to, msg)) = self.net.pop_front() else { return false };
        if !self.isolated[from as usize] && !self.isolated[to as usize] {
            self.deliver(from, to, msg);
        }
        true
    }

    /// Delivers until the network is quiet (no heartbeat fires meanwhile).
    pub(crate) fn deliver_all(&mut self) {
        let mut budget = 10_000;
        while self.deliver_next() {
            budget -= 1;
            assert!(budget > 0, "the cluster never went quiet");
        }
    }

    /// Delivers, oldest first, only the queued messages `keep` accepts
    /// (including those they cause), leaving the others queued.
    pub(crate) fn deliver_only(&mut self, keep: impl Fn(&Envelope) -> bool) {
        let mut held = VecDeque::new();
        while let Some(env) = self.net.pop_front() {
            if keep(&env) {
                self.net.push_front(env);
                self.deliver_next();
            } else {
                held.push_back(env);
            }
        }
        self.net = held;
    }

    /// Delivers only the election: RequestVote and its replies.
    pub(crate) fn deliver_votes(&mut self) {
        self.deliver_only(|(_, _, m)| matches!(m, Message::RequestVote(_) | Message::RequestVoteReply(_)));
    }

    /// Cuts `id` off: messages to or from it, queued or future, are lost.
    pub(crate) fn isolate(&mut self, id: NodeId) {
        self.isolated[id as usize] = true;
    }

    pub(crate) fn heal(&mut self, id: NodeId) {
        self.isolated[id as usize] = false;
    }

    /// Times `id` out and delivers everything: with every node reachable and
    /// logs that allow it, `id` is leader afterwards.
    pub(crate) fn elect(&mut self, id: NodeId) {
        self.timeout(id);
        self.deliver_all();
        assert_eq!(self.node(id).role(), Role::Leader, "node {id} should have won the election");
    }

    /// Replies the client received, as (request, outcome), in order.
    pub(crate) fn client_replies(&self) -> Vec<(RequestId, ClientOutcome)> {
        self.client_inbox
            .iter()
            .map(|(_, m)| match m {
                Message::ClientReply { request, outcome } => (*request, outcome.clone()),
                other => panic!("the client got {other:?}"),
            })
            .collect()
    }

    /// Switches `rule` on or off on every node, as `World::set_rule` does.
    pub(crate) fn set_rule(&mut self, rule: Rule, on: bool) {
        for node in &mut self.nodes {
            node.set_rule(rule, on);
        }
    }

    /// The reasons node `id` gave, in order.
    pub(crate) fn reasons_of(&self, id: NodeId) -> Vec<Reason> {
        self.reasons.iter().filter(|r| r.node() == id).copied().collect()
    }

    /// The events node `id` reported, in order.
    pub(crate) fn events_of(&self, id: NodeId) -> Vec<NodeEvent> {
        self.events.iter().filter(|(n, _)| *n == id).map(|(_, e)| e.clone()).collect()
    }

    /// The AppendEntries delivered to `to` from message number `since` of
    /// `delivered` on, as (prev_log_index, number of entries, leader_commit).
    pub(crate) fn appends_to(&self, to: NodeId, since: usize) -> Vec<(LogIndex, usize, LogIndex)> {
        self.delivered[since..]
            .iter()
            .filter_map(|(_, t, m)| match m {
                Message::AppendEntries(m) if *t == to => Some((m.prev_log_index, m.entries.len(), m.leader_commit)),
                _ => None,
            })
            .collect()
    }

    /// Delivered AppendEntriesReply rejections from `from`, as the
    /// (conflict_term, conflict_index) hints they carried.
    pub(crate) fn rejections_from(&self, from: NodeId) -> Vec<(Option<Term>, LogIndex)> {
        self.delivered
            .iter()
            .filter_map(|(f, _, m)| match m {
                Message::AppendEntriesReply(m) if *f == from && !m.success => Some((m.conflict_term, m.conflict_index)),
                _ => None,
            })
            .collect()
    }
}

#[test]
fn harness_seed_log_builds_the_log_it_is_given() {
    let mut n = Node::new(1, 3);
    seed_log(&mut n, 2, entries_of_terms(&terms(&[(1, 1), (2, 3)])));
    assert_eq!(log_terms(&n), vec![1, 2, 2, 2]);
    assert_eq!(n.term(), 2);
    assert_eq!(n.commit_index(), 0);
    assert_eq!(MAX_ENTRIES_PER_MESSAGE, 16, "the batching test below assumes 16");
}
