//! One partition of the history: the keys that must be checked together,
//! their open operations, and every configuration the history so far
//! allows. See the module documentation of `linearizability` for the
//! algorithm. This file holds an operation's invocation and response (the
//! search); `merge_split.rs` joins partitions for a `list` and splits them
//! again.

use std::rc::Rc;

use crate::raft::{Applied, Command, RequestId};

use super::model::{self, Outcome, QuickSet, State, Val};
use super::path::{Path, Point, Scope};

mod merge_split;

/// Open operations per partition are bits of a `u128`: a client retrying
/// through a long outage can have dozens of writes to one key open.
pub(super) const MAX_OPEN: usize = 128;
type Bits = u128;

fn bit(slot: usize) -> Bits {
    1 << slot
}

/// The set bits of `bits`, lowest first.
fn slots_of(mut bits: Bits) -> impl Iterator<Item = usize> {
    std::iter::from_fn(move || {
        (bits != 0).then(|| {
            let slot = bits.trailing_zeros() as usize;
            bits &= bits - 1;
            slot
        })
    })
}

/// An operation whose invocation the checker has processed and whose
/// response it has not.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Open {
    pub id: RequestId,
    pub command: Command,
    /// `None`: a write not answered yet. Reads enter with their result.
    pub result: Option<Applied>,
    pub invoked_at: u64,
}

impl Open {
    /// The one key of a `get`, `put` or `del`.
    fn key(&self) -> Option<&str> {
        match &self.command {
            Command::Put { key, .. } | Command::Del { key } | Command::Get { key } => Some(key),
            _ => None,
        }
    }

    fn scope(&self) -> Scope {
        match &self.command {
            Command::List { prefix } => Scope::Prefix(prefix.clone()),
            _ => Scope::Key(self.key().expect("a key operation").into()),
        }
    }

    /// Whether the operation is on `keys` only (a `get`, `put` or `del` of
    /// one of them).
    fn covered_by(&self, keys: &[Rc<str>]) -> bool {
        self.key().is_some_and(|k| keys.iter().any(|x| &**x == k))
    }

    fn is_list(&self) -> bool {
        matches!(self.command, Command::List { .. })
    }

    /// Whether the operation reads or writes `key` (a list: any key under
    /// its prefix).
    fn touches(&self, key: &str) -> bool {
        match &self.command {
            Command::List { prefix } => key.starts_with(&**prefix),
            _ => self.key() == Some(key),
        }
    }
}

/// One way the operations so far can have been linearized: the model state
/// it leaves, which open operations it has already placed, and in what order.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Config {
    pub state: State,
    /// Open operations placed.
    pub lin: Bits,
    /// Open writes not placed, but which can be taken as placed just before
    /// a write of the same key that this configuration placed after they
    /// were invoked: overwritten at once, nobody could have seen them. Such
    /// a write may still take effect later, or quietly be done with when it
    /// returns.
    pub free: Bits,
    pub path: Path,
}

impl Config {
    fn initial(state: State) -> Config {
        Config { state, lin: 0, free: 0, path: Path::default() }
    }

    fn key(&self) -> (State, Bits, Bits) {
        (self.state.clone(), self.lin, self.free)
    }
}

/// Which open operations touch which: built once per response.
struct Reach {
    /// For a write: the open writes of its key, itself included.
    same_key: Vec<Bits>,
    /// For a read: the open writes of the keys it reads.
    observes: Vec<Bits>,
    /// For a write: the open reads whose answer it could explain (a get of
    /// its value, a list that shows its key as the write leaves it).
    seers: Vec<Bits>,
}

impl Reach {
    fn new(slots: &[Option<Open>]) -> Reach {
        let writes: Vec<(usize, &str)> = slots
            .iter()
            .enumerate()
            .filter_map(|(s, o)| o.as_ref().filter(|o| !model::is_read(&o.command)).and_then(|o| Some((s, o.key()?))))
            .collect();
        let mask = |f: &dyn Fn(&str) -> bool| writes.iter().filter(|(_, k)| f(k)).fold(0, |m, &(s, _)| m | bit(s));
        let mut same_key = vec![0; slots.len()];
        let mut observes = vec![0; slots.len()];
        let mut seers = vec![0; slots.len()];
        for (s, op) in slots.iter().enumerate() {
            let Some(op) = op else { continue };
            if model::is_read(&op.command) {
                observes[s] = mask(&|k| op.touches(k));
                for &(w, _) in &writes {
                    let write = &slots[w].as_ref().expect("a write slot").command;
                    if could_explain(write, &op.command, op.result.as_ref()) {
                        seers[w] |= bit(s);
                    }
                }
            } else if let Some(key) = op.key() {
                same_key[s] = mask(&|k| k == key);
            }
        }
        Reach { same_key, observes, seers }
    }
}

