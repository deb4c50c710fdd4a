use super::*;
use crate::scenario::lesson_parse::parse_lesson;
use crate::sim::{UserAction, MS};

const LESSON: &str = "\
title Trial
cluster 5 seed=7
say Five servers elect a leader.
run until leader
put x 1
run until committed 2
show kv
----
1:
2:
3: x=1
4:
5:

pause
say Crash the leader.
act leader crashed
do crash leader
say Who wins?
predict
choice The crashed one
feedback No: it is down.
answer Another one
feedback Yes.
run until leader within 2s
expect value x 1
say Done.
";

fn open(text: &str, step: usize) -> (Session, LessonPlayer) {
    LessonPlayer::open(parse_lesson(text).unwrap(), step).unwrap()
}

/// Plays frames of 50 ms until the lesson waits (or 2,000 frames pass).
fn until_waiting(session: &mut Session, player: &mut LessonPlayer) {
    for _ in 0..2_000 {
        if player.view(session).kind != "script" {
            return;
        }
        player.advance(session, 50 * MS, 200_000);
    }
    panic!("the script never ended");
}

#[test]
fn the_scripted_path_plays_every_step_and_compares_the_blocks() {
    let lesson = parse_lesson(LESSON).unwrap();
    let report = check(LESSON, &lesson);
    assert_eq!(report.failure, None);
    assert_eq!((report.stages, report.blocks), (4, 1));
    assert!(report.passed());
    assert_eq!(report.rewritten, LESSON);
    // A wrong block is a mismatch, and --rewrite mends it.
    let wrong = LESSON.replace("4:\n", "4: x=1\n");
    let report = check(&wrong, &parse_lesson(&wrong).unwrap());
    assert_eq!(report.mismatches.len(), 1);
    assert_eq!(report.mismatches[0].line, 7);
    assert_eq!(report.rewritten, LESSON);
}

#[test]
fn a_pause_holds_the_world_still_until_continue() {
    let (mut session, mut player) = open(LESSON, 1);
    assert_eq!(player.view(&session).kind, "script");
    assert_eq!(player.view(&session).narration.unwrap().in_lang(None), "Five servers elect a leader.");
    assert!(!player.may_act(&session));
    until_waiting(&mut session, &mut player);
    let view = player.view(&session);
    assert_eq!((view.kind, view.step, view.steps), ("pause", 1, 4));
    let at = (session.world().event_count(), session.world().now());
    for _ in 0..20 {
        player.advance(&mut session, 100 * MS, 1_000);
    }
    assert_eq!(player.step(&mut session), None);
    assert_eq!((session.world().event_count(), session.world().now()), at, "the world stood still");
    assert!(!player.may_act(&session));
    assert!(player.answer(&mut session, 0).is_err());
    assert!(player.show_me(&mut session).is_err());
    player.go_on(&mut session).unwrap();
    assert!(player.go_on(&mut session).is_err());
    // Step 2 is a task: nothing to play first, the world runs live.
    let view = player.view(&session);
    assert_eq!((view.kind, view.step), ("act", 2));
    assert_eq!(view.narration.unwrap().in_lang(None), "Crash the leader.");
    assert!(player.may_act(&session));
    player.advance(&mut session, 100 * MS, 1_000);
    assert!(session.world().now() > at.1);
}

#[test]
fn a_task_is_done_by_the_learners_own_action_and_a_wrong_answer_gets_its_feedback() {
    let (mut session, mut player) = open(LESSON, 2);
    until_waiting(&mut session, &mut player);
    assert_eq!(player.view(&session).kind, "act");
    // Time passes, nothing is done: the task waits.
    player.advance(&mut session, 300 * MS, 100_000);
    assert_eq!(player.view(&session).kind, "act");
    let leader = session.world().current_leader().unwrap();
    session.act(UserAction::Crash(leader)).unwrap();
    player.acted(&mut session);
    let view = player.view(&session);
    assert_eq!((view.kind, view.step, view.solved), ("predict", 3, Some(2)));
    assert_eq!(view.choices.len(), 2);
    // Wrong: its feedback, another try; the world still.
    let now = session.world().now();
    assert_eq!(player.answer(&mut session, 0), Ok(false));
    let view = player.view(&session);
    assert_eq!(view.kind, "predict");
    let feedback = view.feedback.unwrap();
    assert_eq!((feedback.choice, feedback.correct, feedback.text.in_lang(None)), (0, false, "No: it is down.".into()));
    assert_eq!(view.choices[0].correct, Some(false));
    assert_eq!(view.choices[1].correct, None);
    assert!(player.answer(&mut session, 7).is_err());
    player.advance(&mut session, 100 * MS, 1_000);
    assert_eq!(session.world().now(), now);
    // Right: the lesson goes on, the feedback stays while the next step plays.
    assert_eq!(player.answer(&mut session, 1), Ok(true));
    let view = player.view(&session);
    assert_eq!((view.kind, view.step), ("script", 4));
    assert!(view.feedback.unwrap().correct);
    until_waiting(&mut session, &mut player);
    let view = player.view(&session);
    assert_eq!(view.kind, "end");
    assert_eq!(view.failure, None);
    assert!(player.may_act(&session));
}

