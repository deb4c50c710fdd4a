//! Words with their positions, and the value syntaxes shared by several
//! commands: numbers, durations, ranges and percentages.
//!
//! Everything here works on `&str` slices found by `char_indices`, never on
//! computed byte offsets, so no input can make it slice inside a character.

use crate::scenario::ast::{Micros, ParseError, ALL_PPM, MAX_DURATION, MILLI, SECOND};

pub const DURATION: &str = "a duration like 300ms, 1.5s or 20us";
pub const RANGE: &str = "a range like 150..300ms";

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

    /// The part of this word in bytes `start..end` (char boundaries).
    pub fn sub(&self, start: usize, end: usize) -> Word<'a> {
        let skipped = self.text[..start].chars().count();
        Word { text: &self.text[start..end], line: self.line, col: add(self.col, skipped) }
    }

    pub fn error(&self, expected: impl Into<String>) -> ParseError {
        ParseError { line: self.line, column: self.col, word: self.text.to_string(), expected: expected.into() }
    }
}

fn add(col: u32, n: usize) -> u32 {
    col.saturating_add(u32::try_from(n).unwrap_or(u32::MAX))
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
    pub fn new(raw: &'a str, number: u32) -> Line<'a> {
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
            } else if start.is_none() {
                start = Some((i, col));
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
        Line { number, words, end_col, content }
    }

    pub fn missing(&self, expected: impl Into<String>) -> ParseError {
        ParseError { line: self.number, column: self.end_col, word: String::new(), expected: expected.into() }
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

    /// How many words are left.
    pub fn remaining(&self) -> usize {
        self.words.len() - self.pos
    }

    /// The next word, or a "missing word" error.
    pub fn word(&mut self, expected: &str) -> Result<Word<'a>, ParseError> {
        self.next().ok_or_else(|| self.line.missing(expected))
    }

    /// Fails on the first word left over.
    pub fn end(&self, expected: &str) -> Result<(), ParseError> {
        match self.peek() {
            Some(w) => Err(w.error(expected)),
            None => Ok(()),
        }
    }

    /// Splits the remaining words at `,`, `|`, `->` and `<->`, so that
    /// `1,2|3` and `1, 2 | 3` read the same, and puts the pieces in place
    /// of the words.
    pub fn split_rest(&mut self) {
        let mut pieces = Vec::new();
        for w in &self.words[self.pos..] {
            let mut start = 0;
            let mut rest = w.text;
            while !rest.is_empty() {
                let sep = ["<->", "->", ",", "|"].into_iter().find(|s| rest.starts_with(s));
                if let Some(sep) = sep {
                    let here = w.text.len() - rest.len();
                    if start < here {
                        pieces.push(w.sub(start, here));
                    }
                    pieces.push(w.sub(here, here + sep.len()));
                    start = here + sep.len();
                    rest = &rest[sep.len()..];
                } else {
                    let step = rest.chars().next().map_or(1, char::len_utf8);
                    rest = &rest[step..];
                }
            }
            if start < w.text.len() {
                pieces.push(w.tail(start));
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

pub fn uint_word(w: &Word, expected: &str) -> Result<u64, ParseError> {
    uint(w.text).ok_or_else(|| w.error(expected))
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
        Ok(_) | Err(Scaled::TooLarge) => Err(w.error("a duration of at most 7 days")),
        Err(Scaled::TooFine) => Err(w.error("a whole number of microseconds")),
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
        return Err(w.error("a range whose low end is not above its high end"));
    }
    Ok((low, high))
}

/// `5%`, `0.5%`, up to `100%` and to four decimals, in parts per million.
pub fn percent(w: &Word) -> Result<u32, ParseError> {
    const PERCENT: &str = "a percentage like 5%, 0.5% or 100%";
    let Some(num) = w.text.strip_suffix('%') else {
        return Err(w.error(PERCENT));
    };
    match scaled(num, 10_000) {
        Ok(v) if v <= ALL_PPM as u128 => Ok(v as u32),
        Ok(_) | Err(Scaled::TooLarge) => Err(w.error("a percentage from 0% to 100%")),
        Err(Scaled::TooFine) => Err(w.error("a percentage with at most 4 decimals")),
        Err(Scaled::Malformed) => Err(w.error(PERCENT)),
    }
}
