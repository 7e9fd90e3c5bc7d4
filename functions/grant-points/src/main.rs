//! Lambda entry point: wiring only; the route is `grant_points::handle`.

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), orders_shared::lambda_http::Error> {
    orders_shared::adapters::runtime::run(grant_points::handle).await
}
