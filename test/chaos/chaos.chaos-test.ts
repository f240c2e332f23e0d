import { mkdirSync, writeFileSync } from "node:fs";
import { readClickStreamLag } from "@hop/clicks";
import { createDatabase, type Database } from "@hop/db";
import { createRedisClient, type RedisClient } from "@hop/redis";
import { CleanupStack, type HopProcess } from "@hop/test-harness";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startCluster, waitFor, type Cluster } from "../support/cluster";
import { startLoadBalancer, type LoadBalancer } from "../support/haproxy";
import { createCookieClient } from "../support/http-session";
import { runFaults, type FaultWindow } from "./faults";
import { startFixturePages, tokenOf, type FixturePages } from "./fixture-pages";
import { runTraffic, type RequestOutcome, type TrafficUser } from "./traffic";

/**
 * The chaos test (`pnpm test:chaos`): DESIGN.md's rules of the processes
 * under steady traffic behind a real load balancer, while processes die.
 * 3 web and 2 worker processes from the build behind haproxy; for 60 s a
 * bounded client visits short links and signed-in users create and edit
 * links, while a random web or worker is SIGKILLed and restarted every few
 * seconds, every web is restarted once with SIGTERM (rolling), and Redis is
 * restarted once. Then nothing may be lost or doubled.
 */
const runMs = Number(process.env.CHAOS_RUN_MS ?? 60_000);
const cleanup = new CleanupStack();
let cluster: Cluster;
let lb: LoadBalancer;
let pages: FixturePages;
let db: Database;
let redis: RedisClient;
const everyProcess: HopProcess[] = [];
const users: Array<TrafficUser & { email: string; cookie: string }> = [];
/** Accounts signed in before the run that do nothing during it. */
const idleSessions: Array<{ email: string; cookie: string }> = [];
const slugs: string[] = [];

beforeAll(async () => {
  try {
    pages = await startFixturePages();
    cleanup.defer(() => pages.stop());
    cluster = await startCluster({
      web: 3,
      workers: 2,
      persistentRedis: true,
      env: {
        // Destinations are the fixture's loopback pages.
        METADATA_FETCH_ALLOW_LOOPBACK: "true",
        // A killed worker's clicks are taken over after 5 s (30 s by default), so the drain is short.
        CLICK_CLAIM_IDLE_MS: "5000",
        // A stopping web answers not-ready this long before its listener closes: haproxy's two checks take it out first.
        SHUTDOWN_DRAIN_MS: "3000",
        // haproxy on loopback is the trusted proxy: its X-Forwarded-For and its request names (X-Request-Id) count.
        TRUST_PROXY: "loopback",
      },
    });
    cleanup.defer(() => cluster.stop());
    everyProcess.push(...cluster.webs, ...cluster.workers);
    lb = await startLoadBalancer(cluster.webs.map((web, index) => ({ name: `web${index + 1}`, port: Number(new URL(web.url!).port) })));
    cleanup.defer(() => lb.stop());
    db = createDatabase(cluster.env.DATABASE_URL!);
    cleanup.defer(() => db.$disconnect());
    redis = createRedisClient({ REDIS_URL: cluster.redisServer.url }, { rawReplies: true });
    cleanup.defer(() => redis.close());

    for (let i = 0; i < 4; i++) {
      const email = `user${i}@example.com`;
      const cookie = await cluster.signIn(email);
      const client = createCookieClient(async () => cookie);
      const user = { email, cookie, api: client.api(lb.url), linkIds: [] as string[] };
      // A few links each before the run, made through the load balancer.
      for (let j = 0; j < 3; j++) {
        const link = await user.api.links.create.mutate({ url: pages.pageUrl(`seed-${i}-${j}`) });
        user.linkIds.push(link.id);
        slugs.push(link.slug);
      }
      users.push(user);
    }
    for (let i = 0; i < 3; i++) {
      const email = `idle${i}@example.com`;
      idleSessions.push({ email, cookie: await cluster.signIn(email) });
    }
  } catch (error) {
    await cleanup.run().catch(() => undefined);
    throw error;
  }
}, 180_000);

afterAll(async () => {
  await cleanup.run();
});

const isInside = (outcome: RequestOutcome, windows: FaultWindow[], marginMs: number) =>
  windows.some((window) => outcome.startedAt <= window.endedAt + marginMs && outcome.endedAt >= window.startedAt);

