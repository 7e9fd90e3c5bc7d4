import { test, expect } from "@playwright/test";
import { accessible, orderOf, shot, signIn, tokensOf } from "./helpers";

test("the seller ships a paid order and sees it move from To ship to Shipped", async ({ page, request }) => {
  const orderNo = await orderOf(request, "tea-longjing-250g", true);
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
  await signIn(page, "seller");
  await page.goto("/console/#/orders/000000000000000000");
  await expect(page.getByRole("alert")).toContainText("404");
});

test("the seller approves a refund and sees the money go back", async ({ page, request }) => {
  const orderNo = await orderOf(request, "tea-longjing-250g", true);
  const tokens = await tokensOf(request);
  const applied = await request.post(`/api/v1/orders/${orderNo}/refund`, {
    headers: { Authorization: `Bearer ${tokens.buyer.token}` },
    data: { type: "refund_only", reason: "Ordered twice" },
  });
  expect(applied.status(), await applied.text()).toBe(201);
  await signIn(page, "seller");
  await page.goto(`/console/#/orders/${orderNo}`);
  const refundCase = page.getByRole("region", { name: "Refund case" });
  await expect(refundCase.getByTestId("refund-status")).toHaveText("requested");
  await accessible(page);
  await refundCase.getByRole("button", { name: "Approve" }).click();
  await expect(refundCase.getByTestId("refund-status")).toHaveText(/refunding|refunded/);
  // WeChat Pay pays the money back (its stand-in completes the refund and notifies).
  const order = await (
    await request.get(`/api/v1/seller/orders/${orderNo}`, { headers: { Authorization: `Bearer ${tokens.seller.token}` } })
  ).json();
  const refundNo = order.data.refund?.payout?.out_request_no;
  if (order.data.refund?.status === "refunding") {
    expect((await request.post(`/stand-in/wxpay/refunds/${refundNo}/complete`)).ok()).toBeTruthy();
  }
  await expect(async () => {
    await page.reload();
    await expect(page.getByTestId("refund-status").first()).toHaveText("refunded", { timeout: 1000 });
  }).toPass({ timeout: 15_000 });
  await expect(page.getByTestId("status")).toHaveText("closed");
});

test("a stock edit that another screen overtook shows the conflict", async ({ page, request }) => {
  const tokens = await tokensOf(request);
  await signIn(page, "seller");
  await page.goto("/console/#/skus/tray-bamboo");
  await expect(page.getByTestId("on-hand")).not.toBeEmpty();
  await accessible(page);
  await shot(page, "seller-sku");
  // Another screen receives goods meanwhile.
  const other = await request.post("/api/v1/seller/skus/tray-bamboo/stock-adjustments", {
    headers: { Authorization: `Bearer ${tokens.seller.token}` },
    data: { delta: 3, reason: "Delivery" },
  });
  expect(other.ok(), await other.text()).toBeTruthy();
  await page.getByLabel("On hand", { exact: true }).fill("40");
  await page.getByRole("form", { name: "Set on hand" }).getByRole("button", { name: "Save" }).click();
  await expect(page.getByRole("alert")).toContainText("changed meanwhile");
  await expect(page.getByRole("alert")).toContainText("409");
  // Read again, the same edit goes through.
  await page.getByRole("button", { name: "Find" }).click();
  await page.getByLabel("On hand", { exact: true }).fill("40");
  await page.getByRole("form", { name: "Set on hand" }).getByRole("button", { name: "Save" }).click();
  await expect(page.getByTestId("on-hand")).toHaveText("40");
});
