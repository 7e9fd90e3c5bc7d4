//! Lambda entry point: wiring only; the route is `set_points_password::handle`.

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), orders_shared::lambda_http::Error> {
    orders_shared::adapters::runtime::run(set_points_password::handle).await
}
