//! A lesson played on a [`Session`]: the page's lessons and `raftlab
//! check`'s headless run are this one state machine (docs/lessons.md).
//!
//! Each stage plays its script through the session's player, then waits:
//! - at `pause` and `predict` the world stands still (the player holds it),
//!   so what happens after Continue or the right answer is exactly what the
//!   lesson's author saw;
//! - at `act` and `goal` the world runs live and the learner acts; after
//!   every event (and every action) the task's predicate is judged, and the
//!   stage is done at the first event after which it holds. "Show me" plays
//!   the task's `do` commands;
//! - at the end the world runs on, every control free.
//!
//! The scripted path (Continue, the first right answer, "show me" and the
//! wait for the predicate) is what [`check`] plays and what opening a lesson
//! at a later step replays up to that step, so a link to a step reopens the
//! same state.

use serde::Serialize;

use crate::scenario::check::Mismatch;
use crate::scenario::lesson::{Choice, Hint, Lesson, Stage, Task, TaskKind, Text, Wait};
use crate::scenario::runner::Failure;
use crate::scenario::Step;
use crate::sim::{fmt_time, Micros, SECOND};

use super::lesson_predicate::Tracker;
use super::player::Advance;
use super::session::Session;

/// How far one call of the scripted path may run a script at a time.
const SCRIPT_SLICE: Micros = 3600 * SECOND;
/// Events one call of the scripted path may process at most, in all.
const SCRIPTED_MAX_EVENTS: u64 = 50_000_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    /// The stage's script is playing.
    Script,
    /// The script has played; the stage waits.
    Waiting,
    /// A command of the script failed: the run goes on live, and the lesson
    /// can only be reopened.
    Failed,
}

pub struct LessonPlayer {
    lesson: Lesson,
    stage: usize,
    phase: Phase,
    tracker: Option<Tracker>,
    /// Per choice of a `predict`, whether it was tried.
    tried: Vec<bool>,
    /// The last answer's feedback: (stage, choice), shown until the next wait.
    feedback: Option<(usize, usize)>,
    /// "Show me" is playing the task's commands.
    showing: bool,
    show_failure: Option<String>,
    failure: Option<Failure>,
    /// The last stage whose task the learner (or "show me") completed.
    solved: Option<usize>,
    /// Outputs of the current player already compared.
    harvested: usize,
    blocks: usize,
    mismatches: Vec<(Step, Vec<String>)>,
}

/// What `raftlab check` reports of a lesson.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LessonReport {
    pub stages: usize,
    pub blocks: usize,
    pub mismatches: Vec<Mismatch>,
    pub failure: Option<Failure>,
    /// The file with every executed block replaced by the actual output.
    pub rewritten: String,
}

impl LessonReport {
    pub fn passed(&self) -> bool {
        self.mismatches.is_empty() && self.failure.is_none()
    }
}

/// The lesson's state for the page (`lessonState()`).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LessonView<'a> {
    /// 1-based, of `steps`.
    pub step: usize,
    pub steps: usize,
    /// `script`, `pause`, `predict`, `act`, `goal`, `end` or `failed`.
    pub kind: &'static str,
    pub narration: Option<&'a Text>,
    pub hints: &'a [Hint],
    pub choices: Vec<ChoiceView<'a>>,
    pub feedback: Option<FeedbackView<'a>>,
    pub showing: bool,
    /// The step whose task was just completed (1-based), until the next wait.
    pub solved: Option<usize>,
    pub show_failure: Option<&'a str>,
    pub failure: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ChoiceView<'a> {
    pub text: &'a Text,
    pub tried: bool,
    /// Known once tried.
    pub correct: Option<bool>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FeedbackView<'a> {
    pub choice: usize,
    pub correct: bool,
    pub text: &'a Text,
}

