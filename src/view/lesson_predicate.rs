//! A lesson task's predicate, judged on the world after every event
//! (docs/lessons.md, "Predicates").
//!
//! Most atoms read the state the world is in. A few hold at one event only
//! (`split vote`, `overwritten`, `write committed`, `redirect`, `retry`,
//! `reason KEY`), so the predicate is judged after each event, never on a
//! sample: a state that lasts one event is still seen. `overwritten` needs
//! a memory of which entries have been stored on a majority; the
//! [`Tracker`] keeps it, within a bound.

use crate::raft::{LogIndex, NodeId, NodeSet, Role, Term};
use crate::scenario::lesson::{Atom, Count, NodeNumber, NodeState, Predicate, Subject, Test, Value};
use crate::sim::{Effect, EventKind, World};

use super::why::Why;

/// Indexes behind the longest log that `overwritten` watches.
const WINDOW: LogIndex = 64;
/// Entries stored on a majority that `overwritten` remembers at most.
const REMEMBERED: usize = 256;

/// What a task's predicate needs to remember between events, from the
/// moment the task began.
#[derive(Clone, Debug)]
pub struct Tracker {
    /// The leader when the step began: what `leader` names.
    leader: Option<(NodeId, Term)>,
    violations: usize,
    /// Entries that have been on a majority, oldest first, and the servers
    /// holding each.
    majority: Vec<(LogIndex, Term, NodeSet)>,
    /// Each server's log digest after the last event: unchanged logs are
    /// not scanned again.
    digests: Vec<Option<u64>>,
    /// Each server's role and term before the last event.
    roles: Vec<(Role, Term)>,
    /// Set by the last event.
    overwritten: bool,
    split_vote: bool,
}

impl Tracker {
    /// Starts watching `world` as it is now, when a task begins.
    pub fn new(world: &World) -> Tracker {
        let leader = world.current_leader().map(|l| (l, world.node(l).term()));
        let mut tracker = Tracker {
            leader,
            violations: world.checker().violations().len(),
            majority: Vec::new(),
            digests: Vec::new(),
            roles: Vec::new(),
            overwritten: false,
            split_vote: false,
        };
        tracker.scan(world);
        tracker.remember_roles(world);
        tracker
    }

    /// Call after every event of the task.
    pub fn observe(&mut self, world: &World) {
        let timed_out = match world.last_event().map(|e| &e.kind) {
            Some(EventKind::ElectionTimeout(id)) => Some(*id),
            _ => None,
        };
        self.split_vote = timed_out.is_some_and(|id| {
            let node = world.node(id);
            let before = self.roles.get(id as usize - 1).copied();
            before.is_some_and(|(role, term)| role == Role::Candidate && node.term() > term)
        });
        self.overwritten = false;
        self.scan(world);
        self.remember_roles(world);
    }

    fn remember_roles(&mut self, world: &World) {
        self.roles.clear();
        self.roles.extend(world.nodes().iter().map(|s| (s.node.role(), s.node.term())));
    }

    /// Notes entries now stored on a majority, and whether one that was has
    /// been replaced on a server that held it.
    fn scan(&mut self, world: &World) {
        let digests: Vec<Option<u64>> =
            world.nodes().iter().map(|s| s.node.log().digest_at(s.node.log().last_index())).collect();
        if digests == self.digests {
            return;
        }
        self.digests = digests;
        let logs: Vec<_> = world.nodes().iter().map(|s| (s.node.id(), s.node.log())).collect();
        for (index, term, holders) in self.majority.iter_mut() {
            let (index, term) = (*index, *term);
            let mut now = NodeSet::EMPTY;
            for (id, log) in &logs {
                match log.term_at(index) {
                    Some(t) if t == term => now.insert(*id),
                    Some(_) if holders.contains(*id) => self.overwritten = true,
                    _ => {}
                }
            }
            *holders = now;
        }
        let quorum = world.config().nodes as usize / 2 + 1;
        let last = logs.iter().map(|(_, log)| log.last_index()).max().unwrap_or(0);
        for index in last.saturating_sub(WINDOW - 1).max(1)..=last {
            let mut terms: Vec<(Term, NodeSet)> = Vec::new();
            for (id, log) in &logs {
                let Some(term) = log.term_at(index) else { continue };
                match terms.iter_mut().find(|(t, _)| *t == term) {
                    Some((_, set)) => set.insert(*id),
                    None => terms.push((term, NodeSet::of(&[*id]))),
                }
            }
            for (term, holders) in terms {
                if holders.len() >= quorum && !self.majority.iter().any(|&(i, t, _)| (i, t) == (index, term)) {
                    self.majority.push((index, term, holders));
                }
            }
        }
        if self.majority.len() > REMEMBERED {
            self.majority.drain(..self.majority.len() - REMEMBERED);
        }
    }

