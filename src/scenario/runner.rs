//! Runs a parsed scenario against a [`World`]: used by the tests, the CLI and
//! the browser alike.
//!
//! Every command produces output lines (what an expectation block compares):
//! `run` commands print the notable events that happened meanwhile, `step`
//! prints every event with all it caused, actions print what they did, `show`
//! prints a table and a passing `expect` prints nothing.

use crate::raft::{Command as KvCommand, NodeId, ReadMode, CLIENT};
use crate::sim::{fmt_time, Effect, Hit, MessageFault, Micros, SimError, Watch, World, WorldConfig};

use super::ast::{format_duration, ClusterSpec, Command, LinkKind, NodeRef, Scenario, ShowWhat, Step};
use super::{history, show};
use crate::raft::RequestId;
use crate::store::etcdctl::Call;

#[path = "runner_kube.rs"]
mod runner_kube;
pub use runner_kube::{etcdctl_answer, etcdctl_state};

// Declared here so that `scenario` keeps one runner module; the
// expectations are split out by concern.
#[path = "runner_expect.rs"]
mod runner_expect;

/// How much of the event stream `run` commands print.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Trace {
    /// Role changes, client results, faults and violations.
    #[default]
    Notable,
    /// The notable lines, and after each event the reason for every
    /// decision a node took in it (`raftlab run --why`); `step` and actions
    /// print their reasons too.
    Why,
    /// Every event with everything it caused, reasons included.
    Full,
}

/// Why a scenario stopped before its end.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure {
    pub line: u32,
    /// The command as written.
    pub command: String,
    pub message: String,
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: `{}` failed: {}", self.line, self.command, self.message)
    }
}

/// The output of one executed step.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StepOutput {
    /// Index into `Scenario::steps`.
    pub step: usize,
    pub lines: Vec<String>,
}

/// A scenario being executed, one step at a time (the browser interleaves
/// steps with drawing; the CLI runs them all).
///
/// The runner checks its breakpoints (a [`Watch`]: what `break` commands
/// set, and in the browser what the page sets) after every event it
/// processes, and prints a line for each hit in that step's output:
/// `breakpoint leader-elected at #37 182.345ms: node 3 became leader of term 1`.
pub struct Runner {
    world: World,
    trace: Trace,
    watch: Watch,
    /// Whether a hit pauses [`Runner::resume`] (the browser) or is only
    /// printed (the CLI and tests).
    pause_on_hit: bool,
    /// The last hit, until taken.
    hit: Option<Hit>,
}

/// Runs a whole scenario; stops at the first failure or safety violation.
/// A violation that an `expect violation` after it names is the expected end
/// of the scenario: that expectation is checked at the stop, and the
/// scenario ends there, successfully when it holds.
pub fn run(scenario: &Scenario, trace: Trace) -> (Runner, Vec<StepOutput>, Option<Failure>) {
    let mut outputs = Vec::new();
    let mut runner = match Runner::new(&scenario.cluster, trace) {
        Ok(r) => r,
        Err(message) => {
            // The parser validates options, so this is only reachable if the
            // two ever disagree; report it rather than panic.
            let failure = Failure { line: scenario.cluster_line, command: "cluster".into(), message };
            let world = World::new(WorldConfig::default()).expect("defaults are valid");
            return (Runner::with_world(world, trace), outputs, Some(failure));
        }
    };
    let mut i = 0;
    while let Some(step) = scenario.steps.get(i) {
        match runner.execute(step) {
            Ok(lines) => outputs.push(StepOutput { step: i, lines }),
            Err((lines, message)) => {
                outputs.push(StepOutput { step: i, lines });
                match runner.expected_violation(&scenario.steps, i) {
                    Some(expectation) => {
                        i = expectation;
                        continue;
                    }
                    None => {
                        let failure = Failure { line: step.line, command: step.text.clone(), message };
                        return (runner, outputs, Some(failure));
                    }
                }
            }
        }
        if matches!(step.command, Command::ExpectViolation(_)) {
            // It held, so the run stopped at a violation: nothing after it runs.
            break;
        }
        i += 1;
    }
    (runner, outputs, None)
}

/// A step that takes virtual time, part way through. [`Runner::execute`]
/// runs one to its end at once; the browser's player resumes it slice by
/// slice as its clock advances, so the cluster can be drawn in between.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Timed {
    kind: TimedKind,
    /// The clock never passes this: the end of `run D`, or the limit of a
    /// `run until ... within`.
    until: Micros,
    /// Violations found before the step, to tell the new ones.
    violations_before: usize,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum TimedKind {
    Run,
    Leader {
        within: Micros,
    },
    Committed {
        index: u64,
        within: Micros,
    },
    Step {
        left: u32,
    },
    /// `etcdctl put/get/del`: sent once `op` is `Some`, then waits for the
    /// answer until etcdctl's command timeout.
    Etcdctl {
        call: Call,
        op: Option<RequestId>,
    },
}

