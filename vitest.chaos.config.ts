import { defineConfig } from "vitest/config";

// `pnpm test:chaos`: the chaos test alone, after `pnpm test` (which builds the
// apps it runs). Its files end in .chaos-test.ts, so `vitest run` leaves them out.
export default defineConfig({
  test: {
    include: ["test/chaos/**/*.chaos-test.ts"],
    globalSetup: ["test/global-setup.ts"],
    setupFiles: ["test/setup-file.ts"],
    testTimeout: 400_000,
    hookTimeout: 180_000,
    pool: "forks",
  },
});
