//! The scenario language: what course authors write, URLs carry and the
//! CLI and tests run. See `scenario-language.md` for the language itself.

pub mod ast;
mod ast_kube;
mod ast_text;
pub mod check;
pub mod failover;
pub mod fuzz;
mod fuzz_episodes;
pub mod fuzz_kube;
pub mod fuzz_search;
pub mod fuzz_swarm;
pub mod fuzz_words;
mod history;
pub mod lesson;
pub mod lesson_parse;
pub mod parse;
pub mod record;
pub mod runner;
pub mod show;

pub use ast::{
    ClusterSpec, Command, Expected, ExpectedRole, LinkKind, Micros, NodeRef, ParseError, Scenario, ShowWhat, Step,
};
pub use parse::parse;

#[cfg(test)]
mod kube_tests;
pub use record::record;
