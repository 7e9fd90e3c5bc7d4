//! Lambda entry point: wiring only; the route is `wxpay_notify::handle`.

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), orders_shared::lambda_http::Error> {
    orders_shared::adapters::runtime::run(wxpay_notify::handle).await
}
