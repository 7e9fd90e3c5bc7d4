//! Placing an order: read the SKUs, the address, the idempotency record and the points balance
//! at once, price the checkout, then write everything in one transaction (stock reserved, one
//! order per seller, points spent, counters moved, the key recorded). All or nothing.

use crate::adapters::metrics;
use crate::adapters::store::{CheckoutWants, CreateOutcome, IdempotencyClaim};
use crate::app::{payment, points, shops, App};
use crate::domain::idempotency::IdempotencyKey;
use crate::domain::member::Benefit;
use crate::domain::order::{Order, OrderType};
use crate::domain::pricing::{build_orders, points_spent, AddressSource, Checkout, PriceBook};
use crate::domain::stock_shards::plan_reservation;
use crate::domain::time::Timestamp;
use crate::error::ApiError;
use std::collections::BTreeMap;

/// Order numbers are random in their last five digits; a clash is retried with new ones.
const MAX_ATTEMPTS: usize = 3;

/// What placing a checkout did.
#[derive(Debug)]
pub enum Placed {
    /// New orders, one per seller.
    Created(Vec<Order>),
    /// The Idempotency-Key was used before with the same body: the orders it made then.
    Replayed(Vec<Order>),
}

pub async fn place(
    app: &App,
    buyer_id: &str,
    checkout: &Checkout,
    key: Option<&IdempotencyKey>,
) -> Result<Placed, ApiError> {
    let placed = place_orders(app, buyer_id, checkout, key).await?;
    if let Placed::Created(orders) = &placed {
        metrics::orders_created(orders.len());
        // Orders paid in full by points are paid as they are placed.
        for (order, payment) in orders.iter().filter_map(|order| Some((order, order.payment.as_ref()?))) {
            metrics::order_paid(payment.channel, order.amounts.payable);
        }
    }
    Ok(placed)
}

impl Placed {
    /// The orders, new or replayed.
    pub fn orders(&self) -> &[Order] {
        match self {
            Placed::Created(orders) | Placed::Replayed(orders) => orders,
        }
    }

    /// Whether an earlier call with the same Idempotency-Key made them.
    pub fn is_replay(&self) -> bool {
        matches!(self, Placed::Replayed(_))
    }
}

/// A checkout read and priced, not yet written.
struct Priced {
    orders: Vec<Order>,
    /// Cart items being bought (removed in the create transaction).
    from_cart: Vec<String>,
    /// SKUs whose stock is in shards, with the shards a reservation may take from.
    stock_shards: BTreeMap<String, u32>,
}

/// Reads what a checkout needs (the cart first when buying from it; then one BatchGetItem for
/// SKUs, address, idempotency record, points, the shops' freight templates and the member
/// level) and prices it. A replayed Idempotency-Key is returned as it is.
/// Why a checkout is priced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Purpose {
    Quote,
    Create,
}

