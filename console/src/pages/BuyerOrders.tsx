import { useEffect, useState } from "preact/hooks";
import { api, unwrap } from "../api/client";
import type { components } from "../api/schema";
import { t, time } from "../i18n";
import { ErrorNote } from "./ErrorNote";

type OrderList = components["schemas"]["OrderListView"];

/** The buyer's orders, newest first. */
export function BuyerOrders() {
  const [list, setList] = useState<OrderList | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    unwrap<OrderList>(api.GET("/api/v1/orders")).then(setList).catch(setError);
  }, []);
  return (
    <section aria-labelledby="my-orders">
      <h2 id="my-orders">{t("myOrders")}</h2>
      <ErrorNote error={error} />
      {list && list.items.length === 0 && <p>{t("none")}</p>}
      {list && list.items.length > 0 && (
        <table>
          <caption>{t("total")} {list.total ?? list.items.length}</caption>
          <thead><tr><th scope="col">{t("orderNo")}</th><th scope="col">{t("status")}</th><th scope="col">{t("payable")}</th><th scope="col">{t("created")}</th></tr></thead>
          <tbody>
            {list.items.map((order) => (
              <tr><td><a href={`#/orders/${order.order_no}`}>{order.order_no}</a></td><td>{order.status}</td><td>{order.amounts.payable}</td><td>{time(order.created_at)}</td></tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
