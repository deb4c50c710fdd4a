//! The simulated network: messages in flight, partitions, cut links and the
//! one-shot rules that drop or duplicate a chosen message.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use crate::raft::{Message, MessageKind, NodeId, CLIENT, MAX_NODES};

use super::Micros;

/// A message on its way. Every field is visible to the user.
#[derive(Clone, Debug)]
pub struct InFlight {
    /// Unique per world, in sending order: the tie-break between messages
    /// that arrive at the same microsecond.
    pub id: u64,
    pub from: NodeId,
    pub to: NodeId,
    pub sent_at: Micros,
    pub arrives_at: Micros,
    pub msg: Message,
    /// Made by a `duplicate` fault rather than sent by a node.
    pub duplicate: bool,
}

impl InFlight {
    fn key(&self) -> (Micros, u64) {
        (self.arrives_at, self.id)
    }
}

// Ordered so that `BinaryHeap` (a max-heap) pops the earliest arrival first.
impl Ord for InFlight {
    fn cmp(&self, other: &Self) -> Ordering {
        other.key().cmp(&self.key())
    }
}
impl PartialOrd for InFlight {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl PartialEq for InFlight {
    fn eq(&self, other: &Self) -> bool {
        self.key() == other.key()
    }
}
impl Eq for InFlight {}

/// What a `drop next` / `duplicate next` rule does to its message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MessageFault {
    Drop,
    Duplicate,
}

/// A rule waiting for the next message of a kind on a link, used when no
/// such message is in flight at the moment the user asks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ArmedFault {
    pub fault: MessageFault,
    /// `None` matches any kind.
    pub kind: Option<MessageKind>,
    pub from: NodeId,
    pub to: NodeId,
}

impl ArmedFault {
    pub fn matches(&self, from: NodeId, to: NodeId, kind: MessageKind) -> bool {
        self.from == from && self.to == to && self.kind.is_none_or(|k| k == kind)
    }
}

/// Why a message that reached its destination was not handed to the node.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LossReason {
    Partitioned,
    LinkCut,
    Crashed,
}

#[derive(Clone, Debug, Default)]
pub struct Network {
    pub(super) in_flight: BinaryHeap<InFlight>,
    /// Group of each node (index = node id); nodes in different groups cannot
    /// talk. All zero when there is no partition.
    group: [u8; MAX_NODES + 1],
    /// Bit `to` of `cut[from]`: the link from -> to is down.
    cut: [u16; MAX_NODES + 1],
    pub(super) armed: Vec<ArmedFault>,
    next_id: u64,
}

impl Network {
    pub fn in_flight(&self) -> impl Iterator<Item = &InFlight> {
        self.in_flight.iter()
    }

    /// How many messages are in flight.
    pub fn in_flight_count(&self) -> usize {
        self.in_flight.len()
    }

    /// In-flight messages in arrival order.
    pub fn in_flight_sorted(&self) -> Vec<&InFlight> {
        let mut v: Vec<&InFlight> = self.in_flight.iter().collect();
        // Unstable is enough: the key (arrival, id) is unique.
        v.sort_unstable_by_key(|m| m.key());
        v
    }

    pub fn peek_arrival(&self) -> Option<Micros> {
        self.in_flight.peek().map(|m| m.arrives_at)
    }

    pub(super) fn pop(&mut self) -> Option<InFlight> {
        self.in_flight.pop()
    }

    pub(super) fn push(
        &mut self,
        from: NodeId,
        to: NodeId,
        sent_at: Micros,
        arrives_at: Micros,
        msg: Message,
        duplicate: bool,
    ) -> u64 {
        self.next_id += 1;
        let id = self.next_id;
        self.in_flight.push(InFlight { id, from, to, sent_at, arrives_at, msg, duplicate });
        id
    }

    /// Takes out the first armed rule matching this message, if any.
    pub(super) fn take_armed(&mut self, from: NodeId, to: NodeId, kind: MessageKind) -> Option<MessageFault> {
        if self.armed.is_empty() {
            return None;
        }
        let pos = self.armed.iter().position(|a| a.matches(from, to, kind))?;
        Some(self.armed.remove(pos).fault)
    }

    /// Whether a message from -> to gets through the partitions and cuts.
    /// The client stands outside the partition: it reaches every live node.
    pub fn link_state(&self, from: NodeId, to: NodeId) -> Result<(), LossReason> {
        if from == CLIENT || to == CLIENT {
            return Ok(());
        }
        if self.group[from as usize] != self.group[to as usize] {
            return Err(LossReason::Partitioned);
        }
        if self.cut[from as usize] & (1 << to) != 0 {
            return Err(LossReason::LinkCut);
        }
        Ok(())
    }

    /// Puts each listed group apart; unlisted nodes form one more group.
    pub fn set_partition(&mut self, groups: &[Vec<NodeId>]) {
        // Group 0 is "everyone not listed".
        self.group = [0; MAX_NODES + 1];
        for (g, members) in groups.iter().enumerate() {
            for &id in members {
                self.group[id as usize] = g as u8 + 1;
            }
        }
    }

    pub fn group_of(&self, id: NodeId) -> u8 {
        self.group[id as usize]
    }

    pub fn is_partitioned(&self) -> bool {
        self.group.iter().any(|&g| g != 0)
    }

    pub fn set_cut(&mut self, from: NodeId, to: NodeId, down: bool) {
        if down {
            self.cut[from as usize] |= 1 << to;
        } else {
            self.cut[from as usize] &= !(1 << to);
        }
    }

    pub fn is_cut(&self, from: NodeId, to: NodeId) -> bool {
        self.cut[from as usize] & (1 << to) != 0
    }

    /// Removes every partition and cut (armed message rules stay).
    pub fn heal(&mut self) {
        self.group = [0; MAX_NODES + 1];
        self.cut = [0; MAX_NODES + 1];
    }

    /// Drops every message on its way to `node` (it crashed).
    pub(super) fn discard_to(&mut self, node: NodeId) -> usize {
        let before = self.in_flight.len();
        self.in_flight.retain(|m| m.to != node);
        before - self.in_flight.len()
    }

    /// Drops the messages from `node` still waiting for its disk (it crashed
    /// before they left).
    pub(super) fn discard_unsent_from(&mut self, node: NodeId, now: Micros) -> usize {
        let before = self.in_flight.len();
        self.in_flight.retain(|m| m.from != node || m.sent_at <= now);
        before - self.in_flight.len()
    }

    /// Removes one in-flight message by id.
    pub(super) fn remove(&mut self, id: u64) -> Option<InFlight> {
        let mut found = None;
        self.in_flight.retain(|m| {
            if m.id == id {
                found = Some(m.clone());
                false
            } else {
                true
            }
        });
        found
    }

    /// The next in-flight message (earliest arrival) of a kind on a link.
    pub fn find_next(&self, kind: Option<MessageKind>, from: NodeId, to: NodeId) -> Option<&InFlight> {
        self.in_flight
            .iter()
            .filter(|m| m.from == from && m.to == to && kind.is_none_or(|k| k == m.msg.kind()))
            .min_by_key(|m| m.key())
    }

    pub fn get(&self, id: u64) -> Option<&InFlight> {
        self.in_flight.iter().find(|m| m.id == id)
    }

    pub fn armed(&self) -> &[ArmedFault] {
        &self.armed
    }
}
