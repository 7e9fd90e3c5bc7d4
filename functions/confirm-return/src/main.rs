//! Lambda entry point: wiring only; the route is `confirm_return::handle`.

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), orders_shared::lambda_http::Error> {
    orders_shared::adapters::runtime::run(confirm_return::handle).await
}
