import { defineConfig } from "vite";
import preact from "@preact/preset-vite";

// Served by the dev server at /console (and from S3 behind CloudFront when deployed).
export default defineConfig({
  base: "/console/",
  plugins: [preact()],
  build: { outDir: "dist", emptyOutDir: true, sourcemap: false },
});
