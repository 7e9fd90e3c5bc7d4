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
          <button type="button" onClick={() => act(() => unwrap(api.POST("/api/v1/orders/{id}/cancel", { ...id, body: {} }) as never))}>{t("cancel")}</button>
        </p>
      )}
      {status === "shipped" && (
        <button type="button" onClick={() => act(() => unwrap(api.POST("/api/v1/orders/{id}/receipt", id) as never))}>{t("confirmReceipt")}</button>
      )}
      {status === "completed" && !order.reviewed && (
        <form aria-labelledby="review" onSubmit={(event) => {
          const comment = formValue(event, "comment");
          act(() => unwrap(api.POST("/api/v1/orders/{id}/review", { ...id, body: { comment } }) as never));
        }}>
          <h3 id="review">{t("review")}</h3>
          <label>{t("comment")} <input name="comment" /></label>
          <button type="submit">{t("review")}</button>
        </form>
      )}
      {["paid", "shipped", "completed"].includes(status) && !order.refund && (
        <form aria-labelledby="apply" onSubmit={(event) => {
          const reason = formValue(event, "reason");
          act(() => unwrap(api.POST("/api/v1/orders/{id}/refund", { ...id, body: { type: "refund_only", reason } }) as never));
        }}>
          <h3 id="apply">{t("applyRefund")}</h3>
          <label>{t("reason")} <input name="reason" required /></label>
          <button type="submit">{t("applyRefund")}</button>
        </form>
      )}
      {order.refund && (
        <section aria-labelledby="refund-case"><h3 id="refund-case">{t("refundCase")}</h3><CaseFacts refund={order.refund} /></section>
      )}
    </article>
  );
}
