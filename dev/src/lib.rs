//! The local stack: DynamoDB Local as a child process, the table created from template.yaml, a
//! demo shop, and every function served on one HTTP port behind an emulation of API Gateway's
//! JWT authorizer. The integration tests use the same pieces.

pub mod alipay_keys;
pub mod auth;
pub mod handlers;
pub mod local_db;
pub mod seed;
pub mod server;
pub mod template;

use std::path::PathBuf;

/// The repository root (where template.yaml lives).
pub fn repo_root() -> PathBuf {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    root.canonicalize().unwrap_or(root)
}

pub fn template_path() -> PathBuf {
    repo_root().join("template.yaml")
}
