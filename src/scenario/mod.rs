//! The scenario language: what course authors write, URLs carry and the
//! CLI and tests run. See `scenario-language.md` for the language itself.

pub mod ast;
pub mod check;
pub mod fuzz;
mod history;
pub mod parse;
pub mod record;
pub mod runner;
pub mod show;

pub use ast::{
    ClusterSpec, Command, Expected, ExpectedRole, LinkKind, Micros, NodeRef, ParseError, Scenario, ShowWhat, Step,
};
pub use parse::parse;
pub use record::record;
