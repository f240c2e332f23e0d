import { type ChildProcess, spawn } from "node:child_process";
import { createTestDatabase, freePort, startRedisServer, waitFor, type RedisServer } from "@hop/test-harness";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, saveScreenshot } from "../support/browser";

// Issue 12: stopping `pnpm dev` with Ctrl-C printed PostgreSQL connection
// errors and pnpm's "ELIFECYCLE Command failed". A terminal's Ctrl-C is a
// SIGINT to its whole foreground process group: here `pnpm dev` runs in a
// group of its own and the whole group gets the SIGINT, as from a terminal.
// The backing services are the test's own (DATABASE_URL, REDIS_URL), so
// nothing is written to the repository's .data/.
let redisServer: RedisServer;
let dev: ChildProcess | undefined;
let output = "";
/** The port given to `pnpm dev` (PORT): the printed URL must name it (README: "Another port"). */
let port: number;

const groupAlive = (pid: number) => {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
};

beforeAll(async () => {
  redisServer = await startRedisServer();
  const databaseUrl = await createTestDatabase();
  port = await freePort();
  const env = {
    ...process.env,
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisServer.url,
    PORT: String(port),
    REDIS_HTTP_PORT: String(await freePort()),
    REDIS_HTTP_TOKEN: "dev-command-test-token-0123456789",
    SESSION_SECRETS: `1:${"dev-command-test-secret-".repeat(2)}`,
    VISITOR_HASH_SECRET: "dev-command-test-visitor-hash-secret-0123",
    LOG_FORMAT: "json",
    LOG_LEVEL: "info",
  };
  dev = spawn("pnpm", ["dev"], { env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  for (const stream of [dev.stdout, dev.stderr]) stream?.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
  await waitFor(async () => output.includes("web ready") && output.includes("Ctrl-C stops everything"), Boolean, 110_000);
}, 120_000);

afterAll(async () => {
  // Whatever the test left running: the whole group, at once.
  if (dev?.pid && groupAlive(dev.pid)) process.kill(-dev.pid, "SIGKILL");
  await redisServer?.dispose();
});

describe("pnpm dev", () => {
  it("serves working pages at the very address it prints: a new user signs up there", async () => {
    const printed = /web-1\s+(http:\/\/\S+)/.exec(output)?.[1];
    expect(printed).toBe(`http://127.0.0.1:${port}`);
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage();
      await page.goto(`${printed}/signup`, { timeout: 120_000 });
      // The page came alive: React hydrated the form (Next's dev server refused its own scripts on 127.0.0.1 before).
      await page.waitForFunction(
        () => {
          const form = document.querySelector("form");
          return form !== null && Object.keys(form).some((key) => key.startsWith("__react"));
        },
        undefined,
        { timeout: 120_000 },
      );
      await page.getByLabel("Email").fill("first-hour@example.com");
      await page.getByLabel("Password", { exact: true }).fill("a good long passphrase");
      await page.getByRole("button", { name: "Sign up" }).click();
      await page.waitForURL(/\/links/, { timeout: 120_000 });
      await saveScreenshot(page, "dev-first-sign-up");
    } finally {
      await browser.close();
    }
  }, 300_000);

  it("stops quietly on Ctrl-C, every process in order, and exits 0", async () => {
    const child = dev!;
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    const before = output.length;
    process.kill(-child.pid!, "SIGINT");
    expect(await exited).toBe(0);
    await waitFor(async () => !groupAlive(child.pid!), Boolean, 15_000);
    const afterCtrlC = output.slice(before);
    expect(afterCtrlC).not.toMatch(/ELIFECYCLE|Command failed/);
    // No warning or error from any process (pino levels 40 and up), such as a lost PostgreSQL or Redis connection.
    expect(afterCtrlC.split("\n").filter((line) => /"level":(4|5|6)0/.test(line))).toEqual([]);
    // The web and worker processes were stopped by the command (SIGTERM, in order), not reached by the Ctrl-C itself.
    for (const name of ["web", "worker"]) expect(afterCtrlC).toMatch(new RegExp(`"name":"${name}","signal":"SIGTERM"`));
    expect(afterCtrlC).toMatch(/hop\s+stopped/);
  });
});
