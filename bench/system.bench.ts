/**
 * Hop as users run it, under load: the release step, then web and worker
 * processes from the production build on a real PostgreSQL (durable
 * defaults) and Redis, loaded by wrk (or autocannon where wrk is not
 * installed) in a process of its own with a browser's user agent (every
 * visit is a click), `--seconds` after a warm-up.
 *
 * Per row: redirects/s, p50/p99, requests answered vs clicks counted (checked
 * once the worker has drained the stream: the script fails if a click is
 * missing or counted twice), the stream's lag during the run (sampled) and
 * the drain time after it, and CPU seconds per process from /proc (web,
 * worker, PostgreSQL with its backends, Redis, the load generator). Baseline in the same
 * run, under the same load: the bare node:http + Redis GET server of
 * bench:redirect (bench/redirect-baseline-server.ts).
 *
 *   pnpm bench:system   (after pnpm build; wrk if installed: apt-get install wrk / brew install wrk)
 *     [--seconds 30] [--warmup 5] [--connections 50] [--rows 1x1,baseline,2x1] [--generator wrk|autocannon] [--profile <dir>]
 *
 * A row may be listed again (`--rows 1x1,baseline,1x1,baseline,1x1,baseline`): each Hop row is compared with the
 * baseline row next to it (the one after it, else the one before), and the median of those ratios per kind of row is
 * printed, since the machine's speed drifts between rows more than the budget (1.5x) allows a single pair to tell.
 *
 * --profile writes a CPU profile of each web process and of the bare server (node --cpu-prof) to <dir>; read it with
 * `pnpm bench:profile <file>`.
 */
import { spawn } from "node:child_process";
import { once } from "node:events";
import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join, resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { readClickStreamLag } from "@hop/clicks";
import { createDatabase } from "@hop/db";
import { createRedisClient } from "@hop/redis";
import { CleanupStack, startHopProcess, startPostgresServer, startRedisServer, trackChild, type HopProcess } from "@hop/test-harness";
import { findPostgresPid, findRedisPid, processCpuSeconds, processSystemCpuSeconds, processTreeCpuSeconds } from "./system/proc-cpu";
import { startAutocannon } from "./system/autocannon";
import { mergedPercentile, removeWrkScript, startWrk, wrkInstalled, type WrkResult } from "./system/wrk";

const { values } = parseArgs({
  args: process.argv.slice(2).filter((arg) => arg !== "--"),
  options: {
    seconds: { type: "string", default: "30" },
    warmup: { type: "string", default: "5" },
    connections: { type: "string", default: "50" },
    rows: { type: "string", default: "1x1,baseline,2x1" },
    profile: { type: "string" },
    // wrk where installed (a C program: the load costs the machine least), autocannon otherwise.
    generator: { type: "string", default: wrkInstalled() ? "wrk" : "autocannon" },
    "drain-timeout": { type: "string", default: "300" },
  },
});
const seconds = Number(values.seconds);
const warmupSeconds = Number(values.warmup);
const connections = Number(values.connections);
const drainTimeoutMs = Number(values["drain-timeout"]) * 1_000;
const rows = values.rows.split(",").map((row) => row.trim());
const profileDir = values.profile ? resolve(values.profile) : undefined;
for (const row of rows) if (row !== "baseline" && !/^\d+x\d+$/.test(row)) throw new Error(`--rows: "${row}" is neither baseline nor <web>x<workers>`);
const generator = values.generator;
if (generator !== "wrk" && generator !== "autocannon") throw new Error(`--generator: "${generator}" is neither wrk nor autocannon`);
if (generator === "wrk" && !wrkInstalled()) {
  process.stderr.write("--generator wrk: wrk is not on PATH (Debian/Ubuntu: apt-get install wrk; macOS: brew install wrk)\n");
  process.exit(1);
}

const browserUserAgent = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36";
const target = "https://example.com/landing?from=bench-system";
const repoRoot = fileURLToPath(new URL("..", import.meta.url));

