//! Lambda entry point: wiring only; the route is `empty_cart::handle`.

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), orders_shared::lambda_http::Error> {
    orders_shared::adapters::runtime::run(empty_cart::handle).await
}
