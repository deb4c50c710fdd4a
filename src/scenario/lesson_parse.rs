//! The parser of lessons (docs/lessons.md): a scenario with lesson
//! directives, one a line, with `FILE:LINE:COLUMN` errors like a scenario.
//!
//! The scenario part is read by the scenario parser itself: the directive
//! lines are blanked (a `do COMMAND` line keeps its command, in place, so
//! its columns stay), the result is parsed as a scenario, and its steps are
//! then put back between the directives by line number.

use super::ast::{ParseError, Step};
use super::lesson::{
    Atom, Choice, Cmp, Hint, Lesson, Predicate, Stage, Subject, Task, TaskKind, Test, Text, TextLine, Value, Wait,
    COUNTS, DEFAULT_HINT_AFTER_MS, DEFAULT_TASK_WITHIN, NODE_NUMBERS, NODE_STATES,
};
use super::parse::lexer::{self, check_controls, duration, uint, Cursor, Line, Word};
use crate::check::Invariant;
use crate::util::Msg;

/// Directives whose rest of the line is text, and which take a `[lang]` twin.
const TEXTS: [&str; 7] = ["title", "about", "say", "hint", "choice", "answer", "feedback"];
/// The other directives.
const MARKS: [&str; 5] = ["pause", "predict", "act", "goal", "do"];
const DIRECTIVES: Msg = Msg::new(
    "parse.want.directive",
    "a lesson directive (title, about, say, pause, predict, choice, answer, feedback, act, goal, hint, do)",
);
const ATOM: Msg = Msg::new(
    "parse.want.condition",
    "a condition: node N ..., leader ..., leaders, candidates, crashed, up, term, commit, side, \
                    no leader, new leader, partitioned, violation, split vote, overwritten, write committed, \
                    redirect, retry or reason KEY",
);
const CMP: Msg = Msg::new("parse.want.comparison", "a comparison: =, !=, <, <=, >, >=");
/// The first word of every reason key (docs/why.md).
const REASON_FAMILIES: [&str; 6] = ["role", "vote", "append", "log", "commit", "restart"];

/// Whether `text` is a lesson rather than a plain scenario: some line
/// starts with a lesson directive (no scenario command has their names).
pub fn is_lesson(text: &str) -> bool {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    lexer::lines(text).any(|l| {
        let first = l.split_whitespace().next().unwrap_or("");
        let bare = first.split_once('[').map_or(first, |(bare, _)| bare);
        TEXTS.contains(&bare) || MARKS.contains(&bare)
    })
}

/// A directive line, cut into its word and the rest.
struct Directive<'a> {
    line: u32,
    raw: &'a str,
    name: &'static str,
    lang: Option<String>,
    word: Word<'a>,
    /// The rest of the line after the word, without leading whitespace.
    rest: &'a str,
    rest_col: u32,
}

fn col(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX).saturating_add(1)
}

/// Reads `raw` as a directive line, if its first word is one.
fn directive(raw: &str, line: u32) -> Result<Option<Directive<'_>>, ParseError> {
    let trimmed = raw.trim_start();
    if trimmed.is_empty() || trimmed.starts_with('#') {
        return Ok(None);
    }
    let indent = raw.chars().count() - trimmed.chars().count();
    let end = trimmed.find(char::is_whitespace).unwrap_or(trimmed.len());
    let first = &trimmed[..end];
    let (bare, tag) = match first.split_once('[') {
        Some((bare, tag)) => (bare, Some(tag)),
        None => (first, None),
    };
    let Some(&name) = TEXTS.iter().chain(MARKS.iter()).find(|&&d| d == bare) else {
        return Ok(None);
    };
    check_controls(raw, line)?;
    let word = Word { text: first, line, col: col(indent) };
    let lang = match tag {
        None => None,
        Some(_) if !TEXTS.contains(&name) => {
            return Err(word.error(
                Msg::new("parse.want.noLangTag", "'{name}' without a language tag: only texts have translations")
                    .text("name", name),
            ))
        }
        Some(tag) => match tag.strip_suffix(']') {
            Some(l) if (2..=8).contains(&l.len()) && l.chars().all(|c| c.is_ascii_alphabetic() || c == '-') => {
                Some(l.to_ascii_lowercase())
            }
            _ => {
                return Err(word.error(
                    Msg::new("parse.want.langTag", "'{name}' or '{name}[LANG]' with a language tag like [ko]")
                        .text("name", name),
                ))
            }
        },
    };
    let after = &trimmed[end..];
    let rest = after.trim_start();
    let rest_col = col(indent + first.chars().count() + (after.chars().count() - rest.chars().count()));
    Ok(Some(Directive { line, raw, name, lang, word, rest, rest_col }))
}