async fn price(
    app: &App,
    buyer_id: &str,
    checkout: &Checkout,
    claim: Option<IdempotencyClaim<'_>>,
    purpose: Purpose,
    now: Timestamp,
) -> Result<Result<Priced, CreateOutcome>, ApiError> {
    let mut checkout = checkout.clone();
    let mut sellers: Vec<String> = Vec::new();
    let mut from_cart = Vec::new();
    if let Some(picked) = &checkout.from_cart {
        let cart = app.store.cart(buyer_id).await?;
        let chosen: Vec<_> = cart
            .iter()
            .filter(|item| if picked.is_empty() { item.selected } else { picked.contains(&item.sku_id) })
            .collect();
        let refused = match picked.iter().find(|sku_id| !cart.iter().any(|item| &item.sku_id == *sku_id)) {
            Some(missing) => Some(ApiError::invalid("sku_ids", format!("SKU {missing} is not in the cart"))),
            None if chosen.is_empty() => Some(ApiError::invalid("from_cart", "no item of the cart is selected")),
            None => None,
        };
        if let Some(refused) = refused {
            // A retry of a create that already bought these items answers what it made then.
            if let Some(claim) = claim {
                if let Some(outcome) = app.store.recorded_outcome(buyer_id, claim).await? {
                    return Ok(Err(outcome));
                }
            }
            return Err(refused);
        }
        checkout.items = chosen.iter().map(|item| (item.sku_id.clone(), item.quantity)).collect();
        from_cart = chosen.iter().map(|item| item.sku_id.clone()).collect();
        sellers = chosen.iter().map(|item| item.seller_id.clone()).collect();
        sellers.sort();
        sellers.dedup();
    }
    let sku_ids: Vec<&str> = checkout.items.iter().map(|(sku_id, _)| sku_id.as_str()).collect();
    let wants = CheckoutWants {
        address_id: match &checkout.address {
            AddressSource::Book(id) => Some(id.as_str()),
            AddressSource::Inline(_) => None,
        },
        idempotency: claim,
        points: checkout.spends_points(),
        freight_of: sellers,
        member_level: checkout.benefit == Benefit::Discount,
    };
    let reads = app.store.checkout_reads(buyer_id, &sku_ids, &wants).await?;
    if let Some(outcome) = reads.replay {
        return Ok(Err(outcome));
    }
    let mut stock_shards = BTreeMap::new();
    for (sku_id, quantity) in &checkout.items {
        let sku = reads.skus.get(sku_id).ok_or_else(|| ApiError::not_found("SKU", sku_id.clone()))?;
        if sku.is_sharded() {
            // Its item holds only shard 0's figures: the reservation tells.
            stock_shards.insert(sku_id.clone(), sku.stock_shards);
        } else if sku.available < i64::from(*quantity) {
            return Err(ApiError::OutOfStock { sku_id: sku_id.clone() });
        }
    }
    let address = match &checkout.address {
        AddressSource::Inline(address) => address.clone(),
        AddressSource::Book(id) => reads.address.ok_or_else(|| ApiError::not_found("address", id.clone()))?.address,
    };
    // Shops not known before the SKUs were read (buying `items`): their templates now.
    let mut freight = reads.freight;
    let mut unread: Vec<String> = reads
        .skus
        .values()
        .filter(|sku| sku.listing.freight_template_id.is_some() && !freight.contains_key(&sku.listing.seller_id))
        .map(|sku| sku.listing.seller_id.clone())
        .collect();
    unread.sort();
    unread.dedup();
    let mut counter_shards = reads.counter_shards;
    if !unread.is_empty() {
        let shops = app.store.shops_freight(&unread).await?;
        freight.extend(shops.freight);
        counter_shards.extend(shops.counter_shards);
    }
    for (seller_id, shards) in counter_shards {
        shops::remember_counter_shards(app, &seller_id, shards);
    }
    let mut book = PriceBook { templates: Default::default(), level: reads.level };
    for (seller_id, shop) in freight {
        for (template_id, template) in shop.templates {
            book.templates.insert((seller_id.clone(), template_id), template);
        }
    }
    let orders =
        build_orders(buyer_id, &checkout, &reads.skus, &book, &address, now, app.config.payment_window_seconds)?;
    let needed = points_spent(&orders);
    if needed > reads.points {
        return Err(not_enough_points(&checkout, reads.points, needed));
    }
    // Paying with points needs the points password when one is set (a quote pays nothing).
    if needed > 0 && purpose == Purpose::Create {
        points::check_password(app, buyer_id, reads.pay_password.as_ref(), checkout.pay_password.as_ref(), now).await?;
    }
    Ok(Ok(Priced { orders, from_cart, stock_shards }))
}

/// `POST /orders/quote`: what placing the checkout would charge now, writing nothing.
pub async fn quote(app: &App, buyer_id: &str, checkout: &Checkout) -> Result<Vec<Order>, ApiError> {
    match price(app, buyer_id, checkout, None, Purpose::Quote, Timestamp::now()).await? {
        Ok(priced) => Ok(priced.orders),
        Err(_) => Err(ApiError::Internal("a quote has no Idempotency-Key".into())),
    }
}

