//! One Raft server: its state (Figure 2), the single `step` entry point, and
//! the role transitions. Log replication on the leader's side lives in
//! `replication.rs`; the follower's side of AppendEntries is here because it
//! is part of handling a message.

use std::collections::BTreeSet;

use super::kv::KvStore;
use super::message::{Applied, ClientOutcome, Message};
use super::types::{Command, Entry, LogIndex, NodeId, RequestId, Role, Term, CLIENT, MAX_NODES};
use super::Log;

/// What the leader knows of one follower's log (Figure 2, "volatile state on
/// leaders").
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Progress {
    /// Index of the next entry to send to that follower.
    pub next_index: LogIndex,
    /// Highest index known to be replicated on that follower.
    pub match_index: LogIndex,
    /// True once the follower has accepted an AppendEntries in this term: the
    /// leader then streams new entries without waiting for each reply.
    /// False while probing for the point where the logs agree, when sending
    /// more than one AppendEntries per round trip would only waste messages.
    pub replicating: bool,
    /// While probing: a probe is in flight, so wait for its reply (or the
    /// next heartbeat) before sending another.
    pub probe_sent: bool,
}

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

/// The fields of an AppendEntriesReply but its term.
#[derive(Clone, Copy, Debug)]
pub(super) struct AppendReply {
    pub success: bool,
    pub match_index: LogIndex,
    pub rejected_index: LogIndex,
    pub conflict_index: LogIndex,
    pub conflict_term: Option<Term>,
}

impl AppendReply {
    fn accepted(match_index: LogIndex) -> Self {
        AppendReply { success: true, match_index, rejected_index: 0, conflict_index: 0, conflict_term: None }
    }
    fn rejected(rejected_index: LogIndex, conflict_index: LogIndex, conflict_term: Option<Term>) -> Self {
        AppendReply { success: false, match_index: 0, rejected_index, conflict_index, conflict_term }
    }
}

/// Longest run of entries in one AppendEntries, so repairing a long log is
/// visible as several round trips rather than one giant message.
pub const MAX_ENTRIES_PER_MESSAGE: usize = 16;

