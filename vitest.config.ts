import { configDefaults, defineConfig } from "vitest/config";

// One run for the whole tree. test/global-setup.ts starts one PostgreSQL and
// migrates a template; each test file copies it and starts its own Redis,
// so files run in parallel on free ports.
export default defineConfig({
  test: {
    include: ["{apps,packages,tooling}/*/{src,test}/**/*.test.ts", "test/**/*.test.ts"],
    // Built and run by `pnpm test:containers` (vitest.containers.config.ts).
    exclude: [...configDefaults.exclude, "test/containers/**"],
    globalSetup: ["test/global-setup.ts"],
    setupFiles: ["test/setup-file.ts"],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: "forks",
  },
});
