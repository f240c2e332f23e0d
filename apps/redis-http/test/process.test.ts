import { spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { freePort, startRedisServer, waitForPort, type RedisServer } from "@hop/test-harness";
import { Ratelimit } from "@upstash/ratelimit";
import { Redis } from "@upstash/redis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// The gateway as operators run it: the build artefact, configured by the environment.
const appDir = fileURLToPath(new URL("..", import.meta.url));
const entry = "dist/main.js";
const token = "process-test-token-0123456789";
let redisServer: RedisServer;

beforeAll(async () => {
  if (!existsSync(`${appDir}/${entry}`)) throw new Error(`${entry} is missing: run \`pnpm build\` (pnpm test does) first`);
  redisServer = await startRedisServer();
});
afterAll(async () => {
  await redisServer.dispose();
});

function startProcess(env: Record<string, string>) {
  const child = spawn(process.execPath, [entry], {
    cwd: appDir,
    env: { PATH: process.env.PATH ?? "", LOG_LEVEL: "warn", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const stopped = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { child, stopped };
}

describe("configuration", () => {
  it("stops at start with one clear line naming each missing or malformed variable", () => {
    const result = spawnSync(process.execPath, [entry], {
      cwd: appDir,
      env: { PATH: process.env.PATH ?? "", REDIS_URL: "http://not-redis", PORT: "eighty" },
      encoding: "utf8",
    });
    expect(result.status).toBe(1);
    const lines = result.stderr.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^redis-http: invalid configuration: /);
    expect(lines[0]).toMatch(/REDIS_URL must be a redis:\/\//);
    expect(lines[0]).toMatch(/REDIS_HTTP_TOKEN is required/);
    expect(lines[0]).toMatch(/PORT /);
  });
});

describe("two gateway processes side by side", () => {
  it("share nothing but Redis: a rate limit counts across both, and SIGTERM exits cleanly", async () => {
    const ports = [await freePort(), await freePort()];
    const gateways = ports.map((port) => startProcess({ REDIS_URL: redisServer.url, REDIS_HTTP_TOKEN: token, PORT: String(port), HOST: "127.0.0.1" }));
    try {
      await Promise.all(ports.map((port) => waitForPort(port)));
      const limiters = ports.map(
        (port) =>
          new Ratelimit({
            redis: new Redis({ url: `http://127.0.0.1:${port}`, token, enableTelemetry: false }),
            limiter: Ratelimit.slidingWindow(6, "60 s"),
            prefix: "two-gateways",
            timeout: 0,
            ephemeralCache: false,
          }),
      );
      const successes = [];
      for (let i = 0; i < 10; i++) successes.push((await limiters[i % 2]!.limit("visitor")).success);
      expect(successes).toEqual([true, true, true, true, true, true, false, false, false, false]);
    } finally {
      for (const { child } of gateways) child.kill("SIGTERM");
    }
    expect(await Promise.all(gateways.map(({ stopped }) => stopped))).toEqual([0, 0]);
  });
});
