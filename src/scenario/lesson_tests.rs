use super::*;
use crate::scenario::lesson::{Count, NodeNumber, NodeState, TaskKind};
use crate::scenario::Command;

const LESSON: &str = "\
# The file's description: a comment.
title Leader crash
title[ko] 리더 다운
about A leader crashes.
about[ko] 리더가 다운됩니다.
cluster 5 seed=7

say Five servers elect a leader.
say[ko] 서버 5대가 리더를 선출합니다.
say
say A second paragraph # with a hash
run until leader
say Now a write.
put x 1
pause

say Crash the leader.
say[ko] 리더를 다운시키세요.
act leader crashed within 2s
hint after 10s Select the leader and press Crash.
hint[ko] 리더를 선택하고 다운을 누르세요.
hint Still stuck? Press c.
do crash leader

say Which server wins?
predict
choice The crashed one
choice[ko] 다운된 서버
feedback No: it is crashed.
feedback[ko] 아닙니다.
answer Another one
answer[ko] 다른 서버
run until leader within 2s
goal leaders >= 2 and not node 1 crashed or overwritten
do partition leader
say Done.
";

fn err(text: &str) -> String {
    match parse_lesson(text) {
        Ok(l) => panic!("{text:?} parsed: {l:?}"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn a_lesson_is_cut_into_stages_at_its_waits() {
    assert!(is_lesson(LESSON));
    assert!(!is_lesson("cluster 3\nrun until leader\nshow nodes\n"));
    let l = parse_lesson(LESSON).unwrap();
    assert_eq!(l.title.in_lang(None), "Leader crash");
    assert_eq!(l.title.in_lang(Some("ko")), "리더 다운");
    assert_eq!(l.about.in_lang(Some("fr")), "A leader crashes.");
    assert_eq!(l.cluster.nodes, 5);
    assert_eq!(l.cluster_line, 6);
    assert_eq!(l.stages.len(), 5);
    let [pause, act, predict, goal, end] = &l.stages[..] else { unreachable!() };
    // Narration: the say block in force at each command, paragraphs kept,
    // a '#' in a text is text.
    assert_eq!(pause.script.len(), 2);
    let first = &l.narrations[pause.narration[0].unwrap()];
    assert_eq!(
        first.lines.iter().map(|t| t.text.as_str()).collect::<Vec<_>>(),
        ["Five servers elect a leader.", "서버 5대가 리더를 선출합니다.", "", "A second paragraph # with a hash"]
    );
    assert_eq!(l.narrations[pause.narration[1].unwrap()].in_lang(None), "Now a write.");
    assert_eq!(pause.wait, Wait::Pause);
    assert_eq!(pause.line, 15);
    // The task, its hints (default delay for the second) and its scripted action.
    let Wait::Task(task) = &act.wait else { panic!("{:?}", act.wait) };
    assert!(act.script.is_empty());
    assert_eq!(task.kind, TaskKind::Act);
    assert_eq!(task.within, 2 * crate::scenario::ast::SECOND);
    assert_eq!(task.predicate.to_string(), "leader crashed");
    assert_eq!(task.hints.len(), 2);
    assert_eq!(task.hints[0].after_ms, 10_000);
    assert_eq!(task.hints[0].text.in_lang(Some("ko")), "리더를 선택하고 다운을 누르세요.");
    assert_eq!(task.hints[1].after_ms, DEFAULT_HINT_AFTER_MS);
    assert_eq!(task.show.len(), 1);
    assert_eq!((task.show[0].line, task.show[0].column, task.show[0].text.as_str()), (23, 4, "crash leader"));
    let Wait::Predict(choices) = &predict.wait else { panic!() };
    assert_eq!(choices.len(), 2);
    assert!(!choices[0].correct && choices[1].correct);
    assert_eq!(choices[0].feedback.in_lang(Some("ko")), "아닙니다.");
    assert!(choices[1].feedback.lines.is_empty());
    assert_eq!(l.narrations[predict.waiting_narration.unwrap()].in_lang(None), "Which server wins?");
    // The goal's script is what comes after the question.
    assert_eq!(goal.script.len(), 1);
    assert!(matches!(goal.script[0].command, Command::RunUntilLeader { .. }));
    let Wait::Task(task) = &goal.wait else { panic!() };
    assert_eq!(task.kind, TaskKind::Goal);
    assert_eq!(task.predicate.any.len(), 2);
    assert_eq!(task.predicate.any[0][0].test, Test::Count(Count::Leaders, Cmp::Ge, Value::Number(2)));
    assert!(task.predicate.any[0][1].not);
    assert_eq!(task.predicate.any[0][1].test, Test::Node(Subject::Node(1), NodeState::Crashed));
    assert_eq!(task.predicate.to_string(), "leaders >= 2 and not node 1 crashed or overwritten");
    assert_eq!(end.wait, Wait::End);
    assert_eq!(l.narrations[end.waiting_narration.unwrap()].in_lang(None), "Done.");
    // Every text has its Korean line but the English-only ones.
    assert_eq!(l.untranslated("ko"), [(13, "say"), (22, "hint"), (25, "say"), (36, "say")]);
}

#[test]
fn every_atom_of_the_predicate_language_parses_back_to_its_text() {
    for text in [
        "node 3 leader",
        "node 2 follower",
        "node 2 candidate",
        "leader crashed",
        "node 1 up",
        "leader isolated",
        "node 3 term >= 4",
        "leader commit = 2",
        "node 5 log > 3",
        "node 5 applied <= 3",
        "leader uncommitted >= 1",
        "leaders >= 2",
        "candidates != 0",
        "crashed >= 2",
        "up < quorum",
        "term > 3",
        "commit >= 2",
        "side < quorum",
        "no leader",
        "new leader",
        "partitioned",
        "violation",
        "violation leader-completeness",
        "split vote",
        "overwritten",
        "write committed and crashed >= 2",
        "redirect",
        "retry",
        "reason vote.refused.log_behind or reason commit.held_back",
    ] {
        let lesson = parse_lesson(&format!("title T\ncluster 5\nact {text}\ndo crash 1\n"))
            .unwrap_or_else(|e| panic!("{text}: {e}"));
        let Wait::Task(task) = &lesson.stages[0].wait else { panic!() };
        assert_eq!(task.predicate.to_string(), text);
    }
    let lesson = parse_lesson("title T\ncluster 5\nact node 2 term >= 3\ndo timeout 2\n").unwrap();
    let Wait::Task(task) = &lesson.stages[0].wait else { panic!() };
    assert_eq!(
        task.predicate.any[0][0].test,
        Test::NodeNumber(Subject::Node(2), NodeNumber::Term, Cmp::Ge, Value::Number(3))
    );
}

#[test]
fn errors_name_the_line_the_column_and_what_was_expected() {
    let cases: &[(&str, &str)] = &[
        ("cluster 3\n", "1:1: missing word, expected 'title TEXT' as the first line of a lesson"),
        ("title T\n", "1:1: missing word, expected 'cluster N' or 'kubernetes ...' as the first command"),
        ("cluster 3\ntitle T\n", "2:1: unexpected 'title', expected 'title' before the cluster line"),
        ("title[ko] T\ncluster 3\n", "1:1: unexpected 'title[ko]', expected 'title' before its translations"),
        ("title T\ntitle U\ncluster 3\n", "2:1: unexpected 'title', expected one 'title' line (and one per language)"),
        ("title\ncluster 3\n", "1:6: missing word, expected the text of 'title'"),
        ("title T\nsay[x] a\ncluster 3\n", "2:1: unexpected 'say[x]', expected 'say' or 'say[LANG]' with a language tag like [ko]"),
        ("title T\ncluster 3\npause[ko]\n", "3:1: unexpected 'pause[ko]', expected 'pause' without a language tag: only texts have translations"),
        ("title T\ncluster 3\nsay[ko] x\n", "3:1: unexpected 'say[ko]', expected 'say[ko]' right after the 'say' lines it translates"),
        ("title T\ncluster 3\n  sya hello\n", "3:3: unexpected 'sya', expected a lesson directive (title, about, say, pause, predict, choice, answer, feedback, act, goal, hint, do), or one of: run"),
        ("title T\ncluster 3\npause now\n", "3:7: unexpected 'now', expected end of line"),
        ("title T\ncluster 3\nact leader crashd\ndo crash 1\n", "3:12: unexpected 'crashd', expected a state (follower"),
        ("title T\ncluster 3\nact node 4 leader\ndo crash 1\n", "3:10: unexpected '4', expected a node id 1..3"),
        ("title T\ncluster 3\nact leaders >=2\ndo crash 1\n", "3:13: unexpected '>=2', expected a comparison"),
        ("title T\ncluster 3\nact leaders >= two\ndo crash 1\n", "3:16: unexpected 'two', expected a whole number or 'quorum'"),
        ("title T\ncluster 3\nact leaders >= 2 and\ndo crash 1\n", "3:21: missing word, expected a condition"),
        ("title T\ncluster 3\nact no leaders\ndo crash 1\n", "3:8: unexpected 'leaders', expected 'leader'"),
        ("title T\ncluster 3\nact leaders >= 2 within soon\ndo crash 1\n", "3:25: unexpected 'soon', expected a duration"),
        ("title T\ncluster 3\nact leaders >= 2 then\ndo crash 1\n", "3:18: unexpected 'then', expected 'and', 'or', 'within DURATION' or end of line"),
        ("title T\ncluster 3\nact reason vot.x\ndo crash 1\n", "3:12: unexpected 'vot.x', expected a reason key"),
        ("title T\ncluster 3\nact leader crashed\nsay hi\n", "3:1: unexpected 'act', expected 'do' lines after it"),
        ("title T\ncluster 3\nact leader crashed\n", "3:1: unexpected 'act', expected 'do' lines after it"),
        ("title T\ncluster 3\nact leader crashed\ndo\n", "4:3: missing word, expected a command after 'do'"),
        ("title T\ncluster 3\nact leader crashed\ndo crash 7\n", "4:10: unexpected '7', expected a node id 1..3 or 'leader'"),
        ("title T\ncluster 3\ndo crash 1\n", "3:1: unexpected 'do', expected 'do' right after an 'act' or 'goal' line"),
        ("title T\ncluster 3\nhint after 5s hi\n", "3:1: unexpected 'hint', expected 'hint' right after an 'act' or 'goal' line"),
        ("title T\ncluster 3\nact up < 3\nhint after 5x x\ndo crash 1\n", "4:12: unexpected '5x', expected a duration"),
        ("title T\ncluster 3\nact up < 3\nhint after 5s\ndo crash 1\n", "4:14: missing word, expected the text of the hint after its delay"),
        ("title T\ncluster 3\nact up < 3\nhint[ko] x\ndo crash 1\n", "4:1: unexpected 'hint[ko]', expected 'hint[ko]' after the 'hint' line it translates"),
        ("title T\ncluster 3\npredict\nanswer a\n", "3:1: unexpected 'predict', expected at least two 'choice' or 'answer' lines after it, one an 'answer'"),
        ("title T\ncluster 3\npredict\nchoice a\nchoice b\npause\n", "3:1: unexpected 'predict', expected at least two"),
        ("title T\ncluster 3\npredict\nchoice a\nanswer[ko] b\n", "5:1: unexpected 'answer[ko]', expected 'answer[ko]' after the 'answer' line it translates"),
        ("title T\ncluster 3\npredict\nchoice a\nfeedback x\nfeedback y\n", "6:1: unexpected 'feedback', expected one 'feedback' line"),
        ("title T\ncluster 3\nchoice a\n", "3:1: unexpected 'choice', expected 'choice' right after a 'predict' line"),
        ("title T\ncluster 3\nsay \u{1b}[2J\n", "3:5: unexpected '<U+001B>', expected plain text"),
    ];
    for (text, expected) in cases {
        let e = err(text);
        assert!(e.starts_with(expected), "{text:?}\n  gave: {e}\n  want: {expected}");
    }
}

#[test]
fn a_do_line_is_a_command_in_its_own_columns() {
    // Errors inside a `do` command keep the columns of the file.
    let e = err("title T\ncluster 3\nact up < 3\n   do partition 1 | 1\n");
    assert!(e.starts_with("4:21: unexpected '1', expected a node not already listed"), "{e}");
}
