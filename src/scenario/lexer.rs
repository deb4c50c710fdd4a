//! Words with their positions, and the value syntaxes shared by several
//! commands: numbers, durations, ranges and percentages.
//!
//! Everything here works on `&str` slices found by `char_indices`, never on
//! computed byte offsets, so no input can make it slice inside a character.
//!
//! The lexer is also where untrusted text is made safe: a scenario may come
//! from a shared file or link, and its words reach a terminal (the CLI
//! prints commands, errors and tables). Control characters (an escape
//! sequence, NUL) are rejected anywhere on a line, invisible characters
//! (U+200B, bidirectional overrides) anywhere outside a comment, each named
//! by its code point; and a word quoted in an error is cut to a readable
//! length with anything unprintable spelled out. Every scan is linear in the
//! length of the line.

use crate::scenario::ast::{Micros, ParseError, ALL_PPM, MAX_DURATION, MILLI, SECOND};
use crate::util::Msg;

pub const DURATION: Msg = Msg::new("parse.want.duration", "a duration like 300ms, 1.5s or 20us");
pub const RANGE: Msg = Msg::new("parse.want.range", "a range like 150..300ms");

/// What the parser wanted: one word, quoted (`'until'`).
pub fn quoted(word: &str) -> Msg {
    Msg::new("parse.want.word", "'{word}'").text("word", word)
}

/// Characters of a word quoted in an error message; a longer word is cut.
pub const SHOWN_WORD_CHARS: usize = 40;

/// The separators [`Cursor::split_rest`] cuts words at, longest first.
const SEPARATORS: [&str; 4] = ["<->", "->", ",", "|"];

/// The lines of a scenario: ended by `\n`, `\r\n`, or a lone `\r` (old Mac
/// files, and some editors' "CR" setting), so each reads as one line.
pub fn lines(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = Some(text);
    std::iter::from_fn(move || {
        let text = rest?;
        match text.find(['\n', '\r']) {
            Some(at) => {
                let skip = if text[at..].starts_with("\r\n") { 2 } else { 1 };
                rest = Some(&text[at + skip..]);
                Some(&text[..at])
            }
            None => {
                rest = None;
                Some(text)
            }
        }
    })
}

/// A control character other than a tab: C0 (NUL, ESC, ...), DEL and C1.
/// Line ends never reach here: [`lines`] has split at them.
fn is_control(c: char) -> bool {
    c.is_control() && c != '\t'
}

/// Characters that take no room on screen, so a word holding one looks
/// like another word: zero-width spaces and joiners, bidirectional marks
/// and overrides, soft hyphens, variation selectors, tags. (Rust's
/// `char::is_whitespace` already separates words at the visible spaces.)
pub fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}' | '\u{1160}' | '\u{17B4}' | '\u{17B5}'
        | '\u{180B}'..='\u{180F}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{206F}' | '\u{3164}' | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}' | '\u{FFA0}'
        | '\u{FFF0}'..='\u{FFFB}' | '\u{1D173}'..='\u{1D17A}' | '\u{E0000}'..='\u{E0FFF}')
}

/// A character's code point and, for the common ones, its name:
/// `U+200B (zero width space)`.
pub fn describe_char(c: char) -> String {
    let name = match c {
        '\0' => "null",
        '\u{7}' => "bell",
        '\u{8}' => "backspace",
        '\u{B}' => "vertical tab",
        '\u{C}' => "form feed",
        '\u{1B}' => "escape",
        '\u{7F}' => "delete",
        '\u{85}' => "next line",
        '\u{9B}' => "control sequence introducer",
        '\u{AD}' => "soft hyphen",
        '\u{200B}' => "zero width space",
        '\u{200C}' => "zero width non-joiner",
        '\u{200D}' => "zero width joiner",
        '\u{200E}' => "left-to-right mark",
        '\u{200F}' => "right-to-left mark",
        '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' => "bidirectional text control",
        '\u{2060}' => "word joiner",
        '\u{FEFF}' => "zero width no-break space",
        _ => "",
    };
    if name.is_empty() {
        format!("U+{:04X}", c as u32)
    } else {
        format!("U+{:04X} ({name})", c as u32)
    }
}

