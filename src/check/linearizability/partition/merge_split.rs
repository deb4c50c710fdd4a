//! Joining partitions and splitting them again (P-compositionality, see the
//! module documentation of `linearizability`): a `list` joins every key it
//! can observe into one partition ([`Partition::merge`]); once no list is
//! open, a key whose configurations combine freely with the rest's is
//! checked alone again ([`Partition::split`]).

use std::rc::Rc;

use crate::raft::RequestId;

use super::super::model::{self, QuickMap, State, Val};
use super::super::path::{Path, SplitRecord};
use super::{bit, slots_of, Bits, Config, Ctx, Open, Partition, MAX_OPEN};

impl Partition {
    /// Joins `other` into this partition (a `list` reads both). Returns
    /// where each of `other`'s open operations now sits.
    pub(in crate::check::linearizability) fn merge(&mut self, other: Partition, ctx: &Ctx) -> Vec<(RequestId, usize)> {
        // Both sorted: merged in one pass.
        let mut keys: Vec<Rc<str>> = Vec::with_capacity(self.keys.len() + other.keys.len());
        let (mut a, mut b) = (self.keys.iter().peekable(), other.keys.iter().peekable());
        while let Some(k) = match (a.peek(), b.peek()) {
            (Some(x), Some(y)) if x <= y => a.next(),
            (Some(_), Some(_)) | (None, _) => b.next(),
            (_, None) => a.next(),
        } {
            keys.push(k.clone());
        }
        let place = |k: &Rc<str>| model::index(&keys, k).expect("merged keys hold both");
        let ours: Vec<usize> = self.keys.iter().map(place).collect();
        let theirs: Vec<usize> = other.keys.iter().map(place).collect();
        let mut moved = Vec::new();
        let mut remap: Vec<Option<usize>> = vec![None; other.slots.len()];
        for (old, op) in other.slots.into_iter().enumerate() {
            let Some(op) = op else { continue };
            let slot = match self.slots.iter().position(Option::is_none) {
                Some(s) => s,
                None => {
                    self.slots.push(None);
                    self.slots.len() - 1
                }
            };
            moved.push((op.id, slot));
            self.slots[slot] = Some(op);
            remap[old] = Some(slot);
        }
        let undecided = self.undecided.take().or(other.undecided);
        let product = self.configs.len().saturating_mul(other.configs.len());
        self.configs = match undecided {
            Some(_) => Vec::new(),
            None if product > ctx.budget || self.slots.len() > MAX_OPEN => Vec::new(),
            None => {
                let mut configs = Vec::with_capacity(product);
                for a in &self.configs {
                    for b in &other.configs {
                        let mut state = vec![Val::Missing; keys.len()];
                        for (i, v) in a.state.iter().enumerate() {
                            state[ours[i]] = v.clone();
                        }
                        for (i, v) in b.state.iter().enumerate() {
                            state[theirs[i]] = v.clone();
                        }
                        let moved = |bits: Bits| slots_of(bits).fold(0, |l, s| l | bit(remap[s].expect("open in b")));
                        configs.push(Config {
                            state: State::new(state),
                            lin: a.lin | moved(b.lin),
                            free: a.free | moved(b.free),
                            path: a.path.join(&b.path),
                        });
                    }
                }
                configs
            }
        };
        self.keys = keys;
        self.undecided = undecided;
        if self.configs.is_empty() && self.undecided.is_none() {
            self.undecided = Some(format!(
                "joining keys for a list gave {product} possible states with {} operations open",
                self.slots.len()
            ));
        }
        self.resync();
        moved
    }

