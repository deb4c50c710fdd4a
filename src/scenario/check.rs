//! Expectation blocks, in the style of etcd-io/raft's datadriven tests: a
//! command, a `----` line, and the output the command must print.

use super::ast::Scenario;
use super::runner::{self, Failure, Trace};

/// A command whose output differs from its expectation block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mismatch {
    pub line: u32,
    pub command: String,
    pub expected: Vec<String>,
    pub actual: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckReport {
    /// Expectation blocks compared.
    pub blocks: usize,
    pub mismatches: Vec<Mismatch>,
    /// The run stopped early: a failed `expect`, a runtime error, a violation.
    pub failure: Option<Failure>,
    /// The file with every executed block replaced by the actual output.
    pub rewritten: String,
}

impl CheckReport {
    pub fn passed(&self) -> bool {
        self.mismatches.is_empty() && self.failure.is_none()
    }
}

/// Runs `scenario` (parsed from `text`) and compares each expectation block.
pub fn check(text: &str, scenario: &Scenario) -> CheckReport {
    let (_, outputs, failure) = runner::run(scenario, Trace::Notable);
    let mut mismatches = Vec::new();
    let mut blocks = 0;
    // Split as the parser splits, so line numbers agree (CR-only files too).
    let mut lines: Vec<String> = super::parse::lines(text).map(|l| l.to_string()).collect();
    let ends_with_newline = text.ends_with(['\n', '\r']);
    if ends_with_newline {
        lines.pop(); // the empty "line" after the last line end
    }
    // Replace blocks from the bottom up so earlier line numbers stay valid.
    for output in outputs.iter().rev() {
        let step = &scenario.steps[output.step];
        let Some(expected) = &step.expected else { continue };
        blocks += 1;
        if expected.lines != output.lines {
            mismatches.push(Mismatch {
                line: step.line,
                command: step.text.clone(),
                expected: expected.lines.clone(),
                actual: output.lines.clone(),
            });
        }
        let start = expected.separator_line as usize; // 0-based index of the first block line
        let end = (start + expected.lines.len()).min(lines.len());
        lines.splice(start..end, output.lines.iter().cloned());
    }
    mismatches.reverse();
    let mut rewritten = lines.join("\n");
    if ends_with_newline {
        rewritten.push('\n');
    }
    CheckReport { blocks, mismatches, failure, rewritten }
}

impl std::fmt::Display for Mismatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(f, "{}: output of `{}` differs", self.line, self.command)?;
        writeln!(f, "  expected:")?;
        for l in &self.expected {
            writeln!(f, "    {l}")?;
        }
        writeln!(f, "  actual:")?;
        for l in &self.actual {
            writeln!(f, "    {l}")?;
        }
        Ok(())
    }
}
