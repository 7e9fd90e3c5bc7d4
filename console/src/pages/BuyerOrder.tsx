import { useEffect, useState } from "preact/hooks";
import { api, unwrap } from "../api/client";
import type { components } from "../api/schema";
import { t, time } from "../i18n";
import { ErrorNote } from "./ErrorNote";
import { CaseFacts } from "./RefundCase";

type Order = components["schemas"]["OrderView"];

/** A buyer's order and what the buyer may do with it now. */
export function BuyerOrder({ orderNo }: { orderNo: string }) {
  const [order, setOrder] = useState<Order | null>(null);
  const [error, setError] = useState<unknown>(null);
  const id = { params: { path: { id: orderNo } } };
  const load = () => unwrap<Order>(api.GET("/api/v1/orders/{id}", id)).then(setOrder).catch(setError);
  useEffect(() => {
    load();
  }, [orderNo]);
  const act = async (work: () => Promise<unknown>) => {
    setError(null);
    try {
      await work();
      await load();
    } catch (failure) {
      setError(failure);
    }
  };
  const formValue = (event: Event, name: string) => {
    event.preventDefault();
    return String(new FormData(event.currentTarget as HTMLFormElement).get(name) ?? "");
  };
  if (!order) return error ? <ErrorNote error={error} /> : <p>{t("loading")}</p>;
  const status = order.status;
  return (
    <article aria-labelledby="order">
      <p><a href="#/orders">{t("myOrders")}</a></p>
      <h2 id="order">{t("orderNo")} {order.order_no}</h2>
      <p>{t("status")}: <strong data-testid="status">{status}</strong> · {t("payable")} {order.amounts.payable} · {time(order.created_at)}</p>
      <ul>{order.lines.map((line) => <li>{line.product_name} × {line.quantity} ({line.line_total})</li>)}</ul>
      <ErrorNote error={error} />
      {status === "pending_payment" && (
        <p>
          {/* make dev's stand-in WeChat Pay: what the buyer's phone does there. */}
          <button type="button" onClick={() => act(async () => {
            const paid = await fetch(`/stand-in/wxpay/buyer-pays/${order.order_no}`, { method: "POST" });
            if (!paid.ok) throw new Error(`the stand-in WeChat Pay answered ${paid.status}`);
          })}>{t("payStandIn")}</button>{" "}
          <button type="button" onClick={() => act(() => unwrap(api.POST("/api/v1/orders/{id}/cancel", { ...id, body: {} })))}>{t("cancel")}</button>
        </p>
      )}
      {status === "shipped" && (
        <button type="button" onClick={() => act(() => unwrap(api.POST("/api/v1/orders/{id}/receipt", id)))}>{t("confirmReceipt")}</button>
      )}
      {status === "completed" && !order.reviewed && (
        <form aria-labelledby="review" onSubmit={(event) => {
          const comment = formValue(event, "comment");
          act(() => unwrap(api.POST("/api/v1/orders/{id}/review", { ...id, body: { comment } })));
        }}>
          <h3 id="review">{t("review")}</h3>
          <label>{t("comment")} <input name="comment" /></label>
          <button type="submit">{t("review")}</button>
        </form>
      )}
      {["paid", "shipped", "completed"].includes(status) && !order.refund && (
        <form aria-labelledby="apply" onSubmit={(event) => {
          const reason = formValue(event, "reason");
          const kind = String(new FormData(event.currentTarget as HTMLFormElement).get("type")) === "return_and_refund" ? "return_and_refund" as const : "refund_only" as const;
          act(() => unwrap(api.POST("/api/v1/orders/{id}/refund", { ...id, body: { type: kind, reason } })));
        }}>
          <h3 id="apply">{t("applyRefund")}</h3>
          <label>{t("kind")}{" "}
            <select name="type">
              <option value="refund_only">{t("moneyOnly")}</option>
              {status !== "paid" && <option value="return_and_refund">{t("goodsAndMoney")}</option>}
            </select>
          </label>
          <label>{t("reason")} <input name="reason" required /></label>
          <button type="submit">{t("applyRefund")}</button>
        </form>
      )}
      {order.refund?.status === "awaiting_return" && (
        <form aria-labelledby="send-back" onSubmit={(event) => {
          event.preventDefault();
          const form = new FormData(event.currentTarget as HTMLFormElement);
          const body = { carrier_code: String(form.get("carrier_code") ?? ""), carrier_name: String(form.get("carrier_name") ?? ""), tracking_no: String(form.get("tracking_no") ?? "") };
          act(() => unwrap(api.POST("/api/v1/orders/{id}/refund/return-shipment", { ...id, body })));
        }}>
          <h3 id="send-back">{t("sendBack")}</h3>
          <label>{t("carrierCode")} <input name="carrier_code" required defaultValue="SF" /></label>
          <label>{t("carrierName")} <input name="carrier_name" required defaultValue="SF Express" /></label>
          <label>{t("trackingNo")} <input name="tracking_no" required /></label>
          <button type="submit">{t("sendBack")}</button>
        </form>
      )}
      {order.refund && (
        <section aria-labelledby="refund-case"><h3 id="refund-case">{t("refundCase")}</h3><CaseFacts refund={order.refund} /></section>
      )}
    </article>
  );
}