describe("chaos: 3 web + 2 workers behind haproxy, processes killed under steady traffic", () => {
  it("loses no click, doubles none, runs every job once, keeps every session, and fails requests only inside fault windows", async () => {
    const startedAt = Date.now();
    const until = startedAt + runMs;
    let faultsDone = false;
    const jobHistory = sampleJobHistory(startedAt);
    const faults = runFaults({
      cluster,
      startedAt,
      until,
      redisRestartAfterMs: runMs / 4,
      rollingRestartAfterMs: runMs / 2,
      pauseMs: { min: 2_000, max: 5_000 },
      everyProcess,
    }).finally(() => {
      faultsDone = true;
    });
    const [outcomes, windows] = await Promise.all([
      runTraffic({
        baseUrl: lb.url,
        slugs,
        users,
        visitorConcurrency: 12,
        userPauseMs: 400,
        pageUrl: pages.pageUrl,
        running: () => Date.now() < until || !faultsDone,
      }),
      faults,
    ]);
    const trafficEndedAt = Date.now();

    // Drain: the clicks stream read and acknowledged, the job queue empty.
    await waitFor(
      async () => ({ lag: await readClickStreamLag(redis.redis), jobs: await queuedJobs() }),
      ({ lag, jobs }) => lag.pending === 0 && lag.unread === 0 && jobs === 0,
      120_000,
      250,
    ).catch(async (error: unknown) => {
      // What is left, and who holds it, for the report (graphile-worker's jobs view: the payload stays private).
      const lag = await readClickStreamLag(redis.redis).catch((failure: unknown) => String(failure));
      const jobs = await db.$queryRaw<unknown[]>`
        SELECT id, task_identifier, attempts, max_attempts, last_error, locked_by, locked_at, run_at, key FROM graphile_worker.jobs`.catch((failure: unknown) =>
        String(failure),
      );
      const live = everyProcess.filter((p) => p.kind === "worker").map((p) => ({ id: p.instanceId, signal: p.child.signalCode, exit: p.child.exitCode }));
      console.log(
        `chaos: not drained; click stream ${JSON.stringify(lag)}; jobs left: ${JSON.stringify(jobs, (_, value: unknown) => (typeof value === "bigint" ? String(value) : value))}; workers: ${JSON.stringify(live)}`,
      );
      printProcessLogs(everyProcess);
      const leftIds = await db.$queryRaw<{ id: bigint }[]>`SELECT id FROM graphile_worker.jobs`.catch(() => []);
      printJobStories(
        jobHistory,
        leftIds.map((row) => String(row.id)),
        everyProcess,
        startedAt,
      );
      throw error;
    });
    jobHistory.stop();
    const drainMs = Date.now() - trafficEndedAt;

    // The figures.
    const count = (kind: RequestOutcome["kind"], ok?: boolean) => outcomes.filter((o) => o.kind === kind && (ok === undefined || o.ok === ok)).length;
    const failures = outcomes.filter((outcome) => !outcome.ok);
    const outside = failures.filter((failure) => !isInside(failure, windows, 1_000));
    const clickRows = await db.click.groupBy({ by: ["isBot"], _count: true });
    const counted = (isBot: boolean) => clickRows.find((row) => row.isBot === isBot)?._count ?? 0;
    const report = {
      runSeconds: Math.round((trafficEndedAt - startedAt) / 100) / 10,
      requests: outcomes.length,
      perSecond: Math.round(outcomes.length / ((trafficEndedAt - startedAt) / 1000)),
      visitsGet: count("visit-get"),
      visitsHead: count("visit-head"),
      botGets: count("bot-get"),
      creates: count("create"),
      updates: count("update"),
      failures: failures.length,
      failureRatePercent: Math.round((failures.length / outcomes.length) * 100_000) / 1000,
      failuresOutsideWindows: outside.length,
      clicksCounted: counted(false),
      botClicksCounted: counted(true),
      faults: windows.length,
      // Requests haproxy sent again to another web (a refused connection, or a GET/HEAD whose web died before answering).
      retriedByHaproxy: lb.logs.filter((line) => / [-\w]{4} \d+\/\d+\/\d+\/\d+\/\+?[1-9]\d* /.test(line)).length,
      drainMs,
    };
    console.log(`chaos figures: ${JSON.stringify(report, null, 2)}`);
    console.log(
      `chaos windows:\n${windows.map((w) => `  +${((w.startedAt - startedAt) / 1000).toFixed(1)} s ${w.action} ${w.target}: ${w.endedAt - w.startedAt} ms${w.exit ? ` (exit code ${w.exit.code}, signal ${w.exit.signal})` : ""}`).join("\n")}`,
    );
    if (failures.length > 0) {
      console.log(
        `chaos failures:\n${failures
          .map(
            (f) =>
              `  +${((f.startedAt - startedAt) / 1000).toFixed(2)}..${((f.endedAt - startedAt) / 1000).toFixed(2)} s ${f.kind} ${f.requestId ?? ""}: ${f.detail}${isInside(f, windows, 1_000) ? "" : " OUTSIDE any window"}`,
          )
          .join("\n")}`,
      );
    }
    printProcessLogs(everyProcess);
    // haproxy's log of every request (server chosen, retries, how it ended), kept for reading a failure.
    mkdirSync("test-results/chaos", { recursive: true });
    writeFileSync("test-results/chaos/haproxy.log", `${lb.logs.join("\n")}\n`);

    await printClickMismatches(outcomes);

    // Clicks: every GET answered with a redirect is one click row, no more, no fewer (bots counted apart); HEADs count nothing.
    expect(counted(false)).toBe(count("visit-get", true));
    expect(counted(true)).toBe(count("bot-get", true));
    const rollups = await db.linkDailyStat.aggregate({ _sum: { clicks: true, botClicks: true } });
    expect(rollups._sum.clicks).toBe(count("visit-get", true));
    expect(rollups._sum.botClicks).toBe(count("bot-get", true));

    // Jobs: none left or failed, every link's metadata is its current destination's, and no page was fetched twice unless a worker died holding its job.
    expect(await db.$queryRaw<{ count: bigint }[]>`SELECT count(*) AS count FROM graphile_worker.jobs`).toEqual([{ count: 0n }]);
    const links = await db.link.findMany({ select: { id: true, url: true, pageTitle: true, metadataStatus: true } });
    for (const link of links)
      expect({ id: link.id, status: link.metadataStatus, title: link.pageTitle }).toEqual({ id: link.id, status: "FETCHED", title: tokenOf(link.url) });
    const interrupted = interruptedJobs(everyProcess);
    const fetchedTwice = [...pages.fetches].filter(([, times]) => times > 1);
    for (const [token] of fetchedTwice) {
      const calls = outcomes.filter((o) => o.token === token || (o.linkId && outcomes.some((c) => c.token === token && c.linkId === o.linkId)));
      console.log(
        `chaos: page ${token} fetched at ${(pages.fetchedAt.get(token) ?? []).map((t) => `+${((t - startedAt) / 1000).toFixed(2)} s`).join(", ")}; its link's calls: ${calls
          .map(
            (c) =>
              `${c.kind}${c.token ? ` ${c.token.slice(0, 8)}` : ""} +${((c.startedAt - startedAt) / 1000).toFixed(2)}..${((c.endedAt - startedAt) / 1000).toFixed(2)} ${c.detail}`,
          )
          .join("; ")}`,
      );
      for (const at of pages.fetchedAt.get(token) ?? []) {
        const near = everyProcess.flatMap((p) =>
          p.logs
            .filter((line) => p.kind === "worker" && Math.abs(Number(line.time) - at) < 1_500 && /job|metadata|handed/.test(String(line.msg)))
            .map(
              (line) =>
                `${p.instanceId} +${((Number(line.time) - startedAt) / 1000).toFixed(2)} ${String(line.msg)} ${String(line.jobId ?? "")} ${String(line.attempt ?? "")}`,
            ),
        );
        console.log(`  near +${((at - startedAt) / 1000).toFixed(2)} s:\n    ${near.join("\n    ")}`);
      }
    }
    expect(fetchedTwice.length).toBeLessThanOrEqual(interrupted);
    // Scheduled jobs: each tick of each ran once in the cluster.
    const ticks = everyProcess.flatMap((p) =>
      p.logs.filter((line) => line.msg === "scheduled job done").map((line) => `${String(line.task)}@${String(line.tick)}`),
    );
    expect(ticks.length).toBe(new Set(ticks).size);

    // Sessions signed in before the run are still valid, through any instance.
    for (const session of [...users, ...idleSessions]) {
      const me = await createCookieClient(async () => session.cookie)
        .api(lb.url)
        .auth.me.query();
      expect(me?.email).toBe(session.email);
    }

    // A web stopped with SIGTERM finished its requests and exited 0; each kind was killed, and Redis restarted.
    for (const window of windows.filter((w) => w.action === "SIGTERM web (rolling restart)")) expect(window.exit).toEqual({ code: 0, signal: null });
    expect(new Set(windows.map((w) => w.action))).toEqual(new Set(["SIGKILL web", "SIGKILL worker", "SIGTERM web (rolling restart)", "Redis restart"]));

    // Failures: under 0.1 %, each inside a fault window.
    expect(outside).toEqual([]);
    expect(failures.length / outcomes.length).toBeLessThan(0.001);
  }, 400_000);
});