interface RowResult {
  name: string;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  answered: number;
  sent: number;
  /** Requests the load generator gave up on after 5 s. */
  timeouts: number;
  counted: number | null;
  lagMax: number | null;
  lagMean: number | null;
  drainSeconds: number | null;
  /** CPU seconds during the measured load, by process. */
  cpu: Record<string, number>;
  /** CPU seconds of the worker and PostgreSQL from the end of the load until drained. */
  drainCpu: Record<string, number>;
  webCpuUsPerRedirect: number;
  /** The part of the web (or bare) process's CPU spent in the kernel. */
  webKernelShare: number;
}

const loadAtStart = loadAverage();
const cleanup = new CleanupStack();
const results: RowResult[] = [];
try {
  const postgres = await startPostgresServer();
  cleanup.defer(() => postgres.stop());
  const redisServer = await startRedisServer();
  cleanup.defer(() => redisServer.dispose());
  const databaseUrl = await postgres.createDatabase("hop");
  const postgresPid = findPostgresPid(postgres.port);
  const redisPid = findRedisPid(redisServer.port);

  // The release step, as deployed: migrations from the bundle, in a process of its own.
  const release = spawn(process.execPath, ["apps/release/dist/main.js"], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH ?? "", NODE_ENV: "production", DATABASE_URL: databaseUrl, LOG_FORMAT: "json" },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const [releaseCode] = (await once(release, "exit")) as [number | null];
  if (releaseCode !== 0) throw new Error(`the release step failed (exit ${releaseCode})`);

  const env = {
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisServer.url,
    SESSION_SECRETS: `1:${"bench-session-secret-".repeat(2)}`,
    VISITOR_HASH_SECRET: "bench-visitor-hash-secret-0123456789abcdef",
  };
  const db = createDatabase(databaseUrl, { maxConnections: 2 });
  cleanup.defer(() => db.$disconnect());
  const redis = createRedisClient({ REDIS_URL: redisServer.url }, { rawReplies: true });
  cleanup.defer(() => redis.close());
  const user = await db.user.create({ data: { email: "bench@example.com", passwordHash: "unused" } });

  const clicksOf = async (linkId: string) => Number((await db.link.findUniqueOrThrow({ where: { id: linkId }, select: { totalClicks: true } })).totalClicks);
  const streamLag = async () => {
    const lag = await readClickStreamLag(redis.redis);
    return lag.pending + lag.unread;
  };
  const waitForDrain = async (): Promise<number> => {
    const started = performance.now();
    while ((await streamLag()) > 0) {
      if (performance.now() - started > drainTimeoutMs) throw new Error(`the click stream did not drain within ${drainTimeoutMs / 1000} s`);
      await sleep(100);
    }
    return (performance.now() - started) / 1_000;
  };

  /** Runs the load generator against each URL at once (the connections split between them), with the given processes' CPU measured over the run. */
  const load = async (urls: string[], durationSeconds: number, pids: Record<string, () => number>) => {
    const before = Object.fromEntries(Object.entries(pids).map(([name, read]) => [name, read()]));
    const headers = { "User-Agent": browserUserAgent, Referer: "https://news.example/item?id=1" };
    const runs = urls.map((url) =>
      generator === "wrk"
        ? startWrk(trackChild, {
            url,
            connections: Math.round(connections / urls.length),
            threads: Math.max(1, Math.round(2 / urls.length)),
            seconds: durationSeconds,
            headers,
          })
        : startAutocannon(trackChild, { url, connections: Math.round(connections / urls.length), seconds: durationSeconds, headers }),
    );
    let generatorCpu = 0;
    const generatorCpuNow = () => runs.reduce((sum, run) => sum + (run.child.pid ? processCpuSeconds(run.child.pid) : 0), 0);
    // The generator's own CPU is read while it runs (it is gone afterwards): the last reading before it exits.
    const sampler = setInterval(() => {
      generatorCpu = Math.max(generatorCpu, generatorCpuNow());
    }, 100);
    const wrkResults = await Promise.all(runs.map((run) => run.result)).finally(() => clearInterval(sampler));
    const cpu: Record<string, number> = Object.fromEntries(Object.entries(pids).map(([name, read]) => [name, read() - (before[name] ?? 0)]));
    cpu["load generator"] = generatorCpu;
    // An answer other than the redirect is a broken run; a timeout (no answer in 5 s) is a figure of the run, reported in its row.
    for (const result of wrkResults) {
      const { connect, read, write, status } = result.errors;
      if (connect + read + write + status > 0) throw new Error(`${generator} reported errors: ${JSON.stringify(result.errors)}`);
    }
    return { wrkResults, cpu };
  };

  const summarise = (name: string, wrkResults: WrkResult[], cpu: Record<string, number>, webCpu: number, webKernelCpu: number): RowResult => {
    const answered = wrkResults.reduce((sum, result) => sum + result.answered, 0);
    const duration = Math.max(...wrkResults.map((result) => result.durationUs)) / 1e6;
    return {
      name,
      perSecond: answered / duration,
      p50Ms: mergedPercentile(wrkResults, 50) / 1_000,
      p99Ms: mergedPercentile(wrkResults, 99) / 1_000,
      answered,
      sent: wrkResults.reduce((sum, result) => sum + result.sent, 0),
      timeouts: wrkResults.reduce((sum, result) => sum + result.errors.timeout, 0),
      counted: null,
      lagMax: null,
      lagMean: null,
      drainSeconds: null,
      cpu,
      drainCpu: {},
      webCpuUsPerRedirect: (webCpu / answered) * 1e6,
      webKernelShare: webCpu > 0 ? webKernelCpu / webCpu : 0,
    };
  };

  let cachedSlug: string | undefined;
  for (const [index, row] of rows.entries()) {
    if (row === "baseline") {
      if (!cachedSlug) throw new Error("--rows: baseline reads the link a Hop row cached: list it after one");
      // No fixed name: tsx's loader thread writes a profile too, and the main thread's is the larger file.
      const profileArgs = profileDir ? ["--cpu-prof", `--cpu-prof-dir=${join(profileDir, "bare")}`] : [];
      const baselineScript = fileURLToPath(new URL("redirect-baseline-server.ts", import.meta.url));
      const baseline = spawn(process.execPath, [...profileArgs, "--import", "tsx", baselineScript], {
        env: { ...process.env, REDIS_URL: redisServer.url },
        stdio: ["ignore", "pipe", "inherit"],
      });
      trackChild(baseline, "SIGKILL");
      const stopBaseline = async () => {
        if (baseline.exitCode === null && baseline.signalCode === null) {
          baseline.kill("SIGTERM");
          await once(baseline, "exit");
        }
      };
      cleanup.defer(stopBaseline);
      const [firstLine] = (await once(baseline.stdout, "data")) as [Buffer];
      const url = `http://127.0.0.1:${Number(/listening (\d+)/.exec(firstLine.toString())?.[1])}/${cachedSlug}`;
      const check = await fetch(url, { redirect: "manual" });
      if (check.status !== 302 || check.headers.get("location") !== target)
        throw new Error(`the baseline answered ${check.status} ${check.headers.get("location")}`);
      const pid = baseline.pid!;
      await load([url], warmupSeconds, {});
      const { wrkResults, cpu } = await load([url], seconds, {
        "bare server": () => processCpuSeconds(pid),
        "bare server kernel": () => processSystemCpuSeconds(pid),
        redis: () => processCpuSeconds(redisPid),
      });
      results.push(summarise("bare node:http + one Redis GET (baseline)", wrkResults, cpu, cpu["bare server"] ?? 0, cpu["bare server kernel"] ?? 0));
      await stopBaseline();
      continue;
    }

    const [webCount, workerCount] = row.split("x").map(Number) as [number, number];
    // The warm-up loads a link of its own: a warm-up request still in flight when the measured run starts
    // (a slow fallback to PostgreSQL) must not be counted as one of the run's clicks.
    const slug = `system-${row}-${index + 1}`;
    const warmSlug = `system-${row}-${index + 1}-warm-up`;
    const link = await db.link.create({ data: { slug, url: target, userId: user.id } });
    await db.link.create({ data: { slug: warmSlug, url: target, userId: user.id } });
    const started: HopProcess[] = [];
    const stopAll = () => Promise.all(started.map((child) => child.stop())).then(() => undefined);
    cleanup.defer(stopAll);
    const webs: HopProcess[] = [];
    for (let i = 0; i < webCount; i++) {
      const nodeArgs = profileDir ? ["--cpu-prof", `--cpu-prof-dir=${profileDir}`, `--cpu-prof-name=web-${row}-${i + 1}.cpuprofile`] : [];
      const web = await startHopProcess("web", env, 60_000, nodeArgs);
      started.push(web);
      webs.push(web);
    }
    const workers: HopProcess[] = [];
    for (let i = 0; i < workerCount; i++) {
      const worker = await startHopProcess("worker", env);
      started.push(worker);
      workers.push(worker);
    }
    const urls = webs.map((web) => `${web.url}/${slug}`);
    // One visit each (counted below) puts the measured link in the shared cache.
    for (const url of [...urls, ...webs.map((web) => `${web.url}/${warmSlug}`)]) {
      const first = await fetch(url, { redirect: "manual" });
      if (first.status !== 302 || first.headers.get("location") !== target) throw new Error(`web answered ${first.status} ${first.headers.get("location")}`);
    }
    cachedSlug = slug;

    await load(
      webs.map((web) => `${web.url}/${warmSlug}`),
      warmupSeconds,
      {},
    );
    await waitForDrain();
    // Read, not assumed: the first visits above came from Node's fetch, whose user agent ("node") counts as a bot (not in totalClicks).
    const countedBefore = await clicksOf(link.id);

    const pids: Record<string, () => number> = {
      web: () => webs.reduce((sum, web) => sum + processCpuSeconds(web.child.pid!), 0),
      "web kernel": () => webs.reduce((sum, web) => sum + processSystemCpuSeconds(web.child.pid!), 0),
      worker: () => workers.reduce((sum, worker) => sum + processCpuSeconds(worker.child.pid!), 0),
      postgres: () => processTreeCpuSeconds(postgresPid),
      redis: () => processCpuSeconds(redisPid),
    };
    const lagSamples: number[] = [];
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        lagSamples.push(await streamLag());
        await sleep(250);
      }
    })().catch(() => undefined); // a failed run's cleanup closes Redis under the last sample
    const { wrkResults, cpu } = await load(urls, seconds, pids).finally(() => {
      sampling = false;
    });
    await sampler;

    const drainBefore = { worker: pids.worker!(), postgres: pids.postgres!() };
    const drainSeconds = await waitForDrain();
    const drainCpu = { worker: pids.worker!() - drainBefore.worker, postgres: pids.postgres!() - drainBefore.postgres };
    const counted = (await clicksOf(link.id)) - countedBefore;

    const result = summarise(`Hop: ${webCount} web + ${workerCount} worker`, wrkResults, cpu, cpu.web ?? 0, cpu["web kernel"] ?? 0);
    result.counted = counted;
    result.lagMax = Math.max(0, ...lagSamples);
    result.lagMean = lagSamples.reduce((sum, lag) => sum + lag, 0) / Math.max(1, lagSamples.length);
    result.drainSeconds = drainSeconds;
    result.drainCpu = drainCpu;
    results.push(result);
    // Every answered request was counted; requests cut off by wrk's end may be counted without an answer (the click comes first), none twice.
    if (counted < result.answered || counted > result.sent) {
      throw new Error(`${result.name}: ${result.answered} redirects answered (${result.sent} sent) but ${counted} clicks counted`);
    }
    await stopAll();
  }
} catch (error) {
  process.exitCode = 1;
  process.stderr.write(`\nbench:system FAILED: ${error instanceof Error ? error.message : String(error)}\n`);
} finally {
  printResults();
  await cleanup.run();
  removeWrkScript();
}