/// Default limit of `run until ...` when the scenario gives none.
pub const DEFAULT_WITHIN: Micros = 10_000_000;

impl Runner {
    pub fn new(cluster: &ClusterSpec, trace: Trace) -> Result<Runner, String> {
        let world = World::new(cluster.clone()).map_err(|e| e.to_string())?;
        Ok(Runner::with_world(world, trace))
    }

    /// Wraps an existing world (the browser keeps its own).
    pub fn with_world(world: World, trace: Trace) -> Runner {
        let watch = Watch::new(Vec::new(), &world);
        Runner::with_watch(world, trace, watch)
    }

    /// Wraps an existing world and the breakpoints to check in it (the
    /// browser's player keeps both across calls and moves them in and out).
    pub fn with_watch(world: World, trace: Trace, watch: Watch) -> Runner {
        Runner { world, trace, watch, pause_on_hit: false, hit: None }
    }

    /// Makes a breakpoint hit pause [`Runner::resume`] right after the event,
    /// as `observe` returning true does; by default a hit is only printed.
    pub fn set_pause_on_hit(&mut self, pause: bool) {
        self.pause_on_hit = pause;
    }

    pub fn watch(&self) -> &Watch {
        &self.watch
    }

    pub fn watch_mut(&mut self) -> &mut Watch {
        &mut self.watch
    }

    /// Whether a breakpoint was hit since the last [`Runner::take_hit`].
    pub fn has_hit(&self) -> bool {
        self.hit.is_some()
    }

    /// The last breakpoint hit, once.
    pub fn take_hit(&mut self) -> Option<Hit> {
        self.hit.take()
    }

    /// The world and the breakpoints, for the next call to pick up.
    pub fn into_parts(self) -> (World, Watch) {
        (self.world, self.watch)
    }

    pub fn world(&self) -> &World {
        &self.world
    }

    pub fn world_mut(&mut self) -> &mut World {
        &mut self.world
    }

    pub fn into_world(self) -> World {
        self.world
    }

    /// Executes one step. On failure, returns the lines printed before it and
    /// what went wrong. A safety violation found during the step is a failure.
    pub fn execute(&mut self, step: &Step) -> Result<Vec<String>, (Vec<String>, String)> {
        let mut out = Vec::new();
        let result = match self.begin(step) {
            // A command that takes time goes through the same code as the
            // browser's sliced playback, only without a cap, so both agree.
            Some(mut timed) => loop {
                if let Some(result) = self.resume(&mut timed, Micros::MAX, u64::MAX, &mut out, &mut |_| false) {
                    break result;
                }
            },
            None => {
                let violations_before = self.world.checker().violations().len();
                let result = self.command(&step.command, &mut out);
                self.check_violations(violations_before, result)
            }
        };
        match result {
            Ok(()) => Ok(out),
            Err(message) => Err((out, message)),
        }
    }

    /// Starts a step that takes virtual time (`run`, `run until`, `step`);
    /// `None` for an instant step, which [`Runner::execute`] carries out.
    pub fn begin(&self, step: &Step) -> Option<Timed> {
        let now = self.world.now();
        let (kind, until) = match step.command {
            Command::Run(duration) => (TimedKind::Run, now.saturating_add(duration)),
            Command::RunUntilLeader { within } => (TimedKind::Leader { within }, now.saturating_add(within)),
            Command::RunUntilCommitted { index, within } => {
                (TimedKind::Committed { index, within }, now.saturating_add(within))
            }
            Command::Step(count) => (TimedKind::Step { left: count }, Micros::MAX),
            Command::Etcdctl(ref call @ Call::Kv { .. }) => {
                (TimedKind::Etcdctl { call: call.clone(), op: None }, Micros::MAX)
            }
            _ => return None,
        };
        Some(Timed { kind, until, violations_before: self.world.checker().violations().len() })
    }

