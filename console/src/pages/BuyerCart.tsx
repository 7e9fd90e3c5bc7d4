import { useEffect, useState } from "preact/hooks";
import { api, unwrap } from "../api/client";
import type { components } from "../api/schema";
import { t } from "../i18n";
import { ErrorNote } from "./ErrorNote";
import { useAction } from "./useAction";

type Cart = components["schemas"]["CartView"];
type Quote = components["schemas"]["QuoteView"];
type AddressList = components["schemas"]["AddressListView"];
type Created = { orders: { order_no: string }[] };

/** To try an order on a laptop: the cart, a quote, and placing it (paid with WeChat Pay). */
export function BuyerCart() {
  const [cart, setCart] = useState<Cart | null>(null);
  const [quote, setQuote] = useState<Quote | null>(null);
  const [addresses, setAddresses] = useState<AddressList["items"]>([]);
  const { error, setError, run } = useAction();
  const load = async () => {
    try {
      setCart(await unwrap<Cart>(api.GET("/api/v1/cart")));
      setAddresses((await unwrap<AddressList>(api.GET("/api/v1/addresses"))).items);
    } catch (failure) {
      setError(failure);
    }
  };
  useEffect(() => {
    load();
  }, []);
  const add = (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const skuId = String(form.get("sku_id") ?? "").trim();
    const body = { quantity: Number(form.get("quantity")), selected: true };
    run(async () => {
      await unwrap(api.PUT("/api/v1/cart/items/{sku_id}", { params: { path: { sku_id: skuId } }, body }));
      setQuote(null);
      await load();
    });
  };
  const addressId = () => (document.getElementById("address") as HTMLSelectElement | null)?.value;
  const quoteIt = () =>
    run(async () => setQuote(await unwrap<Quote>(api.POST("/api/v1/orders/quote", { body: { from_cart: true, address_id: addressId() } }))));
  const place = () =>
    run(async () => {
      const body = { from_cart: true, address_id: addressId(), pay_channel: "wxpay" as const };
      const created = await unwrap<Created>(api.POST("/api/v1/orders", { body }));
      location.hash = `/orders/${created.orders[0].order_no}`;
    });
  const lines = cart?.shops.flatMap((shop) => shop.items) ?? [];
  return (
    <section aria-labelledby="cart">
      <h2 id="cart">{t("cart")}</h2>
      <form onSubmit={add} aria-labelledby="add">
        <h3 id="add">{t("addToCart")}</h3>
        <label>{t("skuId")} <input name="sku_id" required /></label>
        <label>{t("quantity")} <input name="quantity" type="number" min={1} max={999} required defaultValue="1" /></label>
        <button type="submit">{t("addToCart")}</button>
      </form>
      <ErrorNote error={error} />
      {cart && lines.length === 0 && <p>{t("emptyCart")}</p>}
      {lines.length > 0 && (
        <>
          <table>
            <caption>{t("cart")}: {cart?.selected_total}</caption>
            <thead><tr><th scope="col">{t("skuId")}</th><th scope="col">{t("quantity")}</th><th scope="col">{t("available")}</th><th scope="col">{t("amount")}</th></tr></thead>
            <tbody>
              {lines.map((line) => (
                <tr><td>{line.name ?? line.sku_id}</td><td>{line.quantity}</td><td>{line.available}</td><td>{line.line_total}</td></tr>
              ))}
            </tbody>
          </table>
          <label>{t("shipTo")}{" "}
            <select id="address">
              {addresses.map((address) => (
                <option value={address.address_id} selected={address.is_default}>
                  {address.name} {address.province} {address.city} {address.detail}
                </option>
              ))}
            </select>
          </label>
          <p>
            <button type="button" onClick={quoteIt}>{t("quote")}</button>{" "}
            <button type="button" onClick={place}>{t("placeOrder")}</button>
          </p>
          {quote && (
            <dl aria-label={t("quote")}>
              <dt>{t("goods")}</dt><dd>{quote.total.goods}</dd>
              <dt>{t("shipping")}</dt><dd>{quote.total.shipping}</dd>
              <dt>{t("payable")}</dt><dd data-testid="quote-payable">{quote.total.payable}</dd>
            </dl>
          )}
        </>
      )}
    </section>
  );
}
