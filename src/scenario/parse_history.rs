//! The expectations on the client history: `expect read N VALUE`,
//! `expect read N missing`, `expect linearizable`, `expect not-linearizable`.

use super::lexer::{uint_word, Cursor, Word};
use crate::scenario::ast::{Command, ParseError};
use crate::util::Msg;

/// The rest of an `expect` whose second word is `what`.
pub(super) fn expect(c: &mut Cursor, what: &Word) -> Result<Command, ParseError> {
    Ok(match what.text {
        "read" => {
            const OP: Msg =
                Msg::new("parse.want.clientOp", "a client operation number like 3 (as the client numbers them, #3)");
            let op = uint_word(&c.word(&OP)?, &OP)?;
            let value = c.word(&Msg::new("parse.want.valueOrMissing", "a value, or 'missing'"))?;
            let value = (value.text != "missing").then(|| value.text.to_string());
            Command::ExpectRead { op, value }
        }
        "linearizable" => Command::ExpectLinearizable(true),
        _ => Command::ExpectLinearizable(false),
    })
}

#[cfg(test)]
mod tests {
    use super::super::parse;
    use crate::scenario::ast::Command;

    fn cmd(line: &str) -> Command {
        let s = parse(&format!("cluster 3\n{line}")).unwrap_or_else(|e| panic!("{line:?}: {e}"));
        s.steps[0].command.clone()
    }

    fn err(line: &str) -> String {
        parse(&format!("cluster 3\n{line}")).expect_err(line).to_string()
    }

    #[test]
    fn history_expectations_parse_and_print_back() {
        for (line, command) in [
            ("expect read 3 1", Command::ExpectRead { op: 3, value: Some("1".into()) }),
            ("expect read 12 missing", Command::ExpectRead { op: 12, value: None }),
            ("expect linearizable", Command::ExpectLinearizable(true)),
            ("expect not-linearizable", Command::ExpectLinearizable(false)),
        ] {
            assert_eq!(cmd(line), command);
            assert_eq!(command.to_string(), line);
        }
    }

    #[test]
    fn history_expectation_errors_name_the_word() {
        assert_eq!(
            err("expect read x 1"),
            "2:13: unexpected 'x', expected a client operation number like 3 (as the client numbers them, #3)"
        );
        assert_eq!(err("expect read 3"), "2:14: missing word, expected a value, or 'missing'");
        assert_eq!(err("expect read 3 1 2"), "2:17: unexpected '2', expected end of line");
        assert_eq!(err("expect linearizable now"), "2:21: unexpected 'now', expected end of line");
        assert!(err("expect linear").contains("read, linearizable, not-linearizable"), "{}", err("expect linear"));
    }
}
