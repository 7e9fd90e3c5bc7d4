//! Lambda entry point for the table's stream: wiring only; the job is `publish_order_events::run`.

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), orders_shared::lambda_http::Error> {
    orders_shared::adapters::runtime::run_events(publish_order_events::run).await
}
