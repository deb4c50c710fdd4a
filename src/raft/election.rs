//! Elections as production Raft runs them, beyond Figure 2 (the thesis,
//! as etcd-io/raft does them):
//!
//! - PreVote (§9.6): [`CampaignKind::PreElection`], [`Node::handle_pre_vote`];
//!   a server whose timer fires first asks whether it could win, and only
//!   then raises its term, so a server that was cut off cannot depose a
//!   healthy leader when it comes back.
//! - CheckQuorum and leader stickiness (§4.2.3): [`Node::check_quorum`], a
//!   leader that has not heard from a majority within an election timeout
//!   steps down; [`Node::in_lease`], a server that heard from a live leader
//!   within the minimum election timeout ignores RequestVote.
//! - Leadership transfer (§3.10): [`Node::transfer_leadership`], the leader
//!   brings the target up to date and sends it TimeoutNow;
//!   [`CampaignKind::Transfer`], the target starts an election at once.
//!
//! Time enters only through the lease timer ([`Ready::lease_timer`]), one
//! minimum election timeout long, armed by the world.

use super::message::{Message, PreVote, PreVoteReply, RequestVote, TimeoutNow};
use super::node::Node;
use super::quorum::{NodeSet, VoteResult};
use super::ready::{NodeEvent, Ready, TimerRequest};
use super::reason::Reason;
use super::types::{NodeId, Role};

/// The election options of the scenario language's `cluster` line. Both off
/// is Figure 2 exactly.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ElectionOptions {
    /// `prevote=on`: a pre-election before every election (thesis §9.6).
    pub prevote: bool,
    /// `checkquorum=on`: leaders step down without a majority, and servers
    /// that hear from a live leader ignore RequestVote (thesis §4.2.3).
    pub check_quorum: bool,
}

impl ElectionOptions {
    /// Whether a follower keeps track of when it last heard from its leader.
    pub fn uses_lease(self) -> bool {
        self.prevote || self.check_quorum
    }
}

/// How a server campaigns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CampaignKind {
    /// Ask for pre-votes for the next term without raising ours (§9.6).
    PreElection,
    /// Raise the term and ask for votes (§5.2).
    Election,
    /// An election on the leader's TimeoutNow: no pre-election, and voters
    /// that still hear from that leader vote anyway (§3.10).
    Transfer,
}

/// A leadership transfer in progress, on the leader.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Transfer {
    pub to: NodeId,
    /// TimeoutNow is sent once, when the target's log first matches ours;
    /// if it is lost, the transfer ends with the lease timer.
    pub timeout_now_sent: bool,
}

impl Node {
    pub fn set_election_options(&mut self, options: ElectionOptions) {
        self.options = options;
    }

    pub fn election_options(&self) -> ElectionOptions {
        self.options
    }

    /// The server the leader is transferring its leadership to, if any.
    pub fn transferee(&self) -> Option<NodeId> {
        self.transfer.map(|t| t.to)
    }

    /// A leader, or a server that heard from its leader within the minimum
    /// election timeout: it believes a live leader exists (§4.2.3, §9.6).
    pub fn in_lease(&self) -> bool {
        self.role == Role::Leader || (self.leader.is_some() && self.leader_lease)
    }

    /// The election timer fired, or the user forced it: a pre-election with
    /// PreVote on, an election otherwise.
    pub(super) fn start_campaign(&mut self, forced: bool, ready: &mut Ready) {
        let (node, term) = (self.id, self.current_term + 1);
        if self.options.prevote {
            let why = if forced {
                Reason::PreCampaignForced { node, term }
            } else {
                Reason::PreCampaignTimerFired { node, term }
            };
            self.campaign(CampaignKind::PreElection, why, ready);
        } else {
            let why =
                if forced { Reason::ForcedTimeout { node, term } } else { Reason::ElectionTimerFired { node, term } };
            self.campaign(CampaignKind::Election, why, ready);
        }
    }

