//! Writes the `events/` samples (`make events`); see `orders_dev::events`.

use std::process::ExitCode;

fn main() -> ExitCode {
    let written = orders_dev::repo_root().and_then(|root| orders_dev::events::write_all(&root.join("events")));
    match written {
        Ok(count) => {
            eprintln!("wrote {count} samples to events/");
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("events: {error}");
            ExitCode::FAILURE
        }
    }
}
