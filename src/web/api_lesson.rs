//! The lessons' half of the `RaftLab` API (docs/lessons.md): a cluster that
//! plays a lesson, its state for the lesson panel, and the learner's answers.
//! The lesson itself, its stages and its predicates are `view::lesson`'s.

use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::scenario::lesson::Lesson;
use crate::scenario::lesson_parse::parse_lesson;
use crate::view::lesson::LessonPlayer;

use super::api::{err, msg_error, to_js, Js, RaftLab};
use super::args::{arg, range_error};

/// What `lessonState()` returns, for the .d.ts.
#[wasm_bindgen(typescript_custom_section)]
const LESSON_STATE: &str = "export type LessonText = {lang: string | null, text: string}[];
export type LessonState = {step: number, steps: number, kind: 'script' | 'pause' | 'predict' | 'act' | 'goal' | 'end' | 'failed',
narration: LessonText | null, hints: {afterMs: number, text: LessonText}[], choices: {text: LessonText, tried: boolean, correct: boolean | null}[],
feedback: {choice: number, correct: boolean, text: LessonText} | null, showing: boolean, solved: number | null,
showFailure: string | null, failure: string | null};";

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct LessonInfo<'a> {
    title: &'a crate::scenario::lesson::Text,
    about: &'a crate::scenario::lesson::Text,
    steps: usize,
}

/// Parses a lesson; an error reads `FILE:LINE:COLUMN: ...`.
fn parse(text: &str, file: &str) -> Js<Lesson> {
    parse_lesson(text).map_err(|e| msg_error(&if file.is_empty() { e.msg() } else { e.msg_with_file(file) }))
}

/// The error an action gets while the lesson plays by itself: an `Error`
/// with the catalogue key of its text in `key`, for the page's language.
pub(super) fn not_your_turn() -> JsValue {
    let e = js_sys::Error::new("the lesson plays this step by itself: act when it asks you to");
    // Setting a property on a fresh Error cannot fail.
    let _ = js_sys::Reflect::set(&e, &"key".into(), &"lesson.notYourTurn".into());
    e.into()
}

#[wasm_bindgen]
impl RaftLab {
    /// A cluster that plays `text`, a lesson (docs/lessons.md), from its step
    /// `step` (1-based, default 1): the steps before it are played by their
    /// scripted path (Continue, the right answers, "show me"), so a link to
    /// a step reopens the same state. `file` names the lesson in errors,
    /// which read `FILE:LINE:COLUMN: ...`.
    #[wasm_bindgen(js_name = fromLesson)]
    pub fn from_lesson(
        #[wasm_bindgen(unchecked_param_type = "string")] text: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string | undefined")] file: JsValue,
        #[wasm_bindgen(unchecked_param_type = "number | undefined")] step: JsValue,
    ) -> Js<RaftLab> {
        let text = arg!("RaftLab.fromLesson", text).string()?;
        let file = arg!("RaftLab.fromLesson", file).optional_string()?.unwrap_or_default();
        let lesson = parse(&text, &file)?;
        let steps = lesson.stages.len();
        let step = match arg!("RaftLab.fromLesson", step).optional_number()? {
            None => 1,
            Some(s) if s.fract() == 0.0 && s >= 1.0 && s <= steps as f64 => s as usize,
            Some(_) => {
                return Err(range_error(&format!(
                    "RaftLab.fromLesson: 'step' must be a whole number from 1 to {steps}"
                )))
            }
        };
        let (session, player) = LessonPlayer::open(lesson, step).map_err(err)?;
        let mut lab = RaftLab::with(session);
        lab.lesson = Some(player);
        Ok(lab)
    }

    /// `{title, about, steps}` of a lesson (texts as `{lang, text}` lines);
    /// throws `FILE:LINE:COLUMN: ...` when it is malformed.
    #[wasm_bindgen(js_name = lessonInfo, unchecked_return_type = "{title: LessonText, about: LessonText, steps: number}")]
    pub fn lesson_info(
        #[wasm_bindgen(unchecked_param_type = "string")] text: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string | undefined")] file: JsValue,
    ) -> Js<JsValue> {
        let text = arg!("RaftLab.lessonInfo", text).string()?;
        let file = arg!("RaftLab.lessonInfo", file).optional_string()?.unwrap_or_default();
        let lesson = parse(&text, &file)?;
        to_js(&LessonInfo { title: &lesson.title, about: &lesson.about, steps: lesson.stages.len() })
    }

    /// The lesson's state for its panel, or `null` when this cluster plays
    /// no lesson.
    #[wasm_bindgen(js_name = lessonState, unchecked_return_type = "LessonState | null")]
    pub fn lesson_state(&self) -> Js<JsValue> {
        match &self.lesson {
            Some(lesson) => to_js(&lesson.view(&self.session)),
            None => Ok(JsValue::NULL),
        }
    }

    /// Continue, at a pause; throws when the lesson is not waiting for it.
    #[wasm_bindgen(js_name = lessonContinue)]
    pub fn lesson_continue(&mut self) -> Js<()> {
        let lesson = self.lesson.as_mut().ok_or_else(|| err("lessonContinue: this cluster plays no lesson"))?;
        Ok(lesson.go_on(&mut self.session).map_err(err)?)
    }

    /// Answers the question with choice `choice` (0-based): returns whether
    /// it is right. A right answer moves the lesson on.
    #[wasm_bindgen(js_name = lessonAnswer)]
    pub fn lesson_answer(&mut self, #[wasm_bindgen(unchecked_param_type = "number")] choice: JsValue) -> Js<bool> {
        let choice = arg!("lessonAnswer", choice).whole(0.0, 99.0, "a choice's number")? as usize;
        let lesson = self.lesson.as_mut().ok_or_else(|| err("lessonAnswer: this cluster plays no lesson"))?;
        Ok(lesson.answer(&mut self.session, choice).map_err(err)?)
    }

    /// "Show me": performs the actions of the task's `do` lines.
    #[wasm_bindgen(js_name = lessonShowMe)]
    pub fn lesson_show_me(&mut self) -> Js<()> {
        let lesson = self.lesson.as_mut().ok_or_else(|| err("lessonShowMe: this cluster plays no lesson"))?;
        Ok(lesson.show_me(&mut self.session).map_err(err)?)
    }
}