/// Parses a lesson, stopping at the first error.
pub fn parse_lesson(text: &str) -> Result<Lesson, ParseError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let raw: Vec<&str> = lexer::lines(text).collect();
    // In line order, as are the scenario's steps: the two are merged below.
    let mut directives = Vec::new();
    let mut masked = Vec::with_capacity(raw.len());
    for (i, line) in raw.iter().enumerate() {
        let number = u32::try_from(i + 1).unwrap_or(u32::MAX);
        match directive(line, number)? {
            None => masked.push(line.to_string()),
            Some(d) => {
                if d.name == "do" {
                    if d.rest.is_empty() {
                        return Err(Line::new(d.raw, number)?.missing(Msg::new(
                            "parse.want.commandAfterDo",
                            "a command after 'do', like 'crash leader'",
                        )));
                    }
                    // The command stays where it was written, so its columns do.
                    let indent = d.word.col as usize - 1;
                    let tail = &d.raw[d.raw.len() - d.raw.trim_start().len() + d.word.text.len()..];
                    masked.push(format!("{}{tail}", " ".repeat(indent + d.word.text.chars().count())));
                } else {
                    masked.push(String::new());
                }
                directives.push(d);
            }
        }
    }
    let scenario = super::parse::parse(&masked.join("\n")).map_err(|mut e| {
        if e.expected.key == "parse.want.command" {
            let command = std::mem::replace(&mut e.expected, DIRECTIVES);
            e.expected = Msg::new("parse.want.directiveOrCommand", "{directive}, or {command}")
                .msg("directive", DIRECTIVES)
                .msg("command", command);
        }
        e
    })?;
    let mut builder = Builder::new(scenario.cluster.nodes, scenario.cluster_line);
    let mut steps = scenario.steps.into_iter().peekable();
    for d in &directives {
        while let Some(step) = steps.next_if(|s| s.line < d.line) {
            builder.step(step)?;
        }
        if d.name == "do" {
            let step = steps.next().expect("a do line holds a command");
            builder.show(d, step)?;
        } else {
            builder.directive(d)?;
        }
    }
    for step in steps {
        builder.step(step)?;
    }
    builder.finish(scenario.cluster, u32::try_from(raw.len()).unwrap_or(u32::MAX))
}

/// The interaction waiting for its attachments (hints, show, choices).
struct Open {
    stage: Stage,
    word: (u32, u32),
}

struct Builder {
    nodes: u8,
    cluster_line: u32,
    title: Option<Text>,
    about: Option<Text>,
    narrations: Vec<Text>,
    current: Option<usize>,
    /// The last item read was a `say` line: its block goes on.
    in_say: bool,
    stages: Vec<Stage>,
    script: Vec<Step>,
    narration: Vec<Option<usize>>,
    open: Option<Open>,
}

fn error_at(line: u32, column: u32, word: &str, expected: Msg) -> ParseError {
    ParseError { line, column, word: lexer::shown(word), expected }
}

impl Builder {
    fn new(nodes: u8, cluster_line: u32) -> Builder {
        Builder {
            nodes,
            cluster_line,
            title: None,
            about: None,
            narrations: Vec::new(),
            current: None,
            in_say: false,
            stages: Vec::new(),
            script: Vec::new(),
            narration: Vec::new(),
            open: None,
        }
    }

