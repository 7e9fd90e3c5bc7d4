//! `POST /api/v1/orders/{id}/refund/return-shipment`: the buyer sent the goods back (carrier,
//! tracking number, photos); the shop confirms when they arrive.

use orders_shared::app::after_sales;
use orders_shared::domain::time::Timestamp;
use orders_shared::http::bodies::{json_body, ReturnShipmentBody};
use orders_shared::http::params::order_no_param;
use orders_shared::http::views::OrderView;
use orders_shared::http::{serve, Ctx, Reply};
use orders_shared::lambda_http::{Body, Request, Response};
use orders_shared::{ApiError, App};

pub async fn handle(app: App, request: Request) -> Response<Body> {
    serve(request, |ctx, request| ship_back(app, ctx, request)).await
}

async fn ship_back(app: App, ctx: Ctx, request: Request) -> Result<Reply, ApiError> {
    let buyer_id = ctx.buyer()?;
    let order_no = order_no_param(&request)?;
    let shipment = json_body::<ReturnShipmentBody>(&request)?.into_shipment("", Timestamp::now())?;
    let order = after_sales::ship_back(&app, buyer_id, &order_no, shipment).await?;
    Reply::ok(OrderView::new(&order, Timestamp::now()))
}
