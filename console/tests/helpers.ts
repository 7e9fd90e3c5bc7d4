import { expect, type APIRequestContext, type Page } from "@playwright/test";
import AxeBuilder from "@axe-core/playwright";

export const address = { name: "Li Lei", phone: "13800000000", province: "Sichuan", city: "Chengdu", district: "Wuhou", detail: "1 Renmin Rd" };

/** The demo parties' tokens, as the dev server mints them for the console. */
export async function tokensOf(request: APIRequestContext) {
  return (await request.get("/dev/console-tokens")).json();
}

/** An order of the demo shop by the demo buyer, paid through the stand-in WeChat Pay when `pay`. */
export async function orderOf(request: APIRequestContext, skuId: string, pay: boolean): Promise<string> {
  const tokens = await tokensOf(request);
  const created = await request.post("/api/v1/orders", {
    headers: { Authorization: `Bearer ${tokens.buyer.token}` },
    data: { items: [{ sku_id: skuId, quantity: 1 }], address, pay_channel: "wxpay" },
  });
  expect(created.status(), await created.text()).toBe(201);
  const orderNo: string = (await created.json()).data.orders[0].order_no;
  if (pay) {
    const paid = await request.post(`/stand-in/wxpay/buyer-pays/${orderNo}`);
    expect(paid.ok(), await paid.text()).toBeTruthy();
  }
  return orderNo;
}

/** Signs in as a demo party and waits for the page it lands on. */
export async function signIn(page: Page, role: "seller" | "buyer") {
  await page.goto("/console/");
  await page.getByRole("button", { name: role }).click();
  await expect(page.getByRole("region", { name: role === "seller" ? "Orders" : "Cart" })).toBeVisible();
}

/** No serious or critical accessibility finding on the page as it is. */
export async function accessible(page: Page) {
  const results = await new AxeBuilder({ page }).analyze();
  const grave = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(grave.map((v) => `${v.id}: ${v.help}`)).toEqual([]);
}

/** With CONSOLE_SCREENSHOTS set (`make console-screenshots`), the page as docs/console/ shows it. */
export async function shot(page: Page, name: string) {
  if (process.env.CONSOLE_SCREENSHOTS) await page.screenshot({ path: `../docs/console/${name}.png`, fullPage: true });
}