    fn step(&mut self, step: Step) -> Result<(), ParseError> {
        self.close()?;
        self.in_say = false;
        self.script.push(step);
        self.narration.push(self.current);
        Ok(())
    }

    fn show(&mut self, d: &Directive, step: Step) -> Result<(), ParseError> {
        self.in_say = false;
        match self.open.as_mut().map(|o| &mut o.stage.wait) {
            Some(Wait::Task(task)) => {
                task.show.push(step);
                Ok(())
            }
            _ => Err(d
                .word
                .error(Msg::new("parse.want.doAfterTask", "'do' right after an 'act' or 'goal' line (and its hints)"))),
        }
    }

    fn directive(&mut self, d: &Directive) -> Result<(), ParseError> {
        let is_say = d.name == "say";
        let result = match (d.name, &d.lang) {
            ("title" | "about", _) => self.header(d),
            ("say", None) => {
                self.close()?;
                if !self.in_say {
                    self.narrations.push(Text { line: d.line, lines: Vec::new() });
                    self.current = Some(self.narrations.len() - 1);
                }
                self.push_say(d);
                Ok(())
            }
            ("say", Some(_)) if self.in_say => {
                self.push_say(d);
                Ok(())
            }
            ("say", Some(lang)) => Err(d.word.error(
                Msg::new("parse.want.sayTwin", "'say[{lang}]' right after the 'say' lines it translates")
                    .text("lang", lang.as_str()),
            )),
            ("pause" | "predict" | "act" | "goal", _) => self.wait(d),
            _ => self.attachment(d),
        };
        self.in_say = is_say && result.is_ok();
        result
    }

    fn push_say(&mut self, d: &Directive) {
        let i = self.current.expect("a say block is open");
        self.narrations[i].lines.push(TextLine { lang: d.lang.clone(), text: d.rest.trim_end().to_string() });
    }

    /// `title`, `about` and their twins, before the cluster line.
    fn header(&mut self, d: &Directive) -> Result<(), ParseError> {
        if d.line > self.cluster_line {
            return Err(d
                .word
                .error(Msg::new("parse.want.beforeCluster", "'{name}' before the cluster line").text("name", d.name)));
        }
        let text = required_text(d)?;
        let slot = if d.name == "title" { &mut self.title } else { &mut self.about };
        match (slot.as_mut(), &d.lang) {
            (None, None) => *slot = Some(Text { line: d.line, lines: vec![text] }),
            (Some(t), Some(lang)) if !t.has(Some(lang)) => t.lines.push(text),
            (None, Some(_)) => {
                return Err(d.word.error(
                    Msg::new("parse.want.beforeTranslations", "'{name}' before its translations").text("name", d.name),
                ))
            }
            (Some(_), _) => {
                return Err(d.word.error(
                    Msg::new("parse.want.oneLine", "one '{name}' line (and one per language)")
                        .text("name", d.word.text),
                ))
            }
        }
        Ok(())
    }

    /// `pause`, `predict`, `act PREDICATE`, `goal PREDICATE`: the end of a stage.
    fn wait(&mut self, d: &Directive) -> Result<(), ParseError> {
        self.close()?;
        if d.line < self.cluster_line {
            return Err(d
                .word
                .error(Msg::new("parse.want.afterCluster", "'{name}' after the cluster line").text("name", d.name)));
        }
        let line = Line::new(d.raw, d.line)?;
        let mut c = Cursor::new(&line);
        c.next();
        let wait = match d.name {
            "pause" => Wait::Pause,
            "predict" => Wait::Predict(Vec::new()),
            _ => {
                let predicate = predicate(&mut c, self.nodes)?;
                let within = match c.next() {
                    Some(w) if w.text == "within" => duration(&c.word(&lexer::DURATION)?)?,
                    Some(w) => {
                        return Err(w.error(Msg::new(
                            "parse.want.andOrWithin",
                            "'and', 'or', 'within DURATION' or end of line",
                        )))
                    }
                    None => DEFAULT_TASK_WITHIN,
                };
                let kind = if d.name == "act" { TaskKind::Act } else { TaskKind::Goal };
                Wait::Task(Task { kind, predicate, within, hints: Vec::new(), show: Vec::new() })
            }
        };
        c.end(&Msg::new("parse.want.endOfLine", "end of line"))?;
        let stage = Stage {
            line: d.line,
            script: std::mem::take(&mut self.script),
            narration: std::mem::take(&mut self.narration),
            waiting_narration: self.current,
            wait,
        };
        self.open = Some(Open { stage, word: (d.line, d.word.col) });
        Ok(())
    }

