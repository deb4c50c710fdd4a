//! The ground floor: general containers with no Raft in them, used by every
//! room above (the node's log, the client history, the checker's tables).

pub mod chunked;
pub mod msg;

pub use chunked::Chunked;
pub use msg::Msg;
