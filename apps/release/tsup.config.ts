import { cpSync } from "node:fs";
import { defineConfig } from "tsup";

// One self-contained file (see apps/redis-http/tsup.config.ts); the migrations folder is read from packages/db at run time.
export default defineConfig({
  entry: ["src/main.ts"],
  format: ["esm"],
  platform: "node",
  target: "node20",
  clean: true,
  noExternal: [/.*/],
  onSuccess: async () => {
    cpSync("../../packages/db/prisma/migrations", "dist/migrations", { recursive: true });
  },
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
});
