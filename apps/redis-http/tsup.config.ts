import { defineConfig } from "tsup";

// Workspace packages ship TypeScript source, so they are bundled in; npm
// dependencies stay external and load from node_modules.
export default defineConfig({
  entry: ["src/main.ts"],
  format: ["esm"],
  platform: "node",
  target: "node20",
  clean: true,
  noExternal: [/^@hop\//],
});
