//! The local stack as a user runs it, in one test binary (each binary links the whole graph).

mod dev_server;
mod docs;
mod production_template;
mod routes_match_template;
