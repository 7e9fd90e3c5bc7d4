//! Shipping as the buyer follows it.

use crate::domain::order::{Order, OrderStatus, TrackingEvent};
use crate::domain::time::Timestamp;
use serde::Serialize;

/// `GET /orders/{id}/logistics`: carrier, tracking number and events, newest first.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LogisticsView<'a> {
    pub order_no: &'a str,
    pub status: OrderStatus,
    pub carrier_code: &'a str,
    pub carrier_name: &'a str,
    pub tracking_no: &'a str,
    pub shipped_at: Timestamp,
    pub events: Vec<&'a TrackingEvent>,
}

impl<'a> LogisticsView<'a> {
    /// None until the order has shipped.
    pub fn new(order: &'a Order) -> Option<LogisticsView<'a>> {
        let shipment = order.shipment.as_ref()?;
        let mut events: Vec<&TrackingEvent> = order.tracking_events.iter().collect();
        events.sort_by_key(|event| std::cmp::Reverse(event.at));
        Some(LogisticsView {
            order_no: &order.order_no,
            status: order.status,
            carrier_code: &shipment.carrier_code,
            carrier_name: &shipment.carrier_name,
            tracking_no: &shipment.tracking_no,
            shipped_at: shipment.shipped_at,
            events,
        })
    }
}
