//! The safety checker: the five properties of Figure 3 of the Raft paper,
//! verified after every simulated event.
//!
//! # Why digests
//!
//! The simulator runs millions of events per second, so the checker cannot
//! compare logs entry by entry. Every [`Log`] keeps a chained digest of each
//! of its prefixes: `digest_at(i)` fingerprints entries `1..=i`, terms and
//! commands. Two logs with the same digest at `i` therefore hold the same
//! prefix up to `i`, and one comparison of two `u64`s stands in for a
//! comparison of `i` entries. Every check below is phrased that way:
//!
//! * **Log Matching** keeps, for every `(index, term)` pair ever seen, the
//!   digest of the first log that held it. An entry agrees with history when
//!   its digest matches the recorded one, and since digests chain, a match at
//!   the top of a log vouches for everything beneath it. A node's new entries
//!   are therefore checked from the top down, stopping at the first recorded
//!   match or at the position verified on an earlier event: a follower that
//!   just copied a leader's entries costs one lookup.
//! * **Leader Completeness** and **State Machine Safety** share the committed
//!   prefix: the digest of each committed index, taken from the first node
//!   that committed it. A node that commits or applies up to `i` must agree
//!   with it at `i`; a new leader must agree with it at the highest index it
//!   is bound to hold. "Committed in a term" is taken as the paper means it,
//!   not as the entry's own term: each committed index remembers the lowest
//!   term in which a node was seen committing it (never below the term that
//!   really committed it), and only leaders of later terms are bound to it.
//!   A leader cut off in an old term need not hold an old-term entry that a
//!   newer leader committed after it was elected; a check by entry term would
//!   flag that legal history.
//! * **Leader Append-Only** remembers a leader's last index and the digest
//!   there; the leader's log must still have that digest at that index.
//! * **Election Safety** needs no digests: a table of term to leader.
//!
//! Digests only say *that* two logs differ. When a check fails, the report
//! binary-searches the digests to find *where* (prefix equality is monotone
//! along a log), and looks up the entries there so that it can name them.
//!
//! # Cost
//!
//! The check of a node the event did not touch is skipped: its state cannot
//! have changed. For a touched node, the path without violations does
//! constant work plus one table lookup or insertion per new log entry or newly
//! committed index, and allocates nothing beyond the amortised growth of the
//! tables. All state is plain `Copy` data. The tables that grow with the run
//! (the committed prefix and the `(index, term)` table) are [`Chunked`], so
//! a time-travel checkpoint shares them with the one before and copies only
//! what changed since.
//!
//! [`Chunked`]: crate::util::Chunked

mod client;
#[cfg(test)]
mod client_tests;
mod invariants;
pub mod linearizability;
#[cfg(test)]
mod tests;

use std::fmt;

use crate::raft::{Command, KvStore, Log, LogIndex, NodeId, RequestId, Role, Term};
use crate::util::{Chunked, Msg};

use client::ClientChecks;
pub use client::Completion;
use invariants::{Committed, MatchTable, NodeState};
use linearizability::Linearizability;

/// At most this many violations are kept; later ones are only counted.
pub const MAX_VIOLATIONS: usize = 100;

/// What the checker sees of one node after an event.
#[derive(Clone, Copy, Debug)]
pub struct NodeView<'a> {
    pub id: NodeId,
    /// A crashed node keeps its persistent state but leads nothing.
    pub alive: bool,
    pub role: Role,
    pub term: Term,
    pub log: &'a Log,
    pub commit_index: LogIndex,
    pub last_applied: LogIndex,
    /// The node's key-value state (for Applied State).
    pub kv: &'a KvStore,
}

/// The five properties of Figure 3 of the Raft paper, three on what
/// clients see (extensions: `client.rs`, `linearizability/`), and the
/// control plane's own.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Invariant {
    ElectionSafety,
    LeaderAppendOnly,
    LogMatching,
    LeaderCompleteness,
    StateMachineSafety,
    /// In a `kubernetes` world: at most one instance of each controller
    /// leads at a time (checked by the world, `sim::kube_world`).
    LeaseSafety,
    ClientAcknowledged,
    AppliedState,
    Linearizability,
}

