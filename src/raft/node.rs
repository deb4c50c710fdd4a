//! One Raft server: its state (Figure 2), the single `step` entry point, and
//! the role transitions. Log replication on the leader's side lives in
//! `replication.rs`; the follower's side of AppendEntries is here because it
//! is part of handling a message.

use std::collections::BTreeSet;

use super::kv::KvStore;
use super::log::Mismatch;
use super::message::{
    AppendEntries, AppendEntriesReply, Applied, ClientOutcome, Message, RequestVote, RequestVoteReply,
};
use super::progress::Progress;
use super::quorum::{Majority, NodeSet, VoteResult};
use super::types::{Command, Entry, LogIndex, NodeId, RequestId, Role, Term, CLIENT, MAX_NODES};
use super::Log;

/// A timer the node asks the world to (re)arm or stop. The node has no clock:
/// the world measures time and draws the random election timeout.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TimerRequest {
    Reset,
    Stop,
}

/// A notable change of a node's state, for the trace and the event feed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NodeEvent {
    /// The node took a role in a term (also reported when only the term changed).
    Became { role: Role, term: Term },
    /// The node granted its vote for `term` to `candidate`.
    Voted { term: Term, candidate: NodeId },
    /// The node's commit index advanced to `index`.
    Committed { index: LogIndex },
    /// The node deleted conflicting entries after `after` (§5.3).
    Truncated { after: LogIndex, removed: LogIndex },
}

/// Everything one input produced. The world owns one `Ready` and clears it
/// before each input, so steady-state stepping does not allocate for it.
#[derive(Clone, Debug, Default)]
pub struct Ready {
    pub messages: Vec<(NodeId, Message)>,
    pub election_timer: Option<TimerRequest>,
    pub heartbeat_timer: Option<TimerRequest>,
    pub events: Vec<NodeEvent>,
}

impl Ready {
    pub fn clear(&mut self) {
        self.messages.clear();
        self.election_timer = None;
        self.heartbeat_timer = None;
        self.events.clear();
    }
}

/// Longest run of entries in one AppendEntries, so repairing a long log is
/// visible as several round trips rather than one giant message.
pub const MAX_ENTRIES_PER_MESSAGE: usize = 16;

#[derive(Clone, Debug)]
pub struct Node {
    pub(super) id: NodeId,
    pub(super) cluster_size: u8,
    /// The voters: every server of the cluster, decided by majority.
    pub(super) voters: Majority,

    // Persistent state: survives a crash.
    pub(super) current_term: Term,
    pub(super) voted_for: Option<NodeId>,
    pub(super) log: Log,

    // Volatile state: lost in a crash.
    pub(super) role: Role,
    pub(super) leader: Option<NodeId>,
    pub(super) commit_index: LogIndex,
    pub(super) last_applied: LogIndex,
    pub(super) kv: KvStore,
    /// The servers that granted (resp. denied) this candidate its vote.
    pub(super) votes_granted: NodeSet,
    pub(super) votes_denied: NodeSet,
    /// Indexed by node id; entry 0 and the leader's own entry are unused.
    pub(super) progress: [Progress; MAX_NODES + 1],
    /// Leader only: client requests in its log and not yet applied. A client
    /// re-sends a request it got no answer for; appending every copy would
    /// let a backlog of retries grow the log faster than followers catch up.
    pub(super) proposed: BTreeSet<RequestId>,
}

impl Node {
    /// A fresh node of an `cluster_size`-node cluster, as a follower of term 0.
    pub fn new(id: NodeId, cluster_size: u8) -> Self {
        assert!(id >= 1 && id <= cluster_size && cluster_size as usize <= MAX_NODES);
        Node {
            id,
            cluster_size,
            voters: Majority::of_cluster(cluster_size),
            current_term: 0,
            voted_for: None,
            log: Log::new(),
            role: Role::Follower,
            leader: None,
            commit_index: 0,
            last_applied: 0,
            kv: KvStore::new(),
            votes_granted: NodeSet::EMPTY,
            votes_denied: NodeSet::EMPTY,
            progress: [Progress::default(); MAX_NODES + 1],
            proposed: BTreeSet::new(),
        }
    }

