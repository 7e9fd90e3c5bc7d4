//! Lambda entry point: wiring only; the route is `put_shop_counter_shards::handle`.

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), orders_shared::lambda_http::Error> {
    orders_shared::adapters::runtime::run(put_shop_counter_shards::handle).await
}
