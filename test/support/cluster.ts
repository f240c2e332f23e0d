import type { AppRouter } from "@hop/api";
import { hashPassword } from "@hop/auth";
import { createDatabase } from "@hop/db";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CleanupStack, createTestDatabase, startHopProcess, startRedisServer, type HopProcess, type HopProcessKind, type RedisServer } from "@hop/test-harness";
import { createCookieClient } from "./http-session";

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
  /** The API as an anonymous visitor sees it. */
  api(web: HopProcess): TRPCClient<AppRouter>;
  /** The API signed in as the cluster's operator (an account in OPERATOR_EMAILS, signed in on first use). */
  operatorApi(web: HopProcess): TRPCClient<AppRouter>;
  /**
   * An account with this email and `clusterPassword`, made straight in the
   * database (no sign-up, so no sign-up limit is used up), signed in through
   * the API of the first web; its session cookie (the `hop_session` value).
   */
  signIn(email: string): Promise<string>;
  addWeb(): Promise<HopProcess>;
  addWorker(): Promise<HopProcess>;
  /**
   * Ends a process (SIGKILL: a crash; SIGTERM: a deploy) and starts its
   * replacement from the same build, a web on the same port (a load
   * balancer's address for it stays right); resolves when that one is ready.
   */
  replace(process: HopProcess, signal: "SIGKILL" | "SIGTERM"): Promise<HopProcess>;
  stop(): Promise<void>;
}

/** Every cluster's operator: OPERATOR_EMAILS names this account unless the test sets its own. */
export const clusterOperatorEmail = "operator@example.com";
/** Every process's VISITOR_HASH_SECRET (the worker hashes visitors at ingestion with it). */
export const clusterVisitorHashSecret = "cluster-test-visitor-hash-secret-0123456789";
/** The password of the accounts `signIn` makes. */
export const clusterPassword = "cluster test password";

/** Waits for every start (none is left running unobserved), then throws the first failure. */
async function startAll<T>(starts: Array<Promise<T>>): Promise<T[]> {
  const outcomes = await Promise.allSettled(starts);
  const failed = outcomes.find((outcome) => outcome.status === "rejected");
  if (failed) throw failed.reason;
  return outcomes.map((outcome) => (outcome as PromiseFulfilledResult<T>).value);
}

export interface ClusterShape {
  web: number;
  workers: number;
  env?: Record<string, string>;
  /** Redis with its append-only file in a folder of its own, so a restart keeps sessions and the clicks stream, as operators must run it. */
  persistentRedis?: boolean;
}

export async function startCluster(shape: ClusterShape): Promise<Cluster> {
  // Whatever fails half-way (a build missing, a process that never gets ready), what was started is stopped before the error reaches the test.
  const cleanup = new CleanupStack();
  try {
    let redisDataDir: string | undefined;
    if (shape.persistentRedis) {
      const dir = mkdtempSync(join(tmpdir(), "hop-redis-data-"));
      redisDataDir = dir;
      cleanup.defer(() => rmSync(dir, { recursive: true, force: true }));
    }
    const redisServer = await startRedisServer(redisDataDir ? { dataDir: redisDataDir } : {});
    cleanup.defer(() => redisServer.dispose());
    const env = {
      DATABASE_URL: await createTestDatabase(),
      REDIS_URL: redisServer.url,
      WORKER_CONCURRENCY: "2",
      SESSION_SECRETS: `1:${"cluster-test-secret-".repeat(3)}`,
      VISITOR_HASH_SECRET: clusterVisitorHashSecret,
      OPERATOR_EMAILS: clusterOperatorEmail,
      ...shape.env,
    };
    const start = async (kind: HopProcessKind, port?: string) => {
      const started = await startHopProcess(kind, port ? { ...env, PORT: port } : env);
      cleanup.defer(() => started.kill());
      return started;
    };
    const webs = await startAll(Array.from({ length: shape.web }, () => start("web")));
    const workers = await startAll(Array.from({ length: shape.workers }, () => start("worker")));
    // Opened only when a test signs someone in; closed by stop().
    let db: ReturnType<typeof createDatabase> | undefined;
    cleanup.defer(async () => {
      await db?.$disconnect();
    });
    const signIn = async (email: string) => {
      db ??= createDatabase(env.DATABASE_URL);
      await db.user.upsert({ where: { email }, create: { email, passwordHash: await hashPassword(clusterPassword) }, update: {} });
      const client = createCookieClient();
      await client.api(webs[0]!.url!).auth.signIn.mutate({ email, password: clusterPassword });
      if (!client.cookie) throw new Error(`signing in ${email} set no session cookie`);
      return client.cookie;
    };
    // A cookie client whose first request waits for the operator's sign-in.
    const operator = createCookieClient(() => signIn(clusterOperatorEmail));
    const cluster: Cluster = {
      env,
      redisServer,
      webs,
      workers,
      api: (web) => createTRPCClient<AppRouter>({ links: [httpBatchLink({ url: `${web.url}/api/trpc`, transformer: superjson })] }),
      operatorApi: (web) => operator.api(web.url!),
      signIn,
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
      replace: async (old, signal) => {
        const list = old.kind === "web" ? webs : workers;
        if (signal === "SIGKILL") await old.kill();
        else await old.stop();
        const replacement = await start(old.kind, old.url ? new URL(old.url).port : undefined);
        const index = list.indexOf(old);
        if (index === -1) list.push(replacement);
        else list.splice(index, 1, replacement);
        return replacement;
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
