//! Lambda entry point: wiring only; the route is `ship_return::handle`.

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), orders_shared::lambda_http::Error> {
    orders_shared::adapters::runtime::run(ship_return::handle).await
}
