import type { NextConfig } from "next";
import { fileURLToPath } from "node:url";

const config: NextConfig = {
  // Workspace packages ship TypeScript source.
  transpilePackages: [
    "@hop/api",
    "@hop/auth",
    "@hop/clicks",
    "@hop/config",
    "@hop/db",
    "@hop/jobs",
    "@hop/logger",
    "@hop/presence",
    "@hop/redis",
    "@hop/redis-protocol",
    "@hop/validators",
  ],
  // Node-only libraries with native or dynamic requires stay out of the bundle.
  serverExternalPackages: ["ioredis", "pino", "pino-pretty", "pg", "graphile-worker", "@prisma/client", "@prisma/adapter-pg", "@node-rs/argon2"],
  outputFileTracingRoot: fileURLToPath(new URL("../..", import.meta.url)),
  // One build runs as every instance: nothing is generated per instance.
  poweredByHeader: false,
  // `pnpm dev` prints http://127.0.0.1:<port>; Next's dev server otherwise refuses its own dev resources (HMR) there.
  allowedDevOrigins: ["127.0.0.1", "localhost"],
  reactStrictMode: true,
  typedRoutes: false,
};

export default config;
