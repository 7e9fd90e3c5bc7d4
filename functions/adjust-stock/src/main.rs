//! Lambda entry point: wiring only; the route is `adjust_stock::handle`.

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), orders_shared::lambda_http::Error> {
    orders_shared::adapters::runtime::run(adjust_stock::handle).await
}
