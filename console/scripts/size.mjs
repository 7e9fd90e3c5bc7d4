// The first load's budget: the JavaScript and CSS the console's page loads, gzip-compressed, at
// most 200 KB. Prints the figure; fails above it.
import { readdirSync, readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { join } from "node:path";

const BUDGET_BYTES = 200 * 1024;
const assets = join(import.meta.dirname, "..", "dist", "assets");
let total = 0;
for (const name of readdirSync(assets).filter((file) => /\.(js|css)$/.test(file))) {
  const bytes = gzipSync(readFileSync(join(assets, name)), { level: 9 }).length;
  console.log(`${name}: ${(bytes / 1024).toFixed(1)} KB gzip`);
  total += bytes;
}
console.log(`console first load: ${(total / 1024).toFixed(1)} KB of JavaScript and CSS, gzip (budget ${BUDGET_BYTES / 1024} KB)`);
if (total > BUDGET_BYTES) {
  console.error("over the budget");
  process.exit(1);
}
