//! Lambda entry point: wiring only; the route is `review_order::handle`.

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), orders_shared::lambda_http::Error> {
    orders_shared::adapters::runtime::run(review_order::handle).await
}
