import { defineConfig } from "tsup";

// One self-contained file: workspace packages ship TypeScript source and npm
// dependencies are bundled too, so dist/main.js runs anywhere with only Node.
// The banner gives bundled CommonJS code (ioredis) the `require` it expects.
export default defineConfig({
  entry: ["src/main.ts"],
  format: ["esm"],
  platform: "node",
  target: "node20",
  clean: true,
  noExternal: [/.*/],
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
});