    /// Whether `predicate` holds right after the world's last event.
    /// An error when it names `leader` and there was none when the step began.
    pub fn holds(&self, predicate: &Predicate, world: &World) -> Result<bool, String> {
        for all in &predicate.any {
            let mut ok = true;
            for atom in all {
                if !self.atom(atom, world)? {
                    ok = false;
                    break;
                }
            }
            if ok {
                return Ok(true);
            }
        }
        Ok(false)
    }

    fn atom(&self, atom: &Atom, world: &World) -> Result<bool, String> {
        Ok(self.test(&atom.test, world)? != atom.not)
    }

    fn subject(&self, subject: Subject) -> Result<NodeId, String> {
        match subject {
            Subject::Node(id) => Ok(id),
            Subject::StepLeader => self
                .leader
                .map(|(id, _)| id)
                .ok_or_else(|| "the predicate names 'leader', but there was no leader when the step began".to_string()),
        }
    }

    fn test(&self, test: &Test, world: &World) -> Result<bool, String> {
        let n = world.config().nodes;
        let effects = world.last_effects();
        let quorum = n as u64 / 2 + 1;
        let value = |v: &Value| match v {
            Value::Number(x) => *x,
            Value::Quorum => quorum,
        };
        Ok(match test {
            Test::Node(subject, state) => {
                let id = self.subject(*subject)?;
                let slot = world.slot(id);
                let role = |r: Role| slot.alive && slot.node.role() == r;
                match state {
                    NodeState::Follower => role(Role::Follower),
                    NodeState::Candidate => role(Role::Candidate),
                    NodeState::Leader => role(Role::Leader),
                    NodeState::Crashed => !slot.alive,
                    NodeState::Up => slot.alive,
                    NodeState::Isolated => {
                        let net = world.network();
                        (1..=n)
                            .filter(|&m| m != id)
                            .all(|m| net.link_state(id, m).is_err() || net.link_state(m, id).is_err())
                    }
                }
            }
            Test::NodeNumber(subject, number, cmp, v) => {
                let node = world.node(self.subject(*subject)?);
                let x = match number {
                    NodeNumber::Term => node.term(),
                    NodeNumber::Commit => node.commit_index(),
                    NodeNumber::Log => node.log().last_index(),
                    NodeNumber::Applied => node.last_applied(),
                    NodeNumber::Uncommitted => node.log().last_index().saturating_sub(node.commit_index()),
                };
                cmp.holds(x, value(v))
            }
            Test::Count(count, cmp, v) => {
                let slots = world.nodes();
                let live = || slots.iter().filter(|s| s.alive);
                let x = match count {
                    Count::Leaders => live().filter(|s| s.node.role() == Role::Leader).count() as u64,
                    Count::Candidates => live().filter(|s| s.node.role() == Role::Candidate).count() as u64,
                    Count::Crashed => slots.iter().filter(|s| !s.alive).count() as u64,
                    Count::Up => live().count() as u64,
                    Count::Term => slots.iter().map(|s| s.node.term()).max().unwrap_or(0),
                    Count::Commit => live().map(|s| s.node.commit_index()).max().unwrap_or(0),
                    Count::Side => {
                        let net = world.network();
                        let mut sizes = [0u64; 256];
                        for s in live() {
                            sizes[net.group_of(s.node.id()) as usize] += 1;
                        }
                        sizes.iter().copied().max().unwrap_or(0)
                    }
                };
                cmp.holds(x, value(v))
            }
            Test::NoLeader => world.current_leader().is_none(),
            Test::NewLeader => world.established_leader().is_some_and(|l| match self.leader {
                Some((old, term)) => l != old || world.node(l).term() > term,
                None => true,
            }),
            Test::Partitioned => {
                let net = world.network();
                (2..=n).any(|id| net.group_of(id) != net.group_of(1))
            }
            Test::Violation(which) => {
                let broken = &world.checker().violations()[self.violations.min(world.checker().violations().len())..];
                broken.iter().any(|v| which.is_none_or(|i| v.invariant == i))
            }
            Test::SplitVote => self.split_vote,
            Test::Overwritten => self.overwritten,
            Test::WriteCommitted => effects.iter().any(|e| match e {
                Effect::ClientDone { op, .. } => world.client().op(*op).is_some_and(|o| o.command.is_write()),
                _ => false,
            }),
            Test::Redirect => effects.iter().any(|e| matches!(e, Effect::ClientRedirect { .. })),
            Test::Retry => matches!(world.last_event().map(|e| &e.kind), Some(EventKind::ClientRetry(_))),
            Test::Reason(key) => effects.iter().filter_map(Why::of_effect).any(|why| {
                why.key == key || why.key.strip_prefix(key.as_str()).is_some_and(|rest| rest.starts_with('.'))
            }),
        })
    }
}