    /// Called when the node starts: it arms its election timer.
    pub fn start(&mut self, ready: &mut Ready) {
        ready.election_timer = Some(TimerRequest::Reset);
        ready.heartbeat_timer = Some(TimerRequest::Stop);
    }

    /// The node restarts after a crash: it keeps only its persistent state
    /// (current term, vote, log) and rebuilds the rest by re-applying its log
    /// as the leader tells it what is committed.
    pub fn restart(&mut self, ready: &mut Ready) {
        let (term, vote, log) = (self.current_term, self.voted_for, std::mem::take(&mut self.log));
        *self = Node::new(self.id, self.cluster_size);
        self.current_term = term;
        self.voted_for = vote;
        self.log = log;
        self.start(ready);
    }

    // ----- inputs -----

    /// The one entry point for messages. The term is compared first, as every
    /// rule of Figure 2 assumes, then the role's own handler runs.
    pub fn step(&mut self, from: NodeId, msg: &Message, ready: &mut Ready) {
        let term = match msg.term() {
            Some(term) => term,
            None => return self.step_client(msg, ready),
        };
        if term > self.current_term {
            // A higher term means our view is stale, whatever our role (§5.1).
            // Only an AppendEntries proves who leads the new term.
            let leader = matches!(msg, Message::AppendEntries(_)).then_some(from);
            self.become_follower(term, leader, ready);
        } else if term < self.current_term {
            // A stale sender learns the newer term from our reply and steps
            // down; stale replies carry nothing we can use.
            let term = self.current_term;
            match msg {
                Message::RequestVote(_) => {
                    self.send(from, Message::RequestVoteReply(RequestVoteReply { term, vote_granted: false }), ready)
                }
                Message::AppendEntries(_) => {
                    self.send(from, Message::AppendEntriesReply(AppendEntriesReply::rejected(term, 0, 0, None)), ready)
                }
                _ => {}
            }
            return;
        }
        match msg {
            Message::RequestVote(request) => self.handle_request_vote(request, ready),
            msg => match self.role {
                Role::Follower => self.step_follower(from, msg, ready),
                Role::Candidate => self.step_candidate(from, msg, ready),
                Role::Leader => self.step_leader(from, msg, ready),
            },
        }
    }

    /// The election timer fired: start an election (§5.2). The world only
    /// arms this timer for followers and candidates; firing it on a leader is
    /// the user's "force a timeout" fault, which also starts an election.
    pub fn election_timeout(&mut self, ready: &mut Ready) {
        self.become_candidate(ready);
    }

    /// The heartbeat timer fired: a leader sends AppendEntries to everyone,
    /// carrying whatever each follower still lacks.
    pub fn heartbeat_timeout(&mut self, ready: &mut Ready) {
        if self.role != Role::Leader {
            return;
        }
        for peer in self.peers() {
            self.send_append(peer, true, ready);
        }
        ready.heartbeat_timer = Some(TimerRequest::Reset);
    }

    // ----- role handlers -----

    fn step_follower(&mut self, from: NodeId, msg: &Message, ready: &mut Ready) {
        if let Message::AppendEntries(append) = msg {
            self.leader = Some(from);
            ready.election_timer = Some(TimerRequest::Reset);
            self.handle_append_entries(from, append, ready);
        }
        // Vote replies and AppendEntries replies of this term are left over
        // from a candidacy or leadership we already gave up: nothing to do.
    }

    fn step_candidate(&mut self, from: NodeId, msg: &Message, ready: &mut Ready) {
        match msg {
            Message::RequestVoteReply(reply) => {
                if reply.vote_granted {
                    self.votes_granted.insert(from);
                } else {
                    self.votes_denied.insert(from);
                }
                // A lost election changes nothing: the candidate waits for its
                // timer, as Figure 2 says, since a leader may still appear.
                if self.voters.vote_result(self.votes_granted, self.votes_denied) == VoteResult::Won {
                    self.become_leader(ready);
                }
            }
            Message::AppendEntries(_) => {
                // Another node won this term's election (§5.2).
                self.become_follower(self.current_term, Some(from), ready);
                self.step_follower(from, msg, ready);
            }
            _ => {}
        }
    }

