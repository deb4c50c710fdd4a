//! The lesson library, `www/lessons/*.txt` (docs/lessons.md): every lesson
//! parses, plays its scripted path to the end with its expectation blocks
//! (what `raftlab check` does in `./build.sh test` too), has every text in
//! Korean as well as English, asks the learner something, and is listed in
//! the page's order (`LESSONS` in www/lab-lesson.js) exactly once.

use std::path::Path;

use raftlab::scenario::lesson::{Lesson, TaskKind, Wait};
use raftlab::scenario::lesson_parse::{is_lesson, parse_lesson};
use raftlab::view::lesson::check;

fn lessons() -> Vec<(String, String, Lesson)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("www/lessons");
    let mut out = Vec::new();
    for entry in std::fs::read_dir(&dir).expect("www/lessons") {
        let path = entry.expect("an entry").path();
        if path.extension().is_some_and(|e| e == "txt") {
            let name = path.file_stem().and_then(|s| s.to_str()).expect("a name").to_string();
            let text = std::fs::read_to_string(&path).expect("readable");
            let lesson =
                parse_lesson(&text).unwrap_or_else(|e| panic!("{}", e.with_file(&format!("www/lessons/{name}.txt"))));
            out.push((name, text, lesson));
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

#[test]
fn every_lesson_plays_its_scripted_path_to_the_end() {
    let all = lessons();
    assert!(all.len() >= 12, "{} lessons", all.len());
    for (name, text, lesson) in &all {
        assert!(is_lesson(text), "{name}");
        let report = check(text, lesson);
        assert!(report.passed(), "{name}: {:?} {:?}", report.failure, report.mismatches);
        assert_eq!(report.stages, lesson.stages.len(), "{name}");
    }
}

#[test]
fn every_text_of_every_lesson_is_in_korean_too() {
    for (name, _, lesson) in lessons() {
        assert_eq!(
            lesson.untranslated("ko"),
            [],
            "www/lessons/{name}.txt: texts without a [ko] line (line, directive)"
        );
        assert!(!lesson.about.lines.is_empty(), "{name} has an about line for the list");
    }
}

#[test]
fn the_lessons_ask_and_the_library_uses_every_form() {
    let (mut predicts, mut acts, mut goals, mut pauses) = (0, 0, 0, 0);
    for (name, _, lesson) in lessons() {
        let mut asks = 0;
        for stage in &lesson.stages {
            match &stage.wait {
                Wait::Pause => pauses += 1,
                Wait::Predict(_) => {
                    predicts += 1;
                    asks += 1;
                }
                Wait::Task(task) if task.kind == TaskKind::Act => {
                    acts += 1;
                    asks += 1;
                }
                Wait::Task(_) => {
                    goals += 1;
                    asks += 1;
                }
                Wait::End => {}
            }
        }
        assert!(asks >= 2, "{name} asks the learner {asks} times");
    }
    assert!(predicts >= 12 && acts >= 10 && goals >= 5 && pauses >= 10, "{predicts} {acts} {goals} {pauses}");
}

#[test]
fn the_page_lists_every_lesson_once_in_order() {
    let js = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/www/lab-lesson.js")).expect("lab-lesson.js");
    let start = js.find("export const LESSONS = [").expect("LESSONS");
    let list = &js[start..start + js[start..].find("];").expect("end of LESSONS")];
    let listed: Vec<&str> = list.split('\'').skip(1).step_by(2).collect();
    let mut sorted: Vec<&str> = listed.clone();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(sorted.len(), listed.len(), "a lesson listed twice: {listed:?}");
    let files: Vec<String> = lessons().into_iter().map(|(name, _, _)| name).collect();
    assert_eq!(sorted, files, "LESSONS in www/lab-lesson.js and the files of www/lessons/");
}
