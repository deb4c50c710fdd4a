//! The server side of an etcd member around its Raft node: it takes client
//! requests, hands them to the node, and answers with the node's reply.
//!
//! A member that does not lead forwards the request to the leader it knows,
//! as etcd forwards proposals (at most [`MAX_HOPS`] times); the leader's
//! reply comes back along the same path. A request that gets no reply
//! within etcd's request timeout (`5 s + 2 × election timeout`) is answered
//! "etcdserver: request timed out", which is what a client sees when the
//! cluster has no quorum or no leader.

use std::rc::Rc;

use super::msg::{Endpoint, EtcdError, KubeMsg, Out, Process, TimerKind, TimerSet};
use super::spec::{MachineId, Micros};
use crate::raft::{Applied, ClientOutcome, NodeId, RequestId};
use crate::store::{Reply, Request};

/// How many times a request is passed on from member to member.
pub const MAX_HOPS: u8 = 2;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Origin {
    /// An apiserver (or other client) asked this member.
    Client(Endpoint),
    /// The member on this machine forwarded it here.
    Peer(MachineId),
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Held {
    origin: Origin,
    request: Rc<Request>,
    hops: u8,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EtcdServer {
    member: NodeId,
    /// The machine of each member, indexed by node id - 1.
    machines: Vec<MachineId>,
    request_timeout: Micros,
    /// Requests waiting for a reply (a handful).
    held: Vec<(RequestId, Held)>,
}

impl EtcdServer {
    pub fn new(member: NodeId, machines: Vec<MachineId>, request_timeout: Micros) -> EtcdServer {
        EtcdServer { member, machines, request_timeout, held: Vec::new() }
    }

    pub fn member(&self) -> NodeId {
        self.member
    }

    /// Requests waiting for a reply.
    pub fn held(&self) -> usize {
        self.held.len()
    }

    pub fn on_request(&mut self, client: Endpoint, id: RequestId, request: Rc<Request>, out: &mut Out) {
        self.hold(id, Held { origin: Origin::Client(client), request, hops: 0 }, out);
    }

    pub fn on_forward(&mut self, from: MachineId, id: RequestId, request: Rc<Request>, hops: u8, out: &mut Out) {
        self.hold(id, Held { origin: Origin::Peer(from), request, hops }, out);
    }

    fn hold(&mut self, id: RequestId, held: Held, out: &mut Out) {
        out.propose.push((id, held.request.clone()));
        out.timer(TimerKind::EtcdRequestTimeout(id), TimerSet::After(self.request_timeout));
        self.held.retain(|(h, _)| *h != id);
        self.held.push((id, held));
    }

    /// The Raft node's answer to a request handed to it.
    pub fn on_node_reply(&mut self, id: RequestId, outcome: &ClientOutcome, out: &mut Out) {
        match outcome {
            ClientOutcome::Applied(Applied::Etcd(reply)) | ClientOutcome::Read { result: Applied::Etcd(reply), .. } => {
                self.reply(id, reply.clone(), out)
            }
            // Only etcd requests are handed to the node.
            ClientOutcome::Applied(_) | ClientOutcome::Read { .. } => {}
            ClientOutcome::Redirect { leader: Some(leader) } if *leader != self.member => {
                let Some((_, held)) = self.held.iter_mut().find(|(h, _)| *h == id) else { return };
                if held.hops >= MAX_HOPS {
                    return;
                }
                held.hops += 1;
                let to = Endpoint::On(self.machines[*leader as usize - 1], Process::Etcd);
                out.send(to, KubeMsg::EtcdForward { id, request: held.request.clone(), hops: held.hops });
            }
            // No leader known: raft drops the proposal and etcd answers at
            // once. A request forwarded here just goes unanswered: the
            // member that holds it answers when its timeout passes.
            ClientOutcome::Redirect { leader: None } => {
                if let Some(Held { origin: Origin::Client(client), .. }) = self.take_client(id) {
                    out.timer(TimerKind::EtcdRequestTimeout(id), TimerSet::Cancel);
                    out.send(client, KubeMsg::EtcdReply { id, result: Err(EtcdError::ProposalDropped) });
                }
            }
            ClientOutcome::Redirect { .. } => {}
        }
    }

    pub fn on_forward_reply(&mut self, id: RequestId, reply: Rc<Reply>, out: &mut Out) {
        self.reply(id, reply, out);
    }

    fn reply(&mut self, id: RequestId, reply: Rc<Reply>, out: &mut Out) {
        let Some(held) = self.take(id) else {
            return;
        };
        out.timer(TimerKind::EtcdRequestTimeout(id), TimerSet::Cancel);
        match held.origin {
            Origin::Client(client) => out.send(client, KubeMsg::EtcdReply { id, result: Ok(reply) }),
            Origin::Peer(m) => out.send(Endpoint::On(m, Process::Etcd), KubeMsg::EtcdForwardReply { id, reply }),
        }
    }

    fn take(&mut self, id: RequestId) -> Option<Held> {
        let i = self.held.iter().position(|(h, _)| *h == id)?;
        Some(self.held.remove(i).1)
    }

    /// Takes request `id` if a client (not a peer) asked it here.
    fn take_client(&mut self, id: RequestId) -> Option<Held> {
        let i = self.held.iter().position(|(h, held)| *h == id && matches!(held.origin, Origin::Client(_)))?;
        Some(self.held.remove(i).1)
    }

    pub fn on_timer(&mut self, kind: TimerKind, out: &mut Out) {
        let TimerKind::EtcdRequestTimeout(id) = kind else { return };
        if let Some(Held { origin: Origin::Client(client), .. }) = self.take(id) {
            out.send(client, KubeMsg::EtcdReply { id, result: Err(EtcdError::Timeout) });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Response;

    #[test]
    fn a_follower_forwards_to_the_leader_and_relays_its_reply() {
        // Members 1..3 on machines 0..2; this is member 2.
        let mut follower = EtcdServer::new(2, vec![0, 1, 2], 5_600_000);
        let mut out = Out::default();
        let api = Endpoint::On(1, Process::Apiserver);
        let request = Rc::new(Request::get("k"));
        follower.on_request(api, 9, request.clone(), &mut out);
        assert_eq!(out.propose, [(9, request.clone())]);
        out.clear();
        follower.on_node_reply(9, &ClientOutcome::Redirect { leader: Some(3) }, &mut out);
        assert_eq!(out.messages, [(Endpoint::On(2, Process::Etcd), KubeMsg::EtcdForward { id: 9, request, hops: 1 })]);
        out.clear();
        let reply = Rc::new(Reply { revision: 1, response: Response::Range { kvs: vec![], count: 0 } });
        follower.on_forward_reply(9, reply.clone(), &mut out);
        assert_eq!(out.messages, [(api, KubeMsg::EtcdReply { id: 9, result: Ok(reply) })]);
        assert_eq!(follower.held(), 0);
    }

    #[test]
    fn without_a_leader_the_proposal_is_dropped_and_without_a_quorum_it_times_out() {
        let mut server = EtcdServer::new(1, vec![0, 1, 2], 7_000_000);
        let mut out = Out::default();
        let api = Endpoint::On(0, Process::Apiserver);
        server.on_request(api, 4, Rc::new(Request::get("k")), &mut out);
        out.clear();
        server.on_node_reply(4, &ClientOutcome::Redirect { leader: None }, &mut out);
        assert_eq!(out.messages, [(api, KubeMsg::EtcdReply { id: 4, result: Err(EtcdError::ProposalDropped) })]);
        // A leader that cannot commit (it lost its quorum) never answers.
        server.on_request(api, 5, Rc::new(Request::get("k")), &mut out);
        out.clear();
        server.on_timer(TimerKind::EtcdRequestTimeout(5), &mut out);
        assert_eq!(out.messages, [(api, KubeMsg::EtcdReply { id: 5, result: Err(EtcdError::Timeout) })]);
    }
}
