//! Lambda entry point: wiring only; the route is `put_freight_template::handle`.

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), orders_shared::lambda_http::Error> {
    orders_shared::adapters::runtime::run(put_freight_template::handle).await
}
