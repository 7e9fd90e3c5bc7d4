//! `POST /api/v1/orders`: place an order. Prices come from the catalog; stock is reserved in the
//! same transaction that writes the orders (one per seller); `Idempotency-Key` is honoured.

use orders_shared::checkout::{build_orders, points_spent, AddressSource, CreateOrderRequest, ValidCheckout};
use orders_shared::http::{header_value, json_body, serve, Ctx, Reply};
use orders_shared::lambda_http::{Body, Request, Response};
use orders_shared::order::{Order, OrderType};
use orders_shared::runtime::App;
use orders_shared::store::{CreateOutcome, IdempotencyClaim};
use orders_shared::time::Timestamp;
use orders_shared::view::order_view;
use orders_shared::ApiError;
use serde_json::{json, Value};

/// Order numbers are random in their last five digits; a clash is retried with new ones.
const MAX_ATTEMPTS: usize = 3;

pub async fn handle(app: App, request: Request) -> Response<Body> {
    serve(request, |ctx, request| create(app, ctx, request)).await
}

fn idempotency_key(request: &Request) -> Result<Option<String>, ApiError> {
    let Some(key) = header_value(request, "idempotency-key") else {
        return Ok(None);
    };
    let valid = (1..=128).contains(&key.len()) && key.bytes().all(|b| b.is_ascii_graphic());
    if !valid {
        return Err(ApiError::invalid("Idempotency-Key", "must be 1 to 128 visible ASCII characters"));
    }
    Ok(Some(key))
}

async fn create(app: App, ctx: Ctx, request: Request) -> Result<Reply, ApiError> {
    let buyer_id = ctx.buyer()?.to_string();
    let idempotency = idempotency_key(&request)?;
    let checkout = json_body::<CreateOrderRequest>(&request)?.validate()?;
    let sku_ids: Vec<&str> = checkout.items.iter().map(|(sku_id, _)| sku_id.as_str()).collect();
    let address_id = match &checkout.address {
        AddressSource::Book(id) => Some(id.as_str()),
        AddressSource::Inline(_) => None,
    };
    let claim = idempotency.as_deref().map(|key| (key, checkout.fingerprint.as_str()));
    let needs_points = checkout.points_to_use > 0 || checkout.order_type == OrderType::Points;
    let reads = app.store.checkout_reads(&buyer_id, &sku_ids, address_id, claim, needs_points).await?;
    if let Some(outcome) = reads.replay {
        return answer(&app, &buyer_id, outcome, &[]).await;
    }
    for (sku_id, quantity) in &checkout.items {
        let sku = reads.skus.get(sku_id).ok_or_else(|| ApiError::not_found("SKU", sku_id.clone()))?;
        if sku.stock < i64::from(*quantity) {
            return Err(ApiError::OutOfStock { sku_id: sku_id.clone() });
        }
    }
    let address = match &checkout.address {
        AddressSource::Inline(address) => address.clone(),
        AddressSource::Book(id) => match reads.address {
            Some(entry) => entry.address,
            None => return Err(ApiError::not_found("address", id.clone())),
        },
    };
    for _ in 0..MAX_ATTEMPTS {
        let now = Timestamp::now();
        let orders = build_orders(&buyer_id, &checkout, &reads.skus, &address, now, app.config.payment_window_seconds)?;
        let needed = points_spent(&orders);
        if needed > reads.points {
            return Err(not_enough_points(&checkout, reads.points, needed));
        }
        let claim = idempotency.as_deref().map(|key| IdempotencyClaim { key, fingerprint: &checkout.fingerprint });
        match app.store.create_orders(&orders, claim, now).await? {
            CreateOutcome::OrderNoTaken => continue,
            outcome => return answer(&app, &buyer_id, outcome, &orders).await,
        }
    }
    Err(ApiError::Unavailable("could not allocate a unique order number".into()))
}

async fn answer(app: &App, buyer_id: &str, outcome: CreateOutcome, created: &[Order]) -> Result<Reply, ApiError> {
    match outcome {
        CreateOutcome::Created => Reply::created(orders_data(created)),
        CreateOutcome::Replayed(order_nos) => {
            let mut orders = app.store.get_orders(buyer_id, &order_nos).await?;
            orders.sort_by(|a, b| a.order_no.cmp(&b.order_no));
            Ok(Reply::created(orders_data(&orders))?.header("idempotent-replayed", "true"))
        }
        CreateOutcome::IdempotencyMismatch => Err(ApiError::IdempotencyMismatch),
        CreateOutcome::OutOfStock(sku_id) => Err(ApiError::OutOfStock { sku_id }),
        CreateOutcome::NotEnoughPoints => {
            Err(ApiError::invalid("points_to_use", "the points balance changed; not enough points"))
        }
        CreateOutcome::OrderNoTaken => Err(ApiError::Unavailable("order number clash".into())),
    }
}

fn orders_data(orders: &[Order]) -> Value {
    let now = Timestamp::now();
    json!({"orders": orders.iter().map(|order| order_view(order, now)).collect::<Vec<_>>()})
}

fn not_enough_points(checkout: &ValidCheckout, balance: i64, needed: i64) -> ApiError {
    let field = if checkout.order_type == OrderType::Points { "order_type" } else { "points_to_use" };
    ApiError::invalid(field, format!("needs {needed} points, the balance is {balance}"))
}