interface JobHistory {
  /** Per job id: each change of (attempts, locked_by), with its time since the start. */
  changes: Map<string, string[]>;
  stop(): void;
}

/** Samples graphile-worker's jobs every 200 ms, keeping each change of a job's attempts and lock: a stuck job's story for the report. */
function sampleJobHistory(startedAt: number): JobHistory {
  const changes = new Map<string, string[]>();
  const last = new Map<string, string>();
  let running = true;
  void (async () => {
    while (running) {
      const rows = await db.$queryRaw<
        { id: bigint; attempts: number; locked_by: string | null }[]
      >`SELECT id, attempts, locked_by FROM graphile_worker._private_jobs`.catch(() => []);
      const at = `+${((Date.now() - startedAt) / 1000).toFixed(1)} s`;
      for (const row of rows) {
        const id = String(row.id);
        const state = `attempts ${row.attempts}, locked by ${row.locked_by ?? "nobody"}`;
        if (last.get(id) === state) continue;
        last.set(id, state);
        changes.set(id, [...(changes.get(id) ?? []), `${at} ${state}`]);
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  })();
  return { changes, stop: () => (running = false) };
}

/** For each job still queued: its sampled lock history and every worker log line about it or about handing jobs back. */
function printJobStories(history: JobHistory, leftIds: string[], processes: HopProcess[], startedAt: number): void {
  history.stop();
  const left = leftIds.map((id) => [id, history.changes.get(id) ?? []] as const);
  const pools = processes
    .filter((p) => p.kind === "worker")
    .map(
      (p) =>
        `${p.instanceId}: ${p.logs
          .filter((line) => line.msg === "worker ready")
          .map((line) => JSON.stringify(line.jobWorkerIds))
          .join(" ")}`,
    );
  const stories = left.slice(-5).map(([id, states]) => {
    const lines = processes.flatMap((p) =>
      p.logs
        .filter((line) => String(line.jobId ?? "") === id || /handed back|dead workers|heartbeat/.test(String(line.msg)))
        .map((line) => `${p.instanceId} +${((Number(line.time) - startedAt) / 1000).toFixed(2)} ${String(line.msg)} ${JSON.stringify(line)}`),
    );
    return `job ${id}:\n    ${states.join("\n    ")}\n  logs:\n    ${lines.join("\n    ")}`;
  });
  console.log(`chaos: worker pools:\n  ${pools.join("\n  ")}\nchaos: jobs left:\n  ${stories.join("\n  ")}`);
}

async function queuedJobs(): Promise<number> {
  const [row] = await db.$queryRaw<{ count: bigint }[]>`SELECT count(*) AS count FROM graphile_worker.jobs`;
  return Number(row?.count ?? 0);
}

/** Jobs a worker started and never finished because it was SIGKILLed: the ones graphile-worker may run again. */
function interruptedJobs(processes: HopProcess[]): number {
  let count = 0;
  for (const worker of processes.filter((p) => p.kind === "worker" && p.child.signalCode === "SIGKILL")) {
    const done = new Set(worker.logs.filter((line) => line.msg === "job done").map((line) => String(line.jobId)));
    count += worker.logs.filter((line) => line.msg === "job started" && !done.has(String(line.jobId))).length;
  }
  return count;
}

/** What the processes said while they were killed and restarted: every warning and error, grouped. */
function printProcessLogs(processes: HopProcess[]): void {
  const seen = new Map<string, number>();
  for (const process of processes) {
    for (const line of process.logs) {
      const level = Number(line.level);
      if (!(level >= 40) && !/stop/.test(String(line.msg))) continue;
      const key = `${process.kind} level ${line.level}: ${String(line.msg)}${line.err ? ` (${String(line.err).slice(0, 160)})` : ""}`;
      seen.set(key, (seen.get(key) ?? 0) + 1);
    }
  }
  console.log(`chaos process logs (warnings, errors, stops):\n${[...seen].map(([key, times]) => `  ${times}x ${key}`).join("\n")}`);
}

/** Links whose click rows differ from the redirects the client saw, with the failed visits to each: where a difference came from. */
async function printClickMismatches(outcomes: RequestOutcome[]): Promise<void> {
  const answered = new Map<string, number>();
  for (const outcome of outcomes)
    if (outcome.ok && outcome.slug && outcome.kind !== "visit-head") answered.set(outcome.slug, (answered.get(outcome.slug) ?? 0) + 1);
  const rows = await db.$queryRaw<
    { slug: string; clicks: bigint }[]
  >`SELECT l.slug, count(c.id) AS clicks FROM "Link" l LEFT JOIN "Click" c ON c."linkId" = l.id GROUP BY l.slug`;
  const lines = rows
    .filter((row) => Number(row.clicks) !== (answered.get(row.slug) ?? 0))
    .map((row) => {
      const failed = outcomes.filter((o) => o.slug === row.slug && !o.ok && o.kind !== "visit-head").map((o) => `${o.requestId} ${o.detail}`);
      return `  /${row.slug}: ${row.clicks} counted, ${answered.get(row.slug) ?? 0} answered; failed GETs: ${failed.join("; ") || "none"}`;
    });
  if (lines.length > 0) console.log(`chaos click mismatches:\n${lines.join("\n")}`);
}
