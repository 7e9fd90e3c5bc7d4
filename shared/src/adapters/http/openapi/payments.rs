//! Paying an order, and what its app SDK takes.

use super::answers::*;
use crate::adapters::http::bodies::PaymentBody;
use crate::adapters::http::views::{ClientParamsView, PaymentStartView, PaymentView};
use crate::adapters::wxpay::AppPayParams;
use crate::domain::payment::PaymentChannel;
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
use utoipa::openapi::RefOr;
use utoipa::{PartialSchema, ToSchema};

/// What LianLian's mobile SDK takes (`lianlian_params`), every value a string, signed
/// `MD5withRSA` by the merchant key over the others sorted by name.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct LianlianParams {
    pub oid_partner: String,
    /// `109001`: physical goods.
    pub busi_partner: String,
    /// The order number.
    pub no_order: String,
    /// The order's creation time, `yyyyMMddHHmmss` in Beijing time.
    pub dt_order: String,
    pub name_goods: String,
    /// `order <order_no> buyer=<buyer>` (at most 255 characters; the buyer left out of a longer
    /// one): LianLian's notification passes it back.
    pub info_order: String,
    /// `"12.34"`.
    pub money_order: String,
    pub notify_url: String,
    /// Minutes left to pay.
    pub valid_order: String,
    /// JSON text: the goods category LianLian assigned, the buyer id, the goods and where they go.
    pub risk_item: String,
    /// The buyer id.
    pub user_id: String,
    /// `RSA`.
    pub sign_type: String,
    pub sign: String,
    /// Apple Pay only: the shop's Apple merchant id (`merchant.…`).
    pub ap_merchant_id: Option<String>,
}

/// The schema of what a channel's app SDK takes, in its field of the answer.
fn client_params_schema(channel: PaymentChannel) -> Option<RefOr<Schema>> {
    match channel {
        PaymentChannel::Alipay => Some(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .description(Some("The signed `alipay.trade.app.pay` request the Alipay app SDK takes"))
                .into(),
        ),
        PaymentChannel::Wxpay => Some(AppPayParams::schema()),
        PaymentChannel::Lianlian => Some(LianlianParams::schema()),
        PaymentChannel::Points => None,
    }
}

/// One field per money channel, named by `PaymentChannel::client_params_field`: an answer holds
/// its channel's.
impl PartialSchema for ClientParamsView<'_> {
    fn schema() -> RefOr<Schema> {
        let mut object =
            ObjectBuilder::new().description(Some("What the channel's app SDK takes, in the channel's field"));
        for channel in PaymentChannel::ALL {
            if let (Some(field), Some(schema)) = (channel.client_params_field(), client_params_schema(channel)) {
                object = object.property(field, schema);
            }
        }
        object.into()
    }
}

impl ToSchema for ClientParamsView<'_> {}

/// Start paying an order
///
/// `alipay` answers the RSA2-signed `order_string` for the Alipay app SDK, `wxpay` the WeChat
/// app SDK's parameters (`wxpay_result`, after a prepay at WeChat Pay), `lianlian` (method `quick`
/// or `apple`) the parameters LianLian's mobile SDK takes (`lianlian_params`); `points` answers
/// the payment state of a points order (paid when placed).
#[utoipa::path(post, path = "/api/v1/orders/{id}/payments", operation_id = "start-payment", tag = "payments",
    params(OrderNoPath),
    request_body = PaymentBody,
    responses(
        (status = 200, description = "What the app needs to pay", content(
            (Envelope<PaymentStartView> = "application/json"),
            (Envelope<PaymentView> = "application/json"),
        )),
        TokenErrors, BodyErrors, NotFound, StateConflict, Faults,
    ))]
fn start_payment() {}

/// Whether and how an order was paid
///
/// `refresh=true` first asks the providers an unpaid order's payment was started with
/// (`alipay.trade.query`, WeChat Pay's query by `out_trade_no`, LianLian's order query) and
/// settles a payment whose notification never came.
#[utoipa::path(get, path = "/api/v1/orders/{id}/payment", operation_id = "get-payment", tag = "payments",
    params(OrderNoPath,
        ("refresh" = Option<bool>, Query, description = "Ask the providers first")),
    responses(
        (status = 200, description = "The payment state", body = Envelope<PaymentView>),
        TokenErrors, ParamErrors, NotFound, Faults,
    ))]
fn get_payment() {}
