import { test, expect } from "@playwright/test";
import { createHash } from "node:crypto";
import { tokensOf } from "./helpers";

// Deployed, the console signs in with the authorization code flow and PKCE against the issuer its
// config.json names. Here a stand-in issuer (routes of the browser itself) checks what the console
// sends: S256 challenge, state, redirect URI, and the verifier that matches the challenge.
test("deployed, the console signs in with the authorization code flow and PKCE", async ({ page, request }) => {
  const tokens = await tokensOf(request);
  const issuer = "https://issuer.example.com";
  let asked: URLSearchParams | null = null;
  let exchanged: URLSearchParams | null = null;
  await page.route("**/console/config.json", (route) =>
    route.fulfill({
      json: {
        api_url: "",
        authorize_url: `${issuer}/oauth2/authorize`,
        token_url: `${issuer}/oauth2/token`,
        client_id: "console-client",
        scope: "openid",
      },
    }),
  );
  await page.route(`${issuer}/oauth2/authorize**`, (route) => {
    asked = new URL(route.request().url()).searchParams;
    const back = `${asked.get("redirect_uri")}?code=the-code&state=${asked.get("state")}`;
    return route.fulfill({ status: 302, headers: { location: back } });
  });
  await page.route(`${issuer}/oauth2/token`, (route) => {
    exchanged = new URLSearchParams(route.request().postData() ?? "");
    const challenge = createHash("sha256").update(exchanged.get("code_verifier") ?? "").digest("base64url");
    const good =
      exchanged.get("code") === "the-code" &&
      exchanged.get("grant_type") === "authorization_code" &&
      exchanged.get("client_id") === "console-client" &&
      challenge === asked?.get("code_challenge");
    return route.fulfill({
      status: good ? 200 : 400,
      headers: { "access-control-allow-origin": "*" },
      json: good ? { id_token: tokens.seller.token, token_type: "Bearer" } : { error: "invalid_grant" },
    });
  });
  await page.goto("/console/");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("region", { name: "Orders" })).toBeVisible();
  expect(asked!.get("code_challenge_method")).toBe("S256");
  expect(asked!.get("response_type")).toBe("code");
  expect(exchanged!.get("redirect_uri")).toBe(asked!.get("redirect_uri"));
  expect(page.url()).not.toContain("code=");
  await expect(page.getByRole("button", { name: /Sign out \(shop-demo\)/ })).toBeVisible();
});
