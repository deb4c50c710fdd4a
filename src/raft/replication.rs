//! The leader's side of log replication (§5.3) and the commit rule (§5.4.2).

use super::message::Message;
use super::node::{AppendReply, Node, Ready, MAX_ENTRIES_PER_MESSAGE};
use super::types::{Command, LogIndex, NodeId, RequestId, Role};

impl Node {
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

    /// Sends `peer` an AppendEntries with the entries it lacks.
    ///
    /// While replicating, entries go out as soon as they exist and `next_index`
    /// moves past them at once (pipelining). While probing, only one message is
    /// in flight per heartbeat or reply, and `next_index` stays put until the
    /// follower says where its log agrees. `heartbeat` asks for a message even
    /// when there is nothing new to send.
    pub(super) fn send_append(&mut self, peer: NodeId, heartbeat: bool, ready: &mut Ready) {
        let progress = self.progress[peer as usize];
        let last = self.log.last_index();
        let has_new = progress.next_index <= last;
        if !has_new && !heartbeat {
            return;
        }
        if !progress.replicating && progress.probe_sent && !heartbeat {
            // A probe is already out; its reply will trigger the next one.
            return;
        }
        let prev_log_index = progress.next_index - 1;
        let prev_log_term = self.log.term_at(prev_log_index).expect("next_index is within the log + 1");
        let upto = last.min(prev_log_index + MAX_ENTRIES_PER_MESSAGE as LogIndex);
        let entries = if upto > prev_log_index {
            self.log.range(prev_log_index + 1, upto).cloned().collect()
        } else {
            Vec::new()
        };
        let progress = &mut self.progress[peer as usize];
        if progress.replicating {
            progress.next_index = upto + 1;
        } else {
            progress.probe_sent = true;
        }
        let msg = Message::AppendEntries {
            term: self.current_term,
            leader: self.id,
            prev_log_index,
            prev_log_term,
            entries,
            leader_commit: self.commit_index,
        };
        self.send(peer, msg, ready);
    }

    pub(super) fn handle_append_reply(&mut self, from: NodeId, reply: AppendReply, ready: &mut Ready) {
        let last = self.log.last_index();
        let progress = &mut self.progress[from as usize];
        if reply.success {
            progress.probe_sent = false;
            // Replies can arrive out of order or twice: indexes only move up.
            progress.match_index = progress.match_index.max(reply.match_index.min(last));
            progress.next_index = progress.next_index.max(progress.match_index + 1);
            progress.replicating = true;
            self.maybe_commit(ready);
            // Send the rest of a long catch-up, or entries that arrived while
            // the follower was being probed.
            self.send_append(from, false, ready);
            return;
        }
        // A rejection answers one AppendEntries; with random latency it may be
        // an old one. While replicating, one at or below the match index is
        // stale; while probing, only the answer to the probe just sent counts.
        // Acting on stale rejections would resend the same entries again and
        // again.
        let stale = if progress.replicating {
            reply.rejected_index <= progress.match_index
        } else {
            reply.rejected_index + 1 != progress.next_index
        };
        if stale {
            return;
        }
        progress.probe_sent = false;
        let (conflict_index, conflict_term) = (reply.conflict_index, reply.conflict_term);
        // Rejected: jump back using the follower's hint. If we have entries of
        // its conflicting term, our last one of that term is where the logs may
        // agree; otherwise skip the follower's whole term.
        let hinted = match conflict_term {
            Some(term) => match self.log.last_index_of_term(term) {
                Some(index) => index + 1,
                None => conflict_index,
            },
            None => conflict_index,
        };
        // Never below what the follower has confirmed, never past our log.
        progress.next_index = hinted.clamp(progress.match_index + 1, last + 1);
        progress.replicating = false;
        self.send_append(from, true, ready);
    }

    /// Advances the commit index to the highest index stored on a majority,
    /// but only if that entry is of the current term (§5.4.2, Figure 8): an
    /// entry of an earlier term can be on a majority and still be overwritten.
    pub(super) fn maybe_commit(&mut self, ready: &mut Ready) {
        let mut matched = [0 as LogIndex; crate::raft::MAX_NODES];
        let n = self.cluster_size as usize;
        for id in 1..=self.cluster_size {
            matched[id as usize - 1] =
                if id == self.id { self.log.last_index() } else { self.progress[id as usize].match_index };
        }
        let matched = &mut matched[..n];
        matched.sort_unstable_by(|a, b| b.cmp(a));
        let majority_index = matched[self.quorum() - 1];
        if majority_index > self.commit_index && self.log.term_at(majority_index) == Some(self.current_term) {
            self.set_commit_index(majority_index, ready);
            // Followers learn the new commit index with the next
            // AppendEntries; the heartbeat interval bounds the wait.
        }
    }
}
