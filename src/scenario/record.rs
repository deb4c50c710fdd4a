//! The recorder: a run's journal of user actions as scenario text.
//!
//! A world is fully determined by its options and the user actions applied
//! to it, each at a known event count and clock. [`record`] writes the
//! `cluster` line with every option, then each action as a command, preceded
//! by the `run` and `step` commands that bring a fresh world to exactly the
//! event count and clock at which the action was taken. Run by the scenario
//! runner, or played by the browser's player, the text reproduces the
//! original world exactly, right after its last action.
//!
//! It does not trust its own arithmetic: it replays the run alongside on a
//! fresh world, through the same world calls the runner makes, and executes
//! each action command through a [`Runner`]. Whenever the replay cannot be
//! brought to where the original acted, it returns an error rather than text
//! that would reproduce something else.

use crate::raft::{Command as KvCommand, NodeId, ReadMode, CLIENT};
use crate::sim::{Effect, JournalEntry, MessageFault, Micros, UserAction, World, WorldConfig};

use super::ast::{Command, KubeCommand, LinkKind, NodeRef, Step, MAX_DURATION, MAX_STEP};
use super::parse::parse;
use super::runner::{Runner, Trace};
use crate::store::etcdctl::Call;
use crate::store::{DeleteRequest, Keys, RangeRequest, Request};

/// The first line of every recording.
pub const HEADER: &str = "# Recorded by Raft Lab: seed, options and every user action.";

/// Scenario text that reproduces the world created with `config` to which
/// the actions of `journal` were applied (its [`World::journal`]): same event
/// count, same clock and same state right after the last action.
///
/// Errors name the action that cannot be written, and why: a key or value
/// the scenario language cannot carry as one word (empty, with a space or a
/// `#`, a key with `=`), a no-op submitted as a client command, a partition
/// with an empty group before a non-empty one, a run that broke a safety
/// invariant before its last action (a scenario stops at a violation), or a
/// journal that does not belong to a world with these options.
pub fn record(config: &WorldConfig, journal: &[JournalEntry]) -> Result<String, String> {
    let mut runner = Runner::new(config, Trace::Notable)?;
    let mut commands = Vec::new();
    for (i, entry) in journal.iter().enumerate() {
        let what = |e: String| format!("cannot record action {} (at event {}): {e}", i + 1, entry.at_event);
        reach(runner.world_mut(), entry.at_event, entry.at_time, &mut commands).map_err(what)?;
        let command = action_command(runner.world(), &entry.action).map_err(what)?;
        let step = Step { line: 0, column: 0, text: command.to_string(), command: command.clone(), expected: None };
        runner.execute(&step).map_err(|(_, e)| what(format!("`{}` failed on replay: {e}", step.text)))?;
        let expected = entry.at_event + u64::from(entry.action.is_event());
        // An etcdctl request waits for its answer: the replay goes on past
        // it, exactly as far as the original waited (the next action's
        // `reach` checks that it is not past that one).
        let waits = matches!(entry.action, UserAction::Etcdctl(_));
        if runner.world().event_count() != expected && !(waits && runner.world().event_count() > expected) {
            return Err(what(format!(
                "`{}` on replay made the event count {}, not {expected}",
                step.text,
                runner.world().event_count()
            )));
        }
        commands.push(command);
    }
    let mut text = format!("{HEADER}\n{config}\n");
    for command in &commands {
        text.push_str(&command.to_string());
        text.push('\n');
    }
    // The text must read back as exactly these commands.
    let parsed = parse(&text).map_err(|e| format!("internal error: the recording does not parse: {e}\n{text}"))?;
    let same = parsed.cluster == *config && parsed.steps.iter().map(|s| &s.command).eq(commands.iter());
    if !same {
        return Err(format!("internal error: the recording parses to other commands:\n{text}"));
    }
    Ok(text)
}

