import { useEffect, useState } from "preact/hooks";
import { api, unwrap } from "../api/client";
import type { components } from "../api/schema";
import { t, time } from "../i18n";
import { ErrorNote } from "./ErrorNote";
import { CaseFacts, RefundCase } from "./RefundCase";

type Order = components["schemas"]["OrderView"];

export function SellerOrder({ orderNo }: { orderNo: string }) {
  const [order, setOrder] = useState<Order | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    unwrap<Order>(api.GET("/api/v1/seller/orders/{id}", { params: { path: { id: orderNo } } }))
      .then(setOrder)
      .catch(setError);
  }, [orderNo]);
  if (!order) return error ? <ErrorNote error={error} /> : <p>{t("loading")}</p>;
  return (
    <article aria-labelledby="order">
      <p><a href="#/orders?tab=wait_send">{t("back")}</a></p>
      <h2 id="order">{t("orderNo")} {order.order_no}</h2>
      <p>{t("status")}: <strong data-testid="status">{order.status}</strong></p>
      <h3>{t("lines")}</h3>
      <ul>
        {order.lines.map((line) => (
          <li>{line.product_name} × {line.quantity} ({line.line_total})</li>
        ))}
      </ul>
      <h3>{t("amounts")}</h3>
      <dl>
        <dt>{t("goods")}</dt><dd>{order.amounts.goods}</dd>
        <dt>{t("shipping")}</dt><dd>{order.amounts.shipping}</dd>
        <dt>{t("payable")}</dt><dd>{order.amounts.payable}</dd>
        <dt>{t("paid")}</dt><dd>{order.amounts.paid}</dd>
      </dl>
      {order.payment && (
        <>
          <h3>{t("payment")}</h3>
          <p>{order.payment.channel} {order.payment.trade_no} · {time(order.payment.paid_at)}</p>
        </>
      )}
      <h3>{t("address")}</h3>
      <p>{order.address.name} {order.address.province} {order.address.city} {order.address.district} {order.address.detail}</p>
      {order.shipment && (
        <>
          <h3>{t("ship")}</h3>
          <p>{order.shipment.carrier_name} {order.shipment.tracking_no} · {time(order.shipment.shipped_at)}</p>
          <ol>
            {order.tracking_events.map((event) => (
              <li>{time(event.at)} {event.location} {event.description}</li>
            ))}
          </ol>
        </>
      )}
      <h3>{t("timeline")}</h3>
      <ol>
        {order.timeline.map((entry) => (
          <li>{time(entry.at)} {entry.status} {entry.comment}</li>
        ))}
      </ol>
      {order.status === "paid" && !order.refund && <ShipForm orderNo={order.order_no} onShipped={setOrder} />}
      {["shipped", "completed"].includes(order.status) && <TrackingForm orderNo={order.order_no} onAdded={setOrder} />}
      {order.status === "pending_payment" && <CloseButton orderNo={order.order_no} onClosed={setOrder} />}
      <RefundCase order={order} onChanged={setOrder} />
      {order.refunds.length > 0 && (
        <section aria-labelledby="past-cases">
          <h3 id="past-cases">{t("pastCases")}</h3>
          {order.refunds.map((refund) => <CaseFacts refund={refund} />)}
        </section>
      )}
    </article>
  );
}

function ShipForm({ orderNo, onShipped }: { orderNo: string; onShipped: (order: Order) => void }) {
  const [error, setError] = useState<unknown>(null);
  const submit = async (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const body = {
      carrier_code: String(form.get("carrier_code") ?? ""),
      carrier_name: String(form.get("carrier_name") ?? ""),
      tracking_no: String(form.get("tracking_no") ?? ""),
    };
    try {
      onShipped(await unwrap<Order>(api.POST("/api/v1/seller/orders/{id}/ship", { params: { path: { id: orderNo } }, body })));
    } catch (failure) {
      setError(failure);
    }
  };
  return (
    <form onSubmit={submit} aria-labelledby="ship">
      <h3 id="ship">{t("ship")}</h3>
      <label>{t("carrierCode")} <input name="carrier_code" required defaultValue="SF" /></label>
      <label>{t("carrierName")} <input name="carrier_name" required defaultValue="SF Express" /></label>
      <label>{t("trackingNo")} <input name="tracking_no" required /></label>
      <button type="submit">{t("ship")}</button>
      <ErrorNote error={error} />
    </form>
  );
}

function TrackingForm({ orderNo, onAdded }: { orderNo: string; onAdded: (order: Order) => void }) {
  const [error, setError] = useState<unknown>(null);
  const submit = async (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const body = { description: String(form.get("description") ?? ""), location: String(form.get("location") ?? "") };
    try {
      const id = { params: { path: { id: orderNo } } };
      await unwrap(api.POST("/api/v1/seller/orders/{id}/tracking-events", { ...id, body }));
      onAdded(await unwrap(api.GET("/api/v1/seller/orders/{id}", id)));
    } catch (failure) {
      setError(failure);
    }
  };
  return (
    <form onSubmit={submit} aria-labelledby="tracking">
      <h3 id="tracking">{t("tracking")}</h3>
      <label>{t("description")} <input name="description" required /></label>
      <label>{t("location")} <input name="location" /></label>
      <button type="submit">{t("tracking")}</button>
      <ErrorNote error={error} />
    </form>
  );
}

function CloseButton({ orderNo, onClosed }: { orderNo: string; onClosed: (order: Order) => void }) {
  const [error, setError] = useState<unknown>(null);
  const close = async () => {
    try {
      onClosed(await unwrap<Order>(api.POST("/api/v1/seller/orders/{id}/close", { params: { path: { id: orderNo } } })));
    } catch (failure) {
      setError(failure);
    }
  };
  return (
    <p>
      <button type="button" onClick={close}>{t("closeOrder")}</button>
      <ErrorNote error={error} />
    </p>
  );
}
