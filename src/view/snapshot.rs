//! The world's visible state as plain data, for the page's panels (node
//! inspector, message details, client history, violations).
//!
//! Field names are camelCase because the page reads them as JavaScript
//! objects. Times are milliseconds as `f64`, the unit the page animates in;
//! a microsecond count fits an `f64` exactly for any run the simulator can
//! reach. The canvas itself is drawn from the `World` directly, so this is
//! built at most once per frame; lists that grow with the run (log, client
//! operations, violations) are cut to their newest part to keep that cheap.

use serde::Serialize;

use crate::raft::{Message, NodeId, Role, CLIENT};
use crate::sim::{Micros, World};

use super::phrase::{self, Phrase};

/// Newest log entries shown per node. A long-running cluster under load
/// holds thousands; the panel shows the tail, `logLength` tells the rest.
pub const LOG_TAIL: usize = 200;
/// Newest client operations shown.
pub const CLIENT_OPS_TAIL: usize = 100;
/// First violations shown (the first is the one that matters).
pub const VIOLATIONS_SHOWN: usize = 100;

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Snapshot {
    pub time_ms: f64,
    /// Events processed so far, user actions included.
    pub events: u64,
    /// The live leader of the highest term, if any.
    pub leader: Option<NodeId>,
    /// The leader once a quorum acknowledged it (what `run until leader` waits for).
    pub established_leader: Option<NodeId>,
    pub config: ConfigView,
    pub nodes: Vec<NodeView>,
    /// In arrival order.
    pub messages: Vec<MessageView>,
    /// Group of each node, index `id - 1`; all zero without a partition.
    pub partition: Vec<u8>,
    /// Links that are down, as `[from, to]` (one direction each).
    pub cuts: Vec<[NodeId; 2]>,
    pub client_ops: Vec<ClientOpView>,
    /// Operations ever submitted (`clientOps` holds the newest ones).
    pub client_ops_total: usize,
    pub violations: Vec<String>,
    pub stats: StatsView,
    pub quorum: QuorumView,
}