#[test]
fn show_me_performs_the_do_lines() {
    let (mut session, mut player) = open(LESSON, 2);
    until_waiting(&mut session, &mut player);
    player.show_me(&mut session).unwrap();
    assert!(player.view(&session).showing);
    player.advance(&mut session, 10 * MS, 100_000);
    assert_eq!(player.view(&session).kind, "predict");
}

#[test]
fn a_link_to_a_step_reopens_the_state_the_scripted_path_reaches() {
    let text = LESSON;
    let (mut session, mut player) = open(text, 1);
    player.scripted(&mut session, 3).unwrap();
    let (reopened, again) = open(text, 4);
    assert_eq!(player.step_number(), 4);
    assert_eq!(again.step_number(), 4);
    let (a, b) = (session.world(), reopened.world());
    assert_eq!((a.event_count(), a.now()), (b.event_count(), b.now()));
    assert_eq!(crate::scenario::show::log(a), crate::scenario::show::log(b));
    assert!(LessonPlayer::open(parse_lesson(text).unwrap(), 5).is_err());
    assert!(LessonPlayer::open(parse_lesson(text).unwrap(), 0).is_err());
}

#[test]
fn a_failed_script_command_stops_the_lesson_and_says_where() {
    let text = "title T\ncluster 3 seed=1\nrun until leader\nexpect leader 9\npause\n";
    let text = text.replace("expect leader 9", "expect term 1 7");
    let report = check(&text, &parse_lesson(&text).unwrap());
    let failure = report.failure.unwrap();
    assert_eq!((failure.line, failure.command.as_str()), (4, "expect term 1 7"));
    let (mut session, mut player) = open(&text, 1);
    until_waiting(&mut session, &mut player);
    let view = player.view(&session);
    assert_eq!(view.kind, "failed");
    assert!(view.failure.unwrap().contains("line 4"));
    assert!(player.may_act(&session));
}

/// A lesson whose one task starts after `prelude` and is solved by `dos`.
fn task(cluster: &str, prelude: &str, predicate: &str, dos: &str) -> String {
    let dos: String = dos.split(';').map(|d| format!("do {}\n", d.trim())).collect();
    format!("title T\n{cluster}\n{prelude}\nact {predicate} within 3s\n{dos}say done\n")
}

