//! Lambda entry point for the EventBridge schedule: wiring only; the job is `close_expired_orders::run`.

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), orders_shared::lambda_http::Error> {
    orders_shared::adapters::runtime::run_scheduled(close_expired_orders::run).await
}