    fn step_leader(&mut self, from: NodeId, msg: &Message, ready: &mut Ready) {
        if let Message::AppendEntriesReply(reply) = msg {
            self.handle_append_reply(from, reply, ready);
        }
        // Election Safety makes an AppendEntries of our own term from another
        // node impossible; vote replies are late answers to our candidacy.
    }

    fn step_client(&mut self, msg: &Message, ready: &mut Ready) {
        if let Message::ClientRequest { request, command } = msg {
            if self.role == Role::Leader {
                if let Some(result) = self.kv.result_of(*request) {
                    // Applied already: the answer was lost or is late.
                    let result = result.clone();
                    self.reply_client(*request, result, ready);
                } else if !self.proposed.contains(request) {
                    self.propose(command.clone(), Some(*request), ready);
                }
                // Otherwise it is in our log: the reply comes when it applies.
            } else {
                let outcome = ClientOutcome::Redirect { leader: self.leader };
                self.send(CLIENT, Message::ClientReply { request: *request, outcome }, ready);
            }
        }
    }

    /// The receiver's side of RequestVote (Figure 2, RequestVote RPC, steps
    /// 1 and 2; step 1, the stale term, is handled by [`Node::step`]).
    fn handle_request_vote(&mut self, request: &RequestVote, ready: &mut Ready) {
        let candidate = request.candidate;
        // One vote per term (§5.2), on a first-come-first-served basis.
        let free = self.voted_for.is_none() || self.voted_for == Some(candidate);
        // §5.4.1, the election restriction: never vote for a candidate whose
        // log is behind ours, or it could lose committed entries.
        let granted = free && self.log.is_up_to_date(request.last_log_index, request.last_log_term);
        if granted {
            self.voted_for = Some(candidate);
            // A follower that just voted gives the candidate time to win
            // before starting an election of its own.
            ready.election_timer = Some(TimerRequest::Reset);
            ready.events.push(NodeEvent::Voted { term: self.current_term, candidate });
        }
        let reply = RequestVoteReply { term: self.current_term, vote_granted: granted };
        self.send(candidate, Message::RequestVoteReply(reply), ready);
    }

    /// The receiver's side of AppendEntries (Figure 2, AppendEntries RPC,
    /// steps 2 to 5; step 1, the stale term, is handled by [`Node::step`]).
    /// Steps 2 to 4 are [`Log::maybe_append`]; step 5 is the commit here.
    fn handle_append_entries(&mut self, from: NodeId, append: &AppendEntries, ready: &mut Ready) {
        let prev = append.prev_log_index;
        let term = self.current_term;
        let appended =
            match self.log.maybe_append(prev, append.prev_log_term, &append.entries, Some(self.commit_index), true) {
                Ok(appended) => appended,
                Err(mismatch) => {
                    let reply = match mismatch {
                        // Our log is too short: tell the leader where it ends.
                        Mismatch::Missing { last_index } => {
                            AppendEntriesReply::rejected(term, prev, last_index + 1, None)
                        }
                        // Naming the first index of the conflicting term lets the
                        // leader skip all of it at once.
                        Mismatch::Term { term: ours, first_index } => {
                            AppendEntriesReply::rejected(term, prev, first_index, Some(ours))
                        }
                    };
                    return self.send(from, Message::AppendEntriesReply(reply), ready);
                }
            };
        if let Some(conflict) = appended.conflict {
            ready.events.push(NodeEvent::Truncated { after: conflict.index - 1, removed: conflict.removed });
        }
        // The follower may hold more entries past the message's last that
        // the leader did not vouch for; it may only commit what the leader
        // confirmed.
        if append.leader_commit > self.commit_index {
            self.set_commit_index(append.leader_commit.min(appended.last_new), ready);
        }
        let reply = AppendEntriesReply::accepted(term, appended.last_new);
        self.send(from, Message::AppendEntriesReply(reply), ready);
    }

    // ----- role transitions: the only places `role` changes -----