/// Text from a scenario as an error message may quote it: at most
/// `SHOWN_WORD_CHARS` characters (a longer word is cut, with its length
/// said), and control or invisible characters spelled `<U+001B>`, so that
/// nothing in a shared file can drive the terminal it is printed on.
pub fn shown(text: &str) -> String {
    let mut out = String::new();
    let mut count = 0usize;
    let mut chars = text.chars();
    for c in chars.by_ref() {
        count += 1;
        if count > SHOWN_WORD_CHARS {
            break;
        }
        if is_control(c) || c == '\t' || is_invisible(c) {
            out.push_str(&format!("<U+{:04X}>", c as u32));
        } else {
            out.push(c);
        }
    }
    if count > SHOWN_WORD_CHARS {
        let total = count + chars.count();
        out.push_str(&format!("… ({total} characters)"));
    }
    out
}

/// Counts the characters the lexer examines, in tests: the proof that
/// splitting is linear in the line length (see `split_rest`'s test), with
/// no clock involved.
#[cfg(test)]
pub(crate) mod work {
    use std::cell::Cell;
    thread_local!(static CHARS: Cell<usize> = const { Cell::new(0) });
    pub fn add(n: usize) {
        CHARS.with(|c| c.set(c.get() + n));
    }
    pub fn take() -> usize {
        CHARS.with(|c| c.replace(0))
    }
}
#[cfg(not(test))]
mod work {
    #[inline(always)]
    pub fn add(_: usize) {}
}

/// A word, or a piece of one, and the column of its first character.
#[derive(Clone, Copy, Debug)]
pub struct Word<'a> {
    pub text: &'a str,
    pub line: u32,
    pub col: u32,
}

impl<'a> Word<'a> {
    /// The part of this word starting at byte `start` (a char boundary).
    pub fn tail(&self, start: usize) -> Word<'a> {
        self.sub(start, self.text.len())
    }

    /// The part of this word in bytes `start..end` (char boundaries). Costs
    /// the characters before `start`: call it once per word, not per piece.
    pub fn sub(&self, start: usize, end: usize) -> Word<'a> {
        let skipped = self.text[..start].chars().count();
        work::add(skipped);
        Word { text: &self.text[start..end], line: self.line, col: add(self.col, skipped) }
    }

    pub fn error(&self, expected: Msg) -> ParseError {
        ParseError { line: self.line, column: self.col, word: shown(self.text), expected }
    }
}

fn add(col: u32, n: usize) -> u32 {
    col.saturating_add(u32::try_from(n).unwrap_or(u32::MAX))
}

/// Rejects a control character anywhere in `raw` (a line of any kind:
/// command, comment, expectation), naming it and its column.
pub fn check_controls(raw: &str, number: u32) -> Result<(), ParseError> {
    match raw.chars().enumerate().find(|&(_, c)| is_control(c)) {
        None => Ok(()),
        Some((i, c)) => Err(ParseError {
            line: number,
            column: add(1, i),
            word: shown(&c.to_string()),
            expected: Msg::new(
                "parse.want.noControl",
                "plain text: {char} is a control character, which a scenario may not contain (tabs are allowed)",
            )
            .text("char", describe_char(c)),
        }),
    }
}

/// Rejects an invisible character in `raw` (an expectation line, compared
/// with output that never holds one), naming it and its column.
pub fn check_invisible(raw: &str, number: u32) -> Result<(), ParseError> {
    match raw.chars().enumerate().find(|&(_, c)| is_invisible(c)) {
        None => Ok(()),
        Some((i, c)) => Err(ParseError {
            line: number,
            column: add(1, i),
            word: shown(&c.to_string()),
            expected: Msg::new("parse.want.noInvisible", "text without invisible characters: {char} cannot be seen")
                .text("char", describe_char(c)),
        }),
    }
}

/// One line of text, cut into words, without its comment.
pub struct Line<'a> {
    pub number: u32,
    pub words: Vec<Word<'a>>,
    /// The column just after the last word, where a missing word is reported.
    pub end_col: u32,
    /// From the first word to the end of the last one, as written.
    pub content: &'a str,
}