impl Invariant {
    /// Every invariant: Figure 3's five, the three on what clients see, and
    /// the control plane's.
    pub const ALL: [Invariant; 9] = [
        Invariant::ElectionSafety,
        Invariant::LeaderAppendOnly,
        Invariant::LogMatching,
        Invariant::LeaderCompleteness,
        Invariant::StateMachineSafety,
        Invariant::ClientAcknowledged,
        Invariant::AppliedState,
        Invariant::Linearizability,
        Invariant::LeaseSafety,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Invariant::ElectionSafety => "Election Safety",
            Invariant::LeaderAppendOnly => "Leader Append-Only",
            Invariant::LogMatching => "Log Matching",
            Invariant::LeaderCompleteness => "Leader Completeness",
            Invariant::StateMachineSafety => "State Machine Safety",
            Invariant::LeaseSafety => "Lease Safety",
            Invariant::ClientAcknowledged => "Client Acknowledged",
            Invariant::AppliedState => "Applied State",
            Invariant::Linearizability => "Linearizability",
        }
    }

    /// The word the scenario language uses (`expect violation WORD`).
    pub fn word(self) -> &'static str {
        match self {
            Invariant::ElectionSafety => "election-safety",
            Invariant::LeaderAppendOnly => "leader-append-only",
            Invariant::LogMatching => "log-matching",
            Invariant::LeaderCompleteness => "leader-completeness",
            Invariant::StateMachineSafety => "state-machine-safety",
            Invariant::LeaseSafety => "lease-safety",
            Invariant::ClientAcknowledged => "client-acknowledged",
            Invariant::AppliedState => "applied-state",
            Invariant::Linearizability => "linearizability",
        }
    }

    pub fn from_word(word: &str) -> Option<Invariant> {
        Invariant::ALL.into_iter().find(|i| i.word() == word)
    }

    /// The property as Figure 3 of the paper states it.
    pub fn describe(self) -> &'static str {
        match self {
            Invariant::ElectionSafety => "At most one leader can be elected in a given term.",
            Invariant::LeaderAppendOnly => {
                "A leader never overwrites or deletes entries in its log; it only appends new entries."
            }
            Invariant::LogMatching => {
                "If two logs contain an entry with the same index and term, then the logs are \
                 identical in all entries up through the given index."
            }
            Invariant::LeaderCompleteness => {
                "If a log entry is committed in a given term, then that entry will be present in \
                 the logs of the leaders for all higher-numbered terms."
            }
            Invariant::StateMachineSafety => {
                "If a server has applied a log entry at a given index to its state machine, no \
                 other server will ever apply a different log entry for the same index."
            }
            Invariant::LeaseSafety => {
                "At most one instance of each controller (kube-controller-manager, kube-scheduler) \
                 acts as leader at any moment."
            }
            Invariant::ClientAcknowledged => {
                "Every operation acknowledged to the client is in the committed log, with the result the \
                 client got: the result of applying the committed log up to its entry."
            }
            Invariant::AppliedState => "Each node's key-value state is its committed log applied in order.",
            Invariant::Linearizability => {
                "Every client operation that promises linearizability takes effect at one moment between its \
                 invocation and its response, and in that order the operations are what a single key-value \
                 store would answer."
            }
        }
    }
}

impl fmt::Display for Invariant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One log entry named in a report: where it was seen and what it holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EntryInfo {
    /// The node whose log holds (or, for a committed entry, still holds) it.
    pub node: NodeId,
    pub index: LogIndex,
    pub term: Term,
    /// As `crate::raft::Command` displays it, e.g. `put(x=1)`.
    pub command: String,
}

impl fmt::Display for EntryInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "node {} index {}: {}:{}", self.node, self.index, self.term, self.command)
    }
}

/// A broken safety property, with what is needed to explain it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Violation {
    pub event: u64,
    pub time_us: u64,
    pub invariant: Invariant,
    pub nodes: Vec<NodeId>,
    pub entries: Vec<EntryInfo>,
    /// The client operations involved (the invariants on what clients see).
    pub operations: Vec<RequestId>,
    /// What happened, as a sentence the page words in its language.
    pub detail: Msg,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "event {} at {}.{:03}s: {} violated: {}",
            self.event,
            self.time_us / 1_000_000,
            self.time_us % 1_000_000 / 1_000,
            self.invariant,
            self.detail
        )
    }
}

