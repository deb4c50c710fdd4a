//! The browser front end: the JavaScript API ([`api::RaftLab`]) and the
//! canvas drawing ([`render`]). No Raft logic lives here: the API calls the
//! world and the `view` modules, and the renderer draws what they expose.

pub mod api;
mod api_debug;
mod api_kube;
mod api_lesson;
mod api_rules;
mod args;
mod options;
pub mod render;
mod render_kube;

pub use api::RaftLab;