    /// `hint`, `choice`, `answer`, `feedback` and their twins: they belong to
    /// the `act`, `goal` or `predict` right above them.
    fn attachment(&mut self, d: &Directive) -> Result<(), ParseError> {
        let misplaced = || {
            d.word.error(
                match d.name {
                    "hint" => Msg::new(
                        "parse.want.afterTask",
                        "'{name}' right after an 'act' or 'goal' line (and its other lines)",
                    ),
                    _ => Msg::new(
                        "parse.want.afterPredict",
                        "'{name}' right after a 'predict' line (and its other lines)",
                    ),
                }
                .text("name", d.name),
            )
        };
        let Some(open) = self.open.as_mut() else { return Err(misplaced()) };
        let text = required_text_or_hint(d)?;
        match (&mut open.stage.wait, d.name, &d.lang) {
            (Wait::Task(task), "hint", None) => {
                let (after_ms, text) = text;
                task.hints.push(Hint { after_ms, text: Text { line: d.line, lines: vec![text] } });
            }
            (Wait::Task(task), "hint", Some(lang)) => {
                let twin = || {
                    d.word.error(
                        Msg::new("parse.want.twinAfter", "'{name}[{lang}]' after the '{name}' line it translates")
                            .text("name", d.name)
                            .text("lang", lang.as_str()),
                    )
                };
                let hint = task.hints.last_mut().ok_or_else(twin)?;
                if hint.text.has(Some(lang)) {
                    return Err(twin());
                }
                hint.text.lines.push(text.1);
            }
            (Wait::Predict(choices), "choice" | "answer", None) => {
                let text = Text { line: d.line, lines: vec![text.1] };
                choices.push(Choice { text, correct: d.name == "answer", feedback: Text::default() });
            }
            (Wait::Predict(choices), "choice" | "answer", Some(lang)) => {
                let last = choices.last_mut().filter(|c| c.correct == (d.name == "answer") && !c.text.has(Some(lang)));
                let last = last.ok_or_else(|| {
                    d.word.error(
                        Msg::new("parse.want.twinAfter", "'{name}[{lang}]' after the '{name}' line it translates")
                            .text("name", d.name)
                            .text("lang", lang.as_str()),
                    )
                })?;
                last.text.lines.push(text.1);
            }
            (Wait::Predict(choices), "feedback", lang) => {
                let last = choices.last_mut().filter(|c| !c.feedback.has(lang.as_deref()));
                let last = last.ok_or_else(|| {
                    d.word.error(Msg::new(
                        "parse.want.feedbackOnce",
                        "one 'feedback' line (and one per language) after each 'choice' or 'answer'",
                    ))
                })?;
                if lang.is_some() && !last.feedback.has(None) {
                    return Err(d
                        .word
                        .error(Msg::new("parse.want.feedbackFirst", "'feedback' before its translations")));
                }
                if last.feedback.lines.is_empty() {
                    last.feedback.line = d.line;
                }
                last.feedback.lines.push(text.1);
            }
            _ => return Err(misplaced()),
        }
        Ok(())
    }

