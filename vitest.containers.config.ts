import { defineConfig } from "vitest/config";

// `pnpm test:containers`: the image built and run as operators run it (podman).
// Not part of `pnpm test`: it builds an image (minutes) and needs podman.
export default defineConfig({
  test: {
    include: ["test/containers/**/*.test.ts"],
    setupFiles: ["test/setup-file.ts"],
    testTimeout: 180_000,
    // Base image (first run only) + image build on two shared cores.
    hookTimeout: 45 * 60_000,
    pool: "forks",
  },
});
