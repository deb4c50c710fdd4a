//! A linearizability checker for the client history, as a key-value store
//! (Herlihy & Wing's definition; Wing & Gong's search with Lowe's
//! memoisation, as Porcupine and Knossos check it), built to run live:
//! after every event, for hours.
//!
//! # The algorithm
//!
//! A history is linearizable when every operation can be given a point
//! between its invocation and its response such that, taken in the order of
//! those points, the operations are what a sequential key-value store would
//! answer. An operation that never returned (pending) may take effect at
//! any moment after its invocation, or not at all.
//!
//! The checker reads the history as a sequence of events in time order
//! (invocations and responses) and keeps, instead of one search tree over
//! the whole history, the set of *configurations* the events so far allow:
//! a model state, and which of the open operations it has already placed.
//! An invocation adds an open operation. A response of operation `o` keeps,
//! from every configuration, each way of placing `o` now, possibly after
//! some other open operations (just-in-time linearization: Lowe's "linear"
//! algorithm, which Knossos also implements). A configuration reached twice
//! is kept once: that is the memoisation of (placed operations, state) that
//! makes Wing & Gong's search practical (Lowe 2017; Porcupine's cache).
//! When no configuration survives a response, the history up to it is not
//! linearizable, and `o` is the operation that cannot be placed.
//!
//! Two reductions keep the set small:
//! * **Reads settle at once.** A read that sees exactly a configuration's
//!   state is placed there immediately: it does not change the state, so
//!   placing it later can only lose options.
//! * **P-compositionality.** A history is linearizable iff each key's
//!   sub-history is (Herlihy & Wing's locality), so each key is its own
//!   *partition* with its own configurations, and a response only places
//!   operations of its own key before it. A `list` reads many keys at once,
//!   so it joins every key it can observe (those under its prefix, including
//!   keys first written while it is open) into one partition, which keeps
//!   the check exact; once no `list` is open and the configurations of a
//!   key combine freely with the rest's, the key is split off again.
//!
//! # Bounded memory and time
//!
//! Nothing is kept of an operation once it has returned, except in paths
//! (the order a configuration placed its operations, kept to the last 64
//! in the live check). Memory therefore follows the operations *open* at
//! once and the keys, not the length of the history.
//!
//! A read's result is known only at its response, and a configuration must
//! know it to place the read. So the checker processes events in order up
//! to the invocation of the oldest read still pending, and queues the
//! events after it: a read holds the queue for one round trip. A read that
//! stays pending while [`MAX_QUEUE`] events pile up is left out: a history
//! that is linearizable stays so without a read, so this never reports a
//! false violation; the read is counted among the operations not judged.
//!
//! Checking linearizability is NP-complete in general, and a key with many
//! concurrent writes can have exponentially many configurations. When one
//! response would explore more than the budget ([`LIVE_BUDGET`]), the
//! checker gives up on that partition, counts its operations as not
//! judged, and starts over with the values unknown at the next moment when
//! none of its operations is open (the first read of each key then pins its
//! value). Giving up never reports a false violation. After a violation the
//! partition starts over the same way.
//!
//! # Files
//!
//! This file holds the checker's interface ([`Linearizability`],
//! [`check_history`]); `process.rs` the events in time order and which
//! partition each key is in; `partition/` one partition's configurations
//! (`mod.rs` the search at each invocation and response, `merge_split.rs`
//! joining partitions for a `list` and splitting them again); `model.rs` the
//! key-value model; `path.rs` and `order.rs` the linearization points and the
//! reported order; `report.rs` the counterexamples.

mod model;
mod order;
mod partition;
mod path;
mod process;
mod report;
#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, VecDeque};
use std::rc::Rc;

use crate::raft::{Applied, Command, NodeId, RequestId};

use partition::Partition;
pub use path::Point;
pub use report::{Counterexample, OpSummary};

/// Events queued behind a pending read before it is left out.
pub const MAX_QUEUE: usize = 20_000;
/// Configurations one response may explore before the checker gives up on
/// its keys, in the live check.
pub const LIVE_BUDGET: usize = 4_000;
/// The same for a one-shot check of a whole history (not run per event).
pub const ONE_SHOT_BUDGET: usize = 200_000;
/// Points kept per path in the live check: enough to explain a violation.
pub const LIVE_PATH: usize = 16;
/// Returned operations remembered to explain a violation.
const RECENT: usize = 64;