    /// Starts a campaign of `kind`, for the reason `why`: become
    /// (pre-)candidate and ask every other server.
    pub(super) fn campaign(&mut self, kind: CampaignKind, why: Reason, ready: &mut Ready) {
        if kind == CampaignKind::PreElection {
            self.become_pre_candidate(why, ready);
        } else {
            self.become_candidate(why, ready);
        }
        if self.voters.vote_result(self.votes_granted, self.votes_denied) == VoteResult::Won {
            // A one-node cluster is its own majority.
            return self.won_campaign(ready);
        }
        let (candidate, last_log_index, last_log_term) = (self.id, self.log.last_index(), self.log.last_term());
        let msg = match kind {
            CampaignKind::PreElection => {
                Message::PreVote(PreVote { term: self.current_term + 1, candidate, last_log_index, last_log_term })
            }
            CampaignKind::Election | CampaignKind::Transfer => Message::RequestVote(RequestVote {
                term: self.current_term,
                candidate,
                last_log_index,
                last_log_term,
                leader_transfer: kind == CampaignKind::Transfer,
            }),
        };
        for peer in self.peers() {
            self.send(peer, msg.clone(), ready);
        }
    }

    /// A majority granted: a pre-candidate starts the real election, a
    /// candidate leads.
    fn won_campaign(&mut self, ready: &mut Ready) {
        if self.role == Role::PreCandidate {
            let why = Reason::PreVoteWon {
                node: self.id,
                term: self.current_term + 1,
                votes: self.votes_granted,
                voters: self.voters.voters().len() as u8,
            };
            self.campaign(CampaignKind::Election, why, ready);
        } else {
            self.become_leader(ready);
        }
    }

    /// A pre-candidate counts an answer to its PreVote (§9.6). A lost
    /// pre-election makes it a follower again, in the same term, waiting for
    /// its timer: nobody's term was raised.
    pub(super) fn step_pre_candidate(&mut self, from: NodeId, msg: &Message, ready: &mut Ready) {
        match msg {
            Message::PreVoteReply(reply) => {
                // Granted answers carry the term asked about, refusals ours;
                // anything else is left over from an earlier pre-election.
                let expected = if reply.vote_granted { self.current_term + 1 } else { self.current_term };
                if reply.term != expected {
                    return;
                }
                if reply.vote_granted {
                    self.votes_granted.insert(from);
                } else {
                    self.votes_denied.insert(from);
                }
                match self.voters.vote_result(self.votes_granted, self.votes_denied) {
                    VoteResult::Won => self.won_campaign(ready),
                    VoteResult::Lost => {
                        let why = Reason::PreVoteLost {
                            node: self.id,
                            term: self.current_term + 1,
                            refused: self.votes_denied,
                            voters: self.voters.voters().len() as u8,
                        };
                        self.become_follower(self.current_term, None, why, ready);
                    }
                    VoteResult::Pending => {}
                }
            }
            Message::AppendEntries(_) => {
                // A leader of our term exists: no election is needed.
                let why = Reason::HeardLeader { node: self.id, term: self.current_term, leader: from };
                self.become_follower(self.current_term, Some(from), why, ready);
                self.step_follower(from, msg, ready);
            }
            _ => {}
        }
    }