/// Whether `read`, which returned `result`, could see what `write` left.
fn could_explain(write: &Command, read: &Command, result: Option<&Applied>) -> bool {
    match (write, read, result) {
        (Command::Put { key, value }, Command::Get { key: k }, Some(Applied::Value(Some(v)))) => key == k && value == v,
        (Command::Del { key }, Command::Get { key: k }, Some(Applied::Value(None))) => key == k,
        (Command::Put { key, .. }, Command::List { prefix }, Some(Applied::Keys(keys))) => {
            key.starts_with(&**prefix) && keys.contains(key)
        }
        (Command::Del { key }, Command::List { prefix }, Some(Applied::Keys(keys))) => {
            key.starts_with(&**prefix) && !keys.contains(key)
        }
        _ => false,
    }
}

/// What the checker passes down for one event.
pub(super) struct Ctx {
    /// The time of the event being processed: where operations placed now
    /// are linearized.
    pub now: u64,
    pub seq: u64,
    /// The live check keeps paths to this many points; `None` keeps them
    /// whole (the one-shot check, which reports the whole order).
    pub keep: Option<usize>,
    /// Most configurations one event may explore before the checker gives
    /// up on a partition.
    pub budget: usize,
}

impl Ctx {
    fn point(&mut self, op: RequestId) -> Point {
        self.seq += 1;
        Point { op, at: self.now, seq: self.seq }
    }
}

/// Why an operation's response could not be placed.
pub(super) struct Stuck {
    pub op: Open,
    pub keys: Vec<Rc<str>>,
    /// The configurations just before its response.
    pub before: Vec<Config>,
    /// The open operations that might have been placed before it.
    pub concurrent: Vec<Open>,
}

#[derive(Clone, Debug, PartialEq)]
pub(super) struct Partition {
    /// Sorted; the state holds one value per key, in this order.
    pub keys: Vec<Rc<str>>,
    /// Open operations; configurations refer to them by position (bit).
    pub slots: Vec<Option<Open>>,
    /// Never empty while the partition is decided.
    pub configs: Vec<Config>,
    /// Why the checker gave up on these keys, until it can start over.
    pub undecided: Option<String>,
}

impl Partition {
    /// What a clone allocates of its own: its keys, slots and
    /// configurations (whose states and paths are shared `Rc`s).
    pub(super) fn clone_bytes(&self) -> usize {
        use std::mem::size_of;
        self.keys.len() * size_of::<Rc<str>>()
            + self.slots.len() * size_of::<Option<Open>>()
            + self.configs.len() * size_of::<Config>()
            + self.undecided.as_ref().map_or(0, String::len)
    }

    /// Keys nobody has written yet: missing.
    pub(super) fn new(keys: Vec<Rc<str>>) -> Partition {
        let state = State::new(vec![Val::Missing; keys.len()]);
        Partition { keys, slots: Vec::new(), configs: vec![Config::initial(state)], undecided: None }
    }

    pub(super) fn open(&self) -> impl Iterator<Item = &Open> {
        self.slots.iter().flatten()
    }

    /// Open lists that some configuration has not placed yet: they can
    /// still observe several keys together. A list every configuration
    /// has placed constrains nothing more.
    fn unplaced_lists(&self) -> Bits {
        let unplaced = self.configs.iter().fold(0, |bits, c| bits | !c.lin);
        self.slots
            .iter()
            .enumerate()
            .filter(|(s, o)| unplaced & bit(*s) != 0 && o.as_ref().is_some_and(Open::is_list))
            .fold(0, |bits, (s, _)| bits | bit(s))
    }

    pub(super) fn slot_of(&self, id: RequestId) -> Option<usize> {
        self.slots.iter().position(|s| s.as_ref().is_some_and(|o| o.id == id))
    }

    /// Gives up on these keys: their operations are not judged until none
    /// is open, when [`Partition::resync`] starts over.
    pub(super) fn give_up(&mut self, why: String) {
        self.configs.clear();
        self.undecided.get_or_insert(why);
    }

    /// Starts over when nothing is open, knowing nothing of the values.
    fn resync(&mut self) {
        if self.undecided.is_some() && self.open().next().is_none() {
            self.slots.clear();
            let state = State::new(vec![Val::Unknown; self.keys.len()]);
            self.configs = vec![Config::initial(state)];
            self.undecided = None;
        }
    }

