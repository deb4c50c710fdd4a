//! The expectations on the client history: what one read returned, and
//! whether the whole history is linearizable.

use crate::check::linearizability::{check_history, Verdict};
use crate::raft::{Applied, Command};
use crate::sim::World;

/// `expect read N VALUE` (`value`: `None` for `missing`).
pub(super) fn expect_read(world: &World, op: u64, value: Option<&str>) -> Result<(), String> {
    let client = world.client();
    let Some(record) = client.op(op) else {
        return Err(format!("there is no client operation #{op}: the client has submitted {}", client.op_count()));
    };
    let Command::Get { .. } = record.command else {
        return Err(format!("client operation #{op} is {}, not a get", record.command));
    };
    let wanted = value.unwrap_or("missing");
    let read = match &record.result {
        None => {
            return Err(format!("expected #{op} {} to return {wanted}, but it has not returned yet", record.command))
        }
        Some(Applied::Value(read)) => read.as_deref(),
        Some(other) => return Err(format!("#{op} {} returned {other}", record.command)),
    };
    if read != value {
        return Err(format!(
            "expected #{op} {} to return {wanted}, but it returned {}",
            record.command,
            read.unwrap_or("missing")
        ));
    }
    Ok(())
}

/// `expect linearizable` (`expected`) / `expect not-linearizable`: the
/// whole client history so far, every operation included.
pub(super) fn expect_linearizable(world: &World, expected: bool) -> Result<(), String> {
    let ops: Vec<_> = world.client().ops().iter().map(|o| o.to_operation()).collect();
    let check = check_history(&ops);
    match (check.verdict(), expected) {
        (Verdict::Linearizable, true) | (Verdict::NotLinearizable, false) => Ok(()),
        (Verdict::NotLinearizable, true) => {
            let why = check.counterexamples().first().map_or_else(String::new, |c| format!(": {c}"));
            Err(format!("the client history is not linearizable{why}"))
        }
        (Verdict::Linearizable, false) => {
            let done = ops.iter().filter(|o| o.response.is_some()).count();
            Err(format!(
                "the client history is linearizable ({} operations, {done} returned, {} pending)",
                ops.len(),
                ops.len() - done
            ))
        }
        (Verdict::Undecided, _) => Err(format!(
            "the checker could not decide: {} operations not judged ({})",
            check.not_judged(),
            check.gave_up().join("; ")
        )),
    }
}

/// `expect not-linearizable`, and when it holds, what breaks the history,
/// naming the operations (printed under the command).
pub(super) fn explain_not_linearizable(world: &World) -> Result<Vec<String>, String> {
    expect_linearizable(world, false)?;
    let ops: Vec<_> = world.client().ops().iter().map(|o| o.to_operation()).collect();
    let check = check_history(&ops);
    Ok(check.counterexamples().iter().map(|c| format!("not linearizable: {c}")).collect())
}

#[cfg(test)]
mod tests {
    use crate::scenario::parse;
    use crate::scenario::runner::{run, Trace};

    /// The failure message of the scenario's first failing step, if any.
    fn failure(text: &str) -> Option<String> {
        let scenario = parse(text).unwrap_or_else(|e| panic!("{e}"));
        run(&scenario, Trace::Notable).2.map(|f| f.message)
    }

    const SETUP: &str = "cluster 3 seed=3\nrun until leader\nput x 1\nrun 500ms\nget x\nget y\n";

    #[test]
    fn expect_read_checks_what_one_get_returned() {
        assert_eq!(failure(&format!("{SETUP}run 500ms\nexpect read 2 1\nexpect read 3 missing")), None);
        let fails = |tail: &str| failure(&format!("{SETUP}{tail}")).expect("fails");
        assert_eq!(fails("run 500ms\nexpect read 2 2"), "expected #2 get(x) to return 2, but it returned 1");
        assert_eq!(
            fails("run 500ms\nexpect read 2 missing"),
            "expected #2 get(x) to return missing, but it returned 1"
        );
        assert_eq!(fails("run 500ms\nexpect read 3 7"), "expected #3 get(y) to return 7, but it returned missing");
        assert_eq!(fails("expect read 2 1"), "expected #2 get(x) to return 1, but it has not returned yet");
        assert_eq!(fails("expect read 1 1"), "client operation #1 is put(x=1), not a get");
        assert_eq!(fails("expect read 9 1"), "there is no client operation #9: the client has submitted 3");
    }

    #[test]
    fn expect_linearizable_judges_the_whole_history_pending_operations_included() {
        // #2 and #3 have not returned: they may take effect later or never.
        assert_eq!(failure(&format!("{SETUP}expect linearizable")), None);
        assert_eq!(
            failure(&format!("{SETUP}run 500ms\nexpect not-linearizable")).expect("fails"),
            "the client history is linearizable (3 operations, 3 returned, 0 pending)"
        );
    }
}
