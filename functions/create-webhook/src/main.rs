//! Lambda entry point: wiring only; the route is `create_webhook::handle`.

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), orders_shared::lambda_http::Error> {
    orders_shared::adapters::runtime::run(create_webhook::handle).await
}
