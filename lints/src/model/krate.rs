//! The crate index and call graph.
