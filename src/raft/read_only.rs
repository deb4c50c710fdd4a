//! Reads served without a log entry (thesis §6.4), as etcd-io/raft's
//! `read_only.go` serves them: ReadIndex at the leader, the lease read, and
//! the local (serializable) read any node answers.
//!
//! **ReadIndex** (§6.4): the leader records its commit index as the read's
//! index (a new leader first commits an entry of its own term, its no-op,
//! so that its commit index is at least every index committed before it),
//! starts a new heartbeat *round* and sends a heartbeat to every follower.
//! Each AppendEntries carries the round it was sent in and each reply
//! echoes it; once a majority (the leader included) has acknowledged the
//! round or a later one, no other leader can have existed when the read
//! arrived, and the leader answers once it has applied up to the index.
//!
//! **Lease** (§6.4.1): the node has no clock, but its heartbeat timer fires
//! at its own clock's rate, so it counts heartbeat *ticks*. A round that
//! began at tick `t` and was acknowledged by a majority keeps the lease
//! while fewer than `lease_ticks` ticks have passed since: the world sets
//! `lease_ticks` to ⌊election timeout ÷ (1 + drift) ÷ heartbeat⌋, so the
//! lease ends, on the leader's own clock, before any follower that
//! acknowledged the round can time out (as long as no clock runs faster
//! than 1 + drift times another: see `World::lease_bound_holds`). While
//! the lease holds and the leader has committed an entry of its term, it
//! answers at once; otherwise the read falls back to ReadIndex.
//!
//! **Local**: the node answers from its applied state, whatever its role.

use std::collections::VecDeque;

use super::message::{Applied, ClientOutcome, Message};
use super::node::Node;
use super::ready::Ready;
use super::reason::Reason;
use super::types::{Command, LogIndex, NodeId, ReadMode, RequestId, Role, CLIENT, MAX_NODES};

/// ReadIndex reads a leader keeps waiting at most: a leader cut off from
/// its majority keeps receiving reads it can never confirm (an apiserver
/// retries every few seconds), so past this the oldest is dropped; its
/// client times out and retries elsewhere, as for a lost message.
pub(super) const MAX_PENDING_READS: usize = 256;

/// A leader's read state, reset by each new leadership.
#[derive(Clone, Debug, Default)]
pub(super) struct ReadOnly {
    /// The current heartbeat round, carried by every AppendEntries.
    pub(super) round: u64,
    /// Heartbeat ticks of this leadership.
    tick: u64,
    /// Per node id: the highest round it acknowledged.
    acked: [u64; MAX_NODES + 1],
    /// The rounds recent enough to give a lease, oldest first: (round, the
    /// tick it began at).
    recent: VecDeque<(u64, u64)>,
    /// ReadIndex reads waiting for their round or their index.
    pending: Vec<PendingRead>,
}

#[derive(Clone, Debug)]
struct PendingRead {
    request: RequestId,
    command: Command,
    /// The leader's commit index when the read could start; `None` while the
    /// leader has not committed an entry of its term.
    index: Option<LogIndex>,
    /// The round whose acknowledgement by a majority confirms the leadership.
    round: u64,
}

impl ReadOnly {
    /// The read state of a new leadership: round 1 begins with it.
    pub(super) fn new_leadership(me: NodeId) -> Self {
        let mut read_only = ReadOnly { round: 1, ..Default::default() };
        read_only.acked[me as usize] = 1;
        read_only.recent.push_back((1, 0));
        read_only
    }
}

impl Node {
    /// A client read of `mode` other than `log` arrived (the caller checked
    /// that `command` is a read).
    pub(super) fn step_read(&mut self, request: RequestId, command: &Command, mode: ReadMode, ready: &mut Ready) {
        let node = self.id;
        match mode {
            ReadMode::Local => {
                let index = self.last_applied;
                let (role, term) = (self.role, self.current_term);
                ready.reasons.push(Reason::ReadLocal { node, request, index, term, role });
                self.answer_read(request, command, ready);
            }
            ReadMode::Log => unreachable!("a read through the log is proposed like a write"),
            _ if self.role != Role::Leader => {
                let outcome = ClientOutcome::Redirect { leader: self.leader };
                self.send(CLIENT, Message::ClientReply { request, outcome }, ready);
            }
            ReadMode::Lease => {
                let lease = self.lease_ticks;
                match self.lease_age() {
                    Some(age) if self.committed_own_term() => {
                        let index = self.last_applied;
                        ready.reasons.push(Reason::LeaseRead { node, request, index, age, lease });
                        self.answer_read(request, command, ready);
                    }
                    _ => {
                        ready.reasons.push(Reason::LeaseLapsed { node, request, lease });
                        self.start_read_index(request, command, ready);
                    }
                }
            }
            ReadMode::Index => self.start_read_index(request, command, ready),
        }
    }

    fn answer_read(&mut self, request: RequestId, command: &Command, ready: &mut Ready) {
        let result = self.kv.read(command).unwrap_or(Applied::Done);
        let outcome = ClientOutcome::Read { result, index: self.last_applied, term: self.current_term };
        self.send(CLIENT, Message::ClientReply { request, outcome }, ready);
    }