    /// Ends the interaction that was taking attachments, checking it is whole.
    fn close(&mut self) -> Result<(), ParseError> {
        let Some(Open { stage, word: (line, column) }) = self.open.take() else { return Ok(()) };
        match &stage.wait {
            Wait::Task(task) if task.show.is_empty() => {
                let word = if task.kind == TaskKind::Act { "act" } else { "goal" };
                return Err(error_at(
                    line,
                    column,
                    word,
                    Msg::new(
                        "parse.want.doLines",
                        "'do' lines after it: the actions \"show me\" performs, which raftlab check plays",
                    ),
                ));
            }
            Wait::Predict(choices) if choices.len() < 2 || !choices.iter().any(|c| c.correct) => {
                return Err(error_at(
                    line,
                    column,
                    "predict",
                    Msg::new("parse.want.choices", "at least two 'choice' or 'answer' lines after it, one an 'answer'"),
                ));
            }
            _ => {}
        }
        self.stages.push(stage);
        Ok(())
    }

    fn finish(mut self, cluster: super::ast::ClusterSpec, last_line: u32) -> Result<Lesson, ParseError> {
        self.close()?;
        let title = self.title.ok_or_else(|| {
            error_at(1, 1, "", Msg::new("parse.want.title", "'title TEXT' as the first line of a lesson"))
        })?;
        self.stages.push(Stage {
            line: last_line,
            script: self.script,
            narration: self.narration,
            waiting_narration: self.current,
            wait: Wait::End,
        });
        Ok(Lesson {
            title,
            about: self.about.unwrap_or_default(),
            cluster,
            cluster_line: self.cluster_line,
            narrations: self.narrations,
            stages: self.stages,
        })
    }
}

fn required_text(d: &Directive) -> Result<TextLine, ParseError> {
    let text = d.rest.trim_end();
    if text.is_empty() {
        let expected = Msg::new("parse.want.textOf", "the text of '{name}'").text("name", d.word.text);
        return Err(error_at(d.line, d.rest_col, "", expected));
    }
    Ok(TextLine { lang: d.lang.clone(), text: text.to_string() })
}

/// The text of an attachment; for a `hint`, also its `after D`.
fn required_text_or_hint(d: &Directive) -> Result<(u64, TextLine), ParseError> {
    if d.name != "hint" || d.lang.is_some() || !d.rest.starts_with("after") {
        return Ok((DEFAULT_HINT_AFTER_MS, required_text(d)?));
    }
    let line = Line::new(d.raw, d.line)?;
    let words = &line.words;
    if words.get(1).is_none_or(|w| w.text != "after") {
        return Ok((DEFAULT_HINT_AFTER_MS, required_text(d)?));
    }
    let when = words.get(2).ok_or_else(|| line.missing(lexer::DURATION))?;
    let after_ms = duration(when)? / 1_000;
    // The text starts after the duration word, as written (it may hold '#').
    let skip =
        d.raw.char_indices().nth(when.col as usize - 1 + when.text.chars().count()).map_or(d.raw.len(), |(i, _)| i);
    let tail = &d.raw[skip..];
    let text = tail.trim();
    let rest_col =
        when.col + when.text.chars().count() as u32 + (tail.chars().count() - tail.trim_start().chars().count()) as u32;
    if text.is_empty() {
        return Err(error_at(
            d.line,
            rest_col,
            "",
            Msg::new("parse.want.hintText", "the text of the hint after its delay"),
        ));
    }
    Ok((after_ms, TextLine { lang: None, text: text.to_string() }))
}

// ---------- predicates ----------

/// `ATOM [and ATOM ...] [or ...]`, up to `within` or the end of the line.
pub(crate) fn predicate(c: &mut Cursor, nodes: u8) -> Result<Predicate, ParseError> {
    let mut any = vec![vec![atom(c, nodes)?]];
    loop {
        match c.peek().map(|w| w.text) {
            Some("and") => {
                c.next();
                any.last_mut().expect("one clause at least").push(atom(c, nodes)?);
            }
            Some("or") => {
                c.next();
                any.push(vec![atom(c, nodes)?]);
            }
            _ => return Ok(Predicate { any }),
        }
    }
}

