//! Log replication (§5.3), both sides. The leader's: proposing, sending
//! AppendEntries (or InstallSnapshot, §7, to a follower behind its
//! snapshot), handling the replies, and the commit rule (§5.4.2). The
//! follower's: receiving AppendEntries (Figure 2, AppendEntries RPC,
//! receiver implementation, steps 2 to 5).

use std::rc::Rc;

use super::log::Mismatch;
use super::message::{AppendEntries, AppendEntriesReply, InstallSnapshot, InstallSnapshotReply, Message};
use super::node::{Node, MAX_ENTRIES_PER_MESSAGE};
use super::progress::ProgressState;
use super::ready::{NodeEvent, Ready};
use super::reason::Reason;
use super::rules::Rule;
use super::types::{Command, LogIndex, NodeId, RequestId, Role};

impl Node {
    // ----- the leader's side -----

    /// The leader appends a command to its own log and starts replicating it.
    pub(super) fn propose(&mut self, command: Command, request: Option<RequestId>, ready: &mut Ready) {
        debug_assert_eq!(self.role, Role::Leader);
        self.append_own(command, request);
        for peer in self.peers() {
            self.send_append(peer, false, ready);
        }
        // With no followers (a one-node cluster) the leader alone is a majority.
        self.maybe_commit(ready);
    }

    /// Sends `peer` an AppendEntries with the entries it lacks, as its
    /// [`Progress`](super::progress::Progress) allows: at once while
    /// replicating, one per round trip while probing. `heartbeat` asks for a
    /// message even when there is nothing new to send, or a probe is out.
    pub(super) fn send_append(&mut self, peer: NodeId, heartbeat: bool, ready: &mut Ready) {
        let progress = self.progress[peer as usize];
        let last = self.log.last_index();
        let has_new = progress.next_index <= last;
        if !has_new && !heartbeat {
            return;
        }
        if progress.is_paused() && !heartbeat {
            // A probe is already out; its reply will trigger the next one.
            return;
        }
        let prev_log_index = progress.next_index - 1;
        if progress.state == ProgressState::Snapshot || prev_log_index < self.log.snapshot().index {
            // The follower needs entries this leader has discarded (or is
            // still installing the snapshot sent for them).
            return self.send_snapshot(peer, ready);
        }
        let prev_log_term = self.log.term_at(prev_log_index).expect("next_index is within the log + 1");
        // A heartbeat while a probe is out is Figure 2's empty AppendEntries
        // ("repeat during idle periods"): it asks whether the follower's log
        // matches at nextIndex - 1 and carries leaderCommit, without sending
        // the entries again; the reply (a match or a hint) sends the next
        // probe. The follower's commit bound (`follower-commit-bound`) is
        // what keeps such a heartbeat from committing a stale suffix.
        let upto = if progress.is_paused() {
            prev_log_index
        } else {
            last.min(prev_log_index + MAX_ENTRIES_PER_MESSAGE as LogIndex)
        };
        let entries = if upto > prev_log_index {
            self.log.range(prev_log_index + 1, upto).cloned().collect()
        } else {
            Vec::new()
        };
        self.progress[peer as usize].sent(upto);
        let msg = AppendEntries {
            term: self.current_term,
            leader: self.id,
            prev_log_index,
            prev_log_term,
            entries,
            leader_commit: self.commit_index,
            round: self.read_only.round,
        };
        self.send(peer, Message::AppendEntries(msg), ready);
    }

    /// §7: "the leader uses a new RPC called InstallSnapshot to send
    /// snapshots to followers that are too far behind". Sent when the
    /// follower needs an entry the leader's log no longer holds, and again
    /// with each heartbeat until the follower answers (a lost snapshot is
    /// sent again; the follower ignores one it already has).
    fn send_snapshot(&mut self, peer: NodeId, ready: &mut Ready) {
        let snapshot = Rc::clone(&self.snapshot);
        let index = snapshot.point.index;
        let progress = &mut self.progress[peer as usize];
        if progress.state != ProgressState::Snapshot {
            let (leader, next_index) = (self.id, progress.next_index);
            ready.reasons.push(Reason::SnapshotSent { leader, follower: peer, next_index, snapshot_index: index });
        }
        progress.become_snapshot(index);
        let msg = InstallSnapshot { term: self.current_term, leader: self.id, snapshot };
        self.send(peer, Message::InstallSnapshot(msg), ready);
    }

