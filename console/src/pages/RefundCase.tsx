import { useState } from "preact/hooks";
import { api, unwrap } from "../api/client";
import type { components } from "../api/schema";
import { t, time } from "../i18n";
import { ErrorNote } from "./ErrorNote";

type Order = components["schemas"]["OrderView"];
type Refund = components["schemas"]["RefundView"];

/** An order's open refund case, and what the shop may do in its state. */
export function RefundCase({ order, onChanged }: { order: Order; onChanged: (order: Order) => void }) {
  const [error, setError] = useState<unknown>(null);
  const refund = order.refund;
  if (!refund) return null;
  const id = { params: { path: { id: order.order_no } } };
  const act = async (call: Promise<{ data?: unknown; error?: unknown; response: Response }>) => {
    setError(null);
    try {
      onChanged(await unwrap<Order>(call as never));
    } catch (failure) {
      setError(failure);
    }
  };
  const reject = (event: Event) => {
    event.preventDefault();
    const reason = String(new FormData(event.currentTarget as HTMLFormElement).get("reason") ?? "");
    act(api.POST("/api/v1/seller/orders/{id}/refund/reject", { ...id, body: { reason } }));
  };
  const confirmReturn = (event: Event) => {
    event.preventDefault();
    const restock = new FormData(event.currentTarget as HTMLFormElement).get("restock") === "on";
    act(api.POST("/api/v1/seller/orders/{id}/refund/confirm-return", { ...id, body: { restock } }));
  };
  return (
    <section aria-labelledby="refund-case">
      <h3 id="refund-case">{t("refundCase")}</h3>
      <CaseFacts refund={refund} />
      {refund.status === "requested" && (
        <>
          <button type="button" onClick={() => act(api.POST("/api/v1/seller/orders/{id}/refund/approve", { ...id, body: {} }))}>
            {t("approve")}
          </button>
          <form onSubmit={reject}>
            <label>{t("rejectReason")} <input name="reason" required /></label>
            <button type="submit">{t("reject")}</button>
          </form>
        </>
      )}
      {refund.status === "returning" && (
        <form onSubmit={confirmReturn}>
          <label><input type="checkbox" name="restock" defaultChecked /> {t("restock")}</label>
          <button type="submit">{t("confirmReturn")}</button>
        </form>
      )}
      {refund.payout?.status === "failed" && (
        <button type="button" onClick={() => act(api.POST("/api/v1/seller/orders/{id}/refund/retry-payout", id))}>
          {t("retryPayout")}
        </button>
      )}
      <ErrorNote error={error} />
    </section>
  );
}

export function CaseFacts({ refund }: { refund: Refund }) {
  return (
    <dl>
      <dt>{t("kind")}</dt><dd>{refund.type}</dd>
      <dt>{t("status")}</dt><dd data-testid="refund-status">{refund.status}</dd>
      <dt>{t("amount")}</dt><dd>{refund.amount}</dd>
      <dt>{t("reason")}</dt><dd>{refund.reason}</dd>
      {refund.payout && (<><dt>{t("payout")}</dt><dd>{refund.payout.status} {time(refund.payout.refunded_at)}</dd></>)}
    </dl>
  );
}