    /// Whether the entry at the commit index is of this leader's term: only
    /// then is its commit index at least every index committed before it.
    fn committed_own_term(&self) -> bool {
        self.log.term_at(self.commit_index) == Some(self.current_term)
    }

    /// ReadIndex, step 1: record the commit index, or wait for an entry of
    /// this term to commit first; then a heartbeat round confirms the
    /// leadership.
    fn start_read_index(&mut self, request: RequestId, command: &Command, ready: &mut Ready) {
        if self.read_only.pending.iter().any(|r| r.request == request) {
            // A retry of a read already waiting: its answer will come.
            return;
        }
        if self.read_only.pending.len() >= MAX_PENDING_READS {
            self.read_only.pending.remove(0);
        }
        let node = self.id;
        if !self.committed_own_term() {
            ready.reasons.push(Reason::ReadIndexWaitsForTerm { node, request, term: self.current_term });
            let read = PendingRead { request, command: command.clone(), index: None, round: 0 };
            self.read_only.pending.push(read);
            return;
        }
        let index = self.commit_index;
        let round = self.start_round(ready);
        ready.reasons.push(Reason::ReadIndexStarted { node, request, index, round });
        self.read_only.pending.push(PendingRead { request, command: command.clone(), index: Some(index), round });
        self.advance_reads(ready);
    }

    /// Starts a new heartbeat round and sends every follower a heartbeat of it.
    fn start_round(&mut self, ready: &mut Ready) -> u64 {
        let ro = &mut self.read_only;
        ro.round += 1;
        ro.acked[self.id as usize] = ro.round;
        ro.recent.push_back((ro.round, ro.tick));
        for peer in self.peers() {
            self.send_append(peer, true, ready);
        }
        self.read_only.round
    }

    /// The leader's heartbeat timer fired: one more tick of its clock, and
    /// the heartbeats it sends now are a new round.
    pub(super) fn heartbeat_round(&mut self, ready: &mut Ready) {
        self.read_only.tick += 1;
        self.start_round(ready);
        self.forget_old_rounds();
    }

    /// The highest round a majority has acknowledged.
    fn quorum_round(&self) -> u64 {
        let (me, ro) = (self.id, &self.read_only);
        self.voters.committed_index(|id| if id == me { ro.round } else { ro.acked[id as usize] })
    }

    /// Keeps only the rounds that can still give a lease: those from the
    /// majority's round on, begun less than `lease_ticks` ticks ago.
    fn forget_old_rounds(&mut self) {
        let quorum = self.quorum_round();
        let (tick, lease) = (self.read_only.tick, self.lease_ticks);
        let recent = &mut self.read_only.recent;
        while recent.front().is_some_and(|&(round, began)| round < quorum || began + lease <= tick) {
            recent.pop_front();
        }
    }

    /// Ticks since the round a majority acknowledged began, if the lease it
    /// gives still holds.
    fn lease_age(&mut self) -> Option<u64> {
        self.forget_old_rounds();
        let quorum = self.quorum_round();
        let &(round, began) = self.read_only.recent.front()?;
        (round == quorum).then_some(self.read_only.tick - began)
    }

    /// A follower acknowledged `round` (an AppendEntries reply of our term,
    /// accepted or not: either way it follows us).
    pub(super) fn round_acked(&mut self, from: NodeId, round: u64, ready: &mut Ready) {
        let acked = &mut self.read_only.acked[from as usize];
        if round > *acked {
            *acked = round;
            self.advance_reads(ready);
        }
    }

    /// The commit index advanced: reads waiting for an entry of this term
    /// can start, and reads waiting to apply their index may be answered.
    pub(super) fn reads_after_commit(&mut self, ready: &mut Ready) {
        if self.read_only.pending.is_empty() {
            return;
        }
        if self.committed_own_term() && self.read_only.pending.iter().any(|r| r.index.is_none()) {
            let index = self.commit_index;
            let round = self.start_round(ready);
            let node = self.id;
            for read in self.read_only.pending.iter_mut().filter(|r| r.index.is_none()) {
                read.index = Some(index);
                read.round = round;
                ready.reasons.push(Reason::ReadIndexStarted { node, request: read.request, index, round });
            }
        }
        self.advance_reads(ready);
    }

    /// ReadIndex, step 2: answers every read whose round a majority has
    /// acknowledged and whose index is applied.
    fn advance_reads(&mut self, ready: &mut Ready) {
        let quorum = self.quorum_round();
        let applied = self.last_applied;
        let done = |r: &PendingRead| r.index.is_some_and(|i| i <= applied) && r.round <= quorum;
        if !self.read_only.pending.iter().any(done) {
            return;
        }
        let (ready_reads, waiting) = std::mem::take(&mut self.read_only.pending).into_iter().partition(done);
        self.read_only.pending = waiting;
        let me = self.id;
        for read in ready_reads {
            let index = read.index.expect("only reads with an index are done");
            let ro = &self.read_only;
            let acked =
                self.voters.acked_at_least(read.round, |id| if id == me { ro.round } else { ro.acked[id as usize] });
            ready.reasons.push(Reason::ReadIndexAnswered { node: me, request: read.request, index, acked });
            self.answer_read(read.request, &read.command, ready);
        }
    }
}
