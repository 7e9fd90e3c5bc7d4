import { useEffect, useState } from "preact/hooks";
import { api, unwrap } from "../api/client";
import type { components } from "../api/schema";
import { t, time } from "../i18n";
import { ErrorNote } from "./ErrorNote";

type Sku = components["schemas"]["SellerSkuView"] & {
  sku_id: string; name: string; properties: string; pic: string; price: string;
  points_price?: number | null; freight_template_id?: string | null; updated_at: string;
  on_hand: number; reserved: number; available: number; stock_shards: number;
};

/** A SKU of the shop: find it by id, read its three figures, set or adjust on hand. */
export function SellerSkus({ skuId }: { skuId: string }) {
  const [sku, setSku] = useState<Sku | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  const path = (id: string) => ({ params: { path: { sku_id: id } } });

  const find = async (event: Event) => {
    event.preventDefault();
    const id = String(new FormData(event.currentTarget as HTMLFormElement).get("sku_id") ?? "").trim();
    location.hash = `/skus/${encodeURIComponent(id)}`;
    await load(id);
  };
  const load = async (id: string) => {
    setError(null);
    setSaved(false);
    try {
      setSku(await unwrap<Sku>(api.GET("/api/v1/seller/skus/{sku_id}", path(id))));
    } catch (failure) {
      setSku(null);
      setError(failure);
    }
  };
  const run = async (call: Promise<unknown>) => {
    setError(null);
    setSaved(false);
    try {
      setSku(await unwrap<Sku>(call as never));
      setSaved(true);
    } catch (failure) {
      setError(failure);
    }
  };
  const setOnHand = (event: Event) => {
    event.preventDefault();
    if (!sku) return;
    const stock = Number(new FormData(event.currentTarget as HTMLFormElement).get("stock"));
    // What this screen saw: another screen's change meanwhile is refused, not overwritten.
    const body = {
      name: sku.name, properties: sku.properties, pic: sku.pic, price: sku.price,
      points_price: sku.points_price ?? undefined, freight_template_id: sku.freight_template_id ?? undefined,
      stock, expected_on_hand: sku.on_hand, stock_shards: sku.stock_shards,
    };
    run(api.PUT("/api/v1/seller/skus/{sku_id}", { ...path(sku.sku_id), body }));
  };
  const adjust = (event: Event) => {
    event.preventDefault();
    if (!sku) return;
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const body = { delta: Number(form.get("delta")), reason: String(form.get("reason") ?? "") };
    run(api.POST("/api/v1/seller/skus/{sku_id}/stock-adjustments", { ...path(sku.sku_id), body }));
  };

  useEffect(() => {
    if (skuId) load(skuId);
  }, [skuId]);
  return (
    <section aria-labelledby="skus">
      <h2 id="skus">{t("skus")}</h2>
      <form onSubmit={find} role="search">
        <label>{t("skuId")} <input name="sku_id" required defaultValue={skuId} /></label>
        <button type="submit">{t("find")}</button>
      </form>
      <ErrorNote error={error} />
      {saved && <p role="status">{t("saved")}</p>}
      {sku && (
        <article aria-labelledby="sku-name">
          <h3 id="sku-name">{sku.name} ({sku.sku_id})</h3>
          <dl>
            <dt>{t("onHand")}</dt><dd data-testid="on-hand">{sku.on_hand}</dd>
            <dt>{t("reserved")}</dt><dd>{sku.reserved}</dd>
            <dt>{t("available")}</dt><dd>{sku.available}</dd>
            <dt>{t("updated")}</dt><dd>{time(sku.updated_at)}</dd>
          </dl>
          <form onSubmit={setOnHand} aria-labelledby="set-on-hand">
            <h4 id="set-on-hand">{t("setOnHand")}</h4>
            <label>{t("onHand")} <input name="stock" type="number" min={0} required defaultValue={String(sku.on_hand)} /></label>
            <button type="submit">{t("save")}</button>
          </form>
          <form onSubmit={adjust} aria-labelledby="adjust">
            <h4 id="adjust">{t("adjust")}</h4>
            <label>{t("delta")} <input name="delta" type="number" required /></label>
            <label>{t("adjustReason")} <input name="reason" required /></label>
            <button type="submit">{t("save")}</button>
          </form>
        </article>
      )}
    </section>
  );
}