    /// Splits off the keys that no longer need the others: while no `list`
    /// is open, a key whose configurations (value, placed and free
    /// operations) combine freely with those of the rest is checked alone
    /// again. This partition keeps the rest; the keys split off are returned.
    ///
    /// Each piece's configurations need paths. With `record` (the one-shot
    /// check, which reports the order) they start from a marker of this
    /// split, which keeps every joint configuration's path: the pieces'
    /// final configurations together name the one joint path that leads to
    /// all of them (see `path::resolve`). Otherwise (the live check, which
    /// keeps paths to explain a violation) each piece keeps its own keys'
    /// points from the first configuration that gives it.
    pub(in crate::check::linearizability) fn split(&mut self, record: bool) -> Vec<Partition> {
        if self.undecided.is_some() || self.keys.len() < 2 || self.unplaced_lists() != 0 {
            return Vec::new();
        }
        // Lists every configuration has placed are done with: their
        // responses will find nothing left to judge.
        for s in 0..self.slots.len() {
            if self.slots[s].as_ref().is_some_and(Open::is_list) {
                self.slots[s] = None;
                for c in &mut self.configs {
                    c.lin &= !bit(s);
                }
            }
        }
        let mut rest: Vec<usize> = (0..self.keys.len()).collect();
        let mut alone: Vec<usize> = Vec::new();
        let mut i = 0;
        while rest.len() > 1 && i < rest.len() {
            let key = rest[i];
            let others: Vec<usize> = rest.iter().copied().filter(|&k| k != key).collect();
            let whole = self.project(&rest, false).0.len();
            if self.project(&[key], false).0.len() * self.project(&others, false).0.len() == whole {
                alone.push(key);
                rest.remove(i);
            } else {
                i += 1;
            }
        }
        if alone.is_empty() {
            return Vec::new();
        }
        let groups: Vec<Vec<usize>> = alone.iter().map(|&k| vec![k]).chain(std::iter::once(rest)).collect();
        let projections: Vec<(Vec<Config>, Vec<usize>)> = groups.iter().map(|g| self.project(g, !record)).collect();
        let record = record.then(|| {
            let joint = (0..self.configs.len())
                .map(|j| (projections.iter().map(|(_, index)| index[j]).collect(), self.configs[j].path.clone()))
                .collect();
            Rc::new(SplitRecord { joint })
        });
        let mut pieces: Vec<Partition> = groups
            .iter()
            .zip(projections)
            .enumerate()
            .map(|(piece, (group, (mut configs, _)))| {
                let keys: Vec<Rc<str>> = group.iter().map(|&k| self.keys[k].clone()).collect();
                if let Some(record) = &record {
                    for (index, config) in configs.iter_mut().enumerate() {
                        config.path = Path::origin(record.clone(), piece, index);
                    }
                }
                let slots =
                    self.slots.iter().filter(|o| o.as_ref().is_some_and(|o| o.covered_by(&keys))).cloned().collect();
                Partition { keys, slots, configs, undecided: None }
            })
            .collect();
        let remaining = pieces.pop().expect("the rest is a piece");
        *self = remaining;
        pieces
    }

    /// The configurations seen through some keys only (and the open
    /// operations on them, renumbered), each kept once, with the points of
    /// those keys from the first configuration that gives it if `paths`;
    /// and for each configuration of this partition, which of them it gives.
    fn project(&self, keys: &[usize], paths: bool) -> (Vec<Config>, Vec<usize>) {
        let names: Vec<Rc<str>> = keys.iter().map(|&k| self.keys[k].clone()).collect();
        let slots: Vec<usize> =
            (0..self.slots.len()).filter(|&s| self.slots[s].as_ref().is_some_and(|o| o.covered_by(&names))).collect();
        let renumber =
            |bits: Bits| slots.iter().enumerate().filter(|&(_, &s)| bits & bit(s) != 0).fold(0, |l, (j, _)| l | bit(j));
        let mut index_of: QuickMap<(State, Bits, Bits), usize> = QuickMap::default();
        let mut out = Vec::new();
        let mut index = Vec::with_capacity(self.configs.len());
        for c in &self.configs {
            let state: State = keys.iter().map(|&k| c.state[k].clone()).collect();
            let config = Config { state, lin: renumber(c.lin), free: renumber(c.free), path: Path::default() };
            let next = out.len();
            let i = *index_of.entry(config.key()).or_insert(next);
            if i == next {
                let path = if paths { c.path.only(&names) } else { Path::default() };
                out.push(Config { path, ..config });
            }
            index.push(i);
        }
        (out, index)
    }
}