    /// A follower answered an InstallSnapshot: its log now agrees with ours
    /// up to `match_index`. Once that covers the snapshot sent, the leader
    /// probes from just after it (etcd's `becomeProbe` from the snapshot state).
    pub(super) fn handle_snapshot_reply(&mut self, from: NodeId, reply: &InstallSnapshotReply, ready: &mut Ready) {
        let last = self.log.last_index();
        let progress = &mut self.progress[from as usize];
        progress.maybe_update(reply.match_index.min(last));
        if progress.snapshot_done() {
            progress.become_probe();
        }
        self.maybe_commit(ready);
        self.send_append(from, false, ready);
    }

    /// A follower answered an AppendEntries (Figure 2, "Rules for Servers",
    /// Leaders: "If successful: update nextIndex and matchIndex for follower;
    /// if AppendEntries fails because of log inconsistency: decrement
    /// nextIndex and retry").
    pub(super) fn handle_append_reply(&mut self, from: NodeId, reply: &AppendEntriesReply, ready: &mut Ready) {
        let last = self.log.last_index();
        if reply.success {
            let progress = &mut self.progress[from as usize];
            progress.maybe_update(reply.match_index.min(last));
            if progress.snapshot_done() {
                progress.become_probe();
            } else if progress.state == ProgressState::Probe {
                progress.become_replicate();
            }
            self.maybe_commit(ready);
            // Send the rest of a long catch-up, or entries that arrived while
            // the follower was being probed.
            self.send_append(from, false, ready);
            return;
        }
        // Rejected: jump back using the follower's hint. If we have entries of
        // its conflicting term, our last one of that term is where the logs may
        // agree; otherwise skip the follower's whole term.
        let hint = match reply.conflict_term {
            Some(term) => match self.log.last_index_of_term(term) {
                Some(index) => index + 1,
                None => reply.conflict_index,
            },
            None => reply.conflict_index,
        };
        let progress = &mut self.progress[from as usize];
        if !progress.maybe_decr_to(reply.rejected_index, hint, last) {
            return;
        }
        progress.become_probe();
        self.send_append(from, true, ready);
    }

    /// Figure 2, Leaders: "if there exists an N such that N > commitIndex, a
    /// majority of `matchIndex[i] >= N`, and `log[N].term == currentTerm`: set
    /// commitIndex = N". The majority is [`Majority::committed_index`]; the
    /// term check is the rule `commit-current-term` (§5.4.2, Figure 8): an
    /// entry of an earlier term can be on a majority and still be
    /// overwritten, so it commits only with an entry of the leader's own
    /// term after it.
    ///
    /// [`Majority::committed_index`]: super::quorum::Majority::committed_index
    pub(super) fn maybe_commit(&mut self, ready: &mut Ready) {
        let index = self.voters.committed_index(|id| self.acked_index(id));
        if index <= self.commit_index {
            return;
        }
        let (node, term) = (self.id, self.current_term);
        let entry_term = self.log.term_at(index).expect("a majority's index is in the leader's log");
        if entry_term != term && self.rules.is_on(Rule::CommitCurrentTerm) {
            // Said once per index of this leadership, not on every reply.
            if index > self.held_back {
                self.held_back = index;
                ready.reasons.push(Reason::CommitBlockedOldTerm { node, index, entry_term, term });
            }
            return;
        }
        self.set_commit_index(index, ready);
        let stored_on = self.voters.acked_at_least(index, |id| self.acked_index(id));
        ready.reasons.push(if entry_term == term {
            let voters = self.voters.voters().len() as u8;
            Reason::LeaderCommitted { node, index, term, stored_on, voters }
        } else {
            Reason::LeaderCommittedOldTerm { node, index, entry_term, term, stored_on }
        });
        // Followers learn the new commit index with the next AppendEntries;
        // the heartbeat interval bounds the wait.
    }

