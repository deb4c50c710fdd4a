//! The budget of one run: how much a scenario, a shared link or the live
//! page may make the world hold, so that no input can exhaust the memory of
//! a browser tab (WebAssembly has 4 GiB at most) or of the CLI.
//!
//! Everything the world keeps either has a bound of its own (the client's
//! history, the state machine's result table, the timeline's checkpoints,
//! the feed) or is counted here: the events processed, the messages in
//! flight, the client operations waiting for an answer, the user actions
//! in the journal, and the entries of the Raft logs, which have no bound of
//! their own until log compaction (`snapshot=K`) exists. A run that exceeds
//! a limit stops with a message naming it.
//!
//! The limits are counts, not bytes, so a run stops at the same event
//! natively and in the browser.

use std::fmt;

use super::World;

/// The limits of one run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Budget {
    /// Events processed since the start of the run (user actions included).
    pub events: u64,
    /// Messages in flight at once.
    pub in_flight: usize,
    /// Client operations waiting for an answer at once.
    pub pending: usize,
    /// User actions in the journal (what a link replays).
    pub actions: usize,
    /// Entries in all the nodes' logs together.
    pub log_entries: u64,
}

impl Default for Budget {
    fn default() -> Self {
        Budget::DEFAULT
    }
}

/// What went over the budget.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Limit {
    Events,
    InFlight,
    Pending,
    Actions,
    LogEntries,
}

/// A limit exceeded: which, by how much, and where.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OverBudget {
    pub limit: Limit,
    /// What the world holds.
    pub value: u64,
    /// The most it may hold.
    pub max: u64,
    /// The event at which it was found.
    pub event: u64,
}

impl Budget {
    /// The limits of every run, the CLI's and the page's alike. An hour of
    /// the heaviest load the CLI is measured with (3 nodes, a put every
    /// millisecond: about 23 million events, 10 million log entries in all)
    /// and the page's heaviest (9 nodes, a put every 10 ms: 8.5 million events
    /// an hour) stay inside them; the log limit keeps a 9-node page's logs
    /// near 800 MiB of WebAssembly memory (about 56 bytes an entry and 90 an
    /// index), under the 1 GiB the page allows itself. Messages in flight
    /// are far fewer in any real run (a 9-node cluster under load: about a
    /// thousand); ten thousand is what the page can still draw every frame.
    pub const DEFAULT: Budget = Budget {
        events: 1_000_000_000,
        in_flight: 10_000,
        pending: 10_000,
        actions: 1_000_000,
        log_entries: 12_000_000,
    };

    /// The first limit `world` exceeds, if any. Cheap enough to call after
    /// every event: a few counters and one per node.
    pub fn check(&self, world: &World) -> Result<(), OverBudget> {
        let over = |limit, value: u64, max: u64| {
            if value > max {
                Err(OverBudget { limit, value, max, event: world.event_count() })
            } else {
                Ok(())
            }
        };
        over(Limit::Events, world.event_count(), self.events)?;
        over(Limit::InFlight, world.network().in_flight_count() as u64, self.in_flight as u64)?;
        over(Limit::Pending, world.client().pending_count() as u64, self.pending as u64)?;
        over(Limit::Actions, world.journal().len() as u64, self.actions as u64)?;
        // The entries the logs hold: a snapshot (§7) frees those it covers.
        let entries = world.nodes().iter().map(|s| s.node.log().last_index() - s.node.log().snapshot().index).sum();
        over(Limit::LogEntries, entries, self.log_entries)
    }
}

/// `12345678` as `12,345,678`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

impl fmt::Display for OverBudget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (value, max) = (thousands(self.value), thousands(self.max));
        write!(f, "the run stopped at event {}: ", thousands(self.event))?;
        match self.limit {
            Limit::Events => write!(f, "it reached {value} events, the most one run may process"),
            Limit::InFlight => write!(f, "{value} messages are in flight, more than the {max} one run may hold"),
            Limit::Pending => {
                write!(f, "{value} client operations wait for an answer, more than the {max} one run may hold")
            }
            Limit::Actions => write!(f, "it holds {value} user actions, more than the {max} one run may record"),
            Limit::LogEntries => write!(
                f,
                "the nodes' logs hold {value} entries in all, more than the {max} one run may hold \
                 (a cluster option snapshot=K lets the nodes discard what they applied)"
            ),
        }?;
        f.write_str(" (the limits keep memory bounded)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::{WorldConfig, MS, SECOND};

    #[test]
    fn thousands_separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_000), "1,000");
        assert_eq!(thousands(12_345_678), "12,345,678");
        assert_eq!(thousands(u64::MAX), "18,446,744,073,709,551,615");
    }

    fn run_until_over(world: &mut World, budget: &Budget) -> OverBudget {
        for _ in 0..10_000_000 {
            if let Err(over) = budget.check(world) {
                return over;
            }
            world.step().expect("something is scheduled");
        }
        panic!("the budget was never exceeded");
    }

    #[test]
    fn each_limit_is_found_and_named() {
        let mut world = World::new(WorldConfig::with_nodes(3, 1)).unwrap();
        let over = run_until_over(&mut world, &Budget { events: 500, ..Budget::DEFAULT });
        assert_eq!((over.limit, over.value, over.max, over.event), (Limit::Events, 501, 500, 501));
        assert_eq!(
            over.to_string(),
            "the run stopped at event 501: it reached 501 events, the most one run may process \
             (the limits keep memory bounded)"
        );

        // A heartbeat every microsecond with a long latency: messages pile up.
        let config = WorldConfig {
            heartbeat: 1,
            election: (20 * SECOND, 30 * SECOND),
            latency: (SECOND, 2 * SECOND),
            ..WorldConfig::with_nodes(9, 1)
        };
        let mut world = World::new(config).unwrap();
        let over = run_until_over(&mut world, &Budget { in_flight: 20_000, ..Budget::DEFAULT });
        assert_eq!((over.limit, over.max), (Limit::InFlight, 20_000));
        assert!(over.value > 20_000);
        assert!(over.to_string().contains(" messages are in flight, more than the 20,000 one run may hold"), "{over}");

        // A 1 µs load with no leader reachable: operations wait.
        let mut world = World::new(WorldConfig::with_nodes(3, 1)).unwrap();
        world.crash(1).unwrap();
        world.crash(2).unwrap();
        for _ in 0..30 {
            world.submit(crate::raft::Command::put("x", "1"), None).unwrap();
        }
        assert_eq!(Budget { pending: 29, ..Budget::DEFAULT }.check(&world).unwrap_err().limit, Limit::Pending);
        assert_eq!(Budget { actions: 31, ..Budget::DEFAULT }.check(&world).unwrap_err().limit, Limit::Actions);

        let mut world = World::new(WorldConfig::with_nodes(3, 1)).unwrap();
        world.set_client_load(Some(MS));
        let over = run_until_over(&mut world, &Budget { log_entries: 3_000, ..Budget::DEFAULT });
        assert_eq!(over.limit, Limit::LogEntries);
        assert!(over.value > 3_000);
        assert!(Budget::DEFAULT.check(&world).is_ok());

        // §7: with snapshots the logs hold only what was not yet compacted,
        // so the same load stays within the same limit.
        let mut world = World::new(WorldConfig { snapshot: 100, ..WorldConfig::with_nodes(3, 1) }).unwrap();
        world.set_client_load(Some(MS));
        world.run_for(10 * crate::sim::SECOND);
        assert!(world.node(1).log().snapshot().index > 3_000, "the run went past the limit's worth of entries");
        assert!(Budget { log_entries: 3_000, ..Budget::DEFAULT }.check(&world).is_ok());
    }
}