/// Brings `world` from where it is to exactly `event` events at clock
/// `time`, and appends the `run` / `step` commands that do the same in a
/// scenario.
///
/// `run D` processes every event due within D, then sets the clock to the
/// end; `step K` processes K events and leaves the clock at the last one. So
/// an action taken after running to a time is reached with one `run`; one
/// taken right after an event (single-stepping, or among several events at
/// one microsecond) with a `run` to just before that microsecond and a
/// `step` for the events at it.
fn reach(world: &mut World, event: u64, time: Micros, commands: &mut Vec<Command>) -> Result<(), String> {
    let (start_event, start_time) = (world.event_count(), world.now());
    if event < start_event || time < start_time {
        return Err(format!(
            "it was taken at event {event}, {time}us, before the replay's event {start_event}, {start_time}us"
        ));
    }
    let count = event - start_event;
    // Events of the `count` that happen before `time`: a `run` can take those.
    let mut before = 0u64;
    for _ in 0..count {
        match world.next_event_time() {
            Some(t) if t <= time => {
                world.step();
                before += u64::from(t < time);
                if world.last_effects().iter().any(|e| matches!(e, Effect::Violation(_))) {
                    return Err(format!(
                        "the run broke a safety invariant at event {}, and a scenario stops there",
                        world.event_count()
                    ));
                }
            }
            next => {
                return Err(format!(
                    "the replay has {} events by {time}us where the original had {event} (next event at {})",
                    world.event_count(),
                    next.map_or_else(|| "none".to_string(), |t| format!("{t}us"))
                ))
            }
        }
    }
    let pending = world.next_event_time().is_some_and(|t| t <= time);
    if !pending {
        // Nothing else is due by `time`: `run` takes exactly these events.
        world.run_until(time);
        if time > start_time {
            push_run(commands, time - start_time);
        } else {
            push_steps(commands, count);
        }
        return Ok(());
    }
    // Another event is due by `time`, so the action came right after the
    // last of these, at its microsecond.
    if world.now() != time {
        return Err(format!(
            "the replay is at {}us after {event} events, and an event is due before the action's {time}us",
            world.now()
        ));
    }
    if before > 0 {
        push_run(commands, time - 1 - start_time);
    }
    push_steps(commands, count - before);
    Ok(())
}

/// `run D`, split where D exceeds the longest duration the language takes.
fn push_run(commands: &mut Vec<Command>, mut duration: Micros) {
    loop {
        let d = duration.min(MAX_DURATION);
        commands.push(Command::Run(d));
        duration -= d;
        if duration == 0 {
            break;
        }
    }
}

/// `step K`, split where K exceeds the largest count the language takes.
fn push_steps(commands: &mut Vec<Command>, mut count: u64) {
    while count > 0 {
        let k = count.min(u64::from(MAX_STEP));
        commands.push(Command::Step(k as u32));
        count -= k;
    }
}

fn node(id: NodeId) -> NodeRef {
    NodeRef::Id(id)
}

fn end(id: NodeId) -> NodeRef {
    if id == CLIENT {
        NodeRef::Client
    } else {
        NodeRef::Id(id)
    }
}

fn link_kind(fault: MessageFault) -> LinkKind {
    match fault {
        MessageFault::Drop => LinkKind::Drop,
        MessageFault::Duplicate => LinkKind::Duplicate,
    }
}

/// The command for one action, in the replayed world just before it.
fn action_command(world: &World, action: &UserAction) -> Result<Command, String> {
    Ok(match action {
        UserAction::Crash(id) => Command::Crash(node(*id)),
        UserAction::Restart(id) => Command::Restart(node(*id)),
        UserAction::Timeout(id) => Command::Timeout(node(*id)),
        UserAction::TransferLeader(id) => Command::TransferLeader(node(*id)),
        UserAction::Snapshot(id) => Command::Snapshot(node(*id)),
        UserAction::Partition(groups) => partition(world, groups)?,
        UserAction::Cut { from, to, both, down } => {
            let (from, to, both) = (node(*from), node(*to), *both);
            if *down {
                Command::Cut { from, to, both }
            } else {
                Command::Uncut { from, to, both }
            }
        }
        UserAction::Heal => Command::Heal,
        UserAction::MessageFault { fault, kind, from, to } => {
            if from == to {
                return Err(format!("a link from node {from} to itself cannot be written"));
            }
            Command::Message { action: link_kind(*fault), kind: *kind, from: end(*from), to: end(*to) }
        }
        UserAction::FaultMessage { fault, id } => {
            let action = link_kind(*fault);
            let m = world.network().get(*id).ok_or_else(|| format!("message {id} is not in flight on replay"))?;
            // `drop next` reads better than an id, where it picks this message.
            let kind = Some(m.msg.kind());
            if m.from != m.to && world.network().find_next(kind, m.from, m.to).map(|n| n.id) == Some(*id) {
                Command::Message { action, kind, from: end(m.from), to: end(m.to) }
            } else {
                Command::FaultMessage { action, id: *id }
            }
        }
        UserAction::Submit { command, via } => submit(command, via.map(node), ReadMode::Log)?,
        UserAction::Read { command, via, mode } => submit(command, via.map(node), *mode)?,
        UserAction::SetClientLoad(every) => Command::ClientLoad(every.filter(|&d| d > 0)),
        UserAction::SetRule { rule, on } => Command::Rule { rule: *rule, on: *on },
        UserAction::Etcdctl(call) => etcdctl(call)?,
        UserAction::CrashMachine(m) => Command::Kube(KubeCommand::CrashMachine(machine(world, *m)?)),
        UserAction::RestartMachine(m) => Command::Kube(KubeCommand::RestartMachine(machine(world, *m)?)),
        UserAction::FailZone(z) => Command::Kube(KubeCommand::FailZone(z.clone())),
        UserAction::RestoreZone(z) => Command::Kube(KubeCommand::RestoreZone(z.clone())),
        UserAction::IsolateZone(z) => Command::Kube(KubeCommand::IsolateZone(z.clone())),
    })
}

