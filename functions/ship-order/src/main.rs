//! Lambda entry point: wiring only; the route is `ship_order::handle`.

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), orders_shared::lambda_http::Error> {
    orders_shared::adapters::runtime::run(ship_order::handle).await
}
