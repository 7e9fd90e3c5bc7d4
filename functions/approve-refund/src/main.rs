//! Lambda entry point: wiring only; the route is `approve_refund::handle`.

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), orders_shared::lambda_http::Error> {
    orders_shared::adapters::runtime::run(approve_refund::handle).await
}
