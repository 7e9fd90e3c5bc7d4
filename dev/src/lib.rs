//! The local stack: DynamoDB Local as a child process, the table created from template.yaml, a
//! demo shop, and every function served on one HTTP port behind an emulation of API Gateway's
//! JWT authorizer. The integration tests use the same pieces.

pub mod alipay_gateway;
pub mod alipay_keys;
pub mod auth;
pub mod console;
pub mod event_stream;
pub mod events;
pub mod gateway_fault;
pub mod handlers;
pub mod lianlian_gateway;
pub mod lianlian_keys;
pub mod local_db;
pub mod local_providers;
pub mod seed;
pub mod server;
pub mod template;
pub mod webhook_inbox;
pub mod wxpay_gateway;
pub mod wxpay_keys;

use std::path::{Path, PathBuf};

/// The repository root: the working directory or the nearest folder above it that holds
/// template.yaml. Found at run time, so a binary built in one checkout works on the checkout it
/// is run in (its `.data/`, its template).
pub fn repo_root() -> Result<PathBuf, String> {
    let here = std::env::current_dir().map_err(|error| format!("cannot read the working directory: {error}"))?;
    root_above(&here).ok_or_else(|| {
        format!("no template.yaml in {} or above it: run this from the repository (or a folder in it)", here.display())
    })
}

/// The nearest folder at or above `start` holding template.yaml.
pub fn root_above(start: &Path) -> Option<PathBuf> {
    start.ancestors().find(|dir| dir.join("template.yaml").is_file()).map(Path::to_path_buf)
}

pub fn template_path() -> Result<PathBuf, String> {
    Ok(repo_root()?.join("template.yaml"))
}

/// Where the local stack keeps its data: `ORDERS_DEV_DATA_DIR`, or `.data/` in the repository.
pub fn data_dir() -> Result<PathBuf, String> {
    match std::env::var("ORDERS_DEV_DATA_DIR") {
        Ok(dir) if !dir.is_empty() => Ok(PathBuf::from(dir)),
        _ => Ok(repo_root()?.join(".data")),
    }
}

/// A command-line tool's `main`: prints what `run` makes, or its error prefixed with the tool's
/// name (and fails).
pub fn tool_main(name: &str, run: impl FnOnce() -> Result<String, String>) -> std::process::ExitCode {
    match run() {
        Ok(line) => {
            println!("{line}");
            std::process::ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("{name}: {error}");
            std::process::ExitCode::FAILURE
        }
    }
}

/// The dev server's port: `ORDERS_DEV_PORT`, else 3000.
pub fn dev_port() -> String {
    std::env::var("ORDERS_DEV_PORT").ok().filter(|port| !port.is_empty()).unwrap_or_else(|| "3000".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_root_is_found_upwards_from_where_it_runs() {
        let base = std::env::temp_dir().join(format!("orders-root-{}", rand::random::<u32>()));
        let nested = base.join("checkout/functions/get-order/src");
        std::fs::create_dir_all(&nested).unwrap();
        std::fs::write(base.join("checkout/template.yaml"), "Resources: {}\n").unwrap();
        assert_eq!(root_above(&nested), Some(base.join("checkout")));
        assert_eq!(root_above(&base), None, "nothing above the checkout");
        std::fs::remove_dir_all(&base).unwrap();
    }
}
