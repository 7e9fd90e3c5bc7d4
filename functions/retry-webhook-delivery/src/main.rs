//! Lambda entry point: wiring only; the route is `retry_webhook_delivery::handle`.

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), orders_shared::lambda_http::Error> {
    orders_shared::adapters::runtime::run(retry_webhook_delivery::handle).await
}
