//! The vocabulary shared by every part of Raft Lab: ids, terms, indexes,
//! log entries and the key-value commands they carry.

use std::fmt;
use std::hash::{Hash, Hasher};
use std::rc::Rc;

use crate::store::Request;

/// A server in the cluster, numbered 1..=N as the scenario language does.
/// Id 0 is never a server: the simulated client uses it as its address.
pub type NodeId = u8;

/// The address of the simulated client on the network.
pub const CLIENT: NodeId = 0;

/// The largest cluster Raft Lab simulates.
pub const MAX_NODES: usize = 9;

/// A Raft term: the logical clock of elections (§5.1).
pub type Term = u64;

/// A position in the log; the first entry has index 1, index 0 means "none".
pub type LogIndex = u64;

/// Identifies one client operation across retries, so that a request the
/// client re-sends after a timeout is applied at most once.
pub type RequestId = u64;

/// Set in the id of a request whose client does not need the state machine
/// to remember its result: the Kubernetes apiservers' etcd clients, whose
/// writes are compare-and-swaps (a second copy of one fails its compare)
/// and which do not re-send a request with the same id. The state machine
/// keeps no table entry for them, so their ids need not be dense.
pub const UNTRACKED_REQUEST: RequestId = 1 << 63;

/// A command of the replicated key-value state machine.
///
/// Keys and values are reference-counted so that copying an entry into an
/// AppendEntries message, or cloning a whole world for time travel, costs a
/// counter increment rather than a string copy.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Command {
    /// Appended by every new leader so it can commit entries of earlier terms
    /// (§5.4.2, §8): only an entry of its own term can be counted for commit.
    Noop,
    Put {
        key: Rc<str>,
        value: Rc<str>,
    },
    Del {
        key: Rc<str>,
    },
    /// Reads also go through the log, so they are linearizable.
    Get {
        key: Rc<str>,
    },
    /// Lists the keys under a prefix, as `etcdctl get PREFIX --prefix --keys-only`.
    List {
        prefix: Rc<str>,
    },
    /// A request of etcd's KV service (range, put, delete, transaction),
    /// applied to the etcd-like store with its revisions: what `etcdctl`
    /// and the Kubernetes apiservers send.
    Etcd(Rc<Request>),
}

impl Command {
    pub fn put(key: &str, value: &str) -> Self {
        Command::Put { key: key.into(), value: value.into() }
    }
    pub fn del(key: &str) -> Self {
        Command::Del { key: key.into() }
    }
    pub fn get(key: &str) -> Self {
        Command::Get { key: key.into() }
    }
    pub fn list(prefix: &str) -> Self {
        Command::List { prefix: prefix.into() }
    }

    /// Whether applying the command can change the key-value map.
    pub fn is_write(&self) -> bool {
        match self {
            Command::Put { .. } | Command::Del { .. } => true,
            Command::Etcd(request) => request.is_write(),
            Command::Noop | Command::Get { .. } | Command::List { .. } => false,
        }
    }

    /// A stable 64-bit fingerprint, used to chain log digests. It must not
    /// depend on `std`'s randomly seeded hasher, or runs would differ.
    pub fn fingerprint(&self) -> u64 {
        let mut h = Fnv::new();
        match self {
            Command::Noop => h.byte(0),
            Command::Put { key, value } => {
                h.byte(1);
                h.str(key);
                h.str(value);
            }
            Command::Del { key } => {
                h.byte(2);
                h.str(key);
            }
            Command::Get { key } => {
                h.byte(3);
                h.str(key);
            }
            Command::List { prefix } => {
                h.byte(4);
                h.str(prefix);
            }
            Command::Etcd(request) => {
                h.byte(5);
                request.hash(&mut h);
            }
        }
        h.finish()
    }
}

