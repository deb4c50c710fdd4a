//! Just enough JSON to read back the objects the apiserver stores, and to
//! refuse anything else a user may have put at their keys.

/// A parsed JSON value. Numbers are kept only when they are whole and fit
/// a `u64` (all the stored objects use).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Json {
    Null,
    Bool(bool),
    Number(Option<u64>),
    Text(String),
    Array(Vec<Json>),
    Object(Vec<(String, Json)>),
}

impl Json {
    pub fn get(&self, key: &str) -> Option<&Json> {
        match self {
            Json::Object(fields) => fields.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Json::Text(s) => Some(s),
            _ => None,
        }
    }
    pub fn as_u64(&self) -> Option<u64> {
        match self {
            Json::Number(n) => *n,
            _ => None,
        }
    }
}

/// A JSON string literal for `s`.
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Parses a whole document; `None` if it is not valid JSON (or nests
/// deeper than 32 levels).
pub fn parse(text: &str) -> Option<Json> {
    let mut p = Parser { chars: text.chars().collect(), at: 0 };
    let value = p.value(0)?;
    p.space();
    (p.at == p.chars.len()).then_some(value)
}

struct Parser {
    chars: Vec<char>,
    at: usize,
}

impl Parser {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.at).copied()
    }
    fn space(&mut self) {
        while self.peek().is_some_and(|c| matches!(c, ' ' | '\t' | '\n' | '\r')) {
            self.at += 1;
        }
    }
    fn eat(&mut self, c: char) -> Option<()> {
        self.space();
        (self.peek() == Some(c)).then(|| self.at += 1)
    }
    fn word(&mut self, w: &str) -> Option<()> {
        for c in w.chars() {
            (self.peek() == Some(c)).then(|| self.at += 1)?;
        }
        Some(())
    }

    fn value(&mut self, depth: u32) -> Option<Json> {
        if depth > 32 {
            return None;
        }
        self.space();
        match self.peek()? {
            '{' => {
                self.at += 1;
                let mut fields = Vec::new();
                if self.eat('}').is_some() {
                    return Some(Json::Object(fields));
                }
                loop {
                    self.space();
                    let key = self.string()?;
                    self.eat(':')?;
                    fields.push((key, self.value(depth + 1)?));
                    if self.eat('}').is_some() {
                        return Some(Json::Object(fields));
                    }
                    self.eat(',')?;
                }
            }
            '[' => {
                self.at += 1;
                let mut items = Vec::new();
                if self.eat(']').is_some() {
                    return Some(Json::Array(items));
                }
                loop {
                    items.push(self.value(depth + 1)?);
                    if self.eat(']').is_some() {
                        return Some(Json::Array(items));
                    }
                    self.eat(',')?;
                }
            }
            '"' => self.string().map(Json::Text),
            't' => self.word("true").map(|_| Json::Bool(true)),
            'f' => self.word("false").map(|_| Json::Bool(false)),
            'n' => self.word("null").map(|_| Json::Null),
            c if c == '-' || c.is_ascii_digit() => {
                let start = self.at;
                while self.peek().is_some_and(|c| c.is_ascii_digit() || matches!(c, '-' | '+' | '.' | 'e' | 'E')) {
                    self.at += 1;
                }
                let text: String = self.chars[start..self.at].iter().collect();
                let valid = text.trim_start_matches('-').starts_with(|c: char| c.is_ascii_digit());
                valid.then(|| Json::Number(text.parse::<u64>().ok()))
            }
            _ => None,
        }
    }

    fn string(&mut self) -> Option<String> {
        (self.peek() == Some('"')).then(|| self.at += 1)?;
        let mut out = String::new();
        loop {
            let c = self.peek()?;
            self.at += 1;
            match c {
                '"' => return Some(out),
                '\\' => {
                    let e = self.peek()?;
                    self.at += 1;
                    out.push(match e {
                        '"' | '\\' | '/' => e,
                        'n' => '\n',
                        't' => '\t',
                        'r' => '\r',
                        'b' => '\u{8}',
                        'f' => '\u{c}',
                        'u' => {
                            let hex: String = self.chars.get(self.at..self.at + 4)?.iter().collect();
                            self.at += 4;
                            char::from_u32(u32::from_str_radix(&hex, 16).ok()?)?
                        }
                        _ => return None,
                    });
                }
                c if (c as u32) < 0x20 => return None,
                c => out.push(c),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_objects_and_refuses_the_rest() {
        let doc = parse(r#" {"a": {"b": "x\"y"}, "n": 15, "l": [1, true, null], "f": -1.5} "#).unwrap();
        assert_eq!(doc.get("a").and_then(|a| a.get("b")).and_then(Json::as_str), Some("x\"y"));
        assert_eq!(doc.get("n").and_then(Json::as_u64), Some(15));
        assert_eq!(doc.get("f"), Some(&Json::Number(None)));
        for bad in ["", "{", "{\"a\":}", "[1,]", "nul", "\"\\q\"", "{} x", &"[".repeat(40)] {
            assert_eq!(parse(bad), None, "{bad}");
        }
        assert_eq!(parse(&quote("a\"b\\c")).unwrap(), Json::Text("a\"b\\c".into()));
    }
}