impl LessonPlayer {
    /// A session at the start of `lesson`'s step `step` (1-based), reached
    /// by the scripted path, and the player waiting to play that step.
    pub fn open(lesson: Lesson, step: usize) -> Result<(Session, LessonPlayer), String> {
        let steps = lesson.stages.len();
        if step == 0 || step > steps {
            return Err(format!("the lesson has steps 1 to {steps}, not {step}"));
        }
        let mut session = Session::live(lesson.cluster.clone())?;
        let mut player = LessonPlayer {
            lesson,
            stage: 0,
            phase: Phase::Script,
            tracker: None,
            tried: Vec::new(),
            feedback: None,
            showing: false,
            show_failure: None,
            failure: None,
            solved: None,
            harvested: 0,
            blocks: 0,
            mismatches: Vec::new(),
        };
        player.begin(&mut session, 0);
        if let Err(failure) = player.scripted(&mut session, step - 1) {
            return Err(format!("cannot open step {step}: line {}: {}", failure.line, failure.message));
        }
        player.feedback = None;
        player.solved = None;
        Ok((session, player))
    }

    pub fn lesson(&self) -> &Lesson {
        &self.lesson
    }

    fn current(&self) -> &Stage {
        &self.lesson.stages[self.stage]
    }

    fn task(&self) -> Option<&Task> {
        match &self.current().wait {
            Wait::Task(task) if self.phase == Phase::Waiting => Some(task),
            _ => None,
        }
    }

    /// Plays `steps` next, first comparing the outputs of what played before.
    fn play(&mut self, session: &mut Session, steps: Vec<Step>, hold: bool) {
        self.harvest(session);
        session.play(steps, hold).unwrap_or_else(|e| unreachable!("the running world's options are valid: {e}"));
        self.harvested = 0;
    }

    /// Compares the expectation blocks of the steps played so far.
    fn harvest(&mut self, session: &Session) {
        let player = session.player();
        for out in &player.output()[self.harvested..] {
            let step = &player.scenario().steps[out.step];
            if let Some(expected) = &step.expected {
                self.blocks += 1;
                if expected.lines != out.lines {
                    self.mismatches.push((step.clone(), out.lines.clone()));
                }
            }
        }
        self.harvested = player.output().len();
    }

    /// Starts stage `i`: its script plays, the world held still at its end.
    fn begin(&mut self, session: &mut Session, i: usize) {
        // The last answer's feedback and a task's success stay shown while
        // the next stage plays and waits.
        self.feedback = self.feedback.filter(|(stage, _)| stage + 1 == i);
        self.solved = self.solved.filter(|stage| stage + 1 == i);
        self.stage = i;
        self.phase = Phase::Script;
        self.tracker = None;
        self.tried.clear();
        self.showing = false;
        self.show_failure = None;
        let script = self.lesson.stages[i].script.clone();
        self.play(session, script, true);
        self.settle(session);
    }

    /// After the player moved: the script's end starts the wait.
    fn settle(&mut self, session: &mut Session) {
        if self.phase != Phase::Script || !session.player().is_done() {
            return;
        }
        self.harvest(session);
        if let Some(f) = session.player().failure() {
            self.failure = Some(f.clone());
            self.phase = Phase::Failed;
            return;
        }
        self.phase = Phase::Waiting;
        match &self.lesson.stages[self.stage].wait {
            Wait::Pause | Wait::Predict(_) => {}
            Wait::Task(_) => {
                self.play(session, Vec::new(), false);
                self.tracker = Some(Tracker::new(session.world()));
            }
            Wait::End => self.play(session, Vec::new(), false),
        }
    }

    /// Judges the task after the world's last event; moves on when it holds.
    fn judge(&mut self, session: &mut Session) -> Result<bool, String> {
        if !session.timeline().at_end() {
            return Ok(false);
        }
        let Some(mut tracker) = self.tracker.take() else { return Ok(false) };
        tracker.observe(session.world());
        let holds = match self.task() {
            Some(task) => tracker.holds(&task.predicate, session.world()),
            None => Ok(false),
        };
        self.tracker = Some(tracker);
        let holds = holds?;
        if self.showing && session.player().is_done() {
            self.show_done(session);
        }
        if holds {
            self.harvest(session);
            self.solved = Some(self.stage);
            self.begin(session, self.stage + 1);
        }
        Ok(holds)
    }

    fn show_done(&mut self, session: &Session) {
        self.showing = false;
        self.show_failure = session.player().failure().map(|f| f.to_string());
    }

