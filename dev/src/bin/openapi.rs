//! Prints the OpenAPI description built from the code (what `docs/openapi.json` holds):
//! `cargo run -q -p orders-dev --bin openapi > docs/openapi.json` (or `make openapi`).

use std::process::ExitCode;

fn main() -> ExitCode {
    match orders_shared::http::openapi::openapi_json() {
        Ok(json) => {
            println!("{json}");
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("openapi: {error}");
            ExitCode::FAILURE
        }
    }
}