    /// The highest index known to be stored on `id`: for the leader itself,
    /// its whole log.
    fn acked_index(&self, id: NodeId) -> LogIndex {
        if id == self.id {
            self.log.last_index()
        } else {
            self.progress[id as usize].match_index
        }
    }

    // ----- the follower's side: Figure 2, AppendEntries RPC, receiver implementation -----

    /// The receiver's side of AppendEntries (Figure 2, AppendEntries RPC,
    /// steps 2 to 5; step 1, the stale term, is in [`Node::step`]). Steps 2
    /// to 4 are [`Log::maybe_append`](super::Log::maybe_append); step 5, the
    /// commit, is [`Node::follower_commit`].
    pub(super) fn handle_append_entries(&mut self, from: NodeId, append: &AppendEntries, ready: &mut Ready) {
        let (me, prev, term) = (self.id, append.prev_log_index, self.current_term);
        let truncate = self.rules.is_on(Rule::TruncateOnConflict);
        // Only with every rule on is a committed entry sure to stay; a lesion
        // may break that, and the safety checker reports it.
        let protect = self.rules.all_on().then_some(self.commit_index);
        let appended = match self.log.maybe_append(prev, append.prev_log_term, &append.entries, protect, truncate) {
            Ok(appended) => appended,
            Err(mismatch) => {
                let (why, reply) = match mismatch {
                    // Our log is too short: tell the leader where it ends.
                    Mismatch::Missing { last_index } => (
                        Reason::AppendRejectedLogShort { follower: me, leader: from, prev_index: prev, last_index },
                        AppendEntriesReply::rejected(term, prev, last_index + 1, None),
                    ),
                    // Naming the first index of the conflicting term lets the
                    // leader skip all of it at once.
                    Mismatch::Term { term: ours, first_index } => (
                        Reason::AppendRejectedTermMismatch {
                            follower: me,
                            leader: from,
                            prev_index: prev,
                            follower_term: ours,
                            leader_term: append.prev_log_term,
                        },
                        AppendEntriesReply::rejected(term, prev, first_index, Some(ours)),
                    ),
                };
                ready.reasons.push(why);
                let reply = AppendEntriesReply { round: append.round, ..reply };
                return self.send(from, Message::AppendEntriesReply(reply), ready);
            }
        };
        if let Some(c) = appended.conflict {
            ready.events.push(NodeEvent::of_conflict(&c, truncate));
            let (index, our_term, leader_term) = (c.index, c.ours, c.theirs);
            ready.reasons.push(if truncate {
                Reason::ConflictDeleted { node: me, leader: from, index, our_term, leader_term, removed: c.removed }
            } else {
                Reason::ConflictOverwritten { node: me, leader: from, index, our_term, leader_term, kept: c.kept }
            });
        }
        self.follower_commit(from, append.leader_commit, appended.last_new, ready);
        let reply = AppendEntriesReply { round: append.round, ..AppendEntriesReply::accepted(term, appended.last_new) };
        self.send(from, Message::AppendEntriesReply(reply), ready);
    }

    /// Figure 2, AppendEntries step 5: "if leaderCommit > commitIndex, set
    /// commitIndex = min(leaderCommit, index of last new entry)". The log may
    /// hold more entries past `last_new` that the leader did not vouch for;
    /// only with the rule `follower-commit-bound` off does the follower
    /// commit them too, up to its own last entry.
    fn follower_commit(&mut self, leader: NodeId, leader_commit: LogIndex, last_new: LogIndex, ready: &mut Ready) {
        if leader_commit <= self.commit_index {
            return;
        }
        let bounded = self.rules.is_on(Rule::FollowerCommitBound);
        let index = leader_commit.min(if bounded { last_new } else { self.log.last_index() });
        if index <= self.commit_index {
            return;
        }
        self.set_commit_index(index, ready);
        let node = self.id;
        ready.reasons.push(if index > last_new {
            Reason::FollowerCommittedUnbounded { node, leader, index, leader_commit, last_new }
        } else {
            Reason::FollowerCommitted { node, leader, index, leader_commit, last_new }
        });
    }
}