#[derive(Clone, Debug)]
pub struct Node {
    pub(super) id: NodeId,
    pub(super) cluster_size: u8,

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
    /// Bit `i` set: node `i` granted (resp. denied) this candidate its vote.
    pub(super) votes_granted: u16,
    pub(super) votes_denied: u16,
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
            current_term: 0,
            voted_for: None,
            log: Log::new(),
            role: Role::Follower,
            leader: None,
            commit_index: 0,
            last_applied: 0,
            kv: KvStore::new(),
            votes_granted: 0,
            votes_denied: 0,
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
            let leader = matches!(msg, Message::AppendEntries { .. }).then_some(from);
            self.become_follower(term, leader, ready);
        } else if term < self.current_term {
            // A stale sender learns the newer term from our reply and steps
            // down; stale replies carry nothing we can use.
            match msg {
                Message::RequestVote { .. } => {
                    self.send(from, Message::RequestVoteReply { term: self.current_term, vote_granted: false }, ready)
                }
                Message::AppendEntries { .. } => self.send(
                    from,
                    Message::AppendEntriesReply {
                        term: self.current_term,
                        success: false,
                        match_index: 0,
                        rejected_index: 0,
                        conflict_index: 0,
                        conflict_term: None,
                    },
                    ready,
                ),
                _ => {}
            }
            return;
        }
        match msg {
            Message::RequestVote { candidate, last_log_index, last_log_term, .. } => {
                self.handle_request_vote(*candidate, *last_log_index, *last_log_term, ready)
            }
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
        if let Message::AppendEntries { .. } = msg {
            self.leader = Some(from);
            ready.election_timer = Some(TimerRequest::Reset);
            self.handle_append_entries(from, msg, ready);
        }
        // Vote replies and AppendEntries replies of this term are left over
        // from a candidacy or leadership we already gave up: nothing to do.
    }

    fn step_candidate(&mut self, from: NodeId, msg: &Message, ready: &mut Ready) {
        match msg {
            Message::RequestVoteReply { vote_granted, .. } => {
                let bit = 1u16 << from;
                if *vote_granted {
                    self.votes_granted |= bit;
                } else {
                    self.votes_denied |= bit;
                }
                if self.votes_granted.count_ones() as usize >= self.quorum() {
                    self.become_leader(ready);
                }
            }
            Message::AppendEntries { .. } => {
                // Another node won this term's election (§5.2).
                self.become_follower(self.current_term, Some(from), ready);
                self.step_follower(from, msg, ready);
            }
            _ => {}
        }
    }

    fn step_leader(&mut self, from: NodeId, msg: &Message, ready: &mut Ready) {
        if let Message::AppendEntriesReply {
            success, match_index, rejected_index, conflict_index, conflict_term, ..
        } = *msg
        {
            let reply = AppendReply { success, match_index, rejected_index, conflict_index, conflict_term };
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

    fn handle_request_vote(&mut self, candidate: NodeId, last_index: LogIndex, last_term: Term, ready: &mut Ready) {
        let free = self.voted_for.is_none() || self.voted_for == Some(candidate);
        // §5.4.1, the election restriction: never vote for a candidate whose
        // log is behind ours, or it could lose committed entries.
        let granted = free && self.log.is_up_to_date(last_index, last_term);
        if granted {
            self.voted_for = Some(candidate);
            // A follower that just voted gives the candidate time to win
            // before starting an election of its own.
            ready.election_timer = Some(TimerRequest::Reset);
            ready.events.push(NodeEvent::Voted { term: self.current_term, candidate });
        }
        let reply = Message::RequestVoteReply { term: self.current_term, vote_granted: granted };
        self.send(candidate, reply, ready);
    }

    /// The receiver's side of AppendEntries (Figure 2, steps 2 to 5).
    fn handle_append_entries(&mut self, from: NodeId, msg: &Message, ready: &mut Ready) {
        let &Message::AppendEntries { prev_log_index, prev_log_term, ref entries, leader_commit, .. } = msg else {
            return;
        };
        match self.log.term_at(prev_log_index) {
            None => {
                // Our log is too short: tell the leader where it ends.
                let conflict_index = self.log.last_index() + 1;
                self.reply_append(from, AppendReply::rejected(prev_log_index, conflict_index, None), ready);
                return;
            }
            Some(term) if term != prev_log_term => {
                // The consistency check failed. Naming the first index of the
                // conflicting term lets the leader skip all of it at once.
                let conflict_index = self.log.first_index_of_term(term, prev_log_index);
                self.reply_append(from, AppendReply::rejected(prev_log_index, conflict_index, Some(term)), ready);
                return;
            }
            Some(_) => {}
        }
        let mut index = prev_log_index;
        for entry in entries {
            index += 1;
            match self.log.term_at(index) {
                Some(term) if term == entry.term => continue,
                Some(_) => {
                    // Only a conflicting entry and what follows it go; entries
                    // that already match stay, or a delayed AppendEntries
                    // could erase entries a newer one added.
                    let removed = self.log.last_index() - (index - 1);
                    self.log.truncate_after(index - 1);
                    ready.events.push(NodeEvent::Truncated { after: index - 1, removed });
                    self.log.append(entry.clone());
                }
                None => self.log.append(entry.clone()),
            }
        }
        // The follower may hold more entries past `index` that this message
        // did not vouch for; it may only commit what the leader confirmed.
        if leader_commit > self.commit_index {
            self.set_commit_index(leader_commit.min(index), ready);
        }
        self.reply_append(from, AppendReply::accepted(index), ready);
    }

    fn reply_append(&mut self, to: NodeId, reply: AppendReply, ready: &mut Ready) {
        let AppendReply { success, match_index, rejected_index, conflict_index, conflict_term } = reply;
        let term = self.current_term;
        let msg =
            Message::AppendEntriesReply { term, success, match_index, rejected_index, conflict_index, conflict_term };
        self.send(to, msg, ready);
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
        self.votes_granted = 0;
        self.votes_denied = 0;
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
        self.votes_granted = 1 << self.id;
        self.votes_denied = 0;
        ready.election_timer = Some(TimerRequest::Reset);
        ready.heartbeat_timer = Some(TimerRequest::Stop);
        ready.events.push(NodeEvent::Became { role: Role::Candidate, term: self.current_term });
        ready.events.push(NodeEvent::Voted { term: self.current_term, candidate: self.id });
        if self.quorum() == 1 {
            // A one-node cluster is its own majority.
            return self.become_leader(ready);
        }
        let (last_log_index, last_log_term) = (self.log.last_index(), self.log.last_term());
        for peer in self.peers() {
            let msg =
                Message::RequestVote { term: self.current_term, candidate: self.id, last_log_index, last_log_term };
            self.send(peer, msg, ready);
        }
    }

    fn become_leader(&mut self, ready: &mut Ready) {
        self.role = Role::Leader;
        self.leader = Some(self.id);
        let next_index = self.log.last_index() + 1;
        self.progress = [Progress { next_index, match_index: 0, replicating: false, probe_sent: false }; MAX_NODES + 1];
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
        self.cluster_size as usize / 2 + 1
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