/// Placing a checkout and, with its `pay_channel` (`pay_type`), starting its payment in
/// the same call: each order of the checkout (one per shop) is its own trade at the provider,
/// `out_trade_no` being the order number, so that each shop's order is paid, refunded and
/// closed on its own; a points order is paid as it is placed. The orders answered are as they
/// are after their payment started. The orders are placed whatever the provider says: a start
/// that fails (the provider unreachable, say) is answered beside them, and `start-payment`
/// starts it again later.
pub async fn place_and_start(
    app: &App,
    buyer_id: &str,
    checkout: &Checkout,
    key: Option<&IdempotencyKey>,
) -> Result<(Placed, PaymentStarts), ApiError> {
    // A missing provider is found before anything is written.
    if let Some(choice) = checkout.pay_channel {
        app.provider(choice.channel)?.check_start(choice.method)?;
    }
    let mut placed = place(app, buyer_id, checkout, key).await?;
    let mut starts = PaymentStarts::default();
    if let Some(choice) = checkout.pay_channel.filter(|choice| choice.channel.takes_money()) {
        let orders = match &mut placed {
            Placed::Created(orders) | Placed::Replayed(orders) => orders,
        };
        for order in orders.iter_mut().filter(|order| order.payment.is_none()) {
            match payment::start_order(app, buyer_id, order.clone(), choice).await {
                Ok(start) => {
                    *order = start.order.clone();
                    starts.started.push(start);
                }
                Err(error) => {
                    tracing::warn!(order_no = %order.order_no, %error, "the order is placed; its payment did not start");
                    starts.failed.push((order.order_no.clone(), error));
                }
            }
        }
    }
    Ok((placed, starts))
}

/// What starting the payments of a checkout's orders gave.
#[derive(Debug, Default)]
pub struct PaymentStarts {
    pub started: Vec<payment::Started>,
    /// Orders whose start failed, and why (`start-payment` tries again).
    pub failed: Vec<(String, ApiError)>,
}

async fn place_orders(
    app: &App,
    buyer_id: &str,
    checkout: &Checkout,
    key: Option<&IdempotencyKey>,
) -> Result<Placed, ApiError> {
    let claim = key.map(|key| IdempotencyClaim { key: key.as_str(), fingerprint: &checkout.fingerprint });
    for _ in 0..MAX_ATTEMPTS {
        let now = Timestamp::now();
        let mut priced = match price(app, buyer_id, checkout, claim, Purpose::Create, now).await? {
            Ok(priced) => priced,
            Err(replayed) => return placed_from(app, buyer_id, replayed, Vec::new()).await,
        };
        let mut orders = std::mem::take(&mut priced.orders);
        match create_in_shards(app, &mut orders, claim, &priced, now).await? {
            // The numbers are taken by these very orders when an earlier attempt of this request
            // was written but its answer was lost (the SDK then sent it again).
            CreateOutcome::OrderNoTaken if already_written(app, buyer_id, &orders).await? => {
                return Ok(Placed::Created(orders));
            }
            CreateOutcome::OrderNoTaken => continue,
            outcome => return placed_from(app, buyer_id, outcome, orders).await,
        }
    }
    Err(ApiError::Unavailable("could not allocate a unique order number".into()))
}

/// How often a reservation from a sharded SKU is planned again when the shards it chose were
/// emptied by other buyers meanwhile.
const SHARD_ATTEMPTS: usize = 8;