fn atom(c: &mut Cursor, nodes: u8) -> Result<Atom, ParseError> {
    let mut w = c.word(&ATOM)?;
    let not = w.text == "not";
    if not {
        w = c.word(&ATOM)?;
    }
    let test = match w.text {
        "node" => {
            let ids = if nodes == 1 { "1".to_string() } else { format!("1..{nodes}") };
            let expected = Msg::new("parse.want.nodeId", "a node id {ids}").text("ids", ids);
            let id = c.word(&expected)?;
            match uint(id.text) {
                Some(n) if n >= 1 && n <= u64::from(nodes) => node_test(c, Subject::Node(n as u8))?,
                _ => return Err(id.error(expected)),
            }
        }
        "leader" => node_test(c, Subject::StepLeader)?,
        "no" => {
            then(c, "leader")?;
            Test::NoLeader
        }
        "new" => {
            then(c, "leader")?;
            Test::NewLeader
        }
        "split" => {
            then(c, "vote")?;
            Test::SplitVote
        }
        "write" => {
            then(c, "committed")?;
            Test::WriteCommitted
        }
        "partitioned" => Test::Partitioned,
        "overwritten" => Test::Overwritten,
        "redirect" => Test::Redirect,
        "retry" => Test::Retry,
        "violation" => match c.peek().and_then(|p| Invariant::from_word(p.text)) {
            Some(invariant) => {
                c.next();
                Test::Violation(Some(invariant))
            }
            None => Test::Violation(None),
        },
        "reason" => {
            const KEY: Msg =
                Msg::new("parse.want.reasonKey", "a reason key of docs/why.md, like vote.refused.log_behind");
            let key = c.word(&KEY)?;
            let mut parts = key.text.split('.');
            let family_ok = parts.next().is_some_and(|f| REASON_FAMILIES.contains(&f));
            let shape_ok =
                key.text.split('.').all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'));
            if !family_ok || !shape_ok {
                return Err(key.error(KEY));
            }
            Test::Reason(key.text.to_string())
        }
        word => match COUNTS.iter().find(|(name, _)| *name == word) {
            Some(&(_, count)) => {
                let (cmp, value) = comparison(c)?;
                Test::Count(count, cmp, value)
            }
            None => return Err(w.error(ATOM)),
        },
    };
    Ok(Atom { not, test })
}

/// The word `word`, which must come next.
fn then(c: &mut Cursor, word: &str) -> Result<(), ParseError> {
    let next = c.word(&lexer::quoted(word))?;
    if next.text == word {
        Ok(())
    } else {
        Err(next.error(lexer::quoted(word)))
    }
}

/// What follows `node N` or `leader`: a state, or a number and a comparison.
fn node_test(c: &mut Cursor, subject: Subject) -> Result<Test, ParseError> {
    const WHAT: Msg = Msg::new(
        "parse.want.stateOrNumber",
        "a state (follower, candidate, leader, crashed, up, isolated) or a number \
                        (term, commit, log, applied, uncommitted) and a comparison",
    );
    let w = c.word(&WHAT)?;
    if let Some(&(_, state)) = NODE_STATES.iter().find(|(name, _)| *name == w.text) {
        return Ok(Test::Node(subject, state));
    }
    match NODE_NUMBERS.iter().find(|(name, _)| *name == w.text) {
        Some(&(_, number)) => {
            let (cmp, value) = comparison(c)?;
            Ok(Test::NodeNumber(subject, number, cmp, value))
        }
        None => Err(w.error(WHAT)),
    }
}

fn comparison(c: &mut Cursor) -> Result<(Cmp, Value), ParseError> {
    let w = c.word(&CMP)?;
    let cmp = Cmp::ALL.iter().find(|(s, _)| *s == w.text).map(|&(_, cmp)| cmp).ok_or_else(|| w.error(CMP))?;
    const VALUE: Msg = Msg::new("parse.want.numberOrQuorum", "a whole number or 'quorum'");
    let v = c.word(&VALUE)?;
    let value = match v.text {
        "quorum" => Value::Quorum,
        text => Value::Number(uint(text).ok_or_else(|| v.error(VALUE))?),
    };
    Ok((cmp, value))
}

#[cfg(test)]
#[path = "lesson_tests.rs"]
mod tests;