function printResults() {
  if (results.length === 0) return;
  const format = (value: number, digits = 0) => value.toLocaleString("en", { minimumFractionDigits: digits, maximumFractionDigits: digits });
  const isBaseline = (result: (typeof results)[number]) => result.name.includes("baseline");
  // Each Hop row against the baseline row next to it: the one after it, else the one before.
  const baselineOf = (at: number) => results.slice(at + 1).find(isBaseline) ?? results.slice(0, at).reverse().find(isBaseline);
  const ratios = new Map<string, number[]>();
  console.log(`\nGET /<slug> -> 302, ${generator}, ${connections} keep-alive connections, browser user agent, ${seconds} s after a ${warmupSeconds} s warm-up`);
  console.log(`node ${process.version}, ${availableParallelism()} cores, load average ${loadAtStart} at the start, ${loadAverage()} at the end\n`);
  console.log(
    "| row | redirects/s | p50 ms | p99 ms | answered (sent, timed out) | clicks counted | lag max / mean | drain s | web CPU µs/redirect (kernel) | vs bare |",
  );
  console.log("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
  for (const [at, result] of results.entries()) {
    const baseline = isBaseline(result) ? undefined : baselineOf(at);
    const ratio = baseline ? result.webCpuUsPerRedirect / baseline.webCpuUsPerRedirect : undefined;
    if (ratio !== undefined) ratios.set(result.name, [...(ratios.get(result.name) ?? []), ratio]);
    const vsBare = ratio === undefined ? "" : `${format(ratio, 2)}x`;
    console.log(
      `| ${result.name} | ${format(result.perSecond)} | ${format(result.p50Ms, 2)} | ${format(result.p99Ms, 2)} | ${format(result.answered)} (${format(result.sent)}, ${format(result.timeouts)}) | ${
        result.counted === null ? "" : format(result.counted)
      } | ${result.lagMax === null ? "" : `${format(result.lagMax)} / ${format(result.lagMean ?? 0)}`} | ${
        result.drainSeconds === null ? "" : format(result.drainSeconds, 1)
      } | ${format(result.webCpuUsPerRedirect)} (${format(result.webKernelShare * 100)} %) | ${vsBare} |`,
    );
  }
  for (const [name, values] of ratios) {
    if (values.length < 2) continue;
    const sorted = [...values].sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)] as number;
    console.log(
      `\n${name}: web CPU per redirect ${sorted.map((value) => `${format(value, 2)}x`).join(", ")} the bare server's; median ${format(median, 2)}x (budget 1.5x)`,
    );
  }
  console.log("\nCPU seconds per process during the measured load (and from its end until the stream was drained):\n");
  console.log(`| row | web / bare server | worker | PostgreSQL | Redis | ${generator} | total |`);
  console.log("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
  for (const result of results) {
    const cell = (name: string) => {
      const value = result.cpu[name];
      if (value === undefined) return "";
      const drain = result.drainCpu[name];
      return drain === undefined ? format(value, 1) : `${format(value, 1)} (+${format(drain, 1)})`;
    };
    const total = Object.entries(result.cpu).reduce((sum, [name, value]) => (name.endsWith("kernel") ? sum : sum + value), 0);
    console.log(
      `| ${result.name} | ${cell("web") || cell("bare server")} | ${cell("worker")} | ${cell("postgres")} | ${cell("redis")} | ${cell("load generator")} | ${format(total, 1)} |`,
    );
  }
}

function loadAverage(): string {
  return readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
}