    pub(super) fn become_follower(&mut self, term: Term, leader: Option<NodeId>, ready: &mut Ready) {
        let changed = term != self.current_term || self.role != Role::Follower;
        if term > self.current_term {
            self.current_term = term;
            self.voted_for = None;
        }
        if self.role == Role::Leader {
            // A leader has no election timer running; a follower needs one.
            // Otherwise the timer keeps running: Figure 2 restarts it only on
            // hearing from the current leader or granting a vote, so a node
            // refusing a stale candidate of a higher term does not hold back
            // the up-to-date nodes that could win.
            ready.election_timer = Some(TimerRequest::Reset);
        }
        self.role = Role::Follower;
        self.leader = leader;
        self.votes_granted = NodeSet::EMPTY;
        self.votes_denied = NodeSet::EMPTY;
        ready.heartbeat_timer = Some(TimerRequest::Stop);
        if changed {
            ready.events.push(NodeEvent::Became { role: Role::Follower, term });
        }
    }

    fn become_candidate(&mut self, ready: &mut Ready) {
        self.current_term += 1;
        self.role = Role::Candidate;
        self.leader = None;
        self.voted_for = Some(self.id);
        self.votes_granted = NodeSet::of(&[self.id]);
        self.votes_denied = NodeSet::EMPTY;
        ready.election_timer = Some(TimerRequest::Reset);
        ready.heartbeat_timer = Some(TimerRequest::Stop);
        ready.events.push(NodeEvent::Became { role: Role::Candidate, term: self.current_term });
        ready.events.push(NodeEvent::Voted { term: self.current_term, candidate: self.id });
        if self.voters.vote_result(self.votes_granted, self.votes_denied) == VoteResult::Won {
            // A one-node cluster is its own majority.
            return self.become_leader(ready);
        }
        let request = RequestVote {
            term: self.current_term,
            candidate: self.id,
            last_log_index: self.log.last_index(),
            last_log_term: self.log.last_term(),
        };
        for peer in self.peers() {
            self.send(peer, Message::RequestVote(request), ready);
        }
    }

    fn become_leader(&mut self, ready: &mut Ready) {
        self.role = Role::Leader;
        self.leader = Some(self.id);
        let next_index = self.log.last_index() + 1;
        self.progress = [Progress::new(next_index); MAX_NODES + 1];
        // Requests of earlier terms still unapplied in our log will commit
        // with our no-op; retries of them must not be appended again.
        let unapplied = self.log.range(self.last_applied + 1, self.log.last_index());
        self.proposed = unapplied.filter_map(|e| e.request).collect();
        ready.election_timer = Some(TimerRequest::Stop);
        ready.heartbeat_timer = Some(TimerRequest::Reset);
        ready.events.push(NodeEvent::Became { role: Role::Leader, term: self.current_term });
        // A leader may only count replicas of entries of its own term (§5.4.2);
        // the no-op gives it one at once, so earlier entries commit with it.
        self.propose(Command::Noop, None, ready);
    }

    // ----- helpers shared with replication.rs -----

    pub(super) fn send(&mut self, to: NodeId, msg: Message, ready: &mut Ready) {
        ready.messages.push((to, msg));
    }

    pub(super) fn peers(&self) -> impl Iterator<Item = NodeId> {
        let me = self.id;
        (1..=self.cluster_size).filter(move |&p| p != me)
    }

    /// Votes or replicas needed: a strict majority of the cluster.
    pub fn quorum(&self) -> usize {
        self.voters.quorum()
    }

    pub(super) fn set_commit_index(&mut self, index: LogIndex, ready: &mut Ready) {
        if index <= self.commit_index {
            return;
        }
        self.commit_index = index;
        ready.events.push(NodeEvent::Committed { index });
        while self.last_applied < self.commit_index {
            self.last_applied += 1;
            let entry = self.log.entry(self.last_applied).expect("committed entries are in the log");
            let result = self.kv.apply(entry);
            if let (Role::Leader, Some(request)) = (self.role, entry.request) {
                self.proposed.remove(&request);
                self.reply_client(request, result, ready);
            }
        }
    }

    fn reply_client(&mut self, request: RequestId, result: Applied, ready: &mut Ready) {
        let outcome = ClientOutcome::Applied(result);
        self.send(CLIENT, Message::ClientReply { request, outcome }, ready);
    }

    pub(super) fn append_own(&mut self, command: Command, request: Option<RequestId>) {
        if let Some(request) = request {
            self.proposed.insert(request);
        }
        self.log.append(Entry { term: self.current_term, command, request });
    }
}
