//! What the browser shows, computed from a [`crate::sim::World`] without
//! any browser type, so all of it is tested natively:
//!
//! - [`snapshot`]: the world's visible state as plain data for JavaScript;
//! - [`player`]: plays a scenario progressively in virtual time;
//! - [`feed`]: the bounded list of notable lines the page shows as a log;
//! - [`phrase`]: the same lines as language-neutral `{key, args}` data;
//! - [`layout`]: where nodes and messages are drawn, and what a click hits.

pub mod feed;
pub mod history;
pub mod layout;
pub mod phrase;
pub mod player;
pub mod session;
pub mod snapshot;
pub mod trig;
