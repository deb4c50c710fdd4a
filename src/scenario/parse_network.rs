//! The parser of the network's faults: `partition`, `cut` and `uncut` of a
//! link, `drop` and `duplicate` of a message; and the link `A->B` that they
//! and `break message` name.

use super::lexer::{quoted, uint_word, Cursor, Word};
use super::{Parser, END};
use crate::raft::MessageKind;
use crate::scenario::ast::{Command, LinkKind, NodeRef, ParseError};
use crate::util::Msg;

const MESSAGE_TYPE: Msg = Msg::new(
    "parse.want.messageType",
    "a message type: RequestVote, RequestVoteReply, AppendEntries, AppendEntriesReply, \
                            PreVote, PreVoteReply, TimeoutNow, InstallSnapshot, InstallSnapshotReply, any",
);

/// Which words may name a link's end besides a node id.
#[derive(Clone, Copy)]
pub(super) struct Ends {
    pub(super) leader: bool,
    pub(super) client: bool,
}

const NODES_OR_LEADER: Ends = Ends { leader: true, client: false };

impl Parser {
    /// `partition none`, or `partition A,B | C,D,E`; with what may follow.
    pub(super) fn partition_command(&self, c: &mut Cursor) -> Result<(Command, Msg), ParseError> {
        match c.peek() {
            Some(w) if w.text == "none" => {
                c.next();
                Ok((Command::Partition(Vec::new()), END))
            }
            _ => {
                let end = Msg::new("parse.want.partitionMore", "',', '|' or end of line");
                Ok((Command::Partition(self.partition(c)?), end))
            }
        }
    }

    /// `cut A->B`, `cut A<->B`, and the same with `uncut`.
    pub(super) fn cut(&self, w: &Word, c: &mut Cursor) -> Result<Command, ParseError> {
        let (from, to, both) = self.link(c, true, NODES_OR_LEADER)?;
        if w.text == "cut" {
            Ok(Command::Cut { from, to, both })
        } else {
            Ok(Command::Uncut { from, to, both })
        }
    }

    /// `drop|duplicate next TYPE A->B`, `drop|duplicate message ID`.
    pub(super) fn message_fault(&self, w: &Word, c: &mut Cursor) -> Result<Command, ParseError> {
        let action = if w.text == "drop" { LinkKind::Drop } else { LinkKind::Duplicate };
        const NEXT: Msg = Msg::new("parse.want.nextOrMessage", "'next' or 'message'");
        let next = c.word(&NEXT)?;
        match next.text {
            "next" => {
                let t = c.word(&MESSAGE_TYPE)?;
                let kind = match t.text {
                    "any" => None,
                    name => Some(MessageKind::from_name(name).ok_or_else(|| t.error(MESSAGE_TYPE))?),
                };
                let (from, to, _) = self.link(c, false, Ends { leader: true, client: true })?;
                Ok(Command::Message { action, kind, from, to })
            }
            "message" => {
                const ID: Msg = Msg::new("parse.want.messageId", "a message id like 42");
                let id = uint_word(&c.word(&ID)?, &ID)?;
                Ok(Command::FaultMessage { action, id })
            }
            _ => Err(next.error(NEXT)),
        }
    }

    fn end_expected(&self, ends: Ends) -> Msg {
        match (ends.leader, ends.client) {
            (true, false) => self.node_expected("leader"),
            (false, true) => self.node_expected("client"),
            _ => Msg::new("parse.want.nodeLeaderOrClient", "a node id {ids}, 'leader' or 'client'")
                .text("ids", self.ids()),
        }
    }

    /// A link end: a node id, or `leader` / `client` where allowed.
    fn end(&self, w: &Word, ends: Ends) -> Result<NodeRef, ParseError> {
        match w.text {
            "leader" if ends.leader => Ok(NodeRef::Leader),
            "client" if ends.client => Ok(NodeRef::Client),
            _ => self.id(w).map(NodeRef::Id).ok_or_else(|| w.error(self.end_expected(ends))),
        }
    }

    /// `A->B`, or `A<->B` when `both_ok`; spaces around the arrow optional.
    pub(super) fn link(
        &self,
        c: &mut Cursor,
        both_ok: bool,
        ends: Ends,
    ) -> Result<(NodeRef, NodeRef, bool), ParseError> {
        c.split_rest();
        let w = c.word(&self.end_expected(ends))?;
        let from = self.end(&w, ends)?;
        let arrows = if both_ok { Msg::new("parse.want.arrows", "'->' or '<->'") } else { quoted("->") };
        let a = c.word(&arrows)?;
        let both = match a.text {
            "->" => false,
            "<->" if both_ok => true,
            _ => return Err(a.error(arrows)),
        };
        let w = c.word(&self.end_expected(ends))?;
        let to = self.end(&w, ends)?;
        if to == from {
            return Err(
                w.error(Msg::new("parse.want.otherNode", "a node other than {node}").text("node", from.to_string()))
            );
        }
        Ok((from, to, both))
    }

    /// `A,B | C,D,E`: groups split by `|`, nodes by `,`.
    fn partition(&self, c: &mut Cursor) -> Result<Vec<Vec<NodeRef>>, ParseError> {
        c.split_rest();
        let mut groups = vec![Vec::new()];
        let mut seen = Vec::new();
        loop {
            let w = c.word(&self.node_expected("leader"))?;
            let node = self.node(&w)?;
            if seen.contains(&node) {
                return Err(
                    w.error(Msg::new("parse.want.nodeNotListed", "a node not already listed in this partition"))
                );
            }
            seen.push(node);
            groups.last_mut().expect("starts with one group").push(node);
            match c.peek().map(|p| p.text) {
                Some(",") => {}
                Some("|") => groups.push(Vec::new()),
                _ => return Ok(groups),
            }
            c.next();
        }
    }
}
