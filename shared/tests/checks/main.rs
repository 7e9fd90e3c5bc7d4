//! Tests of the shared crate as a whole, in one test binary (each binary links the whole graph):
//! property tests of the parsers and the state machine, and the shape of the code.

mod parsers;
mod shape;
mod state_machine;
