//! The etcdctl console: a command line in, what etcdctl prints out.
//!
//! `put`, `get` and `del` are sent to the cluster as the scenario command
//! `etcdctl ...` sends them (a journaled action) and wait for the answer,
//! at most etcdctl's 5 s command timeout, as etcdctl blocks; the clock moves
//! on meanwhile. `member list` and `endpoint status` print the members'
//! state at once. The same waiting code runs here and in scenarios, so a
//! recorded run replays a console command exactly.

use crate::raft::RequestId;
use crate::scenario::runner::{etcdctl_answer, etcdctl_state, Runner, Trace};
use crate::scenario::{Command, Step};
use crate::sim::{UserAction, World, WorldConfig};
use crate::store::etcdctl::{self, refused, Call, COMMAND_TIMEOUT_US};
use crate::util::msg::{code, Msg};

use super::session::Session;

const HASH: Msg = Msg::new(
    "etcdctl.hash",
    "'{word}' holds '#', which starts a comment in a scenario, so a recorded run could not carry it",
);

/// Reads a console line, with or without the leading `etcdctl`. Errors read
/// as etcdctl's, `Error: ...`, and are sentences the page words in its
/// language (the English is the CLI's).
pub fn parse_line(line: &str) -> Result<Call, Msg> {
    let mut words: Vec<&str> = line.split_whitespace().collect();
    if words.first() == Some(&"etcdctl") {
        words.remove(0);
    }
    if let Some(w) = words.iter().find(|w| w.contains('#')) {
        return Err(refused(HASH.text("word", *w)));
    }
    etcdctl::parse(&words).map_err(|e| e.msg(&words))
}

/// What the members' state reads as, for `member list` and `endpoint
/// status`; its only error is an internal one, which reads the same in
/// every language.
fn state(world: &World, call: &Call) -> Result<Vec<String>, Msg> {
    etcdctl_state(world, call).map_err(code)
}

/// Runs one etcdctl command line against `world` and returns what etcdctl
/// prints.
pub fn run(world: &mut World, line: &str) -> Result<Vec<String>, Msg> {
    let call = parse_line(line)?;
    if !matches!(call, Call::Kv { .. }) {
        return state(world, &call);
    }
    let stand_in = World::new(WorldConfig::with_nodes(1, 0)).expect("a one-node cluster is valid");
    let mut runner = Runner::with_world(std::mem::replace(world, stand_in), Trace::Notable);
    let command = Command::Etcdctl(call);
    let step = Step { line: 0, column: 1, text: command.to_string(), command, expected: None };
    let result = runner.execute(&step);
    *world = runner.into_world();
    result.map_err(|(_, e)| code(e))
}

