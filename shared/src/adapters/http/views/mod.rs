//! What the API answers: typed wire forms of the stored values. Money is a `Money` here, which
//! serializes as `"12.34"`; the storage structs keep fen. Each view destructures its stored
//! value field by field, so a field added to the order does not compile until its view says
//! how it is shown.

mod address_book;
mod cart;
mod catalog;
mod freight;
mod fulfilment;
mod lists;
mod members;
mod order;
mod payments;
mod webhooks;

pub use address_book::{AddressListView, DeletedAddressView};
pub use cart::{CartLineView, CartShopView, CartView, QuoteTotalView, QuoteView, QuotedOrderView};
pub use catalog::{SellerSkuView, SkuView};
pub use freight::{FreightTemplateView, FreightTemplatesView, RegionFeeView, ShippingFeeView};
pub use fulfilment::LogisticsView;
pub use lists::{CountsView, DeletedOrderView, OrderListView};
pub use members::{CounterShardsView, MeView, MemberLevelView, PointsView};
pub use order::{AmountsView, LatePaymentView, LineView, OrderView, RefundView};
pub use payments::{ClientParamsView, CreatedOrdersView, PaymentErrorView, PaymentStartView, PaymentView};
pub use webhooks::{DeliveryListView, DeliveryView, WebhookListView, WebhookView};
