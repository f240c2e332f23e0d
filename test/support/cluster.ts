import type { AppRouter } from "@hop/api";
import { createTestDatabase, startHopProcess, startRedisServer, type HopProcess, type RedisServer } from "@hop/test-harness";

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

export async function startCluster(shape: { web: number; workers: number; env?: Record<string, string> }): Promise<Cluster> {
  const redisServer = await startRedisServer();
  const env = {
    DATABASE_URL: await createTestDatabase(),
    REDIS_URL: redisServer.url,
    WORKER_CONCURRENCY: "2",
    SESSION_SECRETS: `1:${"cluster-test-secret-".repeat(3)}`,
    VISITOR_HASH_SECRET: "cluster-test-visitor-hash-secret-0123456789",
    ...shape.env,
  };
  const webs = await Promise.all(Array.from({ length: shape.web }, () => startHopProcess("web", env)));
  const workers = await Promise.all(Array.from({ length: shape.workers }, () => startHopProcess("worker", env)));
  const cluster: Cluster = {
    env,
    redisServer,
    webs,
    workers,
    api: (web) => createTRPCClient<AppRouter>({ links: [httpBatchLink({ url: `${web.url}/api/trpc`, transformer: superjson })] }),
    addWeb: async () => {
      const web = await startHopProcess("web", env);
      webs.push(web);
      return web;
    },
    addWorker: async () => {
      const worker = await startHopProcess("worker", env);
      workers.push(worker);
      return worker;
    },
    stop: async () => {
      await Promise.all([...webs, ...workers].map((process) => process.kill()));
      await redisServer.dispose();
    },
  };
  return cluster;
}
