//! Lambda entry point: wiring only; the route is `withdraw_refund::handle`.

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), orders_shared::lambda_http::Error> {
    orders_shared::adapters::runtime::run(withdraw_refund::handle).await
}