impl Session {
    /// The console's etcdctl: as [`run`], in the session (a request forks
    /// the run when taken in the past, and the events it waits for are
    /// recorded in the feed and on the timeline like any others).
    pub fn etcdctl(&mut self, line: &str) -> Result<Vec<String>, Msg> {
        let call = parse_line(line)?;
        if !matches!(call, Call::Kv { .. }) {
            return state(self.world(), &call);
        }
        // Only a call that is not a request fails here, and it was answered above.
        self.act(UserAction::Etcdctl(call.clone())).map_err(|e| code(e.to_string()))?;
        let op = self.world().client().op_count() as RequestId;
        let deadline = self.world().now() + COMMAND_TIMEOUT_US;
        let done = |s: &Session| s.world().client().op(op).is_some_and(|o| o.is_done());
        while !done(self) {
            let now = self.world().now();
            match self.world().next_event_time() {
                // One event at a time: the wait ends right after the answer.
                Some(t) if t <= deadline => {
                    if self.advance(t.saturating_sub(now), 1).events == 0 {
                        break;
                    }
                }
                _ => {
                    self.advance(deadline.saturating_sub(now), u64::MAX);
                    break;
                }
            }
        }
        Ok(etcdctl_answer(self.world(), &call, op))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::parse;
    use crate::sim::SECOND;
    use crate::util::msg::MsgArg;

    fn leader_world() -> World {
        let mut w = World::new(WorldConfig::with_nodes(3, 2)).unwrap();
        w.run_until(SECOND);
        w
    }

    #[test]
    fn get_prefix_lists_what_put_wrote() {
        let mut w = leader_world();
        assert_eq!(run(&mut w, "etcdctl put /registry/a 1").unwrap(), ["OK"]);
        assert_eq!(run(&mut w, "put /registry/b 2").unwrap(), ["OK"]);
        assert_eq!(run(&mut w, "get --prefix /registry").unwrap(), ["/registry/a", "1", "/registry/b", "2"]);
        assert_eq!(run(&mut w, "get /registry --prefix --keys-only").unwrap(), ["/registry/a", "/registry/b"]);
        assert_eq!(run(&mut w, "member list").unwrap().len(), 3);
        assert!(run(&mut w, "get").unwrap_err().to_string().starts_with("Error: missing word, expected a key"));
        assert!(run(&mut w, "put a#b 1").unwrap_err().to_string().contains("'#'"));
    }

    #[test]
    fn a_refused_line_is_a_sentence_whose_english_is_etcdctls() {
        let e = parse_line("etcdctl put a#b 1").unwrap_err();
        let Some(MsgArg::Msg(why)) = e.get("error") else { panic!("{e:?}") };
        assert_eq!(
            (e.key, why.key, why.get("word")),
            ("etcdctl.error", "etcdctl.hash", Some(&MsgArg::Text("a#b".into())))
        );
        assert_eq!(
            e.to_string(),
            "Error: 'a#b' holds '#', which starts a comment in a scenario, so a recorded run could not carry it"
        );
        let e = parse_line("etcdctl member show").unwrap_err();
        assert_eq!(e.to_string(), "Error: unexpected 'show', expected 'list'");
    }

    #[test]
    fn without_a_quorum_a_request_times_out_after_5_seconds() {
        let mut w = leader_world();
        w.crash(1).unwrap();
        w.crash(2).unwrap();
        let before = w.now();
        assert_eq!(run(&mut w, "put k v").unwrap(), [etcdctl::DEADLINE_EXCEEDED]);
        assert_eq!(w.now(), before + COMMAND_TIMEOUT_US);
        // The client gave up: no more retries of it.
        assert!(w.client().pending().next().is_none());
    }

    #[test]
    fn the_console_in_a_session_records_a_run_that_replays_it() {
        let scenario = parse("cluster 3 seed=5\nrun until leader\n").unwrap();
        let mut session = Session::from_scenario(scenario).unwrap();
        session.advance(2 * SECOND, u64::MAX);
        assert_eq!(session.etcdctl("put /a 1").unwrap(), ["OK"]);
        session.advance(100_000, u64::MAX);
        assert_eq!(session.etcdctl("etcdctl get /a").unwrap(), ["/a", "1"]);
        let text = session.recorded_scenario().unwrap();
        assert!(text.contains("\netcdctl put /a 1\n") && text.contains("\netcdctl get /a\n"), "{text}");
        let (runner, _, failure) = crate::scenario::runner::run(&parse(&text).unwrap(), Trace::Notable);
        assert!(failure.is_none(), "{failure:?}");
        let (a, b) = (runner.world(), session.world());
        assert_eq!((a.event_count(), a.now()), (b.event_count(), b.now()));
        assert_eq!(a.node(1).kv().iter().collect::<Vec<_>>(), b.node(1).kv().iter().collect::<Vec<_>>());
        // Time travel replays the console's requests too.
        let end = session.world().event_count();
        let kv = |s: &Session| format!("{:?}", s.world().node(1).kv().store());
        let before = kv(&session);
        session.seek(3).unwrap();
        session.seek(end).unwrap();
        assert_eq!(kv(&session), before);
    }
}