/// One client operation, as the history records it.
#[derive(Clone, Debug, PartialEq)]
pub struct Operation {
    pub id: RequestId,
    pub command: Command,
    pub invoked_at: u64,
    /// When it returned and what; `None` while pending.
    pub response: Option<(u64, Applied)>,
    /// The node that answered, if any.
    pub node: Option<NodeId>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Event {
    Invoke(RequestId),
    Respond(RequestId),
}

/// An operation invoked and not yet done with.
#[derive(Clone, Debug, PartialEq)]
struct Known {
    op: Operation,
    /// The partition it is open in, once its invocation is processed.
    part: Option<usize>,
    /// A read left out (see [`MAX_QUEUE`]).
    left_out: bool,
}

/// The answer of a check.
#[derive(Clone, Debug, PartialEq)]
pub enum Verdict {
    Linearizable,
    NotLinearizable,
    /// No violation found, but some operations were not judged.
    Undecided,
}

/// The incremental checker. Feed it invocations and responses in the
/// order they happened; it reports a violation as soon as a response
/// cannot be placed.
#[derive(Clone, Debug, PartialEq)]
pub struct Linearizability {
    known: BTreeMap<RequestId, Known>,
    queue: VecDeque<Event>,
    parts: Vec<Option<Partition>>,
    key_part: BTreeMap<Rc<str>, usize>,
    /// Lists whose invocation is processed and response not, in order.
    open_lists: Vec<RequestId>,
    now: u64,
    seq: u64,
    keep: Option<usize>,
    budget: usize,
    /// Events queued behind a pending read before it is left out.
    max_queue: usize,
    recent: VecDeque<OpSummary>,
    /// Violations found, the first [`MAX_KEPT`] kept.
    found: Vec<Counterexample>,
    violations: u64,
    /// Operations whose responses were not judged.
    not_judged: u64,
    /// Why partitions were given up, the first few.
    gave_up: Vec<String>,
    /// The one-shot check: the paths of configurations that became the only
    /// ones left, in order.
    settled: Vec<path::Path>,
    /// After [`Linearizability::finish`] of a one-shot check: the order.
    order: Vec<Point>,
    /// Whether the order was replayed and found right ([`check_history`]).
    order_checked: Option<Result<(), String>>,
    peak: Peak,
}

const MAX_KEPT: usize = 16;

/// The largest sizes seen, for the benchmark and the docs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Peak {
    pub configs: usize,
    pub open: usize,
    pub queue: usize,
    pub partitions: usize,
}

impl Linearizability {
    /// The live check: bounded paths, the live budget.
    pub fn live() -> Self {
        Self::with(Some(LIVE_PATH), LIVE_BUDGET)
    }

    /// A check of one whole history that also reports a linearization order.
    pub fn one_shot() -> Self {
        Self::with(None, ONE_SHOT_BUDGET)
    }

    /// A one-shot check fed event by event, as the history view follows a
    /// run (`view::history_check`): what [`Linearizability::conclude`]
    /// reports at any moment is what [`check_history_within`] reports for
    /// the operations fed so far. No read is left out however long it stays
    /// pending (a pending read holds the queue, and the queue then holds
    /// what the history holds after it: the client keeps a bounded window).
    pub fn following(budget: usize) -> Self {
        Linearizability { max_queue: usize::MAX, ..Self::with(None, budget) }
    }

    fn with(keep: Option<usize>, budget: usize) -> Self {
        Linearizability {
            known: BTreeMap::new(),
            queue: VecDeque::new(),
            parts: Vec::new(),
            key_part: BTreeMap::new(),
            open_lists: Vec::new(),
            now: 0,
            seq: 0,
            keep,
            budget,
            max_queue: MAX_QUEUE,
            recent: VecDeque::new(),
            found: Vec::new(),
            violations: 0,
            not_judged: 0,
            gave_up: Vec::new(),
            settled: Vec::new(),
            order: Vec::new(),
            order_checked: None,
            peak: Peak::default(),
        }
    }

    /// An operation was invoked. Ids must be new; a repeated id is ignored.
    pub fn invoke(&mut self, id: RequestId, command: Command, at: u64) -> Vec<Counterexample> {
        if matches!(command, Command::Noop) || self.known.contains_key(&id) {
            return Vec::new();
        }
        let op = Operation { id, command, invoked_at: at, response: None, node: None };
        self.known.insert(id, Known { op, part: None, left_out: false });
        self.push(Event::Invoke(id))
    }

