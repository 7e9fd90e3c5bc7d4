//! Runs a command with AWS's DynamoDB Local (in memory, one shared database) on a free loopback
//! port, exported as `ORDERS_TEST_DYNAMODB_ENDPOINT`; stops it when the command ends. `make test`
//! runs the tests under it.
//!
//! `cargo run -p orders-dev --bin with-dynamodb -- <command> [args...]`

use orders_dev::local_db::{free_port, LocalDynamo};
use std::process::{Command, ExitCode};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some((program, rest)) = args.split_first() else {
        eprintln!("usage: with-dynamodb <command> [args...]");
        return ExitCode::FAILURE;
    };
    let dynamo = match LocalDynamo::start(free_port(), None) {
        Ok(dynamo) => dynamo,
        Err(error) => {
            eprintln!("with-dynamodb: {error}");
            return ExitCode::FAILURE;
        }
    };
    eprintln!("DynamoDB Local on {} (pid {})", dynamo.endpoint(), dynamo.pid().unwrap_or_default());
    let status = Command::new(program).args(rest).env("ORDERS_TEST_DYNAMODB_ENDPOINT", dynamo.endpoint()).status();
    drop(dynamo);
    match status {
        Ok(status) if status.success() => ExitCode::SUCCESS,
        Ok(status) => ExitCode::from(status.code().and_then(|code| u8::try_from(code).ok()).unwrap_or(1)),
        Err(error) => {
            eprintln!("with-dynamodb: cannot run {program}: {error}");
            ExitCode::FAILURE
        }
    }
}
