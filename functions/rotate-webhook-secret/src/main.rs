//! Lambda entry point: wiring only; the route is `rotate_webhook_secret::handle`.

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), orders_shared::lambda_http::Error> {
    orders_shared::adapters::runtime::run(rotate_webhook_secret::handle).await
}
