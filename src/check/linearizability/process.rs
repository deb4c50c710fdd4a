//! Processing the events in time order: the queue held behind a pending
//! read, which partition each key and open `list` is in (partitions joined
//! when a list can observe their keys, split again once it is done), and
//! judging each response, with a counterexample when it cannot be placed.
//! See the module documentation of `linearizability` for the algorithm.

use std::rc::Rc;

use crate::raft::{Command, RequestId};

use super::partition::{Ctx, Open, Partition, Stuck};
use super::path::Point;
use super::report::{self, Counterexample, OpSummary};
use super::{model, Event, Linearizability, Operation, MAX_KEPT, RECENT};

impl Linearizability {
    pub(super) fn drain(&mut self) -> Vec<Counterexample> {
        let mut found = Vec::new();
        while let Some(&event) = self.queue.front() {
            match event {
                Event::Invoke(id) => {
                    let known = &self.known[&id];
                    if model::is_read(&known.op.command) && known.op.response.is_none() {
                        if self.queue.len() <= self.max_queue {
                            break;
                        }
                        self.known.get_mut(&id).expect("queued").left_out = true;
                        self.queue.pop_front();
                        continue;
                    }
                    self.queue.pop_front();
                    self.process_invoke(id);
                }
                Event::Respond(id) => {
                    self.queue.pop_front();
                    found.extend(self.process_response(id));
                }
            }
        }
        self.peak.queue = self.peak.queue.max(self.queue.len());
        found
    }

    fn ctx(&self, now: u64) -> Ctx {
        Ctx { now, seq: self.seq, keep: self.keep, budget: self.budget }
    }

    fn new_part(&mut self, part: Partition) -> usize {
        // Free slots are reused, so the partitions lists join and split
        // again do not grow the slab.
        let at = self.parts.iter().position(Option::is_none).unwrap_or(self.parts.len());
        for key in &part.keys {
            self.key_part.insert(key.clone(), at);
        }
        if at == self.parts.len() {
            self.parts.push(None);
        }
        self.parts[at] = Some(part);
        let live = self.parts.iter().flatten().count();
        self.peak.partitions = self.peak.partitions.max(live);
        at
    }

    /// The partition of `key`, new (the key missing) if nobody used it yet.
    fn part_of_key(&mut self, key: &Rc<str>) -> usize {
        if let Some(&p) = self.key_part.get(key) {
            return p;
        }
        let mut p = self.new_part(Partition::new(vec![key.clone()]));
        // Every open list under whose prefix the key falls can observe it.
        let lists: Vec<RequestId> = self.open_lists.clone();
        for list in lists {
            let known = &self.known[&list];
            if let (Command::List { prefix }, Some(lp)) = (&known.op.command, known.part) {
                if key.starts_with(&**prefix) {
                    p = self.merge(lp, p);
                }
            }
        }
        p
    }

    /// Joins partition `b` into `a`; returns `a`.
    fn merge(&mut self, a: usize, b: usize) -> usize {
        if a == b {
            return a;
        }
        let other = self.parts[b].take().expect("live partition");
        for key in &other.keys {
            self.key_part.insert(key.clone(), a);
        }
        let ctx = self.ctx(self.now);
        let part = self.parts[a].as_mut().expect("live partition");
        part.merge(other, &ctx);
        // Every operation of `b` is in `a` now, not only the open ones it
        // moved: a list left out of its partition's slots (given up on)
        // still names it, and a later merge through it must find `a`.
        for k in self.known.values_mut() {
            if k.part == Some(b) {
                k.part = Some(a);
            }
        }
        self.note_give_up(a);
        a
    }

    fn process_invoke(&mut self, id: RequestId) {
        let known = &self.known[&id];
        let op = known.op.clone();
        self.now = op.invoked_at;
        let part = match &op.command {
            Command::Put { key, .. } | Command::Del { key } | Command::Get { key } => self.part_of_key(key),
            Command::List { prefix } => {
                let under: Vec<usize> = self
                    .key_part
                    .range::<str, _>((std::ops::Bound::Included(&**prefix), std::ops::Bound::Unbounded))
                    .take_while(|(k, _)| k.starts_with(&**prefix))
                    .map(|(_, &p)| p)
                    .fold(Vec::new(), |mut parts, p| {
                        if !parts.contains(&p) {
                            parts.push(p);
                        }
                        parts
                    });
                match under.split_first() {
                    None => self.new_part(Partition::new(Vec::new())),
                    Some((&first, rest)) => rest.iter().fold(first, |a, &b| self.merge(a, b)),
                }
            }
            // etcd's requests are not judged: the register model has no
            // revisions or transactions (docs/checking.md).
            Command::Noop | Command::Etcd(_) => return,
        };
        if matches!(op.command, Command::List { .. }) {
            self.open_lists.push(id);
        }
        self.known.get_mut(&id).expect("known").part = Some(part);
        let mut ctx = self.ctx(self.now);
        let (result, invoked_at) = (op.response.map(|(_, r)| r), op.invoked_at);
        let open = Open { id, command: op.command, result, invoked_at };
        let p = self.parts[part].as_mut().expect("live partition");
        p.add(open, &mut ctx);
        self.seq = ctx.seq;
        let open = p.open().count();
        self.peak.open = self.peak.open.max(open);
        self.note_give_up(part);
    }