    /// The invocation of `op` (a read with its result).
    pub(super) fn add(&mut self, op: Open, ctx: &mut Ctx) {
        let free = self.slots.iter().position(Option::is_none);
        let slot = match free {
            Some(slot) => slot,
            None => {
                if self.slots.len() == MAX_OPEN && self.undecided.is_none() {
                    self.give_up(format!("more than {MAX_OPEN} operations open at once on these keys"));
                }
                self.slots.push(None);
                self.slots.len() - 1
            }
        };
        self.slots[slot] = Some(op);
        if self.undecided.is_some() {
            return;
        }
        let reads = self.reads();
        let reach = Reach::new(&self.slots);
        for config in &mut self.configs {
            Self::settle_reads(&self.keys, &self.slots, &reach, reads & bit(slot), config, ctx);
        }
    }

    /// Open reads (the slots of `get` and `list`).
    fn reads(&self) -> Bits {
        self.slots
            .iter()
            .enumerate()
            .filter(|(_, s)| s.as_ref().is_some_and(|o| model::is_read(&o.command)))
            .fold(0, |bits, (slot, _)| bits | bit(slot))
    }

    /// Places every read among `reads` that `config` has not placed and
    /// that sees exactly its state. Free: a read leaves the state alone, so
    /// placing it as soon as it can be placed loses no linearization.
    /// Returns the writes the placed reads observe.
    fn settle_reads(
        keys: &[Rc<str>],
        slots: &[Option<Open>],
        reach: &Reach,
        reads: Bits,
        config: &mut Config,
        ctx: &mut Ctx,
    ) -> Bits {
        let mut observed = 0;
        for slot in slots_of(reads & !config.lin) {
            let op = slots[slot].as_ref().expect("a read slot holds a read");
            if model::apply(keys, &config.state, &op.command, op.result.as_ref()) == Outcome::Same {
                config.lin |= bit(slot);
                config.path = config.path.push(ctx.point(op.id), op.scope());
                observed |= reach.observes[slot];
            }
        }
        observed
    }

    /// Places the open operation in `slot` in `config` (its result valid
    /// there); a write frees the unplaced writes of its key, each with a
    /// tentative point just before it.
    fn place(&self, config: &Config, slot: usize, reach: &Reach, ctx: &mut Ctx) -> Option<Config> {
        let op = self.slots[slot].as_ref().expect("placed slots are open");
        let state = match model::apply(&self.keys, &config.state, &op.command, op.result.as_ref()) {
            Outcome::Invalid => return None,
            Outcome::Same => config.state.clone(),
            Outcome::Next(state) => state,
        };
        let lin = config.lin | bit(slot);
        let free = (config.free | reach.same_key[slot]) & !lin;
        let point = ctx.point(op.id);
        let mut path = config.path.clone();
        // Only the order a one-shot check reports needs tentative points.
        if ctx.keep.is_none() {
            for freed in slots_of(free & !config.free) {
                let w = self.slots[freed].as_ref().expect("freed slots are open");
                path = path.push_tentative(Point { op: w.id, ..point }, w.scope());
            }
        }
        Some(Config { state, lin, free, path: path.push(point, op.scope()) })
    }

    /// Open operations that may have to be placed before `slot` when it
    /// returns. Operations on other keys commute with it, so they can wait,
    /// unless an open `list` could observe them together.
    fn relevant(&self, slot: usize) -> Bits {
        let op = self.slots[slot].as_ref().expect("returning slot is open");
        let others_list = self.unplaced_lists() & !bit(slot) != 0;
        self.slots
            .iter()
            .enumerate()
            .filter(|&(s, o)| {
                s != slot
                    && o.as_ref().is_some_and(|o| {
                        others_list
                            || match (op.key(), o.key()) {
                                (Some(a), Some(b)) => a == b,
                                (None, Some(b)) => op.touches(b),
                                _ => true,
                            }
                    })
            })
            .fold(0, |bits, (s, _)| bits | bit(s))
    }

