//! Lambda entry point: wiring only; the route is `list_webhook_deliveries::handle`.

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), orders_shared::lambda_http::Error> {
    orders_shared::adapters::runtime::run(list_webhook_deliveries::handle).await
}
