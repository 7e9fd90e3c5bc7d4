//! Lambda entry point: wiring only; the route is `start_payment::handle`.

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), orders_shared::lambda_http::Error> {
    orders_shared::adapters::runtime::run(start_payment::handle).await
}
