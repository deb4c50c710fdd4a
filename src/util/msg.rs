//! A sentence as data: a message-catalogue key, its one English template and
//! named arguments. The CLI prints the English (`Display`); the page gets the
//! key and the arguments (view::phrase) and words them from
//! `www/i18n/<lang>.js`, so a parse error or a violation's detail reads in
//! the page's language. The English template here and the one in
//! `www/i18n/en.js` are the same text (a test in view::phrase compares them).

use std::fmt;

/// A key, its English template (`{name}` marks an argument) and arguments.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Msg {
    pub key: &'static str,
    pub en: &'static str,
    pub args: Vec<(&'static str, MsgArg)>,
}

/// One argument's value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MsgArg {
    Num(u64),
    /// Text that reads the same in every language: a word of the scenario
    /// language, a command as written (`put(x=1)`), a file name.
    Text(String),
    /// A nested sentence, worded in the page's language too.
    Msg(Box<Msg>),
    /// Sentences separated by `, ` (the page joins an array the same way).
    List(Vec<Msg>),
}

impl Msg {
    pub const fn new(key: &'static str, en: &'static str) -> Msg {
        Msg { key, en, args: Vec::new() }
    }

    pub fn num(mut self, name: &'static str, n: impl Into<u64>) -> Msg {
        self.args.push((name, MsgArg::Num(n.into())));
        self
    }

    pub fn text(mut self, name: &'static str, text: impl Into<String>) -> Msg {
        self.args.push((name, MsgArg::Text(text.into())));
        self
    }

    pub fn msg(mut self, name: &'static str, msg: Msg) -> Msg {
        self.args.push((name, MsgArg::Msg(Box::new(msg))));
        self
    }

    pub fn list(mut self, name: &'static str, items: Vec<Msg>) -> Msg {
        self.args.push((name, MsgArg::List(items)));
        self
    }

    /// About what the sentence holds on the heap: its arguments and their text.
    pub fn heap_bytes(&self) -> usize {
        self.args.len() * std::mem::size_of::<(&str, MsgArg)>()
            + self
                .args
                .iter()
                .map(|(_, v)| match v {
                    MsgArg::Num(_) => 0,
                    MsgArg::Text(t) => t.len(),
                    MsgArg::Msg(m) => std::mem::size_of::<Msg>() + m.heap_bytes(),
                    MsgArg::List(items) => items.iter().map(|m| std::mem::size_of::<Msg>() + m.heap_bytes()).sum(),
                })
                .sum::<usize>()
    }

    pub fn get(&self, name: &str) -> Option<&MsgArg> {
        self.args.iter().find(|(n, _)| *n == name).map(|(_, v)| v)
    }
}

/// Text that reads the same in every language (a command, `x = 1`), as a
/// sentence of its own: for a place that takes a sentence.
pub fn code(text: impl Into<String>) -> Msg {
    Msg::new("word.code", "{text}").text("text", text)
}

/// `a`, `a or b`, `a or b or c` with the sentence `key` (`{a} or {b}`),
/// nested from the right; `None` for no items.
pub fn chain(key: &'static str, en: &'static str, items: Vec<Msg>) -> Option<Msg> {
    let mut items = items.into_iter().rev();
    let last = items.next()?;
    Some(items.fold(last, |rest, item| Msg::new(key, en).msg("a", item).msg("b", rest)))
}

impl fmt::Display for MsgArg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MsgArg::Num(n) => write!(f, "{n}"),
            MsgArg::Text(t) => f.write_str(t),
            MsgArg::Msg(m) => write!(f, "{m}"),
            MsgArg::List(items) => {
                for (i, m) in items.iter().enumerate() {
                    write!(f, "{}{m}", if i > 0 { ", " } else { "" })?;
                }
                Ok(())
            }
        }
    }
}

/// The English: the template with each `{name}` replaced by its argument
/// (a brace without an argument of that name stays as written).
impl fmt::Display for Msg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut rest = self.en;
        while let Some(open) = rest.find('{') {
            f.write_str(&rest[..open])?;
            let after = &rest[open + 1..];
            match after.find('}').and_then(|close| self.get(&after[..close]).map(|v| (close, v))) {
                Some((close, value)) => {
                    write!(f, "{value}")?;
                    rest = &after[close + 1..];
                }
                None => {
                    f.write_str("{")?;
                    rest = after;
                }
            }
        }
        f.write_str(rest)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_english_fills_in_the_named_arguments() {
        let inner = Msg::new("t.inner", "a count 1..{max}").num("max", 9u64);
        let m = Msg::new("t.outer", "{line}: unexpected '{word}', expected {expected} {none}")
            .num("line", 3u64)
            .text("word", "x")
            .msg("expected", inner);
        assert_eq!(m.to_string(), "3: unexpected 'x', expected a count 1..9 {none}");
        let list = Msg::new("t.list", "after {ops}").list("ops", vec![Msg::new("t.a", "a"), Msg::new("t.b", "b")]);
        assert_eq!(list.to_string(), "after a, b");
        let or = chain("t.or", "{a} or {b}", vec![code("x = 1"), code("x = 2"), code("x = 3")]).unwrap();
        assert_eq!(or.to_string(), "x = 1 or x = 2 or x = 3");
        assert_eq!(chain("t.or", "{a} or {b}", Vec::new()), None);
    }
}
