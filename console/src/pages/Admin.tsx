import { useState } from "preact/hooks";
import { api, unwrap } from "../api/client";
import { t } from "../i18n";
import { ErrorNote } from "./ErrorNote";

/** The admin's work: member levels, a buyer's level, points, a big shop's counter shards. */
export function Admin() {
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<string>("");
  const submit = (work: (form: FormData) => Promise<unknown>) => async (event: Event) => {
    event.preventDefault();
    setError(null);
    setDone("");
    try {
      const answer = await work(new FormData(event.currentTarget as HTMLFormElement));
      setDone(JSON.stringify(answer));
    } catch (failure) {
      setError(failure);
    }
  };
  const text = (form: FormData, name: string) => String(form.get(name) ?? "").trim();
  return (
    <section aria-labelledby="admin">
      <h2 id="admin">{t("members")}</h2>
      <ErrorNote error={error} />
      {done && <p role="status">{t("saved")} <code>{done}</code></p>}
      <form aria-labelledby="level" onSubmit={submit((form) =>
        unwrap(api.PUT("/api/v1/admin/member-levels/{level}", {
          params: { path: { level: text(form, "level") } },
          body: { name: text(form, "name"), discount_percent: Number(form.get("discount_percent")) },
        })))}>
        <h3 id="level">{t("memberLevel")}</h3>
        <label>{t("levelId")} <input name="level" required /></label>
        <label>{t("levelName")} <input name="name" required /></label>
        <label>{t("discountPercent")} <input name="discount_percent" type="number" min={1} max={99} required /></label>
        <button type="submit">{t("save")}</button>
      </form>
      <form aria-labelledby="member" onSubmit={submit((form) =>
        unwrap(api.PUT("/api/v1/admin/members/{buyer_id}", {
          params: { path: { buyer_id: text(form, "buyer_id") } },
          body: { level: text(form, "level") },
        })))}>
        <h3 id="member">{t("memberOf")}</h3>
        <label>{t("buyerIdField")} <input name="buyer_id" required /></label>
        <label>{t("levelId")} <input name="level" required /></label>
        <button type="submit">{t("save")}</button>
      </form>
      <form aria-labelledby="grant" onSubmit={submit((form) =>
        unwrap(api.POST("/api/v1/admin/points", {
          body: { buyer_id: text(form, "buyer_id"), points: Number(form.get("points")), reason: text(form, "reason") },
        })))}>
        <h3 id="grant">{t("grantPoints")}</h3>
        <label>{t("buyerIdField")} <input name="buyer_id" required /></label>
        <label>{t("points")} <input name="points" type="number" required /></label>
        <label>{t("reason")} <input name="reason" /></label>
        <button type="submit">{t("save")}</button>
      </form>
      <form aria-labelledby="shards" onSubmit={submit((form) =>
        unwrap(api.PUT("/api/v1/admin/shops/{seller_id}/counter-shards", {
          params: { path: { seller_id: text(form, "seller_id") } },
          body: { counter_shards: Number(form.get("counter_shards")) },
        })))}>
        <h3 id="shards">{t("counterShards")}</h3>
        <label>{t("shopId")} <input name="seller_id" required /></label>
        <label>{t("shards")} <input name="counter_shards" type="number" min={1} max={32} required /></label>
        <button type="submit">{t("save")}</button>
      </form>
    </section>
  );
}