/// Written as the scenario language's `expect log` expects it:
/// `noop`, `put(x=1)`, `del(x)`, `get(x)`, `list(prefix)`; an etcd request
/// as [`Request`] writes it (which `expect log` does not read).
impl fmt::Display for Command {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Command::Noop => write!(f, "noop"),
            Command::Put { key, value } => write!(f, "put({key}={value})"),
            Command::Del { key } => write!(f, "del({key})"),
            Command::Get { key } => write!(f, "get({key})"),
            Command::List { prefix } => write!(f, "list({prefix})"),
            // `Range(..)`, `Put(..)`, `DeleteRange(..)`, `Txn(..)`: etcd's
            // method names, capitalised, so they read apart from the above.
            Command::Etcd(request) => write!(f, "{request}"),
        }
    }
}

/// One entry of the replicated log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// The term of the leader that created the entry.
    pub term: Term,
    pub command: Command,
    /// The client operation this entry serves, if any (no-ops have none).
    pub request: Option<RequestId>,
}

/// Written as `TERM:COMMAND`, the form of `expect log`.
impl fmt::Display for Entry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.term, self.command)
    }
}

/// The three roles of §5.1; a crashed node is a state of the simulated world,
/// not a role of the node.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    Follower,
    /// With PreVote (thesis §9.6): asking whether it could win an election
    /// before starting one, in its unchanged term.
    PreCandidate,
    Candidate,
    Leader,
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Role::Follower => "follower",
            Role::PreCandidate => "pre-candidate",
            Role::Candidate => "candidate",
            Role::Leader => "leader",
        })
    }
}

/// FNV-1a, 64-bit: small, stable across platforms and runs.
#[derive(Clone, Copy)]
pub(crate) struct Fnv(u64);

impl Fnv {
    pub(crate) fn new() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
    pub(crate) fn byte(&mut self, b: u8) {
        self.0 ^= b as u64;
        self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
    }
    pub(crate) fn u64(&mut self, v: u64) {
        for b in v.to_le_bytes() {
            self.byte(b);
        }
    }
    pub(crate) fn str(&mut self, s: &str) {
        self.u64(s.len() as u64);
        for &b in s.as_bytes() {
            self.byte(b);
        }
    }
    pub(crate) fn finish(self) -> u64 {
        self.0
    }
}

/// Lets derived `Hash` implementations feed the digest. Lengths and enum
/// discriminants arrive as `usize`/`isize`, whose width differs between
/// native code and wasm32; they are widened to 64 bits so that a digest is
/// the same on both.
impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.byte(b);
        }
    }
    fn write_usize(&mut self, v: usize) {
        self.u64(v as u64);
    }
    fn write_isize(&mut self, v: isize) {
        self.u64(v as i64 as u64);
    }
}

/// How a client read is served (thesis §6.4; the scenario language's
/// `read=` word). Writes always go through the log.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum ReadMode {
    /// The read is a log entry, answered once it is applied (Figure 2).
    #[default]
    Log,
    /// ReadIndex (thesis §6.4): the leader records its commit index,
    /// confirms with one heartbeat round that it still leads, and answers
    /// once it has applied up to that index.
    Index,
    /// A lease read (thesis §6.4.1): the leader answers from its state at
    /// once while a majority has acknowledged its heartbeats recently
    /// enough that no other leader can have been elected (clocks allowing).
    Lease,
    /// The receiving node answers from its own applied state, whatever its
    /// role (etcd's serializable read): may be stale.
    Local,
}

impl ReadMode {
    pub const ALL: [ReadMode; 4] = [ReadMode::Log, ReadMode::Index, ReadMode::Lease, ReadMode::Local];

    /// The scenario language's word: `log`, `index`, `lease`, `local`.
    pub fn name(self) -> &'static str {
        match self {
            ReadMode::Log => "log",
            ReadMode::Index => "index",
            ReadMode::Lease => "lease",
            ReadMode::Local => "local",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.name() == name)
    }

    /// Whether a read of this mode promises linearizability; a lease read
    /// only while the clocks stay within the drift the lease assumes
    /// (`lease_bound_holds`, decided by the world that owns the clocks).
    pub fn promises_linearizability(self, lease_bound_holds: bool) -> bool {
        match self {
            ReadMode::Log | ReadMode::Index => true,
            ReadMode::Lease => lease_bound_holds,
            ReadMode::Local => false,
        }
    }
}

impl fmt::Display for ReadMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
