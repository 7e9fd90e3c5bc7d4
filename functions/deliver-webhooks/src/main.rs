//! Lambda entry point for the EventBridge schedule: wiring only; the job is `deliver_webhooks::run`.

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), orders_shared::lambda_http::Error> {
    orders_shared::adapters::runtime::run_scheduled(deliver_webhooks::run).await
}