impl<'a> Line<'a> {
    /// Cuts `raw` (one line, without its line end) into words. Fails on a
    /// control character anywhere, or an invisible one outside the comment.
    pub fn new(raw: &'a str, number: u32) -> Result<Line<'a>, ParseError> {
        check_controls(raw, number)?;
        // (start byte, end byte, column) of each word.
        let mut spans: Vec<(usize, usize, u32)> = Vec::new();
        let mut col = 0u32;
        let mut start: Option<(usize, u32)> = None;
        let mut end_byte = raw.len();
        for (i, c) in raw.char_indices() {
            col = col.saturating_add(1);
            if c == '#' || c.is_whitespace() {
                if let Some((s, s_col)) = start.take() {
                    spans.push((s, i, s_col));
                }
                if c == '#' {
                    end_byte = i;
                    break;
                }
            } else {
                if start.is_none() {
                    start = Some((i, col));
                }
                if is_invisible(c) {
                    let (s, _) = start.expect("set just above");
                    let word = raw[s..].split(|c: char| c == '#' || c.is_whitespace()).next().unwrap_or("");
                    return Err(ParseError {
                        line: number,
                        column: col,
                        word: shown(&c.to_string()),
                        expected: Msg::new(
                            "parse.want.noInvisibleInWord",
                            "a word without invisible characters: {char} cannot be seen (in '{word}')",
                        )
                        .text("char", describe_char(c))
                        .text("word", shown(word)),
                    });
                }
            }
        }
        if let Some((s, s_col)) = start {
            spans.push((s, end_byte, s_col));
        }
        let words = spans.iter().map(|&(s, e, col)| Word { text: &raw[s..e], line: number, col }).collect();
        let (end_col, content) = match (spans.first(), spans.last()) {
            (Some(&(first, _, _)), Some(&(s, e, col))) => (add(col, raw[s..e].chars().count()), &raw[first..e]),
            _ => (1, ""),
        };
        Ok(Line { number, words, end_col, content })
    }

    pub fn missing(&self, expected: Msg) -> ParseError {
        ParseError { line: self.number, column: self.end_col, word: String::new(), expected }
    }
}

/// Walks the words of one line.
pub struct Cursor<'l, 'a> {
    line: &'l Line<'a>,
    words: Vec<Word<'a>>,
    pos: usize,
}

impl<'l, 'a> Cursor<'l, 'a> {
    pub fn new(line: &'l Line<'a>) -> Self {
        Cursor { line, words: line.words.clone(), pos: 0 }
    }

    pub fn peek(&self) -> Option<Word<'a>> {
        self.words.get(self.pos).copied()
    }

    pub fn next(&mut self) -> Option<Word<'a>> {
        let w = self.peek();
        if w.is_some() {
            self.pos += 1;
        }
        w
    }

    /// The line's last word, if any is left.
    pub fn last(&self) -> Option<Word<'a>> {
        (self.pos < self.words.len()).then(|| self.words[self.words.len() - 1])
    }

    /// How many words are left.
    pub fn remaining(&self) -> usize {
        self.words.len() - self.pos
    }

    /// The next word, or a "missing word" error.
    pub fn word(&mut self, expected: &Msg) -> Result<Word<'a>, ParseError> {
        self.next().ok_or_else(|| self.line.missing(expected.clone()))
    }

    /// Fails on the first word left over.
    pub fn end(&self, expected: &Msg) -> Result<(), ParseError> {
        match self.peek() {
            Some(w) => Err(w.error(expected.clone())),
            None => Ok(()),
        }
    }

    /// Splits the remaining words at `,`, `|`, `->` and `<->`, so that
    /// `1,2|3` and `1, 2 | 3` read the same, and puts the pieces in place
    /// of the words. One pass over each word, counting columns as it goes:
    /// linear in the length of the line, however many pieces it holds.
    pub fn split_rest(&mut self) {
        let mut pieces = Vec::new();
        for w in &self.words[self.pos..] {
            let text = w.text;
            let piece = |from: usize, to: usize, col: u32| Word { text: &text[from..to], line: w.line, col };
            // The piece being read starts at byte `start`, column `start_col`;
            // byte `i` is at column `col`.
            let (mut start, mut start_col) = (0, w.col);
            let (mut i, mut col) = (0, w.col);
            while i < text.len() {
                let rest = &text[i..];
                if let Some(sep) = SEPARATORS.into_iter().find(|s| rest.starts_with(s)) {
                    if start < i {
                        pieces.push(piece(start, i, start_col));
                    }
                    pieces.push(piece(i, i + sep.len(), col));
                    // Separators are ASCII: one column per byte.
                    i += sep.len();
                    col = add(col, sep.len());
                    (start, start_col) = (i, col);
                    work::add(sep.len());
                } else {
                    i += rest.chars().next().map_or(1, char::len_utf8);
                    col = add(col, 1);
                    work::add(1);
                }
            }
            if start < text.len() {
                pieces.push(piece(start, text.len(), start_col));
            }
        }
        self.words.truncate(self.pos);
        self.words.extend(pieces);
    }
}

