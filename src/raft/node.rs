//! One Raft server: its state (Figure 2), the single `step` entry point and
//! the role handlers it dispatches to, the receiver's side of RequestVote,
//! the role transitions (`become_*`, the only places the role changes),
//! restarts, and applying committed entries. The rest of `Node` lives by
//! concern: replication, both sides of AppendEntries and the commit rule in
//! `replication.rs`; log compaction and the receiver's side of
//! InstallSnapshot (§7) in `compaction.rs`; PreVote, CheckQuorum and
//! leadership transfer in `election.rs`; reads outside the log in
//! `read_only.rs`. Each decision is reported in the [`Ready`] with its
//! [`Reason`]; each rule a lesion can switch off is checked where it lives
//! (see `rules.rs`).

use std::collections::BTreeSet;
use std::rc::Rc;

use super::election::{ElectionOptions, Transfer};
use super::kv::KvStore;
use super::message::{
    AppendEntriesReply, Applied, ClientOutcome, InstallSnapshotReply, Message, RequestVote, RequestVoteReply, Snapshot,
};
use super::progress::Progress;
use super::quorum::{Majority, NodeSet, VoteResult};
use super::read_only::ReadOnly;
use super::ready::{NodeEvent, Ready, TimerRequest};
use super::reason::Reason;
use super::rules::{Rule, Rules};
use super::types::{Command, Entry, LogIndex, NodeId, ReadMode, RequestId, Role, Term, CLIENT, MAX_NODES};
use super::Log;

/// Longest run of entries in one AppendEntries, so repairing a long log is
/// visible as several round trips rather than one giant message.
pub const MAX_ENTRIES_PER_MESSAGE: usize = 16;

#[derive(Clone, Debug)]
pub struct Node {
    pub(super) id: NodeId,
    pub(super) cluster_size: u8,
    /// The voters: every server of the cluster, decided by majority.
    pub(super) voters: Majority,
    /// The safety rules in force; all of them unless a lesion is asked for.
    /// Not Raft state: a restart keeps them.
    pub(super) rules: Rules,
    /// How many heartbeat ticks a lease lasts (`read_only.rs`): set by the
    /// world from the cluster's timing and drift. Not Raft state: a restart
    /// keeps it.
    pub(super) lease_ticks: u64,
    /// §7: take a snapshot after each this many applied entries (0: only
    /// when asked). Configuration, like the rules: a restart keeps it.
    pub(super) snapshot_every: LogIndex,

    // Persistent state: survives a crash.
    pub(super) current_term: Term,
    pub(super) voted_for: Option<NodeId>,
    pub(super) log: Log,
    /// The latest snapshot of the state machine (§7); the log discards the
    /// entries it covers at the node's next input (see
    /// [`Node::compact_log`]). Index 0: none yet.
    pub(super) snapshot: Rc<Snapshot>,

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
    /// Leader only: the highest index whose commit the current-term rule
    /// held back and that was reported, so the reason is given once per
    /// index of a leadership, not on every reply.
    pub(super) held_back: LogIndex,

    /// PreVote and CheckQuorum (the `cluster` line's options). Not Raft
    /// state: a restart keeps them.
    pub(super) options: ElectionOptions,
    /// Follower: it heard from its leader within the minimum election
    /// timeout (the lease timer has not fired since), §4.2.3, §9.6.
    pub(super) leader_lease: bool,
    /// Leader with CheckQuorum: the followers that answered since the last
    /// check (§4.2.3).
    pub(super) recent_active: NodeSet,
    /// Leader: a leadership transfer in progress (§3.10).
    pub(super) transfer: Option<Transfer>,
    /// Leader only: heartbeat rounds and the reads served outside the log.
    pub(super) read_only: ReadOnly,
}

