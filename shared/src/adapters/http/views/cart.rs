//! The cart and quotes.

use super::order::{AmountsView, LineView};
use crate::app::cart::CartLine;
use crate::domain::money::Money;
use crate::domain::order::{Amounts, Order};
use crate::domain::time::Timestamp;
use serde::Serialize;

/// One cart item as the catalog has it now.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CartLineView<'a> {
    pub sku_id: &'a str,
    pub name: Option<&'a str>,
    pub pic: Option<&'a str>,
    pub properties: Option<&'a str>,
    /// The price now (null when the SKU is gone).
    pub price: Option<Money>,
    pub price_when_added: Money,
    pub available: i64,
    pub quantity: u32,
    pub selected: bool,
    pub line_total: Money,
    /// Any of `price_changed`, `out_of_stock`, `unavailable`.
    pub flags: Vec<&'static str>,
    pub added_at: Timestamp,
}

/// A shop's part of the cart.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CartShopView<'a> {
    pub seller_id: &'a str,
    pub items: Vec<CartLineView<'a>>,
}

/// `GET /cart`: the items by shop; `selected_total` is what the selected ones cost now.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CartView<'a> {
    pub shops: Vec<CartShopView<'a>>,
    pub item_count: usize,
    pub selected_total: Money,
}

impl<'a> CartView<'a> {
    pub fn new(cart: &'a std::collections::BTreeMap<String, Vec<CartLine>>) -> CartView<'a> {
        let mut selected_total = 0;
        let mut item_count = 0;
        let shops = cart
            .iter()
            .map(|(seller_id, lines)| CartShopView {
                seller_id,
                items: lines
                    .iter()
                    .map(|line| {
                        item_count += 1;
                        let listing = line.sku.as_ref().map(|sku| &sku.listing);
                        if line.item.selected {
                            selected_total += line.line_total().0;
                        }
                        CartLineView {
                            sku_id: &line.item.sku_id,
                            name: listing.map(|listing| listing.name.as_str()),
                            pic: listing.map(|listing| listing.pic.as_str()),
                            properties: listing.map(|listing| listing.properties.as_str()),
                            price: listing.map(|listing| listing.price),
                            price_when_added: line.item.price_when_added,
                            available: line.sku.as_ref().map(|sku| sku.available).unwrap_or(0),
                            quantity: line.item.quantity,
                            selected: line.item.selected,
                            line_total: line.line_total(),
                            flags: line.flags(),
                            added_at: line.item.added_at,
                        }
                    })
                    .collect(),
            })
            .collect();
        CartView { shops, item_count, selected_total: Money(selected_total) }
    }
}

/// One order a quote would create.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QuotedOrderView<'a> {
    pub seller_id: &'a str,
    pub lines: Vec<LineView<'a>>,
    pub amounts: AmountsView,
}

/// The quote's sums over its orders.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QuoteTotalView {
    pub goods: Money,
    pub shipping: Money,
    pub discount: Money,
    pub points_deduction: Money,
    pub payable: Money,
}

/// `POST /orders/quote`: what a create with the same body would charge now.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QuoteView<'a> {
    pub orders: Vec<QuotedOrderView<'a>>,
    pub total: QuoteTotalView,
}

impl<'a> QuoteView<'a> {
    pub fn new(orders: &'a [Order]) -> QuoteView<'a> {
        let sum = |of: fn(&Amounts) -> Money| Money(orders.iter().map(|order| of(&order.amounts).0).sum());
        QuoteView {
            orders: orders
                .iter()
                .map(|order| QuotedOrderView {
                    seller_id: &order.seller_id,
                    lines: order
                        .lines
                        .iter()
                        .enumerate()
                        .map(|(index, line)| LineView::new(index, line, None))
                        .collect(),
                    amounts: AmountsView::new(&order.amounts),
                })
                .collect(),
            total: QuoteTotalView {
                goods: sum(|amounts| amounts.goods),
                shipping: sum(|amounts| amounts.shipping),
                discount: sum(|amounts| amounts.discount),
                points_deduction: sum(|amounts| amounts.points_deduction),
                payable: sum(|amounts| amounts.payable),
            },
        }
    }
}
