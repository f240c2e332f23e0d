// Plain JavaScript: tsup loads its config through Node, which cannot import
// TypeScript from node_modules. Types are in index.d.ts.
import { defineConfig } from "tsup";

/**
 * A process as one self-contained file (dist/main.js): workspace packages ship
 * TypeScript source and npm dependencies are bundled too, so the file runs
 * with only Node. The banner gives bundled CommonJS code (ioredis, pg) the
 * `require` it expects inside an ES module. `external` lists what must load
 * from node_modules instead (e.g. Next, which loads its own files).
 */
export function bundleProcess(options) {
  const external = options.external ?? [];
  const escaped = external.map((name) => name.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&"));
  return defineConfig({
    entry: options.entry,
    format: ["esm"],
    platform: "node",
    target: "node20",
    clean: true,
    noExternal: [new RegExp(`^(?!(?:${escaped.join("|")})(?:/|$))`)],
    external,
    ...(options.onSuccess ? { onSuccess: options.onSuccess } : {}),
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  });
}