    /// Continues a step started by [`Runner::begin`] without moving the clock
    /// past `cap` and processing at most `max_events` events, calling
    /// `observe` after each event (the browser records its event feed and
    /// checks its breakpoints there; returning true pauses the step, which
    /// `resume` continues later).
    /// Appends the step's output to `out`. Returns `None` while the step is
    /// unfinished, else its result as [`Runner::execute`] gives it.
    pub fn resume(
        &mut self,
        timed: &mut Timed,
        cap: Micros,
        max_events: u64,
        out: &mut Vec<String>,
        observe: &mut dyn FnMut(&World) -> bool,
    ) -> Option<Result<(), String>> {
        let mut budget = max_events;
        let result = loop {
            if let TimedKind::Etcdctl { call, op: op @ None } = &mut timed.kind {
                // Sending the request is the step's first event.
                if budget == 0 {
                    return None;
                }
                match self.world.submit_etcdctl(call.clone()) {
                    Ok(id) => *op = Some(id),
                    Err(e) => break Err(e.to_string()),
                }
                budget -= 1;
                timed.until = self.world.now() + crate::store::etcdctl::COMMAND_TIMEOUT_US;
                let hit = self.check_watch(out);
                if observe(&self.world) || hit {
                    return None;
                }
                continue;
            }
            if let TimedKind::Step { left } = &mut timed.kind {
                if *left == 0 {
                    break Ok(());
                }
                match self.world.next_event_time() {
                    None => {
                        out.push("nothing is scheduled".into());
                        break Ok(());
                    }
                    Some(t) if t > cap => {
                        self.world.run_until(cap);
                        return None;
                    }
                    Some(_) if budget == 0 => return None,
                    Some(_) => {
                        self.world.step();
                        budget -= 1;
                        *left -= 1;
                        self.print_event(out, true);
                        let hit = self.check_watch(out);
                        let paused = observe(&self.world) || hit;
                        if self.stopped_by_violation() {
                            // Stop where the violation happened, as `run` does.
                            break Ok(());
                        }
                        if paused {
                            return None;
                        }
                    }
                }
                continue;
            }
            if self.reached(&timed.kind) {
                break Ok(());
            }
            match self.world.next_event_time() {
                Some(t) if t <= timed.until.min(cap) => {
                    if budget == 0 {
                        return None;
                    }
                    self.world.step();
                    budget -= 1;
                    // etcdctl prints only its own answer, as a terminal
                    // would (a full trace still shows every event).
                    let quiet = matches!(timed.kind, TimedKind::Etcdctl { .. }) && self.trace != Trace::Full;
                    if !quiet {
                        self.print_event(out, self.trace == Trace::Full);
                    }
                    let hit = self.check_watch(out);
                    let paused = observe(&self.world) || hit;
                    if self.stopped_by_violation() {
                        // Stop where the violation happened, so it can be inspected.
                        break self.outcome(&timed.kind);
                    }
                    if paused {
                        return None;
                    }
                }
                _ if timed.until <= cap => {
                    self.world.run_until(timed.until);
                    break self.outcome(&timed.kind);
                }
                _ => {
                    // The caller's slice of time is used up; the step goes on later.
                    self.world.run_until(cap);
                    return None;
                }
            }
        };
        if let (TimedKind::Etcdctl { call, op: Some(op) }, Ok(())) = (&timed.kind, &result) {
            out.extend(self.etcdctl_answer(call, *op));
        }
        Some(self.check_violations(timed.violations_before, result))
    }

    /// Whether a `run until` condition holds (`run D` has none).
    fn reached(&self, kind: &TimedKind) -> bool {
        let w = &self.world;
        match *kind {
            TimedKind::Leader { .. } => w.established_leader().is_some(),
            TimedKind::Committed { index, .. } => w.current_leader().is_some_and(|l| w.node(l).commit_index() >= index),
            TimedKind::Etcdctl { op, .. } => op.is_some_and(|op| w.client().op(op).is_some_and(|o| o.is_done())),
            TimedKind::Run | TimedKind::Step { .. } => false,
        }
    }

    /// The result of a timed step that stopped running.
    fn outcome(&self, kind: &TimedKind) -> Result<(), String> {
        if self.reached(kind) {
            return Ok(());
        }
        match *kind {
            TimedKind::Leader { within } => {
                Err(format!("no leader acknowledged by a quorum within {}", fmt_time(within)))
            }
            TimedKind::Committed { index, within } => {
                Err(format!("the leader's commit index did not reach {index} within {}", fmt_time(within)))
            }
            TimedKind::Run | TimedKind::Step { .. } | TimedKind::Etcdctl { .. } => Ok(()),
        }
    }

    /// Whether the last event broke a safety invariant: a run stops there.
    fn stopped_by_violation(&self) -> bool {
        self.world.last_effects().iter().any(|e| matches!(e, Effect::Violation(_)))
    }

