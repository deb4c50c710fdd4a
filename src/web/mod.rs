//! The browser front end: the JavaScript API ([`api::RaftLab`]) and the
//! canvas drawing ([`render`]). No Raft logic lives here: the API calls the
//! world and the `view` modules, and the renderer draws what they expose.

pub mod api;
mod api_debug;
// The counterexample search (index.html's Find a counterexample); the
// Kubernetes page's package leaves it out.
#[cfg(not(feature = "kube"))]
mod api_fuzz;
mod api_kube;
#[cfg(feature = "kube")]
mod api_kube_view;
mod api_lesson;
mod api_rules;
mod args;
mod options;
pub mod render;
#[cfg(feature = "kube")]
mod render_kube;

pub use api::RaftLab;
