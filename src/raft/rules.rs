//! The lesions: safety rules of Raft that a learner may switch off, one at a
//! time or together, to see what each one protects (issue 12). Every rule is
//! on unless a scenario's `rule NAME off` (or the page) asks otherwise, and
//! each is checked exactly where the rule lives in the code:
//!
//! | rule | where it lives |
//! |---|---|
//! | `commit-current-term` | [`Node::maybe_commit`](super::Node) (§5.4.2, Figure 8) |
//! | `vote-up-to-date` | the vote handler's call of [`Log::is_up_to_date`](super::Log::is_up_to_date) (§5.4.1) |
//! | `vote-once` | the vote handler's check of `votedFor` (§5.2) |
//! | `persist-vote`, `persist-term`, `persist-log` | [`Node::restart`](super::Node::restart) (Figure 2, persistent state) |
//! | `truncate-on-conflict` | [`Log::maybe_append`](super::Log::maybe_append) (§5.3) |
//! | `follower-commit-bound` | the follower's commit after [`Log::maybe_append`](super::Log::maybe_append) (Figure 2, AppendEntries rule 5) |

use std::fmt;

/// One safety rule that can be switched off.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Rule {
    /// A leader commits by counting replicas only entries of its own term.
    CommitCurrentTerm,
    /// A server votes only for a candidate whose log is at least as
    /// up-to-date as its own (the election restriction).
    VoteUpToDate,
    /// A server grants at most one vote per term.
    VoteOnce,
    /// A restart keeps `votedFor`.
    PersistVote,
    /// A restart keeps `currentTerm`.
    PersistTerm,
    /// A restart keeps the log.
    PersistLog,
    /// A follower deletes a conflicting entry and everything after it before
    /// appending the leader's.
    TruncateOnConflict,
    /// A follower's commit index is at most the last entry the leader's
    /// message confirmed: min(leaderCommit, index of last new entry).
    FollowerCommitBound,
}

impl Rule {
    pub const ALL: [Rule; 8] = [
        Rule::CommitCurrentTerm,
        Rule::VoteUpToDate,
        Rule::VoteOnce,
        Rule::PersistVote,
        Rule::PersistTerm,
        Rule::PersistLog,
        Rule::TruncateOnConflict,
        Rule::FollowerCommitBound,
    ];

    /// The name the scenario language and the page use.
    pub fn name(self) -> &'static str {
        match self {
            Rule::CommitCurrentTerm => "commit-current-term",
            Rule::VoteUpToDate => "vote-up-to-date",
            Rule::VoteOnce => "vote-once",
            Rule::PersistVote => "persist-vote",
            Rule::PersistTerm => "persist-term",
            Rule::PersistLog => "persist-log",
            Rule::TruncateOnConflict => "truncate-on-conflict",
            Rule::FollowerCommitBound => "follower-commit-bound",
        }
    }

    pub fn from_name(name: &str) -> Option<Rule> {
        Rule::ALL.into_iter().find(|r| r.name() == name)
    }

    /// What the rule says, in one sentence, with where the paper says it.
    pub fn describe(self) -> &'static str {
        match self {
            Rule::CommitCurrentTerm => {
                "A leader commits an entry by counting replicas only if the entry is of its own term (§5.4.2, Figure 8)."
            }
            Rule::VoteUpToDate => {
                "A server votes only for a candidate whose log is at least as up-to-date as its own (§5.4.1)."
            }
            Rule::VoteOnce => "A server votes for at most one candidate in a term (§5.2).",
            Rule::PersistVote => "A server keeps votedFor on stable storage, so a restart does not forget it (Figure 2).",
            Rule::PersistTerm => "A server keeps currentTerm on stable storage, so a restart does not forget it (Figure 2).",
            Rule::PersistLog => "A server keeps its log on stable storage, so a restart does not lose it (Figure 2).",
            Rule::TruncateOnConflict => {
                "A follower deletes a conflicting entry and all that follow it before appending the leader's (§5.3)."
            }
            Rule::FollowerCommitBound => {
                "A follower commits at most min(leaderCommit, index of the last new entry) (Figure 2, AppendEntries)."
            }
        }
    }

    fn bit(self) -> u8 {
        1 << (self as u8)
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Which rules are on. The default is every rule on: Raft as the paper
/// states it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Rules {
    /// A bit per rule that is switched off.
    off: u8,
}

impl Rules {
    pub fn is_on(self, rule: Rule) -> bool {
        self.off & rule.bit() == 0
    }

    pub fn set(&mut self, rule: Rule, on: bool) {
        if on {
            self.off &= !rule.bit();
        } else {
            self.off |= rule.bit();
        }
    }

    /// Whether every rule is on, so the node is the paper's Raft (its own
    /// debug assertions hold only then).
    pub fn all_on(self) -> bool {
        self.off == 0
    }

    /// The rules switched off, in [`Rule::ALL`] order.
    pub fn off(self) -> impl Iterator<Item = Rule> {
        Rule::ALL.into_iter().filter(move |r| !self.is_on(*r))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_every_rule_starts_on() {
        for rule in Rule::ALL {
            assert_eq!(Rule::from_name(rule.name()), Some(rule));
            assert!(Rules::default().is_on(rule));
        }
        assert_eq!(Rule::from_name("vote-twice"), None);
    }

    #[test]
    fn switching_one_rule_leaves_the_others() {
        let mut rules = Rules::default();
        rules.set(Rule::VoteOnce, false);
        rules.set(Rule::PersistLog, false);
        assert_eq!(rules.off().collect::<Vec<_>>(), vec![Rule::VoteOnce, Rule::PersistLog]);
        assert!(!rules.all_on());
        rules.set(Rule::VoteOnce, true);
        rules.set(Rule::PersistLog, true);
        assert!(rules.all_on());
    }
}
