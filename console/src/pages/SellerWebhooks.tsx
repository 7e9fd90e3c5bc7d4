import { useEffect, useState } from "preact/hooks";
import { api, unwrap } from "../api/client";
import type { components } from "../api/schema";
import { t, time } from "../i18n";
import { ErrorNote } from "./ErrorNote";
import { useAction } from "./useAction";

type Endpoints = components["schemas"]["WebhookListView"];
type Endpoint = components["schemas"]["WebhookView"];
type Deliveries = components["schemas"]["DeliveryListView"];

/** The shop's webhook endpoints, registering one, and an endpoint's delivery log with retry. */
export function SellerWebhooks() {
  const [endpoints, setEndpoints] = useState<Endpoint[]>([]);
  const [secret, setSecret] = useState<string | null>(null);
  const [log, setLog] = useState<{ endpoint: string; deliveries: Deliveries } | null>(null);
  const { error, setError, run } = useAction();
  const load = async () => setEndpoints((await unwrap<Endpoints>(api.GET("/api/v1/seller/webhooks"))).items);
  useEffect(() => {
    load().catch(setError);
  }, []);
  const register = (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const body = { url: String(form.get("url") ?? "").trim(), description: String(form.get("description") ?? "") };
    run(async () => {
      const created = await unwrap<Endpoint>(api.POST("/api/v1/seller/webhooks", { body }));
      setSecret(created.secret ?? null);
      await load();
    });
  };
  const showLog = (endpoint: string) =>
    run(async () => {
      const deliveries = await unwrap<Deliveries>(
        api.GET("/api/v1/seller/webhooks/{endpoint_id}/deliveries", { params: { path: { endpoint_id: endpoint } } }),
      );
      setLog({ endpoint, deliveries });
    });
  const retry = (endpoint: string, delivery: string) =>
    run(async () => {
      await unwrap(api.POST("/api/v1/seller/webhooks/{endpoint_id}/deliveries/{delivery_id}/retry", {
        params: { path: { endpoint_id: endpoint, delivery_id: delivery } },
      }));
      await showLog(endpoint);
    });
  return (
    <section aria-labelledby="webhooks">
      <h2 id="webhooks">{t("webhooks")}</h2>
      <ErrorNote error={error} />
      <table>
        <caption>{t("webhooks")}</caption>
        <thead><tr><th scope="col">{t("url")}</th><th scope="col">{t("description")}</th><th scope="col">{t("status")}</th><th scope="col">{t("deliveries")}</th></tr></thead>
        <tbody>
          {endpoints.map((endpoint) => (
            <tr>
              <td>{endpoint.url}</td>
              <td>{endpoint.description}</td>
              <td>{endpoint.enabled ? "enabled" : `disabled ${endpoint.disabled_reason ?? ""}`}</td>
              <td><button type="button" onClick={() => showLog(endpoint.endpoint_id)} aria-label={`${t("deliveries")} ${endpoint.url}`}>{t("deliveries")}</button></td>
            </tr>
          ))}
        </tbody>
      </table>
      {log && (
        <table>
          <caption>{t("deliveries")}: {log.endpoint}</caption>
          <thead><tr><th scope="col">event</th><th scope="col">{t("status")}</th><th scope="col">attempts</th><th scope="col">{t("created")}</th><th scope="col">{t("retry")}</th></tr></thead>
          <tbody>
            {log.deliveries.items.map((delivery) => (
              <tr>
                <td>{delivery.event_type} {delivery.event_id}</td>
                <td data-testid="delivery-status">{delivery.status} {delivery.last_status ?? ""} {delivery.last_error ?? ""}</td>
                <td>{delivery.attempts}</td>
                <td>{time(delivery.created_at)}</td>
                <td>
                  {delivery.status !== "succeeded" && (
                    <button type="button" onClick={() => retry(log.endpoint, delivery.delivery_id)}>{t("retry")}</button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form aria-labelledby="register" onSubmit={register}>
        <h3 id="register">{t("register")}</h3>
        <label>{t("url")} <input name="url" type="url" required /></label>
        <label>{t("description")} <input name="description" /></label>
        <button type="submit">{t("register")}</button>
        {secret && <p>{t("secretOnce")}: <code data-testid="secret">{secret}</code></p>}
      </form>
    </section>
  );
}
