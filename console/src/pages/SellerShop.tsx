import { useEffect, useState } from "preact/hooks";
import { api, unwrap } from "../api/client";
import type { components } from "../api/schema";
import { session } from "../session";
import { t } from "../i18n";
import { ErrorNote } from "./ErrorNote";

type Templates = components["schemas"]["FreightTemplatesView"];
type Template = components["schemas"]["FreightTemplateView"];
type Fee = components["schemas"]["ShippingFeeView"];
type Address = components["schemas"]["Address"];

const text = (form: FormData, name: string) => String(form.get(name) ?? "").trim();

/** The shop's freight templates (with a fee preview) and its return address. */
export function SellerShop() {
  const [templates, setTemplates] = useState<Template[]>([]);
  const [fee, setFee] = useState<Fee | null>(null);
  const [address, setAddress] = useState<Address | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  const sellerId = session.value?.name ?? "";
  const load = async () => {
    setTemplates((await unwrap<Templates>(api.GET("/api/v1/seller/freight-templates"))).items);
    try {
      setAddress(await unwrap<Address>(api.GET("/api/v1/merchants/{seller_id}/return-address", { params: { path: { seller_id: sellerId } } })));
    } catch {
      setAddress(null); // none saved yet
    }
  };
  useEffect(() => {
    load().catch(setError);
  }, []);
  const run = (work: (form: FormData) => Promise<void>) => async (event: Event) => {
    event.preventDefault();
    setError(null);
    setSaved(false);
    try {
      await work(new FormData(event.currentTarget as HTMLFormElement));
      setSaved(true);
    } catch (failure) {
      setError(failure);
    }
  };
  const saveTemplate = run(async (form) => {
    const id = text(form, "template_id");
    const before = templates.find((template) => template.template_id === id);
    const body = {
      name: text(form, "name"),
      from_province: text(form, "from_province"),
      first_units: Number(form.get("first_units")),
      first_fee: text(form, "first_fee"),
      additional_units: Number(form.get("additional_units")),
      additional_fee: text(form, "additional_fee"),
      // Regions and exclusions are kept as they are.
      regions: before?.regions ?? [],
      excluded_provinces: before?.excluded_provinces ?? [],
    };
    await unwrap(api.PUT("/api/v1/seller/freight-templates/{template_id}", { params: { path: { template_id: id } }, body }));
    await load();
  });
  const preview = run(async (form) => {
    const query = { seller_id: sellerId, template_id: text(form, "template_id"), province: text(form, "province"), quantity: text(form, "quantity") };
    setFee(await unwrap<Fee>(api.GET("/api/v1/shipping-fee", { params: { query } })));
  });
  const saveAddress = run(async (form) => {
    const body = { name: text(form, "name"), phone: text(form, "phone"), province: text(form, "province"), city: text(form, "city"), district: text(form, "district"), detail: text(form, "detail") };
    setAddress(await unwrap<Address>(api.PUT("/api/v1/seller/return-address", { body })));
  });
  return (
    <section aria-labelledby="shop">
      <h2 id="shop">{t("shop")}</h2>
      <ErrorNote error={error} />
      {saved && <p role="status">{t("saved")}</p>}
      <table>
        <caption>{t("freightTemplates")}</caption>
        <thead><tr><th scope="col">{t("templateId")}</th><th scope="col">{t("levelName")}</th><th scope="col">{t("fromProvince")}</th><th scope="col">{t("firstFee")}</th><th scope="col">{t("additionalFee")}</th></tr></thead>
        <tbody>
          {templates.map((template) => (
            <tr><td>{template.template_id}</td><td>{template.name}</td><td>{template.from_province}</td><td>{template.first_units} / {template.first_fee}</td><td>{template.additional_units} / {template.additional_fee}</td></tr>
          ))}
        </tbody>
      </table>
      <form aria-labelledby="edit-template" onSubmit={saveTemplate}>
        <h3 id="edit-template">{t("freightTemplates")}</h3>
        <label>{t("templateId")} <input name="template_id" required /></label>
        <label>{t("levelName")} <input name="name" required /></label>
        <label>{t("fromProvince")} <input name="from_province" required /></label>
        <label>{t("firstUnits")} <input name="first_units" type="number" min={1} required defaultValue="1" /></label>
        <label>{t("firstFee")} <input name="first_fee" required placeholder="10.00" /></label>
        <label>{t("additionalUnits")} <input name="additional_units" type="number" min={1} required defaultValue="1" /></label>
        <label>{t("additionalFee")} <input name="additional_fee" required placeholder="5.00" /></label>
        <button type="submit">{t("save")}</button>
      </form>
      <form aria-labelledby="fee-preview" onSubmit={preview}>
        <h3 id="fee-preview">{t("feePreview")}</h3>
        <label>{t("templateId")} <input name="template_id" required /></label>
        <label>{t("province")} <input name="province" required /></label>
        <label>{t("quantity")} <input name="quantity" type="number" min={1} required defaultValue="1" /></label>
        <button type="submit">{t("feePreview")}</button>
        {fee && <p data-testid="fee">{t("fee")}: {fee.fee} ({fee.from} → {fee.to})</p>}
      </form>
      <form aria-labelledby="return-address" onSubmit={saveAddress}>
        <h3 id="return-address">{t("returnAddress")}</h3>
        <label>{t("levelName")} <input name="name" required defaultValue={address?.name} /></label>
        <label>{t("phone")} <input name="phone" required defaultValue={address?.phone} /></label>
        <label>{t("province")} <input name="province" required defaultValue={address?.province} /></label>
        <label>{t("city")} <input name="city" required defaultValue={address?.city} /></label>
        <label>{t("district")} <input name="district" defaultValue={address?.district} /></label>
        <label>{t("detail")} <input name="detail" required defaultValue={address?.detail} /></label>
        <button type="submit">{t("save")}</button>
      </form>
    </section>
  );
}