#[test]
fn every_predicate_atom_holds_where_it_should_and_not_elsewhere() {
    let leader = "run until leader";
    let cases: &[(&str, &str, &str, &str)] = &[
        ("cluster 5 seed=7", leader, "leader crashed", "crash leader"),
        ("cluster 5 seed=7", leader, "leader isolated and partitioned", "partition leader"),
        (
            "cluster 5 seed=7",
            leader,
            "leader isolated",
            "cut leader<->1; cut leader<->2; cut leader<->4; cut leader<->5",
        ),
        ("cluster 5 seed=7", leader, "leaders >= 2 and new leader", "partition leader"),
        ("cluster 5 seed=7", leader, "crashed = 2 and up < 4", "crash 1; crash 2"),
        ("cluster 5 seed=7", leader, "no leader", "crash leader"),
        ("cluster 5 seed=7", leader, "node 2 candidate and node 2 term >= 2 and term >= 2", "timeout 2"),
        ("cluster 5 seed=7", leader, "candidates >= 4", "timeout 1; timeout 2; timeout 4; timeout 5"),
        ("cluster 5 seed=7", leader, "split vote", "timeout 1; timeout 2; timeout 4; timeout 5"),
        ("cluster 5 seed=7", leader, "write committed and crashed >= 2 and commit >= 2", "crash 1; crash 2; put x 1"),
        (
            "cluster 5 seed=7",
            leader,
            "leader uncommitted >= 1 and leader log >= 2",
            "partition leader; put x 1 via leader",
        ),
        ("cluster 5 seed=7", leader, "node 1 commit >= 2 and node 1 applied >= 2", "put x 1"),
        ("cluster 6 seed=3", leader, "partitioned and side < quorum", "partition 1,2,3 | 4,5,6"),
        ("cluster 5 seed=7", leader, "redirect", "put x 1 via 1"),
        ("cluster 5 seed=7", leader, "retry", "drop next ClientReply leader->client; put x 1"),
        (
            "cluster 3 seed=1",
            "run until leader\ncrash 3\nput x 1\nrun until committed 2\ncrash leader\nrestart 3",
            "reason vote.refused.log_behind or reason vote.refused.log_shorter",
            "timeout 3",
        ),
        ("cluster 5 seed=7", leader, "not node 1 crashed and node 1 up", "crash 2"),
    ];
    for (cluster, prelude, predicate, dos) in cases {
        let text = task(cluster, prelude, predicate, dos);
        let lesson = parse_lesson(&text).unwrap_or_else(|e| panic!("{predicate}: {e}"));
        let report = check(&text, &lesson);
        assert_eq!(report.failure, None, "{predicate} after {dos}");
    }
    // The same predicates, where nothing makes them hold: the task fails.
    let never: &[(&str, &str)] = &[
        ("leader crashed", "crash 1"),
        ("leaders >= 2", "put x 1"),
        ("split vote", "put x 1"),
        ("write committed and crashed >= 3", "crash 1; crash 2; crash 3; put x 1"),
        ("redirect", "put x 1"),
        ("overwritten", "crash 1; restart 1"),
        ("side < quorum", "partition 1,2 | 3,4,5"),
    ];
    for (predicate, dos) in never {
        let text = task("cluster 5 seed=7", leader, predicate, dos);
        let text = if *predicate == "leader crashed" {
            text.replace("run until leader", "run until leader\nexpect leader 3")
        } else {
            text
        };
        let report = check(&text, &parse_lesson(&text).unwrap());
        let failure = report.failure.unwrap_or_else(|| panic!("{predicate} held after {dos}"));
        assert!(failure.message.contains("did not hold within 3.000000s"), "{predicate}: {}", failure.message);
    }
}

#[test]
fn overwritten_sees_an_entry_on_a_majority_replaced_as_in_figure_8() {
    // Figure 8 (a) to (d), www/scenarios/figure8.txt: the term-2 entry at
    // index 2 reaches S1, S2, S3, then S5 overwrites it.
    let figure = "drop next AppendEntries 1->3; drop next AppendEntries 1->4; drop next AppendEntries 1->5; timeout 1; \
                  run 60ms; crash 1; drop next AppendEntries 5->2; drop next AppendEntries 5->3; drop next AppendEntries 5->4; \
                  timeout 5; run 60ms; crash 5; restart 1; timeout 1; timeout 1; step 13; partition 1,3; run 100ms; \
                  crash 1; heal; restart 5; timeout 5; timeout 5; run until leader";
    let text = task("cluster 5 seed=1", "timeout 4\nrun until leader\nrun 100ms", "overwritten", figure);
    let report = check(&text, &parse_lesson(&text).unwrap());
    assert_eq!(report.failure, None);
    // Without the crash of S1 in (d), S1 leads on and nothing is overwritten.
    let safe = figure.replace("crash 1; heal; restart 5; timeout 5; timeout 5; run until leader", "heal; run 500ms");
    let text = task("cluster 5 seed=1", "timeout 4\nrun until leader\nrun 100ms", "overwritten", &safe);
    assert!(check(&text, &parse_lesson(&text).unwrap()).failure.is_some());
}

#[test]
fn a_lesion_shows_as_a_violation_a_goal_can_ask_for() {
    // Figure 8 with commit-current-term off: S1 commits the term-2 entry by
    // counting replicas, S5 overwrites it: Leader Completeness breaks.
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/scenarios/rule-commit-current-term-off.txt");
    let scenario = std::fs::read_to_string(path).unwrap();
    let scenario = crate::scenario::parse(&scenario).unwrap();
    let dos: Vec<String> = scenario
        .steps
        .iter()
        .take_while(|s| !matches!(s.command, crate::scenario::Command::ExpectViolation(_)))
        .filter(|s| !s.text.starts_with("expect") && !s.text.starts_with("show"))
        .map(|s| s.text.clone())
        .collect();
    let text = task(&scenario.cluster.to_string(), "", "violation leader-completeness", &dos.join("; "));
    let report = check(&text, &parse_lesson(&text).unwrap());
    assert_eq!(report.failure, None);
}
