import { test, expect } from "@playwright/test";
import { accessible, shot } from "./helpers";

test("the buyer orders from the cart, pays through the stand-in and asks for the money back", async ({ page }) => {
  await page.goto("/console/");
  await page.getByRole("button", { name: "buyer" }).click();
  await expect(page.getByRole("region", { name: "Cart" })).toBeVisible();
  await page.getByLabel("SKU id").fill("cup-celadon");
  await page.getByLabel("Quantity").fill("2");
  await page.getByRole("button", { name: "Add to the cart" }).click();
  await expect(page.getByRole("cell", { name: "Celadon tea cup" })).toBeVisible();
  await page.getByRole("button", { name: "Quote" }).click();
  await expect(page.getByTestId("quote-payable")).not.toBeEmpty();
  await accessible(page);
  await shot(page, "buyer-cart");
  await page.getByRole("button", { name: /Place the order/ }).click();
  await expect(page.getByTestId("status")).toHaveText("pending_payment");
  await page.getByRole("button", { name: /^Pay/ }).click();
  await expect(page.getByTestId("status")).toHaveText("paid");
  await page.getByLabel("Reason").fill("Bought the wrong colour");
  await page.getByRole("button", { name: "Ask for the money back" }).click();
  await expect(page.getByTestId("refund-status")).toHaveText("requested");
  await accessible(page);
  await shot(page, "buyer-order");
  await page.getByRole("link", { name: "My orders" }).first().click();
  await expect(page.getByRole("region", { name: "My orders" })).toBeVisible();
  await accessible(page);
});

test("the console speaks Chinese when asked", async ({ page }) => {
  await page.goto("/console/");
  await page.getByRole("button", { name: "中文" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("订单服务控制台");
  await page.getByRole("button", { name: "卖家" }).click();
  await expect(page.getByRole("link", { name: /待发货/ })).toBeVisible();
  await accessible(page);
  await page.getByRole("button", { name: "English" }).click();
});
