//! Lambda entry point: wiring only; the route is `add_tracking_event::handle`.

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), orders_shared::lambda_http::Error> {
    orders_shared::adapters::runtime::run(add_tracking_event::handle).await
}
