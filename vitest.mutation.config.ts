import { defineConfig } from "vitest/config";

// The tests StrykerJS runs for every mutant (`pnpm test:mutation`): the pure
// ones beside the mutated code, with no PostgreSQL or Redis to start, so a
// run over hundreds of mutants takes minutes.
export default defineConfig({
  test: {
    include: [
      "packages/validators/test/**/*.test.ts",
      "packages/links/test/pure.test.ts",
      "packages/clicks/test/visitor-hash.test.ts",
      "packages/clicks/test/event.test.ts",
      "packages/auth/test/pure.test.ts",
      "packages/redis-protocol/test/commands.test.ts",
    ],
    pool: "threads",
  },
});
