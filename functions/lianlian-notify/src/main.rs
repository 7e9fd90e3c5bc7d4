//! Lambda entry point: wiring only; the route is `lianlian_notify::handle`.

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), orders_shared::lambda_http::Error> {
    orders_shared::adapters::runtime::run(lianlian_notify::handle).await
}