impl Node {
    /// A fresh node of an `cluster_size`-node cluster, as a follower of term 0.
    pub fn new(id: NodeId, cluster_size: u8) -> Self {
        assert!(id >= 1 && id <= cluster_size && cluster_size as usize <= MAX_NODES);
        Node {
            id,
            cluster_size,
            voters: Majority::of_cluster(cluster_size),
            rules: Rules::default(),
            lease_ticks: 0,
            snapshot_every: 0,
            current_term: 0,
            voted_for: None,
            log: Log::new(),
            snapshot: Rc::default(),
            role: Role::Follower,
            leader: None,
            commit_index: 0,
            last_applied: 0,
            kv: KvStore::new(),
            votes_granted: NodeSet::EMPTY,
            votes_denied: NodeSet::EMPTY,
            progress: [Progress::default(); MAX_NODES + 1],
            proposed: BTreeSet::new(),
            held_back: 0,
            options: ElectionOptions::default(),
            leader_lease: false,
            recent_active: NodeSet::EMPTY,
            transfer: None,
            read_only: ReadOnly::default(),
        }
    }

    /// Called when the node starts: it arms its election timer.
    pub fn start(&mut self, ready: &mut Ready) {
        ready.election_timer = Some(TimerRequest::Reset);
        ready.heartbeat_timer = Some(TimerRequest::Stop);
        if self.options.uses_lease() {
            ready.lease_timer = Some(TimerRequest::Stop);
        }
    }

    /// The node restarts after a crash: it keeps only its persistent state
    /// (current term, vote, log: Figure 2; and its snapshot, §7) and
    /// rebuilds the rest: the state machine from the snapshot, then by
    /// re-applying its log as the leader tells it what is committed. A
    /// `persist-*` rule switched off loses that part of the state (the
    /// snapshot goes with the log).
    pub fn restart(&mut self, ready: &mut Ready) {
        let (term, vote, log, rules) = (self.current_term, self.voted_for, std::mem::take(&mut self.log), self.rules);
        let options = self.options;
        let lease_ticks = self.lease_ticks;
        let (snapshot, every) = (std::mem::take(&mut self.snapshot), self.snapshot_every);
        *self = Node::new(self.id, self.cluster_size);
        self.rules = rules;
        self.options = options;
        self.lease_ticks = lease_ticks;
        self.snapshot_every = every;
        let id = self.id;
        if rules.is_on(Rule::PersistTerm) {
            self.current_term = term;
        } else if term > 0 {
            ready.reasons.push(Reason::RestartLost { node: id, rule: Rule::PersistTerm, lost: term });
        }
        if rules.is_on(Rule::PersistVote) {
            self.voted_for = vote;
        } else if let Some(vote) = vote {
            ready.reasons.push(Reason::RestartLost { node: id, rule: Rule::PersistVote, lost: vote.into() });
        }
        if rules.is_on(Rule::PersistLog) {
            self.log = log;
            self.restore_snapshot(snapshot, ready);
        } else if log.last_index() > 0 {
            ready.reasons.push(Reason::RestartLost { node: id, rule: Rule::PersistLog, lost: log.last_index() });
        }
        ready.reasons.push(Reason::Restarted {
            node: id,
            term: self.current_term,
            voted_for: self.voted_for,
            last_index: self.log.last_index(),
        });
        self.start(ready);
    }

    /// Switches one safety rule on or off (a lesion, for teaching).
    pub fn set_rule(&mut self, rule: Rule, on: bool) {
        self.rules.set(rule, on);
    }

    pub fn rules(&self) -> Rules {
        self.rules
    }

    /// How many heartbeat intervals of its own clock a leader's lease lasts
    /// after a majority acknowledged a heartbeat round (`read_only.rs`).
    pub fn set_lease_ticks(&mut self, ticks: u64) {
        self.lease_ticks = ticks;
    }

    // ----- inputs -----

