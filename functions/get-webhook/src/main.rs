//! Lambda entry point: wiring only; the route is `get_webhook::handle`.

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), orders_shared::lambda_http::Error> {
    orders_shared::adapters::runtime::run(get_webhook::handle).await
}