/// Identifies a problem already reported, so that a broken state that
/// persists over many events yields one violation rather than one per event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Key {
    /// A leader missing committed entries, once per leadership.
    Completeness { node: NodeId, term: Term },
    /// Two histories (the digests of two versions, smaller first) that part
    /// at `index`.
    Matching { index: LogIndex, versions: (u64, u64) },
    /// A node committing or applying something else than the committed
    /// entry at `index`.
    Applied { node: NodeId, index: LogIndex },
}

/// The checker. Cheap to clone: the tables that grow with the run share
/// their chunks with the clone.
#[derive(Clone, Debug, PartialEq)]
pub struct Checker {
    /// Per node, indexed by id - 1.
    nodes: Vec<NodeState>,
    /// Term -> the first node seen leading it, sorted by term. Terms with a
    /// leader arrive almost always in increasing order, so this is a push.
    leaders: Vec<(Term, NodeId)>,
    /// Bit `id` is set while node `id` is alive and leader, so that growth of
    /// the committed prefix checks the leaders without scanning every node.
    live_leaders: u64,
    matching: MatchTable,
    /// `committed[i - 1]` describes committed index `i`.
    committed: Chunked<Committed>,
    violations: Vec<Violation>,
    reported: Vec<Key>,
    /// Violations found after `MAX_VIOLATIONS` were kept.
    dropped: u64,
    clients: ClientChecks,
    /// The operations that promise linearizability, checked as they come.
    linearizability: Linearizability,
}

/// What a check needs to know about the event it runs after.
struct Event<'v, 'a> {
    event: u64,
    time_us: u64,
    nodes: &'v [NodeView<'a>],
}

impl<'v, 'a> Event<'v, 'a> {
    fn view(&self, id: NodeId) -> &'v NodeView<'a> {
        &self.nodes[id as usize - 1]
    }
}

impl Checker {
    pub fn new(nodes: usize) -> Self {
        assert!(nodes < 64, "the live-leader mask holds at most 63 nodes");
        Checker {
            nodes: vec![NodeState::default(); nodes],
            leaders: Vec::new(),
            live_leaders: 0,
            matching: MatchTable::default(),
            committed: Chunked::new(),
            violations: Vec::new(),
            reported: Vec::new(),
            dropped: 0,
            clients: ClientChecks::new(nodes),
            linearizability: Linearizability::live(),
        }
    }