    /// A safety violation found during a step fails it, and wins over the
    /// step's own error: a violation during `run until leader` is reported
    /// as the violation, not as "no leader".
    fn check_violations(&self, before: usize, result: Result<(), String>) -> Result<(), String> {
        let violations = self.world.checker().violations();
        if violations.len() > before {
            return Err(format!("safety violation: {}", violations[before]));
        }
        result
    }

    /// After step `failed` of `steps` failed: when a safety violation stopped
    /// it (a run always stops at the first one) and an `expect violation`
    /// comes later, the index of that expectation, which is to be checked
    /// now, at the stop; the steps in between are not run. `None` when the
    /// failure stands.
    pub fn expected_violation(&self, steps: &[Step], failed: usize) -> Option<usize> {
        if self.world.checker().violations().is_empty() {
            return None;
        }
        let later = steps.get(failed + 1..)?;
        let offset = later.iter().position(|s| matches!(s.command, Command::ExpectViolation(_)))?;
        Some(failed + 1 + offset)
    }

    fn command(&mut self, command: &Command, out: &mut Vec<String>) -> Result<(), String> {
        let w = &self.world;
        match command {
            Command::Run(_) | Command::RunUntilLeader { .. } | Command::RunUntilCommitted { .. } | Command::Step(_) => {
                return Err("internal error: a command that takes time goes through begin/resume".into());
            }
            Command::Crash(node) => {
                let id = self.resolve(node)?;
                self.act(out, |w| w.crash(id))?;
            }
            Command::Restart(node) => {
                let id = self.resolve(node)?;
                self.act(out, |w| w.restart(id))?;
            }
            Command::Timeout(node) => {
                let id = self.resolve(node)?;
                self.act(out, |w| w.force_timeout(id))?;
            }
            Command::TransferLeader(node) => {
                let id = self.resolve(node)?;
                self.act(out, |w| w.transfer_leader(id))?;
            }
            Command::Snapshot(node) => {
                let id = self.resolve(node)?;
                self.act(out, |w| w.take_snapshot(id))?;
            }
            Command::Partition(groups) => {
                let groups = groups
                    .iter()
                    .map(|g| g.iter().map(|n| self.resolve(n)).collect::<Result<Vec<_>, _>>())
                    .collect::<Result<Vec<_>, _>>()?;
                self.act(out, |w| w.partition(groups))?;
            }
            Command::Cut { from, to, both } | Command::Uncut { from, to, both } => {
                let down = matches!(command, Command::Cut { .. });
                let (from, to, both) = (self.resolve(from)?, self.resolve(to)?, *both);
                self.act(out, |w| w.set_link(from, to, both, down))?;
            }
            Command::Heal => {
                self.act(out, |w| {
                    w.heal();
                    Ok(())
                })?;
            }
            Command::Message { action, kind, from, to } => {
                let fault = fault(*action);
                let (from, to, kind) = (self.resolve_end(from)?, self.resolve_end(to)?, *kind);
                self.act(out, |w| w.message_fault(fault, kind, from, to))?;
            }
            Command::FaultMessage { action, id } => {
                let (fault, id) = (fault(*action), *id);
                self.act(out, |w| w.fault_message(fault, id))?;
            }
            Command::ClientLoad(every) => {
                // Not an event: it only schedules the load generator.
                self.world.set_client_load(*every);
                out.push(match every {
                    Some(every) => format!("steady load: a put every {}", format_duration(*every)),
                    None => "steady load off".to_string(),
                });
            }
            Command::Break(breakpoint) => {
                self.watch.add(breakpoint.clone());
                // A term-change breakpoint counts from the term reached now.
                self.watch.sync(&self.world);
            }
            Command::Unbreak(Some(breakpoint)) => {
                // Removing one that is not set (the page removed it) is no error.
                self.watch.remove(breakpoint);
            }
            Command::Unbreak(None) => self.watch.set(Vec::new()),
            Command::Rule { rule, on } => {
                let (rule, on) = (*rule, *on);
                self.act(out, |w| {
                    w.set_rule(rule, on);
                    Ok(())
                })?;
            }
            Command::Put { key, value, via } => self.submit(out, KvCommand::put(key, value), via)?,
            Command::Get { key, via, read } => self.submit_read(out, KvCommand::get(key), via, *read)?,
            Command::Del { key, via } => self.submit(out, KvCommand::del(key), via)?,
            Command::List { prefix, via, read } => self.submit_read(out, KvCommand::list(prefix), via, *read)?,
            Command::Etcdctl(call) => out.extend(self.etcdctl_instant(call)?),
            Command::Kube(command) => self.kube_command(command, out)?,
            Command::Show(what) => out.extend(match what {
                ShowWhat::Nodes => show::nodes(w),
                ShowWhat::Log => show::log(w),
                ShowWhat::Kv => show::kv(w),
                ShowWhat::Messages => show::messages(w),
            }),
            Command::ExpectLinearizable(false) => out.extend(super::history::explain_not_linearizable(w)?),
            expectation => self.expect(expectation)?,
        }
        Ok(())
    }

