import type { AppRouter } from "@hop/api";
import {
  CleanupStack,
  createTestDatabase,
  startHopProcess,
  startRedisServer,
  type HopProcess,
  type HopProcessKind,
  type RedisServer,
} from "@hop/test-harness";

export { waitFor } from "@hop/test-harness";
import { createTRPCClient, httpBatchLink, type TRPCClient } from "@trpc/client";
import superjson from "superjson";

/**
 * Hop as operators run it, for the tests of DESIGN.md's rules: several web
 * and worker processes from one build, sharing one PostgreSQL database and
 * one Redis that the harness started.
 */
export interface Cluster {
  env: Record<string, string>;
  redisServer: RedisServer;
  webs: HopProcess[];
  workers: HopProcess[];
  api(web: HopProcess): TRPCClient<AppRouter>;
  addWeb(): Promise<HopProcess>;
  addWorker(): Promise<HopProcess>;
  stop(): Promise<void>;
}

/** Waits for every start (none is left running unobserved), then throws the first failure. */
async function startAll<T>(starts: Array<Promise<T>>): Promise<T[]> {
  const outcomes = await Promise.allSettled(starts);
  const failed = outcomes.find((outcome) => outcome.status === "rejected");
  if (failed) throw failed.reason;
  return outcomes.map((outcome) => (outcome as PromiseFulfilledResult<T>).value);
}

export async function startCluster(shape: { web: number; workers: number; env?: Record<string, string> }): Promise<Cluster> {
  // Whatever fails half-way (a build missing, a process that never gets ready), what was started is stopped before the error reaches the test.
  const cleanup = new CleanupStack();
  try {
    const redisServer = await startRedisServer();
    cleanup.defer(() => redisServer.dispose());
    const env = {
      DATABASE_URL: await createTestDatabase(),
      REDIS_URL: redisServer.url,
      WORKER_CONCURRENCY: "2",
      SESSION_SECRETS: `1:${"cluster-test-secret-".repeat(3)}`,
      VISITOR_HASH_SECRET: "cluster-test-visitor-hash-secret-0123456789",
      ...shape.env,
    };
    const start = async (kind: HopProcessKind) => {
      const started = await startHopProcess(kind, env);
      cleanup.defer(() => started.kill());
      return started;
    };
    const webs = await startAll(Array.from({ length: shape.web }, () => start("web")));
    const workers = await startAll(Array.from({ length: shape.workers }, () => start("worker")));
    const cluster: Cluster = {
      env,
      redisServer,
      webs,
      workers,
      api: (web) => createTRPCClient<AppRouter>({ links: [httpBatchLink({ url: `${web.url}/api/trpc`, transformer: superjson })] }),
      addWeb: async () => {
        const web = await start("web");
        webs.push(web);
        return web;
      },
      addWorker: async () => {
        const worker = await start("worker");
        workers.push(worker);
        return worker;
      },
      stop: async () => {
        await Promise.all([...webs, ...workers].map((process) => process.kill()));
        await cleanup.run();
      },
    };
    return cluster;
  } catch (error) {
    await cleanup.run().catch(() => undefined);
    throw error;
  }
}
