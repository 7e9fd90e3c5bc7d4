//! `make dev`'s server as a user runs it: the binary, started from a folder inside the
//! repository, with the configuration variables docs/configuration.md lists set.

use orders_dev::auth;
use orders_dev::local_db::free_port;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Stops the server the way Ctrl-C or `kill` does, so it stops its DynamoDB Local too.
struct Running(std::process::Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = Command::new("kill").args(["-TERM", &self.0.id().to_string()]).status();
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.0.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = self.0.kill();
    }
}

#[test]
fn the_readme_variables_work_under_make_dev_without_table_name() {
    let root = orders_dev::repo_root().expect("the repository");
    let data = std::env::temp_dir().join(format!("orders-dev-test-{}", rand::random::<u32>()));
    let (port, dynamo_port) = (free_port(), free_port());
    let secret = "dev-server-test-secret";
    let child = Command::new(env!("CARGO_BIN_EXE_dev-server"))
        // A folder inside the repository: the root is found from where it runs.
        .current_dir(root.join("functions"))
        .env_remove("TABLE_NAME")
        .env("PAYMENT_WINDOW_SECONDS", "120")
        .env("AUTO_CONFIRM_DAYS", "3")
        .env("ORDERS_DEV_PORT", port.to_string())
        .env("ORDERS_DEV_DYNAMODB_PORT", dynamo_port.to_string())
        .env("ORDERS_DEV_DATA_DIR", &data)
        .env("ORDERS_DEV_JWT_SECRET", secret)
        .env("ORDERS_DEV_ALLOWED_ORIGINS", "https://shop.example.com")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the dev server starts");
    let mut server = Running(child);
    let mut lines = BufReader::new(server.0.stdout.take().expect("stdout")).lines().map_while(Result::ok);
    let ready = lines.any(|line| line.starts_with("Order service on"));
    assert!(ready, "the dev server printed its address");
    // Keep reading what it prints, so it never writes to a closed pipe.
    std::thread::spawn(move || lines.for_each(drop));
    assert!(data.join("dynamodb").is_dir(), "its data went where ORDERS_DEV_DATA_DIR says");

    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    let token = auth::mint(secret, "buyer-demo", "buyer", None, 1);
    let body = serde_json::json!({"items": [{"sku_id": "tea-longjing-250g", "quantity": 1}],
        "address": {"name": "Li Lei", "phone": "13800000000", "province": "Sichuan", "city": "Chengdu", "detail": "1 Renmin Rd"}});
    let answer: serde_json::Value = runtime.block_on(async {
        reqwest::Client::new()
            .post(format!("http://127.0.0.1:{port}/api/v1/orders"))
            .bearer_auth(&token)
            .json(&body)
            .send()
            .await
            .expect("an answer")
            .json()
            .await
            .expect("JSON")
    });
    let order = &answer["data"]["orders"][0];
    let at = |field: &str| orders_shared::domain::time::Timestamp::parse(order[field].as_str().unwrap()).unwrap();
    assert_eq!((at("expires_at").millis() - at("created_at").millis()) / 1000, 120, "PAYMENT_WINDOW_SECONDS: {answer}");

    // CORS as template.yaml configures the HTTP API, for the origins the variable lists: the
    // preflight is answered without a token, other origins get no grant.
    let preflight = |origin: &'static str| {
        runtime.block_on(async move {
            reqwest::Client::new()
                .request(reqwest::Method::OPTIONS, format!("http://127.0.0.1:{port}/api/v1/orders"))
                .header("origin", origin)
                .header("access-control-request-method", "POST")
                .header("access-control-request-headers", "authorization,content-type,idempotency-key")
                .send()
                .await
                .expect("an answer")
        })
    };
    let granted = preflight("https://shop.example.com");
    assert!(granted.status().is_success(), "{}", granted.status());
    let header = |response: &reqwest::Response, name: &str| {
        response.headers().get(name).and_then(|value| value.to_str().ok()).unwrap_or_default().to_lowercase()
    };
    assert_eq!(header(&granted, "access-control-allow-origin"), "https://shop.example.com");
    assert!(header(&granted, "access-control-allow-headers").contains("idempotency-key"));
    assert!(header(&granted, "access-control-allow-methods").contains("post"));
    assert_eq!(header(&preflight("https://elsewhere.example.com"), "access-control-allow-origin"), "");
    drop(server);
    let _ = std::fs::remove_dir_all(&data);
}
