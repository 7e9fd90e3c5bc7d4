//! Lambda entry point: wiring only; the route is `quote_order::handle`.

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), orders_shared::lambda_http::Error> {
    orders_shared::adapters::runtime::run(quote_order::handle).await
}