    /// Prints the last event: all of it when `full`, else only its notable
    /// effects. Reasons are printed only when the trace asks for them, after
    /// the event's other lines.
    fn print_event(&self, out: &mut Vec<String>, full: bool) {
        let Some(event) = self.world.last_event() else {
            return;
        };
        let effects = self.world.last_effects();
        let others = effects.iter().filter(|e| e.reason().is_none());
        let reasons = effects.iter().filter(|_| self.trace != Trace::Notable).filter_map(|e| e.reason());
        if full {
            out.push(event.to_string());
            out.extend(others.map(|e| format!("  {e}")));
            out.extend(reasons.map(|r| format!("  why: {r}")));
        } else {
            let time = fmt_time(event.time);
            out.extend(others.filter(|e| e.is_notable()).map(|e| format!("{time} {e}")));
            out.extend(reasons.map(|r| format!("{time}   why: {r}")));
        }
    }

    /// Checks the breakpoints against the event just processed; prints a
    /// hit and keeps it. True when the hit should pause the run.
    fn check_watch(&mut self, out: &mut Vec<String>) -> bool {
        let Some(hit) = self.watch.check(&self.world) else {
            return false;
        };
        out.push(format!(
            "breakpoint {} at #{} {}: {}",
            hit.breakpoint,
            hit.event,
            fmt_time(self.world.now()),
            hit.cause
        ));
        self.hit = Some(hit);
        self.pause_on_hit
    }

    /// Carries out a user action and prints the event it became.
    fn act(
        &mut self,
        out: &mut Vec<String>,
        action: impl FnOnce(&mut World) -> Result<(), SimError>,
    ) -> Result<(), String> {
        action(&mut self.world).map_err(|e| e.to_string())?;
        self.print_event(out, true);
        self.check_watch(out);
        Ok(())
    }

    fn submit(&mut self, out: &mut Vec<String>, command: KvCommand, via: &Option<NodeRef>) -> Result<(), String> {
        self.submit_read(out, command, via, ReadMode::Log)
    }

    /// Submits a client command; a read is served as `read` says.
    fn submit_read(
        &mut self,
        out: &mut Vec<String>,
        command: KvCommand,
        via: &Option<NodeRef>,
        read: ReadMode,
    ) -> Result<(), String> {
        let via = via.as_ref().map(|n| self.resolve(n)).transpose()?;
        let op = if read == ReadMode::Log {
            self.world.submit(command, via)
        } else {
            self.world.submit_read(command, via, read)
        };
        let op = op.map_err(|e| e.to_string())?;
        out.push(self.world.describe_submit(op));
        // An armed `drop next ClientRequest client->N` fires right here.
        let effects = self.world.last_effects().iter().filter(|e| e.is_notable());
        out.extend(effects.map(|e| format!("  {e}")));
        self.check_watch(out);
        Ok(())
    }

    /// A link end of `drop next` / `duplicate next`: a node or the client.
    fn resolve_end(&self, end: &NodeRef) -> Result<NodeId, String> {
        match end {
            NodeRef::Client => Ok(CLIENT),
            node => self.resolve(node),
        }
    }

    fn resolve(&self, node: &NodeRef) -> Result<NodeId, String> {
        match node {
            NodeRef::Id(id) => {
                self.world.check_node(*id).map_err(|e| e.to_string())?;
                Ok(*id)
            }
            NodeRef::Leader => {
                self.world.current_leader().ok_or_else(|| "'leader' names no node: there is no leader now".to_string())
            }
            NodeRef::Client => Err("'client' names no node here, only an end of a message link".to_string()),
        }
    }

    /// The node of `on N`, by default the leader.
    fn resolve_on(&self, on: &Option<NodeRef>) -> Result<NodeId, String> {
        self.resolve(on.as_ref().unwrap_or(&NodeRef::Leader))
    }
}

fn fault(action: LinkKind) -> MessageFault {
    match action {
        LinkKind::Drop => MessageFault::Drop,
        LinkKind::Duplicate => MessageFault::Duplicate,
    }
}

#[cfg(test)]
#[path = "runner_tests.rs"]
mod tests;