    /// Called after every event. `nodes[i]` is node i+1 (all nodes, alive or
    /// not). `touched` names the nodes whose state the event may have changed;
    /// only they are checked. Returns the number of new violations found by
    /// this call, which are the last that many of [`Checker::violations`].
    /// Past [`MAX_VIOLATIONS`] new ones are only counted by
    /// [`Checker::dropped`], and do not count here.
    pub fn after_event(&mut self, event: u64, time_us: u64, nodes: &[NodeView<'_>], touched: &[NodeId]) -> usize {
        if nodes.len() > self.nodes.len() {
            assert!(nodes.len() < 64, "the live-leader mask holds at most 63 nodes");
            self.nodes.resize(nodes.len(), NodeState::default());
        }
        let ev = Event { event, time_us, nodes };
        let kept_before = self.violations.len();
        let valid = |id: NodeId| id >= 1 && (id as usize) <= nodes.len();
        // Logs and leaderships first, so that a node elected by this event is
        // already a live leader when the commits of this event are examined.
        for &id in touched.iter().filter(|&&id| valid(id)) {
            self.check_log_matching(&ev, id);
            self.check_leadership(&ev, id);
        }
        for &id in touched.iter().filter(|&&id| valid(id)) {
            self.check_commit(&ev, id);
        }
        for &id in touched.iter().filter(|&&id| valid(id)) {
            self.check_applied_state(&ev, id);
        }
        self.violations.len() - kept_before
    }

    /// The client invoked an operation. `promises_linearizability`: its
    /// mode promises it (every operation goes through the log today), so
    /// the `linearizability` invariant judges it. Returns the number of new
    /// violations, as [`Checker::after_event`] does.
    pub fn client_invoked(
        &mut self,
        event: u64,
        time_us: u64,
        op: RequestId,
        command: &Command,
        promises_linearizability: bool,
    ) -> usize {
        if !promises_linearizability {
            return 0;
        }
        let found = self.linearizability.invoke(op, command.clone(), time_us);
        self.record_linearizability(event, time_us, found)
    }

    /// The client received the answer to an operation: Client Acknowledged
    /// and Linearizability. Returns the number of new violations.
    pub fn client_completed(&mut self, event: u64, time_us: u64, done: Completion<'_>) -> usize {
        let acknowledged = usize::from(self.check_acknowledged(event, time_us, &done));
        let found = self.linearizability.respond(done.op, time_us, done.result.clone(), Some(done.node));
        acknowledged + self.record_linearizability(event, time_us, found)
    }

    /// The live linearizability check of the operations that promise it.
    pub fn linearizability(&self) -> &Linearizability {
        &self.linearizability
    }

    fn record_linearizability(
        &mut self,
        event: u64,
        time_us: u64,
        found: Vec<linearizability::Counterexample>,
    ) -> usize {
        let before = self.violations.len();
        for c in found {
            let (nodes, ops, detail) = (c.nodes(), c.operations(), c.msg());
            self.push(event, time_us, Invariant::Linearizability, nodes, Vec::new(), ops, detail);
        }
        self.violations.len() - before
    }

    /// An estimate of the bytes a clone of the checker allocates of its own
    /// (a time-travel checkpoint, `sim::timeline::clone_bytes`): one pointer
    /// per full chunk and the tail of each of its five tables by log index
    /// or request id (committed entries, the match table's two parts, the
    /// committed states' digests, the requests' indexes), the committed
    /// state machine, the linearizability check's open operations and
    /// partitions, and the small tables.
    pub fn clone_bytes(&self) -> usize {
        use std::mem::size_of;
        let violations: usize = self
            .violations
            .iter()
            .map(|v| {
                size_of::<Violation>()
                    + v.nodes.len()
                    + v.entries.iter().map(|e| size_of::<EntryInfo>() + e.command.len()).sum::<usize>()
                    + v.operations.len() * size_of::<RequestId>()
                    + v.detail.heap_bytes()
            })
            .sum();
        self.nodes.len() * size_of::<invariants::NodeState>()
            + self.leaders.len() * size_of::<(Term, NodeId)>()
            + self.matching.clone_bytes()
            + self.committed.clone_bytes()
            + violations
            + self.reported.len() * size_of::<Key>()
            + self.clients.clone_bytes()
            + self.linearizability.clone_bytes()
    }

    /// The violations found so far, oldest first, at most [`MAX_VIOLATIONS`].
    pub fn violations(&self) -> &[Violation] {
        &self.violations
    }

    pub fn is_clean(&self) -> bool {
        self.violations.is_empty() && self.dropped == 0
    }

    /// How many violations were found after the first [`MAX_VIOLATIONS`] and
    /// not kept.
    pub fn dropped(&self) -> u64 {
        self.dropped
    }

    /// The highest index known to be committed.
    pub fn committed_index(&self) -> LogIndex {
        self.committed.len() as LogIndex
    }

    /// Records a violation found outside the checker (the control plane's
    /// [`Invariant::LeaseSafety`], which the world checks after every
    /// event); false when past [`MAX_VIOLATIONS`].
    pub fn report(&mut self, event: u64, time_us: u64, invariant: Invariant, nodes: Vec<NodeId>, detail: Msg) -> bool {
        if self.violations.len() >= MAX_VIOLATIONS {
            self.dropped += 1;
            return false;
        }
        self.violations.push(Violation {
            event,
            time_us,
            invariant,
            nodes,
            entries: Vec::new(),
            operations: Vec::new(),
            detail,
        });
        true
    }

    /// Whether `key` is new; remembers it. Only called once a check has
    /// failed, so the linear search stays off the path without violations.
    fn first_report(&mut self, key: Key) -> bool {
        if self.reported.contains(&key) {
            return false;
        }
        self.reported.push(key);
        true
    }

    fn record(
        &mut self,
        ev: &Event<'_, '_>,
        invariant: Invariant,
        nodes: Vec<NodeId>,
        entries: Vec<EntryInfo>,
        detail: Msg,
    ) {
        self.push(ev.event, ev.time_us, invariant, nodes, entries, Vec::new(), detail);
    }
}