    /// Advances virtual time by `us` at most `max_events` events, as the page's
    /// frames do: the script plays, a task's predicate is judged after every
    /// event, a pause or question holds the world still.
    pub fn advance(&mut self, session: &mut Session, us: Micros, max_events: u64) -> Advance {
        let target = session.world().now().saturating_add(us);
        let mut events = 0;
        loop {
            let remaining = target.saturating_sub(session.world().now());
            let left = max_events - events;
            if self.phase == Phase::Script {
                let a = session.advance(remaining, left);
                events += a.events;
                self.settle(session);
                if self.phase == Phase::Waiting && events < max_events && a.capped {
                    continue;
                }
                return Advance { events, capped: a.capped };
            }
            if self.task().is_none() {
                let a = session.advance(remaining, left);
                return Advance { events: events + a.events, capped: a.capped };
            }
            // A task: one event at a time, judged after each.
            if left == 0 {
                return Advance { events, capped: true };
            }
            let a = session.advance(remaining, 1);
            events += a.events;
            if a.events > 0 {
                match self.judge(session) {
                    Ok(true) => continue,
                    Ok(false) => {}
                    Err(e) => {
                        self.show_failure = Some(e);
                        return Advance { events, capped: true };
                    }
                }
            }
            if self.showing && session.player().is_done() {
                self.show_done(session);
            }
            if !a.capped || a.events == 0 {
                return Advance { events, capped: a.capped };
            }
        }
    }

    /// One event (a script command that acts counts as one); `None` when
    /// nothing happens (the world is held still at a pause or a question).
    pub fn step(&mut self, session: &mut Session) -> Option<String> {
        let event = session.step_forward();
        if event.is_some() {
            self.settle(session);
            if self.task().is_some() {
                if let Err(e) = self.judge(session) {
                    self.show_failure = Some(e);
                }
            }
        }
        event
    }

    /// Whether the learner may act now: in a task, at the end, or after a
    /// failure; never while the script plays or the world waits for
    /// Continue or an answer.
    pub fn may_act(&self, session: &Session) -> bool {
        let free = match self.phase {
            Phase::Failed => true,
            Phase::Script => false,
            Phase::Waiting => matches!(self.current().wait, Wait::Task(_) | Wait::End),
        };
        free && session.timeline().at_end()
    }

    /// After a user action: it may have completed the task.
    pub fn acted(&mut self, session: &mut Session) {
        if let Err(e) = self.judge(session) {
            self.show_failure = Some(e);
        }
    }

    /// Continue, at a pause.
    pub fn go_on(&mut self, session: &mut Session) -> Result<(), String> {
        match (&self.current().wait, self.phase) {
            (Wait::Pause, Phase::Waiting) => {
                self.begin(session, self.stage + 1);
                Ok(())
            }
            _ => Err("the lesson is not waiting for Continue".into()),
        }
    }

    /// Picks choice `i` of a question: returns whether it is right. A right
    /// answer moves the lesson on; its feedback stays shown meanwhile.
    pub fn answer(&mut self, session: &mut Session, i: usize) -> Result<bool, String> {
        let Wait::Predict(choices) = &self.current().wait else {
            return Err("the lesson is not asking a question".into());
        };
        if self.phase != Phase::Waiting {
            return Err("the lesson is not asking a question yet".into());
        }
        let choice =
            choices.get(i).ok_or_else(|| format!("the question has choices 0 to {}, not {i}", choices.len() - 1))?;
        let correct = choice.correct;
        self.tried.resize(choices.len(), false);
        self.tried[i] = true;
        self.feedback = Some((self.stage, i));
        if correct {
            self.begin(session, self.stage + 1);
        }
        Ok(correct)
    }

    /// "Show me": plays the task's `do` commands (the world goes on live
    /// after them until the predicate holds).
    pub fn show_me(&mut self, session: &mut Session) -> Result<(), String> {
        let Some(task) = self.task() else { return Err("the lesson is not asking you to act".into()) };
        if self.showing {
            return Ok(());
        }
        if !session.timeline().at_end() {
            return Err("go to the end of the run first".into());
        }
        let show = task.show.clone();
        self.play(session, show, false);
        self.showing = true;
        self.show_failure = None;
        Ok(())
    }