    /// The one entry point for messages. The term is compared first, as every
    /// rule of Figure 2 assumes, then the role's own handler runs.
    pub fn step(&mut self, from: NodeId, msg: &Message, ready: &mut Ready) {
        self.compact_log();
        let term = match msg.term() {
            Some(term) => term,
            None => return self.step_client(msg, ready),
        };
        if let Message::PreVote(pre_vote) = msg {
            // A question about a future term changes nothing here (§9.6).
            return self.handle_pre_vote(pre_vote, ready);
        }
        if let Message::RequestVote(request) = msg {
            if term > self.current_term && self.ignores_vote_request(request, ready) {
                return;
            }
        }
        if term > self.current_term && Self::adopts_term(msg) {
            // A higher term means our view is stale, whatever our role (§5.1).
            // Only an AppendEntries, an InstallSnapshot or a TimeoutNow proves who leads the new term.
            let leader =
                matches!(msg, Message::AppendEntries(_) | Message::InstallSnapshot(_) | Message::TimeoutNow(_))
                    .then_some(from);
            let why = Reason::SawHigherTerm { node: self.id, term, old_term: self.current_term, from };
            self.become_follower(term, leader, why, ready);
        } else if term < self.current_term {
            // A stale sender learns the newer term from our reply and steps
            // down (Figure 2, both receivers' step 1); stale replies carry
            // nothing we can use.
            let (me, ours) = (self.id, self.current_term);
            match msg {
                Message::RequestVote(request) => {
                    let candidate = request.candidate;
                    let why =
                        Reason::VoteRefusedStaleTerm { voter: me, candidate, candidate_term: term, voter_term: ours };
                    ready.reasons.push(why);
                    let reply = RequestVoteReply { term: ours, vote_granted: false };
                    self.send(from, Message::RequestVoteReply(reply), ready)
                }
                Message::AppendEntries(_) => {
                    let why = Reason::AppendRejectedStaleTerm {
                        follower: me,
                        leader: from,
                        leader_term: term,
                        follower_term: ours,
                    };
                    ready.reasons.push(why);
                    self.send(from, Message::AppendEntriesReply(AppendEntriesReply::rejected(ours, 0, 0, None)), ready)
                }
                Message::InstallSnapshot(_) => {
                    let why = Reason::SnapshotRejectedStaleTerm {
                        follower: me,
                        leader: from,
                        leader_term: term,
                        follower_term: ours,
                    };
                    ready.reasons.push(why);
                    let reply = InstallSnapshotReply { term: ours, match_index: 0 };
                    self.send(from, Message::InstallSnapshotReply(reply), ready)
                }
                _ => {}
            }
            return;
        }
        match msg {
            Message::RequestVote(request) => self.handle_request_vote(request, ready),
            Message::TimeoutNow(_) => self.handle_timeout_now(from, ready),
            msg => match self.role {
                Role::Follower => self.step_follower(from, msg, ready),
                Role::PreCandidate => self.step_pre_candidate(from, msg, ready),
                Role::Candidate => self.step_candidate(from, msg, ready),
                Role::Leader => self.step_leader(from, msg, ready),
            },
        }
    }

    /// The election timer fired: start an election (§5.2), or with PreVote
    /// a pre-election (§9.6). The world only arms this timer for followers
    /// and (pre-)candidates; firing it on a leader is the user's "force a
    /// timeout" fault, which also starts one.
    pub fn election_timeout(&mut self, ready: &mut Ready) {
        self.compact_log();
        self.start_campaign(false, ready);
    }

    /// The user forced this node's election timeout: it campaigns now,
    /// whatever its role, exactly as when its timer fires.
    pub fn force_timeout(&mut self, ready: &mut Ready) {
        self.start_campaign(true, ready);
    }

    /// The heartbeat timer fired: a leader sends AppendEntries to everyone,
    /// carrying whatever each follower still lacks.
    pub fn heartbeat_timeout(&mut self, ready: &mut Ready) {
        self.compact_log();
        if self.role != Role::Leader {
            return;
        }
        self.heartbeat_round(ready);
        ready.heartbeat_timer = Some(TimerRequest::Reset);
    }

    // ----- role handlers -----

    pub(super) fn step_follower(&mut self, from: NodeId, msg: &Message, ready: &mut Ready) {
        match msg {
            Message::AppendEntries(append) => {
                self.leader = Some(from);
                ready.election_timer = Some(TimerRequest::Reset);
                self.renew_lease(ready);
                self.handle_append_entries(from, append, ready);
            }
            Message::InstallSnapshot(install) => {
                self.leader = Some(from);
                ready.election_timer = Some(TimerRequest::Reset);
                self.renew_lease(ready);
                self.handle_install_snapshot(from, &install.snapshot, ready);
            }
            _ => {}
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
            Message::AppendEntries(_) | Message::InstallSnapshot(_) => {
                // Another node won this term's election (§5.2).
                let why = Reason::HeardLeader { node: self.id, term: self.current_term, leader: from };
                self.become_follower(self.current_term, Some(from), why, ready);
                self.step_follower(from, msg, ready);
            }
            _ => {}
        }
    }

