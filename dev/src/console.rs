//! The console under `make dev`: its built files (`console/dist`, from `make console`) at
//! `/console`, and a dev-server-only route that signs in as the demo shop's seller, buyer or admin
//! (the dev server already mints and verifies their tokens; deployed, the console signs in with the
//! issuer the API's authorizer trusts).

use crate::{auth, seed};
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use axum::routing::get;
use std::sync::Arc;

pub const PATH: &str = "/console";
pub const TOKENS_PATH: &str = "/dev/console-tokens";

/// How long a console token lasts: a working day.
const TOKEN_DAYS: u64 = 1;

pub struct Console {
    jwt_secret: String,
}

impl Console {
    pub fn new(jwt_secret: &str) -> Arc<Console> {
        Arc::new(Console { jwt_secret: jwt_secret.to_string() })
    }

    pub fn router(self: Arc<Console>) -> axum::Router {
        axum::Router::new()
            .route(TOKENS_PATH, get(tokens))
            .route(PATH, get(index))
            .route(&format!("{PATH}/"), get(index))
            .route(&format!("{PATH}/{{*file}}"), get(file))
            .with_state(self)
    }
}

/// The demo parties' tokens, as the console's sign-in page offers them.
async fn tokens(State(console): State<Arc<Console>>) -> impl IntoResponse {
    let secret = &console.jwt_secret;
    axum::Json(serde_json::json!({
        "seller": {"token": auth::mint(secret, seed::DEMO_SELLER_USER, "seller", Some(seed::DEMO_SELLER), TOKEN_DAYS),
                   "name": seed::DEMO_SELLER},
        "buyer": {"token": auth::mint(secret, seed::DEMO_BUYER, "buyer", None, TOKEN_DAYS), "name": seed::DEMO_BUYER},
        "admin": {"token": auth::mint(secret, seed::DEMO_ADMIN, "admin", None, TOKEN_DAYS), "name": seed::DEMO_ADMIN},
    }))
}

fn dist() -> Result<std::path::PathBuf, String> {
    Ok(crate::repo_root()?.join("console/dist"))
}

async fn index() -> axum::response::Response {
    match dist().map(|dir| std::fs::read(dir.join("index.html"))) {
        Ok(Ok(bytes)) => ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], bytes).into_response(),
        _ => (StatusCode::NOT_FOUND, "The console is not built: run `make console`").into_response(),
    }
}

/// A built file; any other path is the app's own page (it routes in the browser).
async fn file(Path(file): Path<String>) -> axum::response::Response {
    let content_type = match file.rsplit('.').next() {
        Some("js") => "application/javascript",
        Some("css") => "text/css",
        Some("svg") => "image/svg+xml",
        Some("json") => "application/json",
        _ => return index().await,
    };
    // Only plain names under dist/: no way out of it.
    if file.split('/').any(|part| part.is_empty() || part == "." || part == "..") {
        return StatusCode::NOT_FOUND.into_response();
    }
    match dist().map(|dir| std::fs::read(dir.join(&file))) {
        Ok(Ok(bytes)) => ([(header::CONTENT_TYPE, content_type)], bytes).into_response(),
        _ => StatusCode::NOT_FOUND.into_response(),
    }
}
