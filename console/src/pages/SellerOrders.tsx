import { useEffect, useState } from "preact/hooks";
import { api, unwrap } from "../api/client";
import type { components } from "../api/schema";
import { t, time, type Word } from "../i18n";
import { ErrorNote } from "./ErrorNote";

type Counts = components["schemas"]["CountsView"];
type OrderList = components["schemas"]["OrderListView"];

/** The tabs: a count bucket each, and the list filter that shows its orders. */
const TABS: { bucket: keyof Counts & Word; status?: string }[] = [
  { bucket: "wait_pay", status: "pending_payment" },
  { bucket: "wait_send", status: "paid" },
  { bucket: "wait_receipt", status: "shipped" },
  { bucket: "completed", status: "completed" },
  { bucket: "after_sales", status: "after_sales" },
  { bucket: "closed", status: "closed" },
  { bucket: "all" },
];

export function SellerOrders({ tab }: { tab: string }) {
  const [counts, setCounts] = useState<Counts | null>(null);
  const [list, setList] = useState<OrderList | null>(null);
  const [error, setError] = useState<unknown>(null);
  const chosen = TABS.find((candidate) => candidate.bucket === tab) ?? TABS[1];

  const load = async (cursor?: string) => {
    setError(null);
    try {
      const query = { ...(chosen.status ? { status: chosen.status } : {}), ...(cursor ? { cursor } : {}) };
      const [nextCounts, page] = await Promise.all([
        unwrap<Counts>(api.GET("/api/v1/seller/order-counts")),
        unwrap<OrderList>(api.GET("/api/v1/seller/orders", { params: { query } })),
      ]);
      setCounts(nextCounts);
      setList((before) => (cursor && before ? { ...page, items: [...before.items, ...page.items] } : page));
    } catch (failure) {
      setError(failure);
    }
  };
  useEffect(() => {
    setList(null);
    load();
  }, [tab]);

  return (
    <section aria-labelledby="orders">
      <h2 id="orders">{t("orders")}</h2>
      <nav aria-label={t("orders")} class="tabs">
        {TABS.map(({ bucket }) => (
          <a href={`#/orders?tab=${bucket}`} aria-current={bucket === chosen.bucket ? "page" : undefined} data-tab={bucket}>
            {t(bucket)} <span class="count">{counts ? counts[bucket] : ""}</span>
          </a>
        ))}
      </nav>
      <ErrorNote error={error} />
      {!list && !error && <p>{t("loading")}</p>}
      {list && list.items.length === 0 && <p>{t("none")}</p>}
      {list && list.items.length > 0 && (
        <table>
          <caption>
            {t(chosen.bucket)}: {t("total")} {list.total ?? list.items.length}
          </caption>
          <thead>
            <tr>
              <th scope="col">{t("orderNo")}</th>
              <th scope="col">{t("status")}</th>
              <th scope="col">{t("buyerId")}</th>
              <th scope="col">{t("payable")}</th>
              <th scope="col">{t("created")}</th>
            </tr>
          </thead>
          <tbody>
            {list.items.map((order) => (
              <tr>
                <td><a href={`#/orders/${order.order_no}`}>{order.order_no}</a></td>
                <td>{order.status}</td>
                <td>{order.buyer_id}</td>
                <td>{order.amounts.payable}</td>
                <td>{time(order.created_at)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {list?.next_cursor && (
        <button type="button" onClick={() => load(list.next_cursor ?? undefined)}>{t("more")}</button>
      )}
    </section>
  );
}
