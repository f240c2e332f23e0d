/**
 * What bench:api and bench:compat share: their command-line options and one
 * web process of the production build (on a PostgreSQL and a Redis of its
 * own) with the Next route baseline switched on and the per-key limit lifted,
 * optionally profiled per measured slice.
 */
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { migrateDatabase } from "@hop/db/migrate";
import { migrateJobQueue } from "@hop/jobs";
import { startHopProcess, startPostgresServer, startRedisServer } from "@hop/test-harness";
import { defaultLoadGenerator, loadGeneratorOf } from "./side-by-side";
import { findPostgresPid, findRedisPid, processCpuSeconds, processTreeCpuSeconds } from "./system/proc-cpu";

export function machineApiBenchOptions() {
  const { values } = parseArgs({
    args: process.argv.slice(2).filter((arg) => arg !== "--"),
    options: {
      seconds: { type: "string", default: "5" },
      rounds: { type: "string", default: "5" },
      concurrency: { type: "string", default: "50" },
      profile: { type: "string" },
      // wrk where installed; `node` for the in-process client (the old way, kept to compare the two generators).
      generator: { type: "string" },
    },
  });
  return {
    seconds: Number(values.seconds),
    concurrency: Number(values.concurrency),
    rounds: Number(values.rounds),
    generator: values.generator === undefined ? defaultLoadGenerator() : loadGeneratorOf(values.generator),
    // --profile <dir>: a CPU profile of the web process per measured slice (window-1, -2, ... in the order taken), for `pnpm bench:profile`.
    profileDir: values.profile === undefined ? undefined : resolve(values.profile),
  };
}

export async function startMachineApiWeb(options: { profileDir: string | undefined; env?: Record<string, string> }) {
  const postgres = await startPostgresServer({ ephemeral: true });
  const redisServer = await startRedisServer();
  const databaseUrl = await postgres.createDatabase("bench");
  await migrateDatabase(databaseUrl);
  await migrateJobQueue(databaseUrl);
  const web = await startHopProcess(
    "web",
    {
      DATABASE_URL: databaseUrl,
      REDIS_URL: redisServer.url,
      SESSION_SECRETS: `1:${"bench-session-secret-".repeat(2)}`,
      VISITOR_HASH_SECRET: "bench-visitor-hash-secret-0123456789abcdef",
      LOG_LEVEL: "info",
      // The limit is not what is measured: high enough never to refuse.
      API_KEY_RATE_LIMIT_PER_MINUTE: "1000000",
      API_BENCH_NEXT_ROUTE: "1",
      ...options.env,
      ...(options.profileDir ? { HOP_CPU_PROFILE_DIR: options.profileDir } : {}),
    },
    60_000,
    options.profileDir ? ["--import", fileURLToPath(new URL("./cpu-profile-on-signal.mjs", import.meta.url))] : [],
  );
  const postgresPid = findPostgresPid(postgres.port);
  const redisPid = findRedisPid(redisServer.port);
  return {
    web,
    /** CPU seconds so far of what every row shares: PostgreSQL (postmaster and backends) and Redis. */
    sharedCpuSeconds: () => processTreeCpuSeconds(postgresPid) + processCpuSeconds(redisPid),
    /** Asks the profiled web process for the profile of the slice just measured. */
    onSlice: options.profileDir ? () => web.child.kill("SIGUSR2") : undefined,
    stop: async () => {
      await web.stop();
      await redisServer.dispose();
      await postgres.stop();
    },
  };
}