    /// Plays the scripted path up to the start of stage `until` (or the end):
    /// every script, Continue, the first right answer, "show me" and the wait
    /// for each task's predicate.
    fn scripted(&mut self, session: &mut Session, until: usize) -> Result<(), Failure> {
        let mut budget = SCRIPTED_MAX_EVENTS;
        while self.stage < until {
            while self.phase == Phase::Script {
                let before = (session.world().event_count(), session.world().now());
                let a = session.advance(SCRIPT_SLICE, budget);
                budget -= a.events;
                self.settle(session);
                let moved = (session.world().event_count(), session.world().now()) != before;
                if self.phase == Phase::Script && (!moved || budget == 0) {
                    return Err(self.stuck(session));
                }
            }
            let stage = self.current().clone();
            match (&stage.wait, self.phase) {
                (_, Phase::Failed) => return Err(self.failure.clone().expect("a failed script has its failure")),
                (Wait::Pause, _) => self.go_on(session).map_err(|m| self.failed(&stage, m))?,
                (Wait::Predict(choices), _) => {
                    let right = choices.iter().position(|c: &Choice| c.correct).expect("the parser wants an answer");
                    self.answer(session, right).map_err(|m| self.failed(&stage, m))?;
                }
                (Wait::Task(task), _) => self.solve(session, &stage, task, &mut budget)?,
                (Wait::End, _) => break,
            }
        }
        Ok(())
    }

    /// The scripted path through a task: "show me", then the world runs
    /// until the predicate holds, at most `within` after the show's end.
    fn solve(&mut self, session: &mut Session, stage: &Stage, task: &Task, budget: &mut u64) -> Result<(), Failure> {
        self.show_me(session).map_err(|m| self.failed(stage, m))?;
        let mut deadline = None;
        let start = self.stage;
        while self.stage == start {
            if deadline.is_none() && session.player().is_done() {
                if let Some(f) = session.player().failure() {
                    return Err(f.clone());
                }
                deadline = Some(session.world().now().saturating_add(task.within));
            }
            let now = session.world().now();
            let remaining = deadline.map_or(SCRIPT_SLICE, |d| d.saturating_sub(now));
            if remaining == 0 || *budget == 0 {
                let word = if task.kind == TaskKind::Act { "act" } else { "goal" };
                let message = format!(
                    "'{}' did not hold within {} after the actions of its 'do' lines",
                    task.predicate,
                    fmt_time(task.within)
                );
                return Err(Failure { line: stage.line, command: format!("{word} {}", task.predicate), message });
            }
            let a = session.advance(remaining, 1);
            *budget = budget.saturating_sub(a.events);
            if a.events > 0 {
                self.judge(session).map_err(|m| self.failed(stage, m))?;
            } else if session.world().now() == now && !session.player().is_done() {
                // Nothing happens and nothing is due: it never will hold.
                deadline = Some(now);
            }
        }
        Ok(())
    }

    fn failed(&self, stage: &Stage, message: String) -> Failure {
        let command = match &stage.wait {
            Wait::Task(task) => task.to_string(),
            Wait::Pause => "pause".into(),
            Wait::Predict(_) => "predict".into(),
            Wait::End => "end".into(),
        };
        Failure { line: stage.line, command, message }
    }

    fn stuck(&self, session: &Session) -> Failure {
        let player = session.player();
        let step = player.current().or_else(|| player.scenario().steps.last());
        let message = match session.halt() {
            Some(over) => over.to_string(),
            None => "the script makes no progress".to_string(),
        };
        Failure {
            line: step.map_or(self.current().line, |s| s.line),
            command: step.map_or_else(String::new, |s| s.text.clone()),
            message,
        }
    }

