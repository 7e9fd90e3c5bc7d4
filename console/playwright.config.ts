import { defineConfig } from "@playwright/test";

// Against a running `make dev` (CONSOLE_API, default http://127.0.0.1:3000), in the system's
// headless Chromium (Debian's `chromium`; CHROMIUM names another).
export default defineConfig({
  testDir: "tests",
  timeout: 60_000,
  workers: 1,
  use: {
    baseURL: process.env.CONSOLE_API ?? "http://127.0.0.1:3000",
    headless: true,
    launchOptions: { executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium", args: ["--no-sandbox"] },
  },
});
