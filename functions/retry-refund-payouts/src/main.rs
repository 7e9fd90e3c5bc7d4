//! Lambda entry point for the EventBridge schedule: wiring only; the job is `retry_refund_payouts::run`.

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), orders_shared::lambda_http::Error> {
    orders_shared::adapters::runtime::run_scheduled(retry_refund_payouts::run).await
}