    /// The state the page shows.
    pub fn view(&self, session: &Session) -> LessonView<'_> {
        let stage = self.current();
        let kind = match (self.phase, &stage.wait) {
            (Phase::Failed, _) => "failed",
            (Phase::Script, _) => "script",
            (Phase::Waiting, Wait::Pause) => "pause",
            (Phase::Waiting, Wait::Predict(_)) => "predict",
            (Phase::Waiting, Wait::Task(t)) if t.kind == TaskKind::Act => "act",
            (Phase::Waiting, Wait::Task(_)) => "goal",
            (Phase::Waiting, Wait::End) => "end",
        };
        let narration = match self.phase {
            Phase::Script => {
                let i = session.player().step_index();
                stage.narration.get(i).copied().unwrap_or(stage.waiting_narration)
            }
            _ => stage.waiting_narration,
        };
        let choices = match (&stage.wait, self.phase) {
            (Wait::Predict(choices), Phase::Waiting) => choices
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    let tried = self.tried.get(i).copied().unwrap_or(false);
                    ChoiceView { text: &c.text, tried, correct: tried.then_some(c.correct) }
                })
                .collect(),
            _ => Vec::new(),
        };
        let feedback = self.feedback.and_then(|(s, i)| match &self.lesson.stages[s].wait {
            Wait::Predict(choices) => choices
                .get(i)
                .filter(|c| !c.feedback.lines.is_empty() || c.correct)
                .map(|c| FeedbackView { choice: i, correct: c.correct, text: &c.feedback }),
            _ => None,
        });
        LessonView {
            step: self.stage + 1,
            steps: self.lesson.stages.len(),
            kind,
            narration: narration.map(|i| &self.lesson.narrations[i]),
            hints: match (&stage.wait, self.phase) {
                (Wait::Task(task), Phase::Waiting) => &task.hints,
                _ => &[],
            },
            choices,
            feedback,
            showing: self.showing,
            solved: self.solved.map(|s| s + 1),
            show_failure: self.show_failure.as_deref(),
            failure: self.failure.as_ref().map(|f| f.to_string()),
        }
    }

    /// The current step, 1-based.
    pub fn step_number(&self) -> usize {
        self.stage + 1
    }
}

/// Plays `lesson`'s scripted path from its start to its end and compares
/// its expectation blocks: what `raftlab check` does with a lesson file.
/// `text` is the file, for the rewritten copy.
pub fn check(text: &str, lesson: &Lesson) -> LessonReport {
    let stages = lesson.stages.len();
    let (mut session, mut player) = match LessonPlayer::open(lesson.clone(), 1) {
        Ok(x) => x,
        Err(message) => {
            let failure = Failure { line: lesson.cluster_line, command: "cluster".into(), message };
            return LessonReport {
                stages,
                blocks: 0,
                mismatches: Vec::new(),
                failure: Some(failure),
                rewritten: text.into(),
            };
        }
    };
    let failure = player.scripted(&mut session, stages).err();
    player.harvest(&session);
    let mut lines: Vec<String> = crate::scenario::parse::lines(text).map(str::to_string).collect();
    let ends_with_newline = text.ends_with(['\n', '\r']);
    if ends_with_newline {
        lines.pop();
    }
    let mut found: Vec<&(Step, Vec<String>)> = player.mismatches.iter().collect();
    // Unstable is enough: each step has a line of its own.
    found.sort_unstable_by_key(|(s, _)| std::cmp::Reverse(s.line));
    for (step, actual) in &found {
        let expected = step.expected.as_ref().expect("a compared step has a block");
        let start = expected.separator_line as usize;
        let end = (start + expected.lines.len()).min(lines.len());
        lines.splice(start..end, actual.iter().cloned());
    }
    let mut rewritten = lines.join("\n");
    if ends_with_newline {
        rewritten.push('\n');
    }
    let mismatches = player
        .mismatches
        .iter()
        .map(|(step, actual)| Mismatch {
            line: step.line,
            command: step.text.clone(),
            expected: step.expected.as_ref().map(|e| e.lines.clone()).unwrap_or_default(),
            actual: actual.clone(),
        })
        .collect();
    LessonReport { stages, blocks: player.blocks, mismatches, failure, rewritten }
}

#[cfg(test)]
#[path = "lesson_tests.rs"]
mod tests;
