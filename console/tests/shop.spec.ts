import { test, expect } from "@playwright/test";
import { accessible, orderOf, shot, signIn, tokensOf } from "./helpers";

test("freight templates with a fee preview, and the return address", async ({ page }) => {
  await signIn(page, "seller");
  await page.getByRole("link", { name: "Shipping" }).click();
  const edit = page.getByRole("form", { name: "Freight templates" });
  await edit.getByLabel("Template id").fill("express-test");
  await edit.getByLabel("Name").fill("Express (test)");
  await edit.getByLabel("Ships from (province)").fill("Zhejiang");
  await edit.getByLabel("First fee").fill("12.00");
  await edit.getByLabel("Further fee").fill("6.00");
  await edit.getByRole("button", { name: "Save" }).click();
  await expect(page.getByRole("cell", { name: "express-test" })).toBeVisible();
  const preview = page.getByRole("form", { name: "Fee preview" });
  await preview.getByLabel("Template id").fill("express-test");
  await preview.getByLabel("Province").fill("Sichuan");
  await preview.getByLabel("Quantity").fill("3");
  await preview.getByRole("button", { name: "Fee preview" }).click();
  await expect(page.getByTestId("fee")).toContainText("24.00");
  const returns = page.getByRole("form", { name: "Return address" });
  await returns.getByLabel("Name").fill("Shop returns");
  await returns.getByLabel("Phone").fill("13900000000");
  await returns.getByLabel("Province").fill("Zhejiang");
  await returns.getByLabel("City").fill("Hangzhou");
  await returns.getByLabel("District").fill("Xihu");
  await returns.getByLabel("Street").fill("9 Longjing Rd");
  await returns.getByRole("button", { name: "Save" }).click();
  await expect(page.getByRole("status")).toBeVisible();
  await accessible(page);
  await shot(page, "seller-shipping");
});

test("tracking events on a shipped order, and closing an unpaid one", async ({ page, request }) => {
  const tokens = await tokensOf(request);
  const shipped = await orderOf(request, "cup-celadon", true);
  const ship = await request.post(`/api/v1/seller/orders/${shipped}/ship`, {
    headers: { Authorization: `Bearer ${tokens.seller.token}` },
    data: { carrier_code: "SF", carrier_name: "SF Express", tracking_no: "SF77" },
  });
  expect(ship.ok(), await ship.text()).toBeTruthy();
  const unpaid = await orderOf(request, "cup-celadon", false);
  await signIn(page, "seller");
  await page.goto(`/console/#/orders/${shipped}`);
  await page.getByLabel("Description").fill("Left the Hangzhou hub");
  await page.getByLabel("Where").fill("Hangzhou");
  await page.getByRole("button", { name: "Add a tracking event" }).click();
  await expect(page.getByRole("listitem").filter({ hasText: "Left the Hangzhou hub" }).first()).toBeVisible();
  await page.goto(`/console/#/orders/${unpaid}`);
  await page.getByRole("button", { name: "Close the order" }).click();
  await expect(page.getByTestId("status")).toHaveText("closed");
});

test("webhook endpoints: register one, its secret once, the delivery log and a retry", async ({ page, request, baseURL }) => {
  await signIn(page, "seller");
  await page.getByRole("link", { name: "Webhooks" }).click();
  const url = `${baseURL}/dev/webhook-inbox/flaky`;
  await page.getByLabel("URL (https)").fill(url);
  await page.getByLabel("Description").fill("console test");
  await page.getByRole("button", { name: "Register" }).click();
  await expect(page.getByTestId("secret")).toContainText("whsec_");
  const tokens = await tokensOf(request);
  const list = await (await request.get("/api/v1/seller/webhooks", { headers: { Authorization: `Bearer ${tokens.seller.token}` } })).json();
  const endpoint = list.data.items.find((item: { url: string }) => item.url === url);
  const tested = await request.post(`/api/v1/seller/webhooks/${endpoint.endpoint_id}/test`, { headers: { Authorization: `Bearer ${tokens.seller.token}` } });
  expect(tested.ok(), await tested.text()).toBeTruthy();
  await page.getByRole("button", { name: `Deliveries ${url}` }).click();
  await expect(page.getByRole("cell", { name: /webhook\.test/ }).first()).toBeVisible();
  const retry = page.getByRole("button", { name: "Retry" }).first();
  if (await retry.isVisible()) {
    await retry.click();
    await expect(page.getByRole("alert")).toHaveCount(0);
  }
  await accessible(page);
  await shot(page, "seller-webhooks");
});

test("the buyer asks for goods and money back and sends the goods back", async ({ page, request }) => {
  const tokens = await tokensOf(request);
  const orderNo = await orderOf(request, "cup-celadon", true);
  const seller = { Authorization: `Bearer ${tokens.seller.token}` };
  expect((await request.post(`/api/v1/seller/orders/${orderNo}/ship`, { headers: seller, data: { carrier_code: "SF", carrier_name: "SF", tracking_no: "SF88" } })).ok()).toBeTruthy();
  await signIn(page, "buyer");
  await page.goto(`/console/#/orders/${orderNo}`);
  await page.getByLabel("Kind").selectOption("return_and_refund");
  await page.getByLabel("Reason").fill("Cracked");
  await page.getByRole("button", { name: "Ask for the money back" }).click();
  await expect(page.getByTestId("refund-status")).toHaveText("requested");
  const approved = await request.post(`/api/v1/seller/orders/${orderNo}/refund/approve`, { headers: seller, data: {} });
  expect(approved.ok(), await approved.text()).toBeTruthy();
  await page.reload();
  await expect(page.getByTestId("refund-status")).toHaveText("awaiting_return");
  await page.getByLabel("Tracking number").fill("SF99");
  await page.getByRole("button", { name: "Send the goods back" }).click();
  await expect(page.getByTestId("refund-status")).toHaveText("returning");
  await accessible(page);
});
