import { defineConfig } from "tsup";

// The custom server as one file. Next (and what it loads itself) stays in
// node_modules; everything else, workspace packages included, is bundled.
export default defineConfig({
  entry: { main: "server/main.ts" },
  format: ["esm"],
  platform: "node",
  target: "node20",
  clean: true,
  noExternal: [/^(?!next$|next\/|@prisma\/client)/],
  external: ["next", "@prisma/client"],
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
});
