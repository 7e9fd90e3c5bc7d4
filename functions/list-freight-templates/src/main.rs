//! Lambda entry point: wiring only; the route is `list_freight_templates::handle`.

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), orders_shared::lambda_http::Error> {
    orders_shared::adapters::runtime::run(list_freight_templates::handle).await
}