/// Digits only: `+5`, `-1`, and `5.0` are not numbers here.
pub fn uint(s: &str) -> Option<u64> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

pub fn uint_word(w: &Word, expected: &Msg) -> Result<u64, ParseError> {
    uint(w.text).ok_or_else(|| w.error(expected.clone()))
}

enum Scaled {
    Malformed,
    TooFine,
    TooLarge,
}

/// A decimal `DIGITS[.DIGITS]` times `scale`, which must come out whole.
fn scaled(s: &str, scale: u128) -> Result<u128, Scaled> {
    let (int, frac) = match s.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (s, None),
    };
    let digits = |d: &str| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit());
    if !digits(int) || frac.is_some_and(|f| !digits(f)) {
        return Err(Scaled::Malformed);
    }
    // u128 holds 38 digits; the scale adds at most 6 and any accepted value
    // has far fewer, so longer inputs are rejected before they can overflow.
    let int = int.trim_start_matches('0');
    if int.len() > 30 {
        return Err(Scaled::TooLarge);
    }
    let whole: u128 = if int.is_empty() { 0 } else { int.parse().map_err(|_| Scaled::Malformed)? };
    let frac = frac.unwrap_or("").trim_end_matches('0');
    if frac.len() > 30 {
        return Err(Scaled::TooFine);
    }
    let mut part = 0u128;
    if !frac.is_empty() {
        let num: u128 = frac.parse().map_err(|_| Scaled::Malformed)?;
        let den = 10u128.pow(frac.len() as u32);
        if !(num * scale).is_multiple_of(den) {
            return Err(Scaled::TooFine);
        }
        part = num * scale / den;
    }
    Ok(whole * scale + part)
}

/// Splits off a unit; `us` and `ms` are tried before `s`, which ends both.
fn unit(s: &str) -> (&str, Option<u128>) {
    for (suffix, factor) in [("us", 1), ("ms", MILLI as u128), ("s", SECOND as u128)] {
        if let Some(num) = s.strip_suffix(suffix) {
            return (num, Some(factor));
        }
    }
    (s, None)
}

fn micros(num: &str, factor: u128, w: &Word) -> Result<Micros, ParseError> {
    match scaled(num, factor) {
        Ok(v) if v <= MAX_DURATION as u128 => Ok(v as Micros),
        Ok(_) | Err(Scaled::TooLarge) => {
            Err(w.error(Msg::new("parse.want.durationAtMost", "a duration of at most 7 days")))
        }
        Err(Scaled::TooFine) => Err(w.error(Msg::new("parse.want.wholeMicros", "a whole number of microseconds"))),
        Err(Scaled::Malformed) => Err(w.error(DURATION)),
    }
}

pub fn duration(w: &Word) -> Result<Micros, ParseError> {
    match unit(w.text) {
        (num, Some(factor)) => micros(num, factor, w),
        (_, None) => Err(w.error(DURATION)),
    }
}

/// `LOW..HIGH` where LOW without a unit takes HIGH's: `150..300ms`.
pub fn range(w: &Word) -> Result<(Micros, Micros), ParseError> {
    let Some((low, high)) = w.text.split_once("..") else {
        return Err(w.error(RANGE));
    };
    let (high_num, Some(high_unit)) = unit(high) else {
        return Err(w.error(RANGE));
    };
    let low = match unit(low) {
        (num, Some(factor)) => micros(num, factor, w)?,
        (num, None) => micros(num, high_unit, w)?,
    };
    let high = micros(high_num, high_unit, w)?;
    if low > high {
        return Err(w.error(Msg::new("parse.want.rangeOrder", "a range whose low end is not above its high end")));
    }
    Ok((low, high))
}

