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

    pub fn get(&self, name: &str) -> Option<&MsgArg> {
        self.args.iter().find(|(n, _)| *n == name).map(|(_, v)| v)
    }
}

impl fmt::Display for MsgArg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MsgArg::Num(n) => write!(f, "{n}"),
            MsgArg::Text(t) => f.write_str(t),
            MsgArg::Msg(m) => write!(f, "{m}"),
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
    }
}