    /// The receiver's side of PreVote (§9.6): grant it if the candidate could
    /// win our vote in `pre_vote.term` — its log at least as up-to-date as
    /// ours, and no vote of that term for anyone else — and we have not heard
    /// from a live leader within the minimum election timeout. Nothing
    /// changes here: not our term, not our vote, not our timer.
    pub(super) fn handle_pre_vote(&mut self, pre_vote: &PreVote, ready: &mut Ready) {
        let (voter, candidate, term) = (self.id, pre_vote.candidate, pre_vote.term);
        let (last_term, last_index) = (pre_vote.last_log_term, pre_vote.last_log_index);
        let (voter_last_term, voter_last_index) = (self.log.last_term(), self.log.last_index());
        let other_vote = self.voted_for.filter(|&v| v != candidate && term == self.current_term);
        let why = if term < self.current_term {
            Reason::PreVoteRefusedStaleTerm { voter, candidate, candidate_term: term, voter_term: self.current_term }
        } else if self.in_lease() {
            let leader = self.leader.unwrap_or(voter);
            Reason::PreVoteRefusedLeaderAlive { voter, candidate, term, leader }
        } else if let Some(voted_for) = other_vote {
            Reason::PreVoteRefusedAlreadyVoted { voter, candidate, term, voted_for }
        } else if !self.log.is_up_to_date(last_index, last_term) {
            Reason::PreVoteRefusedLogBehind {
                voter,
                candidate,
                term,
                candidate_last_term: last_term,
                candidate_last_index: last_index,
                voter_last_term,
                voter_last_index,
            }
        } else {
            Reason::PreVoteGranted {
                voter,
                candidate,
                term,
                candidate_last_term: last_term,
                candidate_last_index: last_index,
                voter_last_term,
                voter_last_index,
            }
        };
        let granted = matches!(why, Reason::PreVoteGranted { .. });
        ready.reasons.push(why);
        let reply = PreVoteReply { term: if granted { term } else { self.current_term }, vote_granted: granted };
        self.send(candidate, Message::PreVoteReply(reply), ready);
    }

    /// Leader stickiness (§4.2.3): with CheckQuorum on, a RequestVote of a
    /// higher term is ignored — its term not adopted, no answer sent — by a
    /// server that believes a live leader exists, unless the leader itself
    /// asked for the election (a transfer). Returns whether it was ignored.
    pub(super) fn ignores_vote_request(&self, request: &RequestVote, ready: &mut Ready) -> bool {
        if !self.options.check_quorum || request.leader_transfer || !self.in_lease() {
            return false;
        }
        ready.reasons.push(Reason::VoteIgnoredLeaderAlive {
            voter: self.id,
            candidate: request.candidate,
            term: request.term,
            voter_term: self.current_term,
            leader: self.leader.unwrap_or(self.id),
        });
        true
    }

    /// The lease timer fired (one minimum election timeout after it was
    /// armed). A follower stops trusting that its leader is alive. A leader
    /// gives up a transfer that has not completed (§3.10) and, with
    /// CheckQuorum, steps down unless a majority answered it since the last
    /// check (§4.2.3).
    pub fn lease_timeout(&mut self, ready: &mut Ready) {
        if self.role != Role::Leader {
            self.leader_lease = false;
            return;
        }
        if let Some(transfer) = self.transfer.take() {
            let why = Reason::TransferAborted { leader: self.id, to: transfer.to, term: self.current_term };
            ready.reasons.push(why);
        }
        if self.options.check_quorum {
            self.check_quorum(ready);
        }
    }

    /// CheckQuorum (§4.2.3): the leader counts the servers it heard from
    /// since the last check, itself included; without a majority it steps
    /// down, so clients can find a leader that can commit.
    pub(super) fn check_quorum(&mut self, ready: &mut Ready) {
        let heard = self.recent_active.union(NodeSet::of(&[self.id]));
        self.recent_active = NodeSet::EMPTY;
        if self.voters.is_majority(heard) {
            ready.lease_timer = Some(TimerRequest::Reset);
            return;
        }
        let voters = self.voters.voters().len() as u8;
        let why = Reason::CheckQuorumLost { node: self.id, term: self.current_term, heard, voters };
        self.become_follower(self.current_term, None, why, ready);
    }

    /// A leader records that `from` answered it, for CheckQuorum; and if
    /// `from` is the transfer's target and its log now matches ours, tells
    /// it to start its election (§3.10).
    pub(super) fn heard_from_follower(&mut self, from: NodeId, ready: &mut Ready) {
        self.recent_active.insert(from);
        self.maybe_send_timeout_now(from, ready);
    }