/// The quorum arithmetic of the moment: what the clock bar says ("5
/// servers, quorum 3, 4 up") and which leaders can commit.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct QuorumView {
    pub servers: u8,
    /// Votes or copies needed: a strict majority of the servers.
    pub quorum: u8,
    /// Servers not crashed.
    pub up: u8,
    /// Every live leader (an old one cut off from the majority may still
    /// believe it leads), by node id.
    pub leaders: Vec<LeaderReach>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LeaderReach {
    pub id: NodeId,
    pub term: u64,
    /// Servers it can exchange messages with both ways, itself included.
    pub reachable: u8,
    /// `reachable >= quorum`: its entries can reach a majority and commit.
    pub can_commit: bool,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ConfigView {
    pub nodes: u8,
    /// A string: a u64 seed does not fit a JavaScript number exactly.
    pub seed: String,
    pub election_ms: [f64; 2],
    pub heartbeat_ms: f64,
    pub latency_ms: [f64; 2],
    pub loss_percent: f64,
    /// `prevote=on`, `checkquorum=on` on the cluster line.
    pub prevote: bool,
    pub check_quorum: bool,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NodeView {
    pub id: NodeId,
    pub alive: bool,
    /// "follower", "candidate", "leader" or "crashed".
    pub role: &'static str,
    pub term: u64,
    pub voted_for: Option<NodeId>,
    /// The leader this node believes in (none while crashed).
    pub leader: Option<NodeId>,
    pub commit_index: u64,
    pub last_applied: u64,
    pub log_length: u64,
    /// §7: the last index the node's latest log compaction covers (0:
    /// none); the log holds no entries up to it.
    pub snapshot_index: u64,
    /// The newest entries the log holds, at most [`LOG_TAIL`].
    pub log: Vec<EntryView>,
    pub kv: Vec<[String; 2]>,
    pub election_deadline_ms: Option<f64>,
    pub election_armed_at_ms: f64,
    pub heartbeat_deadline_ms: Option<f64>,
    pub heartbeat_armed_at_ms: f64,
    pub votes_granted: Vec<NodeId>,
    pub votes_denied: Vec<NodeId>,
    /// The leader's view of each follower; empty unless this node leads.
    pub progress: Vec<ProgressView>,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EntryView {
    pub index: u64,
    pub term: u64,
    /// As the scenario language writes it, e.g. `put(x=1)`.
    pub command: String,
    /// At or below this node's commit index.
    pub committed: bool,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ProgressView {
    pub peer: NodeId,
    pub next_index: u64,
    pub match_index: u64,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MessageView {
    pub id: u64,
    /// 0 is the client.
    pub from: NodeId,
    pub to: NodeId,
    /// The type as the paper names it, e.g. `AppendEntries`.
    pub kind: &'static str,
    /// The sender's term; none for client traffic.
    pub term: Option<u64>,
    /// Every field, as the trace prints it.
    pub text: String,
    pub sent_at_ms: f64,
    pub arrives_at_ms: f64,
    /// Made by a `duplicate` fault.
    pub duplicate: bool,
    /// Log entries carried (AppendEntries only).
    pub entries: usize,
    /// An AppendEntries without entries.
    pub heartbeat: bool,
    /// RequestVoteReply only.
    pub granted: Option<bool>,
    /// AppendEntriesReply only.
    pub success: Option<bool>,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ClientOpView {
    pub id: u64,
    pub command: String,
    pub via: Option<NodeId>,
    /// Node the latest attempt went to.
    pub target: NodeId,
    pub attempts: u32,
    pub redirects: u32,
    pub invoked_at_ms: f64,
    pub completed_at_ms: Option<f64>,
    /// e.g. `ok`, `value 1`, `missing`, `keys [a b]`; none while pending.
    pub result: Option<String>,
    /// The result as a phrase for the page (`res.ok`, `res.value`, ...).
    pub outcome: Option<Phrase>,
    /// How a read is served: `log`, `index`, `lease` or `local`.
    pub read: &'static str,
    /// `[index, term]` a read was answered at.
    pub read_at: Option<[u64; 2]>,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StatsView {
    pub sent: u64,
    pub delivered: u64,
    pub lost: u64,
    pub undeliverable: u64,
    pub dropped_by_fault: u64,
    pub duplicated_by_fault: u64,
    pub in_flight: usize,
    /// Drop/duplicate rules waiting for their message.
    pub armed_faults: usize,
    pub violations: usize,
}

/// Microseconds to milliseconds, the page's unit.
pub fn ms(us: Micros) -> f64 {
    us as f64 / 1_000.0
}

pub fn role_name(alive: bool, role: Role) -> &'static str {
    match (alive, role) {
        (false, _) => "crashed",
        (true, Role::Follower) => "follower",
        (true, Role::PreCandidate) => "pre-candidate",
        (true, Role::Candidate) => "candidate",
        (true, Role::Leader) => "leader",
    }
}

pub fn snapshot(world: &World) -> Snapshot {
    let config = world.config();
    let n = config.nodes;
    let network = world.network();
    let client = world.client();
    let violations = world.checker().violations();
    Snapshot {
        time_ms: ms(world.now()),
        events: world.event_count(),
        leader: world.current_leader(),
        established_leader: world.established_leader(),
        config: ConfigView {
            nodes: n,
            seed: config.seed.to_string(),
            election_ms: [ms(config.election.0), ms(config.election.1)],
            heartbeat_ms: ms(config.heartbeat),
            latency_ms: [ms(config.latency.0), ms(config.latency.1)],
            loss_percent: config.loss_ppm as f64 / 10_000.0,
            prevote: config.prevote,
            check_quorum: config.check_quorum,
        },
        nodes: (1..=n).map(|id| node_view(world, id)).collect(),
        messages: network.in_flight_sorted().into_iter().map(message_view).collect(),
        partition: (1..=n).map(|id| network.group_of(id)).collect(),
        cuts: (1..=n)
            .flat_map(|from| (1..=n).map(move |to| [from, to]))
            .filter(|&[from, to]| from != to && network.is_cut(from, to))
            .collect(),
        client_ops: client
            .newest(CLIENT_OPS_TAIL)
            .map(|op| ClientOpView {
                id: op.id,
                command: op.command.to_string(),
                via: op.via,
                target: op.target,
                attempts: op.attempts,
                redirects: op.redirects,
                invoked_at_ms: ms(op.invoked_at),
                completed_at_ms: op.completed_at.map(ms),
                result: op.result.as_ref().map(|r| r.to_string()),
                outcome: op.result.as_ref().map(phrase::applied),
                read: op.read.name(),
                read_at: op.read_at.map(|(index, term)| [index, term]),
            })
            .collect(),
        client_ops_total: client.op_count(),
        violations: violations.iter().take(VIOLATIONS_SHOWN).map(|v| v.to_string()).collect(),
        stats: {
            let s = world.stats();
            StatsView {
                sent: s.sent,
                delivered: s.delivered,
                lost: s.lost,
                undeliverable: s.undeliverable,
                dropped_by_fault: s.dropped_by_fault,
                duplicated_by_fault: s.duplicated_by_fault,
                in_flight: network.in_flight().count(),
                armed_faults: network.armed().len(),
                violations: violations.len(),
            }
        },
        quorum: quorum(world),
    }
}

/// Servers that `id` can exchange messages with both ways (through the
/// partition and the cut links), itself included; crashed ones do not count.
pub fn reachable(world: &World, id: NodeId) -> u8 {
    let net = world.network();
    let n = world.config().nodes;
    (1..=n)
        .filter(|&peer| {
            world.slot(peer).alive
                && (peer == id || (net.link_state(id, peer).is_ok() && net.link_state(peer, id).is_ok()))
        })
        .count() as u8
}

/// A strict majority of `servers`: floor(N/2) + 1.
pub fn quorum_size(servers: u8) -> u8 {
    servers / 2 + 1
}

/// Whether node `id` leads now but cannot reach a quorum, so nothing it
/// appends can commit (the canvas marks such a leader).
pub fn leader_without_quorum(world: &World, id: NodeId) -> bool {
    let slot = world.slot(id);
    slot.alive && slot.node.role() == Role::Leader && reachable(world, id) < quorum_size(world.config().nodes)
}

pub fn quorum(world: &World) -> QuorumView {
    let servers = world.config().nodes;
    let quorum = quorum_size(servers);
    let leaders: Vec<LeaderReach> = world
        .nodes()
        .iter()
        .filter(|s| s.alive && s.node.role() == Role::Leader)
        .map(|s| {
            let id = s.node.id();
            let reachable = reachable(world, id);
            LeaderReach { id, term: s.node.term(), reachable, can_commit: reachable >= quorum }
        })
        .collect();
    QuorumView { servers, quorum, up: world.nodes().iter().filter(|s| s.alive).count() as u8, leaders }
}

fn node_view(world: &World, id: NodeId) -> NodeView {
    node_view_with(world, id, LOG_TAIL)
}

/// Newest log entries the inspector shows: far more than a frame's panel,
/// since it is built only when asked for.
pub const INSPECT_LOG_LIMIT: usize = 10_000;

/// One node's whole state for the debugger's inspector, with up to
/// `log_limit` of its newest log entries.
pub fn node_view_with(world: &World, id: NodeId, log_limit: usize) -> NodeView {
    let slot = world.slot(id);
    let node = &slot.node;
    let log = node.log();
    // Read through `range`: a slice of the whole log would make the world
    // keep a contiguous copy of every log beside its shared chunks.
    let skip = (log.last_index() as usize).saturating_sub(log_limit).max(log.snapshot().index as usize);
    NodeView {
        id,
        alive: slot.alive,
        role: role_name(slot.alive, node.role()),
        term: node.term(),
        voted_for: node.voted_for(),
        // A crashed node believes nothing; its volatile state is gone.
        leader: if slot.alive { node.leader() } else { None },
        commit_index: node.commit_index(),
        last_applied: node.last_applied(),
        log_length: log.last_index(),
        snapshot_index: log.snapshot().index,
        log: log
            .range(skip as u64 + 1, log.last_index())
            .enumerate()
            .map(|(i, e)| {
                let index = (skip + i + 1) as u64;
                let committed = index <= node.commit_index();
                EntryView { index, term: e.term, command: e.command.to_string(), committed }
            })
            .collect(),
        kv: node.kv().iter().map(|(k, v)| [k.to_string(), v.to_string()]).collect(),
        election_deadline_ms: slot.election_deadline.map(ms),
        election_armed_at_ms: ms(slot.election_armed_at),
        heartbeat_deadline_ms: slot.heartbeat_deadline.map(ms),
        heartbeat_armed_at_ms: ms(slot.heartbeat_armed_at),
        votes_granted: node.votes_granted().collect(),
        votes_denied: node.votes_denied().collect(),
        progress: (1..=world.config().nodes)
            .filter_map(|peer| {
                node.progress(peer).map(|p| ProgressView { peer, next_index: p.next_index, match_index: p.match_index })
            })
            .collect(),
    }
}

fn message_view(m: &crate::sim::InFlight) -> MessageView {
    let (entries, granted, success) = match &m.msg {
        Message::AppendEntries(m) => (m.entries.len(), None, None),
        Message::RequestVoteReply(m) => (0, Some(m.vote_granted), None),
        Message::AppendEntriesReply(m) => (0, None, Some(m.success)),
        _ => (0, None, None),
    };
    MessageView {
        id: m.id,
        from: m.from,
        to: m.to,
        kind: m.msg.kind().name(),
        term: m.msg.term(),
        text: m.msg.to_string(),
        sent_at_ms: ms(m.sent_at),
        arrives_at_ms: ms(m.arrives_at),
        duplicate: m.duplicate,
        entries,
        heartbeat: m.msg.is_heartbeat(),
        granted,
        success,
    }
}

/// Whether an endpoint is the client rather than a node (0 in `from`/`to`).
pub fn is_client(id: NodeId) -> bool {
    id == CLIENT
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::raft::Command;
    use crate::sim::{WorldConfig, MS, SECOND};

    fn elected(seed: u64) -> World {
        let mut world = World::new(WorldConfig::with_nodes(5, seed)).unwrap();
        while world.established_leader().is_none() {
            assert!(world.now() < 10 * SECOND, "no leader");
            world.step();
        }
        world
    }

    #[test]
    fn a_fresh_world_has_five_followers_and_no_messages() {
        let world = World::new(WorldConfig::default()).unwrap();
        let s = snapshot(&world);
        assert_eq!(s.nodes.len(), 5);
        assert!(s.nodes.iter().all(|n| n.role == "follower" && n.alive && n.term == 0 && n.log.is_empty()));
        assert!(s.nodes.iter().all(|n| n.election_deadline_ms.is_some() && n.heartbeat_deadline_ms.is_none()));
        assert!(s.messages.is_empty());
        assert_eq!(s.leader, None);
        assert_eq!(s.partition, vec![0; 5]);
        assert_eq!(s.config.election_ms, [150.0, 300.0]);
    }

    #[test]
    fn the_leader_shows_progress_and_its_noop_committed() {
        let world = elected(7);
        let s = snapshot(&world);
        let leader = s.leader.expect("a leader");
        let node = &s.nodes[leader as usize - 1];
        assert_eq!(node.role, "leader");
        assert_eq!(node.progress.len(), 4);
        assert!(node.progress.iter().all(|p| p.peer != leader));
        assert_eq!(node.log[0].command, "noop");
        assert!(node.log[0].committed);
        assert!(node.votes_granted.contains(&leader));
        // Followers report no progress.
        assert!(s.nodes.iter().filter(|n| n.id != leader).all(|n| n.progress.is_empty()));
    }

    #[test]
    fn messages_show_their_fields() {
        let mut world = elected(3);
        world.submit(Command::put("x", "1"), None).unwrap();
        let s = snapshot(&world);
        let request = s.messages.iter().find(|m| m.kind == "ClientRequest").expect("the request is in flight");
        assert!(is_client(request.from));
        assert_eq!(request.term, None);
        assert!(request.text.contains("put(x=1)"));
        assert!(request.arrives_at_ms > request.sent_at_ms);
        // Run until an AppendEntries carrying the put is in flight.
        let carrying = loop {
            world.step();
            let s = snapshot(&world);
            if let Some(m) = s.messages.into_iter().find(|m| m.kind == "AppendEntries" && m.entries > 0) {
                break m;
            }
        };
        assert!(!carrying.heartbeat);
        assert!(carrying.text.contains("put(x=1)"));
        assert_eq!(carrying.granted, None);
    }

    #[test]
    fn a_committed_put_shows_in_the_client_history_and_kv() {
        let mut world = elected(11);
        let op = world.submit(Command::put("x", "1"), None).unwrap();
        world.run_for(SECOND);
        let s = snapshot(&world);
        let view = s.client_ops.iter().find(|o| o.id == op).unwrap();
        assert_eq!(view.command, "put(x=1)");
        assert_eq!(view.result.as_deref(), Some("ok"));
        assert!(view.completed_at_ms.unwrap() > view.invoked_at_ms);
        let leader = &s.nodes[s.leader.unwrap() as usize - 1];
        assert_eq!(leader.kv, vec![["x".to_string(), "1".to_string()]]);
        assert!(leader.log.iter().any(|e| e.command == "put(x=1)" && e.committed));
    }

    #[test]
    fn crashes_partitions_and_cuts_are_visible() {
        let mut world = elected(5);
        world.crash(2).unwrap();
        world.partition(vec![vec![1, 3]]).unwrap();
        world.set_link(4, 5, false, true).unwrap();
        let s = snapshot(&world);
        assert_eq!(s.nodes[1].role, "crashed");
        assert!(!s.nodes[1].alive);
        assert_eq!(s.nodes[1].leader, None);
        assert_eq!(s.partition, vec![1, 0, 1, 0, 0]);
        assert_eq!(s.cuts, vec![[4, 5]]);
    }

    #[test]
    fn the_quorum_line_counts_servers_up_and_what_each_leader_reaches() {
        let mut world = elected(5);
        let q = quorum(&world);
        assert_eq!((q.servers, q.quorum, q.up), (5, 3, 5));
        let leader = world.current_leader().unwrap();
        assert_eq!(q.leaders.len(), 1);
        assert_eq!((q.leaders[0].id, q.leaders[0].reachable, q.leaders[0].can_commit), (leader, 5, true));
        assert!(!leader_without_quorum(&world, leader));
        // The leader and one follower on the minority side of a 2|3 split:
        // it still leads, but reaches 2 of the 3 it needs.
        let buddy = leader % 5 + 1;
        world.partition(vec![vec![leader, buddy]]).unwrap();
        let other = (1..=5).find(|&id| id != leader && id != buddy).unwrap();
        world.crash(other).unwrap();
        let q = quorum(&world);
        assert_eq!(q.up, 4);
        assert_eq!((q.leaders[0].reachable, q.leaders[0].can_commit), (2, false));
        assert!(leader_without_quorum(&world, leader));
        assert!(!leader_without_quorum(&world, buddy), "a follower is never marked");
        // A one-way cut is enough to lose a follower.
        world.heal();
        world.set_link(buddy, leader, false, true).unwrap();
        assert_eq!(reachable(&world, leader), 3);
        assert_eq!(quorum_size(6), 4);
        assert_eq!(quorum_size(1), 1);
    }

    #[test]
    fn the_log_tail_is_bounded_and_keeps_indexes() {
        let mut world = elected(9);
        world.set_client_load(Some(MS));
        world.run_for(2 * SECOND);
        let s = snapshot(&world);
        let leader = &s.nodes[s.leader.unwrap() as usize - 1];
        assert!(leader.log_length as usize > LOG_TAIL, "load should fill the log");
        assert_eq!(leader.log.len(), LOG_TAIL);
        assert_eq!(leader.log.last().unwrap().index, leader.log_length);
        assert!(s.client_ops.len() <= CLIENT_OPS_TAIL);
        assert!(s.client_ops_total >= s.client_ops.len());
    }
}