    /// The response of the operation in `slot`: every configuration must
    /// place it now if it has not already, possibly after placing other open
    /// operations first (just-in-time linearization, as in Lowe's and
    /// Knossos' "linear" checkers). Configurations that cannot are dropped,
    /// and those reached twice are kept once (Lowe's memoisation of
    /// (placed operations, state), as Porcupine does it).
    ///
    /// A write placed first that no read sees before it is overwritten, or
    /// before the returning operation, changes nothing anyone observes, so
    /// such a placement is only explored when a read then sees it. The
    /// configuration that leaves the write open (and free, if a write of
    /// its key was placed after it was invoked) can do all the other can:
    /// place it later, or take it as overwritten at once. This keeps keys
    /// with many concurrent writes polynomial instead of exponential.
    pub(super) fn respond(&mut self, slot: usize, ctx: &mut Ctx) -> Result<(), Box<Stuck>> {
        if self.undecided.is_some() {
            self.slots[slot] = None;
            self.resync();
            return Ok(());
        }
        let relevant = self.relevant(slot);
        let reads = self.reads() & !bit(slot);
        let reach = Reach::new(&self.slots);
        let op = self.slots[slot].clone().expect("returning slot is open");
        let op_is_read = model::is_read(&op.command);
        let before = std::mem::take(&mut self.configs);
        if before.len() > ctx.budget {
            self.slots[slot] = None;
            self.give_up(format!(
                "more than {} possible states with {} operations open",
                ctx.budget,
                self.open().count() + 1
            ));
            self.resync();
            return Ok(());
        }
        let mut out: Vec<Config> = Vec::new();
        let mut kept: QuickSet<(State, Bits, Bits)> = QuickSet::default();
        // Search nodes: a configuration, and the writes it placed first
        // that no read has seen yet.
        let mut seen: QuickSet<((State, Bits, Bits), Bits)> = QuickSet::default();
        let mut stack: Vec<(Config, Bits)> = Vec::new();
        let mut keep = |config: Config, out: &mut Vec<Config>| {
            let done = !bit(slot);
            let config = Config { lin: config.lin & done, free: config.free & done, ..config };
            if kept.insert(config.key()) {
                out.push(config);
            }
        };
        for config in &before {
            if config.lin & bit(slot) != 0 || (!op_is_read && config.free & bit(slot) != 0) {
                // Placed already, or taken as overwritten unseen.
                keep(config.clone(), &mut out);
            }
            if config.lin & bit(slot) == 0 && seen.insert((config.key(), 0)) {
                stack.push((config.clone(), 0));
            }
        }
        while let Some((config, unseen)) = stack.pop() {
            // Place the returning operation now, once every write placed
            // before it has been seen (by it, if it reads)...
            let unseen_then = if op_is_read { unseen & !reach.observes[slot] } else { unseen };
            if unseen_then == 0 {
                if let Some(mut next) = self.place(&config, slot, &reach, ctx) {
                    Self::settle_reads(&self.keys, &self.slots, &reach, reads, &mut next, ctx);
                    keep(next, &mut out);
                }
            }
            // ...or another open operation first.
            // The reads that can still see a write placed now.
            let watching = (reads & !config.lin) | if op_is_read { bit(slot) } else { 0 };
            for other in slots_of(relevant & !config.lin) {
                let is_read = reach.same_key[other] == 0;
                // A write over one not seen yet would hide it for good, and
                // one that no read could see is not worth placing early.
                if !is_read && (unseen & reach.same_key[other] != 0 || reach.seers[other] & watching == 0) {
                    continue;
                }
                let Some(mut next) = self.place(&config, other, &reach, ctx) else { continue };
                let mut unseen = if is_read { unseen & !reach.observes[other] } else { unseen | bit(other) };
                unseen &= !Self::settle_reads(&self.keys, &self.slots, &reach, reads, &mut next, ctx);
                if seen.insert((next.key(), unseen)) {
                    if seen.len() + out.len() > ctx.budget {
                        self.slots[slot] = None;
                        self.give_up(format!(
                            "more than {} possible states when #{} returned, with {} operations open",
                            ctx.budget,
                            op.id,
                            self.open().count() + 1
                        ));
                        self.resync();
                        return Ok(());
                    }
                    stack.push((next, unseen));
                }
            }
        }
        self.slots[slot] = None;
        while self.slots.last().is_some_and(Option::is_none) {
            self.slots.pop();
        }
        if out.is_empty() {
            let concurrent = slots_of(relevant).filter_map(|s| self.slots[s].clone()).collect();
            let stuck = Stuck { op, keys: self.keys.clone(), before, concurrent };
            self.give_up(format!("after #{} could not be linearized", stuck.op.id));
            self.resync();
            return Err(Box::new(stuck));
        }
        if let Some(keep) = ctx.keep {
            for config in &mut out {
                config.path = std::mem::take(&mut config.path).bounded(keep);
            }
        }
        self.configs = out;
        Ok(())
    }
}
