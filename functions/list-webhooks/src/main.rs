//! Lambda entry point: wiring only; the route is `list_webhooks::handle`.

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), orders_shared::lambda_http::Error> {
    orders_shared::adapters::runtime::run(list_webhooks::handle).await
}