/// `5%`, `0.5%`, up to `100%` and to four decimals, in parts per million.
pub fn percent(w: &Word) -> Result<u32, ParseError> {
    const PERCENT: Msg = Msg::new("parse.want.percent", "a percentage like 5%, 0.5% or 100%");
    let Some(num) = w.text.strip_suffix('%') else {
        return Err(w.error(PERCENT));
    };
    match scaled(num, 10_000) {
        Ok(v) if v <= ALL_PPM as u128 => Ok(v as u32),
        Ok(_) | Err(Scaled::TooLarge) => {
            Err(w.error(Msg::new("parse.want.percentRange", "a percentage from 0% to 100%")))
        }
        Err(Scaled::TooFine) => {
            Err(w.error(Msg::new("parse.want.percentDecimals", "a percentage with at most 4 decimals")))
        }
        Err(Scaled::Malformed) => Err(w.error(PERCENT)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::parse;

    fn err(text: &str) -> String {
        match parse(text) {
            Ok(s) => panic!("{text:?} parsed: {s:?}"),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn splitting_is_linear_in_the_line_length() {
        // A megabyte of separators on one line, in every form the parser
        // splits: each is rejected, and the characters examined stay within
        // a small multiple of the line's length. Recounting columns from the
        // word's start for every piece (the quadratic way) would examine
        // about n²/2 of them: 5·10¹¹ here.
        let n = 1 << 20;
        for (head, unit) in [("partition ", ","), ("partition 1", "|"), ("cut 1", "->"), ("cut ", "<->")] {
            let line = format!("cluster 5\n{head}{}", unit.repeat(n / unit.len()));
            work::take();
            let e = err(&line);
            let work = work::take();
            assert!(e.starts_with("2:"), "{e}");
            assert!(
                work <= 4 * line.len(),
                "{head}{unit}...: {work} characters examined for a {} byte line",
                line.len()
            );
        }
    }

    #[test]
    fn pieces_keep_their_columns() {
        let mut words = Vec::new();
        let line = Line::new("partition 1,é2|3 ->4", 7).unwrap();
        let mut c = Cursor::new(&line);
        c.next();
        c.split_rest();
        while let Some(w) = c.next() {
            words.push((w.text, w.col));
        }
        assert_eq!(words, [("1", 11), (",", 12), ("é2", 13), ("|", 15), ("3", 16), ("->", 18), ("4", 20)]);
    }

    #[test]
    fn control_characters_are_rejected_by_code_point() {
        // A terminal escape sequence (ESC [ 2 J clears the screen) in a word,
        // in a comment and in an expectation block.
        assert_eq!(
            err("cluster 3\nput x \u{1b}[2J"),
            "2:7: unexpected '<U+001B>', expected plain text: U+001B (escape) is a control character, \
             which a scenario may not contain (tabs are allowed)"
        );
        assert!(err("cluster 3 # \u{1b}]0;title\u{7}").starts_with("1:13: unexpected '<U+001B>'"));
        assert!(err("cluster 3\nshow kv\n----\n\u{9b}31m").starts_with("4:1: unexpected '<U+009B>'"));
        assert!(err("cluster 3\nput x\u{0}y 1").contains("U+0000 (null)"));
        // Tabs separate words as spaces do.
        assert!(parse("cluster\t3\nput\tx\t1").is_ok());
    }

    #[test]
    fn invisible_characters_are_named() {
        let e = err("cluster 3\ncrash lead\u{200b}er");
        assert_eq!(
            e,
            "2:11: unexpected '<U+200B>', expected a word without invisible characters: \
             U+200B (zero width space) cannot be seen (in 'lead<U+200B>er')"
        );
        assert!(err("cluster 3\ncrash 1\u{202e}").contains("U+202E (bidirectional text control)"));
        assert!(err("cluster 3\nshow kv\n----\nx\u{200d}").contains("U+200D (zero width joiner)"));
        // A comment may hold them: it is never a word.
        assert!(parse("cluster 3 # 👩\u{200d}🏫 teacher's note").is_ok());
    }

    #[test]
    fn long_words_are_cut_in_errors() {
        let word = "x".repeat(1 << 20);
        let e = err(&format!("cluster 3\n{word}"));
        assert!(e.len() < 400, "{} bytes", e.len());
        assert!(
            e.starts_with(&format!("2:1: unexpected '{}… (1048576 characters)'", "x".repeat(SHOWN_WORD_CHARS))),
            "{e}"
        );
        assert_eq!(shown("short"), "short");
        assert_eq!(shown(&"é".repeat(SHOWN_WORD_CHARS)), "é".repeat(SHOWN_WORD_CHARS));
    }

    #[test]
    fn cr_only_line_ends_are_line_ends() {
        let s = parse("cluster 3\rrun until leader\rput x 1\r\rexpect value x 1\r").unwrap();
        assert_eq!(s.steps.len(), 3);
        assert_eq!(s.steps[2].line, 5);
        assert_eq!(lines("a\r\nb\rc\n\nd").collect::<Vec<_>>(), ["a", "b", "c", "", "d"]);
        assert_eq!(lines("").collect::<Vec<_>>(), [""]);
        assert_eq!(lines("a\n").collect::<Vec<_>>(), ["a", ""]);
        assert!(err("cluster 3\rclustre").starts_with("2:1:"));
    }
}