    fn process_response(&mut self, id: RequestId) -> Vec<Counterexample> {
        let Some(known) = self.known.remove(&id) else {
            return Vec::new();
        };
        self.open_lists.retain(|&l| l != id);
        let (at, _) = known.op.response.clone().expect("responded");
        self.now = at;
        self.remember(&known.op);
        let part = match known.part {
            Some(part) if !known.left_out => part,
            _ => {
                self.not_judged += 1;
                return Vec::new();
            }
        };
        let mut ctx = self.ctx(at);
        // A list split off as done (see `Partition::split`) finds nothing.
        let Some(Some(p)) = self.parts.get_mut(part) else {
            return Vec::new();
        };
        let Some(slot) = p.slot_of(id) else {
            return Vec::new();
        };
        let was_undecided = p.undecided.is_some();
        let outcome = p.respond(slot, &mut ctx);
        self.seq = ctx.seq;
        let mut found = Vec::new();
        match outcome {
            Ok(()) if was_undecided => self.not_judged += 1,
            Ok(()) => self.note_give_up(part),
            Err(stuck) => {
                let counterexample = self.explain(&stuck);
                self.violations += 1;
                if self.found.len() < MAX_KEPT {
                    self.found.push(counterexample.clone());
                }
                found.push(counterexample);
            }
        }
        self.after_response(part);
        found
    }

    /// Keeps the partition small: the one-shot check records the order once
    /// a single configuration is left; keys that need each other no more
    /// are split; a partition with no keys and nothing open goes.
    fn after_response(&mut self, part: usize) {
        let one_shot = self.keep.is_none();
        let p = self.parts[part].as_mut().expect("live partition");
        self.peak.configs = self.peak.configs.max(p.configs.len());
        if one_shot && p.configs.len() == 1 {
            self.settled.push(std::mem::take(&mut p.configs[0].path));
        }
        if p.keys.is_empty() && p.open().next().is_none() {
            self.parts[part] = None;
            return;
        }
        let split = p.split(one_shot);
        for piece in split {
            let moved: Vec<RequestId> = piece.open().map(|o| o.id).collect();
            let new = self.new_part(piece);
            for id in moved {
                if let Some(k) = self.known.get_mut(&id) {
                    k.part = Some(new);
                }
            }
        }
        while self.parts.last().is_some_and(Option::is_none) {
            self.parts.pop();
        }
    }

    fn note_give_up(&mut self, part: usize) {
        if let Some(why) = self.parts[part].as_ref().and_then(|p| p.undecided.as_ref()) {
            if self.gave_up.len() < MAX_KEPT && !self.gave_up.contains(why) {
                self.gave_up.push(why.clone());
            }
        }
    }

    fn remember(&mut self, op: &Operation) {
        if self.recent.len() == RECENT {
            self.recent.pop_front();
        }
        self.recent.push_back(OpSummary::of(op));
    }

    fn explain(&self, stuck: &Stuck) -> Counterexample {
        let describe = |id: RequestId| -> Option<OpSummary> {
            self.recent.iter().rev().find(|s| s.id == id).cloned().or_else(|| {
                self.known.get(&id).map(|k| OpSummary::of(&k.op)).or_else(|| {
                    stuck
                        .concurrent
                        .iter()
                        .find(|o| o.id == id)
                        .map(|o| OpSummary::open(o.id, &o.command, o.invoked_at))
                })
            })
        };
        // The one-shot check's settled order, as far back as operations are
        // remembered.
        let mut settled: Vec<Point> =
            self.settled.iter().rev().take(RECENT).flat_map(|p| p.points().into_iter().rev()).take(RECENT).collect();
        settled.reverse();
        report::explain(stuck, &settled, describe)
    }
}