    fn step_leader(&mut self, from: NodeId, msg: &Message, ready: &mut Ready) {
        match msg {
            Message::AppendEntriesReply(reply) => {
                self.round_acked(from, reply.round, ready);
                self.handle_append_reply(from, reply, ready);
                self.heard_from_follower(from, ready);
            }
            Message::InstallSnapshotReply(reply) => {
                self.handle_snapshot_reply(from, reply, ready);
                self.heard_from_follower(from, ready);
            }
            _ => {}
        }
        // Election Safety makes an AppendEntries of our own term from another
        // node impossible; vote replies are late answers to our candidacy.
    }

    fn step_client(&mut self, msg: &Message, ready: &mut Ready) {
        if let Message::ClientRequest { request, command, read } = msg {
            if *read != ReadMode::Log && self.kv.read(command).is_some() {
                self.step_read(*request, command, *read, ready);
            } else if self.role == Role::Leader {
                if let Some(result) = self.kv.result_of(*request) {
                    // Applied already: the answer was lost or is late.
                    let result = result.clone();
                    self.reply_client(*request, result, ready);
                } else if let Some(to) = self.transferee() {
                    // A leader handing over takes no new requests (§3.10): the
                    // client waits a little and finds the new leader.
                    ready.reasons.push(Reason::RequestRefusedTransfer { leader: self.id, to });
                    let outcome = ClientOutcome::Redirect { leader: None };
                    self.send(CLIENT, Message::ClientReply { request: *request, outcome }, ready);
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

    /// The receiver's side of RequestVote (Figure 2, RequestVote RPC, step 2;
    /// step 1, the stale term, is in [`Node::step`]): grant the vote if we
    /// have not voted for another candidate in this term (§5.2, the rule
    /// `vote-once`) and the candidate's log is at least as up-to-date as ours
    /// (§5.4.1, [`Log::is_up_to_date`], the rule `vote-up-to-date`).
    fn handle_request_vote(&mut self, request: &RequestVote, ready: &mut Ready) {
        let (voter, candidate, term) = (self.id, request.candidate, self.current_term);
        let (last_term, last_index) = (request.last_log_term, request.last_log_index);
        let (our_term, our_index) = (self.log.last_term(), self.log.last_index());
        let other_vote = self.voted_for.filter(|&v| v != candidate);
        let up_to_date = self.log.is_up_to_date(last_index, last_term);
        let why = match (other_vote, up_to_date) {
            (Some(earlier), _) if self.rules.is_on(Rule::VoteOnce) => {
                Reason::VoteRefusedAlreadyVoted { voter, candidate, term, voted_for: earlier }
            }
            (_, false) if self.rules.is_on(Rule::VoteUpToDate) => {
                if last_term < our_term {
                    Reason::VoteRefusedLogBehind {
                        voter,
                        candidate,
                        term,
                        candidate_last_term: last_term,
                        voter_last_term: our_term,
                    }
                } else {
                    Reason::VoteRefusedLogShorter {
                        voter,
                        candidate,
                        term,
                        last_term,
                        candidate_last_index: last_index,
                        voter_last_index: our_index,
                    }
                }
            }
            (Some(earlier), _) => Reason::VoteGrantedTwice { voter, candidate, term, earlier },
            (None, false) => Reason::VoteGrantedLogBehind {
                voter,
                candidate,
                term,
                candidate_last_term: last_term,
                candidate_last_index: last_index,
                voter_last_term: our_term,
                voter_last_index: our_index,
            },
            (None, true) => Reason::VoteGranted {
                voter,
                candidate,
                term,
                candidate_last_term: last_term,
                candidate_last_index: last_index,
                voter_last_term: our_term,
                voter_last_index: our_index,
            },
        };
        let granted = matches!(
            why,
            Reason::VoteGranted { .. } | Reason::VoteGrantedTwice { .. } | Reason::VoteGrantedLogBehind { .. }
        );
        if granted {
            self.voted_for = Some(candidate);
            // A follower that just voted gives the candidate time to win
            // before starting an election of its own.
            ready.election_timer = Some(TimerRequest::Reset);
            ready.events.push(NodeEvent::Voted { term, candidate });
        }
        ready.reasons.push(why);
        let reply = RequestVoteReply { term, vote_granted: granted };
        self.send(candidate, Message::RequestVoteReply(reply), ready);
    }

    // ----- role transitions: the only places `role` changes -----

    /// Becomes a follower of `term` (and of `leader`, when known), for the
    /// reason `why`, reported when the role or the term changes.
    pub(super) fn become_follower(&mut self, term: Term, leader: Option<NodeId>, why: Reason, ready: &mut Ready) {
        let changed = term != self.current_term || self.role != Role::Follower;
        self.stop_leading(ready);
        self.leader_lease = false;
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
            ready.reasons.push(why);
        }
    }

    /// Figure 2, Candidates: "on conversion to candidate, start election:
    /// increment currentTerm, vote for self, reset election timer, send
    /// RequestVote RPCs to all other servers".
    pub(super) fn become_candidate(&mut self, why: Reason, ready: &mut Ready) {
        self.stop_leading(ready);
        self.leader_lease = false;
        self.current_term += 1;
        self.role = Role::Candidate;
        self.leader = None;
        self.voted_for = Some(self.id);
        self.votes_granted = NodeSet::of(&[self.id]);
        self.votes_denied = NodeSet::EMPTY;
        ready.election_timer = Some(TimerRequest::Reset);
        ready.heartbeat_timer = Some(TimerRequest::Stop);
        ready.events.push(NodeEvent::Became { role: Role::Candidate, term: self.current_term });
        ready.reasons.push(why);
        ready.events.push(NodeEvent::Voted { term: self.current_term, candidate: self.id });
    }

    /// Figure 2, Leaders: "upon election: send initial empty AppendEntries
    /// RPCs (heartbeat) to each server" (here with the no-op, below), with
    /// nextIndex and matchIndex initialized in each [`Progress`].
    pub(super) fn become_leader(&mut self, ready: &mut Ready) {
        self.role = Role::Leader;
        self.leader = Some(self.id);
        self.held_back = 0;
        self.recent_active = NodeSet::EMPTY;
        self.transfer = None;
        if self.options.check_quorum {
            // The first CheckQuorum comes one election timeout from now.
            ready.lease_timer = Some(TimerRequest::Reset);
        }
        self.read_only = ReadOnly::new_leadership(self.id);
        let next_index = self.log.last_index() + 1;
        self.progress = [Progress::new(next_index); MAX_NODES + 1];
        // Requests of earlier terms still unapplied in our log will commit
        // with our no-op; retries of them must not be appended again.
        // Built by insertion: collecting into a B-tree sorts (a stable sort),
        // which costs the browser's build one more sort routine.
        self.proposed.clear();
        for e in self.log.range(self.last_applied + 1, self.log.last_index()) {
            if let Some(request) = e.request {
                self.proposed.insert(request);
            }
        }
        ready.election_timer = Some(TimerRequest::Stop);
        ready.heartbeat_timer = Some(TimerRequest::Reset);
        ready.events.push(NodeEvent::Became { role: Role::Leader, term: self.current_term });
        ready.reasons.push(Reason::WonElection {
            node: self.id,
            term: self.current_term,
            votes: self.votes_granted,
            voters: self.voters.voters().len() as u8,
        });
        // A leader may only count replicas of entries of its own term (§5.4.2);
        // the no-op gives it one at once, so earlier entries commit with it.
        self.propose(Command::Noop, None, ready);
    }

    // ----- helpers shared with the other files of `impl Node` -----

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

    /// Figure 2, All Servers: "if commitIndex > lastApplied: increment
    /// lastApplied, apply `log[lastApplied]` to state machine". Callers never
    /// pass an index past the log's end.
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
            self.maybe_snapshot(ready);
        }
        if self.role == Role::Leader {
            self.reads_after_commit(ready);
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
