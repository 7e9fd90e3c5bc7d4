//! Property tests of the shared crate, in one test binary (each binary links the whole graph).

mod parsers;
mod state_machine;