fn machine(world: &World, m: crate::kube::MachineId) -> Result<String, String> {
    world.config().kube.as_ref().map(|k| k.machine_name(m)).ok_or_else(|| "a machine action in a plain cluster".into())
}

/// `etcdctl ...`, if its words are words of the language.
fn etcdctl(call: &Call) -> Result<Command, String> {
    if let Call::Kv { request, .. } = call {
        let (key, value) = match request {
            Request::Put(p) => (p.key.clone(), Some(p.value.clone())),
            Request::Range(RangeRequest { keys: Keys::Key(k) | Keys::Prefix(k), .. })
            | Request::Delete(DeleteRequest { keys: Keys::Key(k) | Keys::Prefix(k) }) => (k.clone(), None),
            Request::Txn(_) => return Err("etcdctl sends no transaction here".into()),
        };
        // Keys may hold `=` here (etcdctl's own word), but not start a flag.
        word(&key, "key", false)?;
        if key.starts_with('-') {
            return Err(format!("the key \"{key}\" starts with '-', which etcdctl reads as a flag"));
        }
        if let Some(value) = value {
            word(&value, "value", false)?;
            if value.starts_with('-') {
                return Err(format!("the value \"{value}\" starts with '-', which etcdctl reads as a flag"));
            }
        }
    }
    Ok(Command::Etcdctl(call.clone()))
}

/// `partition ...`: trailing empty groups change nothing and are left out;
/// no groups at all is `heal` when no link is cut (the same network), else
/// `partition none`.
fn partition(world: &World, groups: &[Vec<NodeId>]) -> Result<Command, String> {
    let kept = groups.iter().rposition(|g| !g.is_empty()).map_or(0, |i| i + 1);
    let groups = &groups[..kept];
    if groups.iter().any(|g| g.is_empty()) {
        return Err("a partition with an empty group before a non-empty one cannot be written \
                    (it numbers the groups after it differently)"
            .to_string());
    }
    if groups.is_empty() {
        let n = world.config().nodes;
        let cut = (1..=n).any(|a| (1..=n).any(|b| world.network().is_cut(a, b)));
        return Ok(if cut { Command::Partition(Vec::new()) } else { Command::Heal });
    }
    Ok(Command::Partition(groups.iter().map(|g| g.iter().copied().map(node).collect()).collect()))
}

/// Whether the language carries `text` as one word: not empty, no space, no
/// `#` (a comment), and for a key no `=` (which `expect log` could not name).
fn word(text: &str, what: &str, key: bool) -> Result<String, String> {
    let problem = if text.is_empty() {
        Some("is empty")
    } else if text.chars().any(char::is_whitespace) {
        Some("contains a space")
    } else if text.contains('#') {
        Some("contains '#', which starts a comment")
    } else if key && text.contains('=') {
        Some("contains '='")
    } else {
        None
    };
    match problem {
        Some(problem) => Err(format!("the {what} \"{text}\" {problem}, so a scenario cannot write it")),
        None => Ok(text.to_string()),
    }
}

fn submit(command: &KvCommand, via: Option<NodeRef>, read: ReadMode) -> Result<Command, String> {
    Ok(match command {
        KvCommand::Put { key, value } => {
            Command::Put { key: word(key, "key", true)?, value: word(value, "value", false)?, via }
        }
        KvCommand::Get { key } => Command::Get { key: word(key, "key", true)?, via, read },
        KvCommand::Del { key } => Command::Del { key: word(key, "key", true)?, via },
        // The empty prefix is the bare `list`.
        KvCommand::List { prefix } if prefix.is_empty() => Command::List { prefix: String::new(), via, read },
        KvCommand::List { prefix } => Command::List { prefix: word(prefix, "prefix", true)?, via, read },
        KvCommand::Noop => return Err("a no-op is not a client command".to_string()),
        KvCommand::Etcd(_) => return Err("an etcd request is sent with etcdctl, not as a client command".to_string()),
    })
}

#[cfg(test)]
#[path = "record_tests.rs"]
mod tests;
