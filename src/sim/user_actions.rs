//! The user's actions on the Raft world, each an event of its own: crash
//! and restart a node, fire its election timer, transfer leadership, take a
//! snapshot, partition the network, cut and heal links, switch a safety rule,
//! drop or duplicate a message. Each is journaled once it is known to
//! succeed (`action.rs` holds them as data, for replay), then finishes as an
//! event.
//! The actions on a control plane's machines and zones are `kube_world.rs`.

use crate::raft::{NodeId, Rule, Rules, CLIENT};

use super::action::UserAction;
use super::event::EventKind;
use super::network::{ArmedFault, MessageFault};
use super::{SimError, World};

impl World {
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

    fn check_endpoint(&self, id: NodeId) -> Result<(), SimError> {
        if id == CLIENT {
            Ok(())
        } else {
            self.check_node(id)
        }
    }
}