    /// An operation returned. Returns the violations this makes known (a
    /// response can also release the queue behind a pending read).
    pub fn respond(&mut self, id: RequestId, at: u64, result: Applied, node: Option<NodeId>) -> Vec<Counterexample> {
        let Some(known) = self.known.get_mut(&id) else {
            return Vec::new();
        };
        if known.op.response.is_some() {
            return Vec::new();
        }
        known.op.response = Some((at, result));
        known.op.node = node;
        self.push(Event::Respond(id))
    }

    fn push(&mut self, event: Event) -> Vec<Counterexample> {
        self.queue.push_back(event);
        self.drain()
    }

    /// The end of a finished history: reads still pending constrain
    /// nothing, so they are dropped and everything queued is judged.
    /// Writes still pending may have taken effect or not.
    pub fn finish(&mut self) -> Vec<Counterexample> {
        let mut found = Vec::new();
        loop {
            found.extend(self.drain());
            match self.queue.front() {
                Some(&Event::Invoke(id)) => {
                    self.queue.pop_front();
                    self.known.remove(&id);
                }
                _ => break,
            }
        }
        // Only a linearizable history has an order to show; assembling it
        // costs time linear in the history (the history view concludes at
        // every call).
        if self.keep.is_none() && self.verdict() == Verdict::Linearizable {
            for part in self.parts.iter_mut().flatten() {
                if let Some(config) = part.configs.first_mut() {
                    self.settled.push(std::mem::take(&mut config.path));
                }
            }
            self.order = order::assemble(path::resolve(&std::mem::take(&mut self.settled)));
        }
        found
    }

    pub fn verdict(&self) -> Verdict {
        if self.violations > 0 {
            Verdict::NotLinearizable
        } else if self.not_judged > 0 || self.parts.iter().flatten().any(|p| p.undecided.is_some()) {
            Verdict::Undecided
        } else {
            Verdict::Linearizable
        }
    }

    /// The violations found, oldest first (at most 16 kept).
    pub fn counterexamples(&self) -> &[Counterexample] {
        &self.found
    }

    /// Operations whose responses were not judged (left out or given up).
    pub fn not_judged(&self) -> u64 {
        self.not_judged
    }

    /// Why the checker gave up on some keys (the first few reasons).
    pub fn gave_up(&self) -> &[String] {
        &self.gave_up
    }

    /// After [`check_history`] found the history linearizable: a
    /// linearization, each operation with its linearization point, replayed
    /// through the key-value store and found right. Pending writes missing
    /// from it did not take effect in this linearization. Empty otherwise.
    pub fn order(&self) -> &[Point] {
        match self.order_checked {
            Some(Ok(())) => &self.order,
            _ => &[],
        }
    }

    /// Why the order could not be given, if it could not (a linearizable
    /// history whose points, assembled from partitions that split, do not
    /// replay: reported rather than shown wrong).
    pub fn order_problem(&self) -> Option<&str> {
        match &self.order_checked {
            Some(Err(why)) => Some(why),
            _ => None,
        }
    }

    /// An estimate of what a clone allocates of its own: the operations it
    /// still knows and their queue, the open partitions (their keys, slots
    /// and configurations; states and paths are shared `Rc`s), the recent
    /// operations, the reports. A B-tree's nodes are counted two-thirds
    /// full, as a map filled in increasing order and emptied from the front
    /// mostly is.
    pub fn clone_bytes(&self) -> usize {
        use std::mem::size_of;
        let btree = |entries: usize, entry: usize| entries * entry * 3 / 2;
        let reports: usize = self
            .found
            .iter()
            .map(|c| {
                size_of::<Counterexample>()
                    + (c.before.len() + c.concurrent.len()) * size_of::<OpSummary>()
                    + c.states.iter().map(|s| size_of::<String>() + s.len()).sum::<usize>()
            })
            .sum();
        btree(self.known.len(), size_of::<(RequestId, Known)>())
            + self.queue.len() * size_of::<Event>()
            + self.parts.len() * size_of::<Option<Partition>>()
            + self.parts.iter().flatten().map(Partition::clone_bytes).sum::<usize>()
            + btree(self.key_part.len(), size_of::<(Rc<str>, usize)>())
            + self.open_lists.len() * size_of::<RequestId>()
            + self.recent.len() * size_of::<OpSummary>()
            + reports
            + self.gave_up.iter().map(|s| size_of::<String>() + s.len()).sum::<usize>()
            + self.settled.len() * size_of::<path::Path>()
            + self.order.len() * size_of::<Point>()
    }

