import { defineConfig } from "vitest/config";

// One run for the whole tree: every test starts its own real services
// (tooling/test-harness), so files can run in parallel on free ports.
export default defineConfig({
  test: {
    include: ["{apps,packages,tooling}/*/{src,test}/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
  },
});