/// Writes the orders. Units of a sharded SKU are reserved from a shard that has them, picked at
/// random among those (so buyers spread over the shards), after one read of the SKU's shards;
/// when other buyers empty it first, the shards are read again and the units taken from one
/// that still has them, or from several. Only when all of them together are short is the SKU out
/// of stock, and then nothing was written.
async fn create_in_shards(
    app: &App,
    orders: &mut [Order],
    claim: Option<IdempotencyClaim<'_>>,
    priced: &Priced,
    now: Timestamp,
) -> Result<CreateOutcome, ApiError> {
    shops::choose_counter_shards(app, orders).await?;
    for sku_id in priced.stock_shards.keys() {
        if !plan_shards(app, orders, sku_id).await? {
            return Ok(CreateOutcome::OutOfStock(sku_id.clone()));
        }
    }
    for _ in 0..SHARD_ATTEMPTS {
        let outcome = app.store.create_orders(orders, claim, &priced.from_cart, now).await?;
        let CreateOutcome::OutOfStock(sku_id) = &outcome else { return Ok(outcome) };
        if !priced.stock_shards.contains_key(sku_id) {
            return Ok(outcome);
        }
        metrics::store_retry("stock_shard");
        if !plan_shards(app, orders, sku_id).await? {
            return Ok(outcome);
        }
    }
    Err(ApiError::Unavailable("the stock shards kept emptying under other buyers; try again".into()))
}

/// Reads a sharded SKU's shards and plans where its line's units come from; false when all the
/// shards together are short.
async fn plan_shards(app: &App, orders: &mut [Order], sku_id: &str) -> Result<bool, ApiError> {
    let Some((sku, shards)) = app.store.sku_stock(sku_id, true).await? else { return Ok(false) };
    let Some(line) = orders.iter_mut().flat_map(|order| order.lines.iter_mut()).find(|line| line.sku_id == sku_id)
    else {
        return Ok(false);
    };
    let pick = rand::random_range(0..usize::MAX);
    match plan_reservation(&shards, sku.stock_shards, line.quantity, pick) {
        Some(plan) => {
            line.stock_shards = plan;
            Ok(true)
        }
        None => Ok(false),
    }
}

/// Whether `orders` are stored exactly as built.
async fn already_written(app: &App, buyer_id: &str, orders: &[Order]) -> Result<bool, ApiError> {
    let numbers: Vec<String> = orders.iter().map(|order| order.order_no.clone()).collect();
    let mut stored = app.store.get_orders(buyer_id, &numbers).await?;
    stored.sort_by(|a, b| a.order_no.cmp(&b.order_no));
    let mut built = orders.to_vec();
    built.sort_by(|a, b| a.order_no.cmp(&b.order_no));
    Ok(stored == built)
}

/// The answer for a store outcome; a replay reads the first call's orders back.
async fn placed_from(
    app: &App,
    buyer_id: &str,
    outcome: CreateOutcome,
    created: Vec<Order>,
) -> Result<Placed, ApiError> {
    match outcome {
        CreateOutcome::Created => Ok(Placed::Created(created)),
        CreateOutcome::Replayed(order_nos) => {
            let mut orders = app.store.get_orders(buyer_id, &order_nos).await?;
            orders.sort_by(|a, b| a.order_no.cmp(&b.order_no));
            Ok(Placed::Replayed(orders))
        }
        CreateOutcome::IdempotencyMismatch => Err(ApiError::IdempotencyMismatch),
        CreateOutcome::OutOfStock(sku_id) => Err(ApiError::OutOfStock { sku_id }),
        CreateOutcome::NotEnoughPoints => {
            Err(ApiError::invalid("points_to_use", "the points balance changed; not enough points"))
        }
        CreateOutcome::OrderNoTaken => Err(ApiError::Unavailable("order number clash".into())),
        CreateOutcome::CartChanged => Err(ApiError::conflict(
            "cannot buy from the cart: its items changed meanwhile",
            "购物车中的商品已变化，不能下单",
        )),
    }
}

fn not_enough_points(checkout: &Checkout, balance: i64, needed: i64) -> ApiError {
    let field = if checkout.order_type == OrderType::Points { "order_type" } else { "points_to_use" };
    ApiError::invalid(field, format!("needs {needed} points, the balance is {balance}"))
}