    pub fn peak(&self) -> Peak {
        self.peak
    }

    /// Operations invoked and not yet done with (open or queued).
    pub fn in_flight(&self) -> usize {
        self.known.len()
    }
}

impl Default for Linearizability {
    fn default() -> Self {
        Self::live()
    }
}

/// Checks a whole history at once: every operation, pending ones included.
/// Returns the finished checker (its verdict, counterexamples and order).
pub fn check_history<'a>(ops: impl IntoIterator<Item = &'a Operation>) -> Linearizability {
    Linearizability::one_shot().check_all(ops)
}

/// [`check_history`] with another budget per response than
/// [`ONE_SHOT_BUDGET`] (the history view's is smaller, so that one call
/// stays short).
pub fn check_history_within<'a>(ops: impl IntoIterator<Item = &'a Operation>, budget: usize) -> Linearizability {
    Linearizability::with(None, budget).check_all(ops)
}

impl Linearizability {
    fn check_all<'a>(self, ops: impl IntoIterator<Item = &'a Operation>) -> Linearizability {
        check_all(self, ops)
    }
}

fn check_all<'a>(mut check: Linearizability, ops: impl IntoIterator<Item = &'a Operation>) -> Linearizability {
    // Events in time order; at equal times invocations first, so that
    // operations that meet at one instant count as concurrent.
    let mut events: Vec<(u64, bool, &Operation)> = Vec::new();
    for op in ops {
        events.push((op.invoked_at, false, op));
        if let Some((at, _)) = &op.response {
            events.push((*at, true, op));
        }
    }
    events.sort_unstable_by_key(|&(at, respond, op)| (at, respond, op.id));
    let all: Vec<&Operation> = events.iter().filter(|e| !e.1).map(|e| e.2).collect();
    for (_, respond, op) in events {
        if respond {
            check.push(Event::Respond(op.id));
        } else if op.response.is_some() || !model::is_read(&op.command) {
            // The whole history is known, results included, so no read
            // holds the queue; a read that never returned constrains
            // nothing and is left out.
            if !matches!(op.command, Command::Noop) && !check.known.contains_key(&op.id) {
                check.known.insert(op.id, Known { op: op.clone(), part: None, left_out: false });
                check.push(Event::Invoke(op.id));
            }
        }
    }
    check.finish();
    check.check_order(&all);
    check
}

impl Linearizability {
    /// Replays the order of a finished one-shot check found linearizable.
    fn check_order(&mut self, all: &[&Operation]) {
        if self.verdict() == Verdict::Linearizable {
            let mut checked = order::validate(&self.order, all.iter().copied());
            if checked.is_err() {
                self.order = order::place_lists(&self.order, all.iter().copied());
                checked = order::validate(&self.order, all.iter().copied());
            }
            self.order_checked = Some(checked);
        }
    }

    /// The end of a history fed event by event
    /// ([`Linearizability::following`]): `all` is every operation fed, in
    /// id order, as the history now records it. As [`check_history`] of
    /// `all` does, reads still pending are left out, the order is assembled
    /// and replayed, and the reports describe each operation as `all` does
    /// (one still open when the report was made is described with the
    /// response it had since: [`check_history`] knows every response from
    /// the start).
    pub fn conclude(mut self, all: &[Operation]) -> Linearizability {
        self.finish();
        // `all` is in id order (the client's history); an operation the
        // reports name is found by bisection.
        let refresh = |s: &mut OpSummary| {
            if let Ok(at) = all.binary_search_by_key(&s.id, |o| o.id) {
                *s = OpSummary::of(&all[at]);
            }
        };
        for c in &mut self.found {
            refresh(&mut c.op);
            c.before.iter_mut().chain(&mut c.concurrent).for_each(refresh);
        }
        let all: Vec<&Operation> = all.iter().collect();
        self.check_order(&all);
        self
    }
}