    /// The leader starts transferring its leadership to `to` (§3.10): it
    /// stops accepting client requests, brings `to`'s log up to date and
    /// sends it TimeoutNow. If `to` has not taken over within an election
    /// timeout (the lease timer), the transfer is abandoned. A transfer to
    /// a new target replaces the one in progress.
    pub fn transfer_leadership(&mut self, to: NodeId, ready: &mut Ready) {
        if self.role != Role::Leader || to == self.id || to == 0 || to > self.cluster_size {
            return;
        }
        if let Some(old) = self.transfer.take() {
            if old.to == to {
                self.transfer = Some(old);
                return;
            }
            ready.reasons.push(Reason::TransferAborted { leader: self.id, to: old.to, term: self.current_term });
        }
        self.transfer = Some(Transfer { to, timeout_now_sent: false });
        let (leader, term) = (self.id, self.current_term);
        ready.reasons.push(Reason::TransferStarted {
            leader,
            to,
            term,
            match_index: self.progress[to as usize].match_index,
            last_index: self.log.last_index(),
        });
        // The transfer has one election timeout from now (etcd resets its
        // election clock the same way); CheckQuorum's window restarts with it.
        ready.lease_timer = Some(TimerRequest::Reset);
        if !self.maybe_send_timeout_now(to, ready) {
            self.send_append(to, true, ready);
        }
    }

    /// Sends TimeoutNow to the transfer's target if it is `peer`, it has not
    /// been sent yet, and `peer`'s log matches ours to its end.
    fn maybe_send_timeout_now(&mut self, peer: NodeId, ready: &mut Ready) -> bool {
        let Some(transfer) = self.transfer else {
            return false;
        };
        let last_index = self.log.last_index();
        if transfer.to != peer || transfer.timeout_now_sent || self.progress[peer as usize].match_index != last_index {
            return false;
        }
        self.transfer = Some(Transfer { timeout_now_sent: true, ..transfer });
        ready.reasons.push(Reason::TransferTimeoutNowSent { leader: self.id, to: peer, last_index });
        let msg = TimeoutNow { term: self.current_term, leader: self.id };
        self.send(peer, Message::TimeoutNow(msg), ready);
        true
    }

    /// A follower got TimeoutNow from its leader: it starts an election at
    /// once, without a pre-election and past the voters' stickiness (§3.10).
    pub(super) fn handle_timeout_now(&mut self, from: NodeId, ready: &mut Ready) {
        if self.role != Role::Follower {
            return;
        }
        let why = Reason::TransferTimeoutNow { node: self.id, term: self.current_term + 1, leader: from };
        self.campaign(CampaignKind::Transfer, why, ready);
    }

    /// With PreVote: ask for pre-votes in the current term, unchanged
    /// (§9.6). Neither our term nor our vote changes, so a pre-election that
    /// fails leaves no trace on anyone.
    pub(super) fn become_pre_candidate(&mut self, why: Reason, ready: &mut Ready) {
        self.stop_leading(ready);
        self.role = Role::PreCandidate;
        self.leader = None;
        self.leader_lease = false;
        self.votes_granted = NodeSet::of(&[self.id]);
        self.votes_denied = NodeSet::EMPTY;
        ready.election_timer = Some(TimerRequest::Reset);
        ready.heartbeat_timer = Some(TimerRequest::Stop);
        ready.events.push(NodeEvent::Became { role: Role::PreCandidate, term: self.current_term });
        ready.reasons.push(why);
    }

    /// Whatever a leader keeps only while it leads: its lease timer (the
    /// CheckQuorum clock) and a transfer in progress.
    pub(super) fn stop_leading(&mut self, ready: &mut Ready) {
        if self.role == Role::Leader {
            ready.lease_timer = Some(TimerRequest::Stop);
        }
        self.transfer = None;
        self.recent_active = NodeSet::EMPTY;
    }

    /// A follower heard from its leader: it trusts the leader is alive for
    /// one minimum election timeout.
    pub(super) fn renew_lease(&mut self, ready: &mut Ready) {
        if self.options.uses_lease() {
            self.leader_lease = true;
            ready.lease_timer = Some(TimerRequest::Reset);
        }
    }

    /// Whether a higher term in `msg` is adopted (§5.1): never for
    /// a PreVote (a question about a future term) or a granted PreVoteReply
    /// (an answer carrying that future term), §9.6.
    pub(super) fn adopts_term(msg: &Message) -> bool {
        !matches!(msg, Message::PreVote(_) | Message::PreVoteReply(PreVoteReply { vote_granted: true, .. }))
    }
}
