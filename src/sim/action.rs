//! User actions as data: what the world's journal records, what the timeline
//! replays, and what a shared link turns back into scenario text.

use crate::kube::MachineId;
use crate::raft::{Command, MessageKind, NodeId, ReadMode, Rule};
use crate::store::etcdctl::Call;

use super::network::MessageFault;
use super::{Micros, SimError, World};

/// Every action a user can take on a world, with its arguments, so it can be
/// recorded and applied again on replay.
#[derive(Clone, Debug, PartialEq)]
pub enum UserAction {
    Crash(NodeId),
    Restart(NodeId),
    /// Fires a node's election timer now.
    Timeout(NodeId),
    /// `transfer leader to N` (thesis §3.10).
    TransferLeader(NodeId),
    /// §7: a node snapshots its state machine now.
    Snapshot(NodeId),
    Partition(Vec<Vec<NodeId>>),
    /// Takes a link down (`down`) or back up; `both` also does the reverse.
    Cut {
        from: NodeId,
        to: NodeId,
        both: bool,
        down: bool,
    },
    Heal,
    MessageFault {
        fault: MessageFault,
        kind: Option<MessageKind>,
        from: NodeId,
        to: NodeId,
    },
    FaultMessage {
        fault: MessageFault,
        id: u64,
    },
    Submit {
        command: Command,
        via: Option<NodeId>,
    },
    /// A read served outside the log (`get KEY read=index|lease|local`).
    Read {
        command: Command,
        via: Option<NodeId>,
        mode: ReadMode,
    },
    SetClientLoad(Option<Micros>),
    /// Switches a safety rule on or off on every node (a lesion).
    SetRule {
        rule: Rule,
        on: bool,
    },
    /// An etcdctl `put`, `get` or `del` sent to the cluster.
    Etcdctl(Call),
    /// A machine of the control plane fails / comes back.
    CrashMachine(MachineId),
    RestartMachine(MachineId),
    /// Every machine of a zone fails / the failed ones come back.
    FailZone(String),
    RestoreZone(String),
    /// A zone is cut off from the others (a partition).
    IsolateZone(String),
}

impl UserAction {
    pub fn apply(&self, world: &mut World) -> Result<(), SimError> {
        match self {
            UserAction::Crash(id) => world.crash(*id),
            UserAction::Restart(id) => world.restart(*id),
            UserAction::Timeout(id) => world.force_timeout(*id),
            UserAction::TransferLeader(id) => world.transfer_leader(*id),
            UserAction::Snapshot(id) => world.take_snapshot(*id),
            UserAction::Partition(groups) => world.partition(groups.clone()),
            UserAction::Cut { from, to, both, down } => world.set_link(*from, *to, *both, *down),
            UserAction::Heal => {
                world.heal();
                Ok(())
            }
            UserAction::MessageFault { fault, kind, from, to } => world.message_fault(*fault, *kind, *from, *to),
            UserAction::FaultMessage { fault, id } => world.fault_message(*fault, *id),
            UserAction::Submit { command, via } => world.submit(command.clone(), *via).map(|_| ()),
            UserAction::Read { command, via, mode } => world.submit_read(command.clone(), *via, *mode).map(|_| ()),
            UserAction::SetClientLoad(interval) => {
                world.set_client_load(*interval);
                Ok(())
            }
            UserAction::SetRule { rule, on } => {
                world.set_rule(*rule, *on);
                Ok(())
            }
            UserAction::Etcdctl(call) => world.submit_etcdctl(call.clone()).map(|_| ()),
            UserAction::CrashMachine(m) => world.crash_machine(*m),
            UserAction::RestartMachine(m) => world.restart_machine(*m),
            UserAction::FailZone(zone) => world.fail_zone(zone),
            UserAction::RestoreZone(zone) => world.restore_zone(zone),
            UserAction::IsolateZone(zone) => world.isolate_zone(zone),
        }
    }

    /// Whether applying it counts as an event. Changing the client load is
    /// the one action that does not: it only reschedules the generator. Replay
    /// must know, because reaching event `e` includes such actions taken at
    /// `e` but not an action that would make the count `e + 1`.
    pub fn is_event(&self) -> bool {
        !matches!(self, UserAction::SetClientLoad(_))
    }
}

/// A user action and where in the run it was applied.
#[derive(Clone, Debug, PartialEq)]
pub struct JournalEntry {
    pub action: UserAction,
    /// The world's event count just before the action.
    pub at_event: u64,
    /// The world's clock then. `run_until` can move the clock past the last
    /// event, and an action's effects (a submit's invoke time, the load's next
    /// tick) depend on the clock, so replay restores it.
    pub at_time: Micros,
}
