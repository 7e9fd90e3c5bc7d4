//! Lambda entry point: wiring only; the route is `test_webhook::handle`.

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), orders_shared::lambda_http::Error> {
    orders_shared::adapters::runtime::run(test_webhook::handle).await
}
