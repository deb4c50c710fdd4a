//! A decision's reason as the page gets it: a stable, language-neutral
//! `{key, args}` that the page's message catalogues turn into a sentence in
//! the learner's language, with the English sentence beside it (`text`).
//! docs/why.md lists every key, its args and its English template; a test
//! (`tests.rs`) keeps that list complete.
//!
//! This file holds the types the page gets ([`Why`], [`Args`], [`Arg`]) and
//! how they serialize; `keys.rs` maps each [`Reason`](crate::raft::Reason) to
//! its key, paper section and args ([`Why::of`]).
//!
//! Args are numbers (terms, indexes, counts), node ids (numbers, written
//! `S3` in the sentences), lists of node ids, and for `restart.lost.*` the
//! rule's name. Their names are camelCase, as the page's JavaScript reads them.

use serde::ser::{Serialize, SerializeStruct, Serializer};

use crate::raft::{NodeId, NodeSet};
use crate::sim::Effect;

mod keys;

/// One reason for the page.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Why {
    /// Stable across releases: a catalogue's key, e.g. `vote.refused.log_behind`.
    pub key: &'static str,
    pub args: Args,
    /// The section of the Raft paper (or Figure 2) whose rule decided, for
    /// a link to the rule's explanation: `5.4.1`, `figure-2`, ...
    pub section: &'static str,
    /// The switched-off rule this decision depended on (a lesion), if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lesion: Option<&'static str>,
    /// The English sentence, as `raftlab run --why` prints it.
    pub text: String,
}

/// A reason's arguments, in a fixed order per key; serialized as an object.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Args(Vec<(&'static str, Arg)>);

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Arg {
    Number(u64),
    Nodes(Vec<NodeId>),
    Word(&'static str),
}

impl Args {
    fn n(mut self, name: &'static str, value: impl Into<u64>) -> Self {
        self.0.push((name, Arg::Number(value.into())));
        self
    }

    fn nodes(mut self, name: &'static str, set: NodeSet) -> Self {
        self.0.push((name, Arg::Nodes(set.iter().collect())));
        self
    }

    fn word(mut self, name: &'static str, word: &'static str) -> Self {
        self.0.push((name, Arg::Word(word)));
        self
    }

    /// The argument named `name`.
    pub fn get(&self, name: &str) -> Option<&Arg> {
        self.0.iter().find(|(n, _)| *n == name).map(|(_, a)| a)
    }

    pub fn names(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.0.iter().map(|(n, _)| *n)
    }
}

impl Serialize for Args {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("Args", self.0.len())?;
        for (name, arg) in &self.0 {
            s.serialize_field(name, arg)?;
        }
        s.end()
    }
}

impl Serialize for Arg {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Arg::Number(n) => serializer.serialize_u64(*n),
            Arg::Nodes(ids) => ids.serialize(serializer),
            Arg::Word(w) => serializer.serialize_str(w),
        }
    }
}

impl Why {
    /// The reason of an effect, when it is one.
    pub fn of_effect(effect: &Effect) -> Option<Why> {
        effect.reason().map(Why::of)
    }
}

#[cfg(test)]
mod tests;
