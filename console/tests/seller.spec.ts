import { test, expect, type APIRequestContext } from "@playwright/test";
import AxeBuilder from "@axe-core/playwright";

const address = { name: "Li Lei", phone: "13800000000", province: "Sichuan", city: "Chengdu", district: "Wuhou", detail: "1 Renmin Rd" };

/** An order of the demo shop, paid through the stand-in WeChat Pay (as a buyer's phone would). */
async function paidOrder(request: APIRequestContext): Promise<string> {
  const tokens = await (await request.get("/dev/console-tokens")).json();
  const created = await request.post("/api/v1/orders", {
    headers: { Authorization: `Bearer ${tokens.buyer.token}` },
    data: { items: [{ sku_id: "tea-longjing-250g", quantity: 1 }], address, pay_channel: "wxpay" },
  });
  expect(created.status(), await created.text()).toBe(201);
  const orderNo: string = (await created.json()).data.orders[0].order_no;
  const paid = await request.post(`/stand-in/wxpay/buyer-pays/${orderNo}`);
  expect(paid.ok(), await paid.text()).toBeTruthy();
  return orderNo;
}

/** With CONSOLE_SCREENSHOTS set (`make console-screenshots`), the page as docs/console/ shows it. */
async function shot(page: import("@playwright/test").Page, name: string) {
  if (process.env.CONSOLE_SCREENSHOTS) {
    await page.screenshot({ path: `../docs/console/${name}.png`, fullPage: true });
  }
}

/** No serious or critical accessibility finding on the page as it is. */
async function accessible(page: import("@playwright/test").Page) {
  const results = await new AxeBuilder({ page }).analyze();
  const grave = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(grave.map((v) => `${v.id}: ${v.help}`)).toEqual([]);
}

test("the seller ships a paid order and sees it move from To ship to Shipped", async ({ page, request }) => {
  const orderNo = await paidOrder(request);
  await page.goto("/console/");
  await accessible(page);
  await shot(page, "sign-in");
  await page.getByRole("button", { name: "seller" }).click();
  const toShip = page.getByRole("link", { name: orderNo });
  await expect(toShip).toBeVisible();
  await accessible(page);
  await shot(page, "seller-orders");
  await toShip.click();
  await expect(page.getByTestId("status")).toHaveText("paid");
  await accessible(page);
  await shot(page, "seller-order");
  await page.getByLabel("Tracking number").fill("SF2026120601");
  await page.getByRole("button", { name: "Ship" }).click();
  await expect(page.getByTestId("status")).toHaveText("shipped");
  await page.goto("/console/#/orders?tab=wait_receipt");
  await expect(page.getByRole("link", { name: orderNo })).toBeVisible();
  await page.goto("/console/#/orders?tab=wait_send");
  await expect(page.getByRole("table").or(page.getByText("No orders here."))).toBeVisible();
  await expect(page.getByRole("link", { name: orderNo })).toHaveCount(0);
});

test("an error envelope is shown with its message", async ({ page }) => {
  await page.goto("/console/");
  await page.getByRole("button", { name: "seller" }).click();
  await page.goto("/console/#/orders/000000000000000000");
  await expect(page.getByRole("alert")).toContainText("404");
});
