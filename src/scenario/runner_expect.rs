//! The `expect` commands: each compares the world with what the scenario
//! says, and fails with the expected and the actual value.

use crate::raft::{NodeId, Role};
use crate::sim::World;

use super::super::ast::Command;
use super::Runner;

impl Runner {
    pub(super) fn expect(&self, command: &Command) -> Result<(), String> {
        let w = &self.world;
        match command {
            Command::ExpectLeader(expected) => {
                let actual = w.current_leader();
                if actual != *expected {
                    return Err(format!(
                        "expected leader {}, but the leader is {}",
                        opt_node(*expected),
                        opt_node(actual)
                    ));
                }
            }
            Command::ExpectTerm { node, term } => {
                let id = self.resolve(node)?;
                let actual = w.node(id).term();
                if actual != *term {
                    return Err(format!("expected node {id} in term {term}, but it is in term {actual}"));
                }
            }
            Command::ExpectRole { node, role } => {
                let id = self.resolve(node)?;
                let actual = role_of(w, id);
                let wanted = role.name();
                if actual != wanted {
                    return Err(format!("expected node {id} to be {wanted}, but it is {actual}"));
                }
            }
            Command::ExpectCommitted { node, index } => {
                let id = self.resolve(node)?;
                let actual = w.node(id).commit_index();
                if actual != *index {
                    return Err(format!("expected node {id} to have commit index {index}, but it has {actual}"));
                }
            }
            Command::ExpectSnapshot { node, index } => {
                let id = self.resolve(node)?;
                let actual = w.node(id).snapshot().point.index;
                if actual != *index {
                    let has = match actual {
                        0 => "it has none".to_string(),
                        i => format!("it covers the log up to index {i}"),
                    };
                    return Err(format!(
                        "expected node {id}'s latest snapshot to cover the log up to index {index}, but {has}"
                    ));
                }
            }
            // The entries the log holds: after a snapshot, those after it.
            Command::ExpectLog { node, entries } => {
                let id = self.resolve(node)?;
                let log = w.node(id).log();
                let same = log.entries().len() == entries.len()
                    && log.entries().iter().zip(entries).all(|(e, (term, cmd))| e.term == *term && e.command == *cmd);
                if !same {
                    let want: Vec<String> = entries.iter().map(|(t, c)| format!("{t}:{c}")).collect();
                    let have: Vec<String> = log.entries().iter().map(|e| e.to_string()).collect();
                    let after = match log.snapshot().index {
                        0 => String::new(),
                        i => format!(" after its snapshot up to index {i}"),
                    };
                    return Err(format!(
                        "expected node {id}'s log to be [{}], but it is [{}]{after}",
                        want.join(" "),
                        have.join(" ")
                    ));
                }
            }
            Command::ExpectValue { key, value, on } => {
                let id = self.resolve_on(on)?;
                match w.node(id).kv().get(key) {
                    Some(v) if v == value => {}
                    Some(v) => return Err(format!("expected {key} = {value} on node {id}, but it is {v}")),
                    None => return Err(format!("expected {key} = {value} on node {id}, but {key} is missing")),
                }
            }
            Command::ExpectMissing { key, on } => {
                let id = self.resolve_on(on)?;
                if let Some(v) = w.node(id).kv().get(key) {
                    return Err(format!("expected {key} to be missing on node {id}, but it is {v}"));
                }
            }
            Command::ExpectNoViolations => {
                if let Some(v) = w.checker().violations().first() {
                    return Err(format!("{} safety violation(s), the first: {v}", w.checker().violations().len()));
                }
            }
            Command::ExpectRead { op, value } => super::history::expect_read(w, *op, value.as_deref())?,
            Command::ExpectLinearizable(expected) => super::history::expect_linearizable(w, *expected)?,
            Command::ExpectViolation(invariant) => {
                let violations = w.checker().violations();
                if !violations.iter().any(|v| v.invariant == *invariant) {
                    return Err(match violations.first() {
                        None => format!("expected {invariant} to be violated, but no safety invariant has been broken"),
                        Some(v) => format!("expected {invariant} to be violated, but the run broke another: {v}"),
                    });
                }
            }
            other => return Err(format!("internal error: `{other}` is not an expectation")),
        }
        Ok(())
    }
}

fn role_of(world: &World, id: NodeId) -> &'static str {
    let slot = world.slot(id);
    if !slot.alive {
        return "crashed";
    }
    match slot.node.role() {
        Role::Follower => "follower",
        Role::PreCandidate => "pre-candidate",
        Role::Candidate => "candidate",
        Role::Leader => "leader",
    }
}

fn opt_node(id: Option<NodeId>) -> String {
    id.map_or("none".to_string(), |id| id.to_string())
}
