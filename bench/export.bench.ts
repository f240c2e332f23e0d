/**
 * Export of raw clicks: 1,000,000 clicks of the last 30 days, two ways, with
 * the exporting process's memory sampled all along (RSS every 100 ms, and the
 * kernel's peak, VmHWM, at the end):
 * - the export job: asked for through exports.create, written by a worker
 *   process of the production build (pages through analytics.clicks, gzip,
 *   ExportChunk rows), then downloaded from a web process
 *   (`/api/exports/<id>/download`, the web's memory sampled too);
 * - the direct download from a web process (`/api/analytics/clicks.csv`),
 *   skipped with `--direct false`.
 * Baseline, in the same run on the same rows: the same keyset pages read
 * straight from PostgreSQL by this process, no HTTP, no tRPC, no CSV. Budget
 * (issue 17): the exporting process under 200 MB.
 *
 *   pnpm build && pnpm bench:export [-- --clicks 1000000 --direct false --worker-heap-mb 96]
 */
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { hashPassword } from "@hop/auth";
import { createDatabase } from "@hop/db";
import { CleanupStack, startHopProcess } from "@hop/test-harness";
import pg from "pg";
import { createCookieClient } from "../test/support/http-session";
import { startBenchStack } from "./bench-stack";

const { values } = parseArgs({
  args: process.argv.slice(2).filter((arg) => arg !== "--"),
  options: { clicks: { type: "string", default: "1000000" }, direct: { type: "string", default: "true" }, "worker-heap-mb": { type: "string", default: "" } },
});
const clickCount = Number(values.clicks);

/** A figure of /proc/<pid>/status in MB ("VmRSS", "VmHWM"). */
function memoryMb(pid: number, field: "VmRSS" | "VmHWM"): number {
  const line = readFileSync(`/proc/${pid}/status`, "utf8")
    .split("\n")
    .find((entry) => entry.startsWith(`${field}:`));
  return Number(line?.match(/(\d+)/)?.[1] ?? 0) / 1024;
}

/** Samples a process's RSS every 100 ms until stopped; returns the peak seen and the kernel's VmHWM then. */
function sampleMemory(pid: number) {
  const before = memoryMb(pid, "VmRSS");
  let peak = before;
  const timer = setInterval(() => {
    peak = Math.max(peak, memoryMb(pid, "VmRSS"));
  }, 100);
  return {
    before,
    stop: () => {
      clearInterval(timer);
      return { before, peak: Math.max(peak, memoryMb(pid, "VmRSS")), hwm: memoryMb(pid, "VmHWM") };
    },
  };
}

/**
 * The export's own process (the worker forks one per run, tasks/export-child.ts): the worker's children are read every
 * 100 ms, and the highest RSS and VmHWM seen of any of them kept (read while they live: a process gone has no /proc).
 */
function sampleChildren(parentPid: number) {
  let peak = 0;
  let hwm = 0;
  const seen = new Set<number>();
  const read = () => {
    let children: number[] = [];
    try {
      children = readFileSync(`/proc/${parentPid}/task/${parentPid}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number);
    } catch {
      return;
    }
    for (const pid of children) {
      try {
        peak = Math.max(peak, memoryMb(pid, "VmRSS"));
        hwm = Math.max(hwm, memoryMb(pid, "VmHWM"));
        seen.add(pid);
      } catch {
        // Ended between the list and the read.
      }
    }
  };
  const timer = setInterval(read, 100);
  return {
    stop: () => {
      clearInterval(timer);
      read();
      return { peak, hwm, processes: seen.size };
    },
  };
}

const cleanup = new CleanupStack();
try {
  const { databaseUrl, env: processEnv } = await startBenchStack(cleanup);
  const db = createDatabase(databaseUrl);
  cleanup.defer(() => db.$disconnect());
  const raw = new pg.Client({ connectionString: databaseUrl });
  await raw.connect();
  cleanup.defer(() => raw.end());

  const user = await db.user.create({ data: { email: "bench-export@example.com", passwordHash: await hashPassword("bench password 123") } });
  const link = await db.link.create({ data: { slug: "exported", url: "https://example.com/exported", userId: user.id } });
  const loadStarted = performance.now();
  await raw.query(
    `INSERT INTO "Click" ("eventId", "linkId", "occurredAt", "isBot", "visitorHash", "browser", "os", "device", "country", "referrerHost", "userAgent")
     SELECT 'e' || i, $1, now() - interval '1 hour' - (i % 2500000) * interval '1 second', false, 'v' || (i % 50000), 'Chrome', 'Linux', 'desktop', 'NL',
            'news.example', 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36'
     FROM generate_series(1, $2::int) AS i`,
    [link.id, clickCount],
  );
  await raw.query(`ANALYZE "Click"`);
  console.log(`loaded ${clickCount} clicks in ${((performance.now() - loadStarted) / 1000).toFixed(1)} s`);

  // Baseline: the same rows in keyset pages of 1,000, straight from PostgreSQL.
  const baselineStarted = performance.now();
  let baselineRows = 0;
  let cursor: { at: Date; id: string } | null = null;
  for (;;) {
    const page: pg.QueryResult<{ id: string; occurredAt: Date }> = cursor
      ? await raw.query(`SELECT * FROM "Click" WHERE "linkId" = $1 AND ("occurredAt", id) < ($2, $3) ORDER BY "occurredAt" DESC, id DESC LIMIT 1000`, [
          link.id,
          cursor.at,
          cursor.id,
        ])
      : await raw.query(`SELECT * FROM "Click" WHERE "linkId" = $1 ORDER BY "occurredAt" DESC, id DESC LIMIT 1000`, [link.id]);
    baselineRows += page.rows.length;
    const last = page.rows.at(-1);
    if (!last || page.rows.length < 1000) break;
    cursor = { at: last.occurredAt, id: last.id };
  }
  const baselineSeconds = (performance.now() - baselineStarted) / 1000;

  const web = await startHopProcess("web", processEnv);
  cleanup.defer(() => web.kill());
  // `--worker-heap-mb 96`: the worker's V8 old space capped, as an operator can (NODE_OPTIONS=--max-old-space-size=96).
  const workerNodeArgs = values["worker-heap-mb"] ? [`--max-old-space-size=${values["worker-heap-mb"]}`] : [];
  // MALLOC_ARENA_MAX, when set for the bench, is handed to the worker too (glibc's per-thread arenas: zlib runs on libuv's threads).
  const mallocArenas: Record<string, string> = process.env.MALLOC_ARENA_MAX ? { MALLOC_ARENA_MAX: process.env.MALLOC_ARENA_MAX } : {};
  const worker = await startHopProcess("worker", { ...processEnv, ...mallocArenas, WORKER_CONCURRENCY: "1" }, 60_000, workerNodeArgs);
  cleanup.defer(() => worker.kill());
  const webPid = web.child.pid!;
  const workerPid = worker.child.pid!;
  const client = createCookieClient();
  const api = client.api(web.url!);
  await api.auth.signIn.mutate({ email: "bench-export@example.com", password: "bench password 123" });
  const baselineRate = baselineRows / baselineSeconds;
  const cpuSeconds = (pid: number) => {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
    // utime + stime, plus cutime + cstime: the export's own processes (children the worker has waited for).
    return (Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])) / 100;
  };

  // The export job: a worker writes the file.
  const workerMemory = sampleMemory(workerPid);
  const exportProcessMemory = sampleChildren(workerPid);
  const workerCpuBefore = cpuSeconds(workerPid);
  const jobStarted = performance.now();
  const created = await api.exports.create.mutate({ kind: "clicks", query: { period: "30d" } });
  let state = await api.exports.get.query({ id: created.id });
  while (state.status === "QUEUED" || state.status === "RUNNING") {
    await new Promise((resolve) => setTimeout(resolve, 200));
    state = await api.exports.get.query({ id: created.id });
  }
  const jobSeconds = (performance.now() - jobStarted) / 1000;
  const jobMemory = workerMemory.stop();
  const childMemory = exportProcessMemory.stop();
  // The export's process marks the file READY just before it exits: a moment for the worker to reap it (its CPU time).
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  const workerCpu = cpuSeconds(workerPid) - workerCpuBefore;
  if (state.status !== "READY") throw new Error(`the export job ended ${state.status}: ${state.error}`);

  // Its download from the web: the stored gzip as it is, decompressed and counted here.
  const downloadMemory = sampleMemory(webPid);
  const downloadStarted = performance.now();
  const file = await fetch(`${web.url}/api/exports/${created.id}/download`, { headers: { cookie: `hop_session=${client.cookie}`, "accept-encoding": "gzip" } });
  if (file.status !== 200) throw new Error(`download answered ${file.status}: ${await file.text()}`);
  let downloadedBytes = 0;
  let downloadedLines = 0;
  // fetch decompresses a gzip-encoded answer itself; the bytes counted are the CSV's.
  for await (const chunk of file.body as unknown as AsyncIterable<Uint8Array>) {
    downloadedBytes += chunk.length;
    for (const byte of chunk) if (byte === 10) downloadedLines++;
  }
  const downloadSeconds = (performance.now() - downloadStarted) / 1000;
  const downloadPeak = downloadMemory.stop();

  console.log(
    `bench:export, ${clickCount} clicks, production build${workerNodeArgs.length > 0 ? `, worker run with ${workerNodeArgs.join(" ")}` : ""}${process.env.MALLOC_ARENA_MAX ? `, MALLOC_ARENA_MAX=${process.env.MALLOC_ARENA_MAX}` : ""} (load average ${readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ")})`,
  );
  console.log(`  baseline, keyset pages straight from PostgreSQL: ${baselineRows} rows in ${baselineSeconds.toFixed(1)} s, ${Math.round(baselineRate)} rows/s`);
  console.log(
    `  export job (worker):   ${state.rows} rows in ${jobSeconds.toFixed(1)} s, ${Math.round(state.rows / jobSeconds)} rows/s (${(state.rows / jobSeconds / baselineRate).toFixed(2)}x the baseline), ${(state.bytes / 1e6).toFixed(1)} MB gzip, worker CPU (its export processes' included) ${((workerCpu * 1e6) / state.rows).toFixed(1)} µs/row`,
  );
  console.log(
    `    worker RSS: ${jobMemory.before.toFixed(0)} MB before, peak ${jobMemory.peak.toFixed(0)} MB sampled, ${jobMemory.hwm.toFixed(0)} MB VmHWM over the process's life`,
  );
  console.log(
    `    export's own process (${childMemory.processes} seen): peak ${childMemory.peak.toFixed(0)} MB RSS sampled, ${childMemory.hwm.toFixed(0)} MB VmHWM (last read before it ended)`,
  );
  const exportingPeak = childMemory.processes > 0 ? childMemory.hwm : jobMemory.hwm;
  console.log(
    `  download (web):        ${downloadedLines - 1} rows, ${(downloadedBytes / 1e6).toFixed(0)} MB of CSV in ${downloadSeconds.toFixed(1)} s; web RSS ${downloadPeak.before.toFixed(0)} MB before, peak ${downloadPeak.peak.toFixed(0)} MB sampled, ${downloadPeak.hwm.toFixed(0)} MB VmHWM`,
  );
  console.log(
    `  budget, exporting process (${childMemory.processes > 0 ? "the export's own process" : "the worker"}) under 200 MB: ${exportingPeak < 200 ? "met" : "MISSED"}; worker grew by ${(jobMemory.peak - jobMemory.before).toFixed(0)} MB; every click exported: ${state.rows === clickCount && downloadedLines - 1 === clickCount ? "yes" : "NO"}`,
  );
  if (values.direct === "false") process.exitCode = 0;
  else {
    // The direct download from the web, as before the job existed.
    const directMemory = sampleMemory(webPid);
    const exportStarted = performance.now();
    const response = await fetch(`${web.url}/api/analytics/clicks.csv?period=30d`, { headers: { cookie: `hop_session=${client.cookie}` } });
    if (response.status !== 200) throw new Error(`export answered ${response.status}: ${await response.text()}`);
    let bytes = 0;
    let lines = 0;
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      bytes += chunk.length;
      for (const byte of chunk) if (byte === 10) lines++;
    }
    const exportSeconds = (performance.now() - exportStarted) / 1000;
    const direct = directMemory.stop();
    const exportedRows = lines - 1;
    console.log(
      `  direct /api/analytics/clicks.csv (web): ${exportedRows} rows, ${(bytes / 1e6).toFixed(0)} MB in ${exportSeconds.toFixed(1)} s, ${Math.round(exportedRows / exportSeconds)} rows/s (${(exportedRows / exportSeconds / baselineRate).toFixed(2)}x the baseline); web RSS ${direct.before.toFixed(0)} MB before, peak ${direct.peak.toFixed(0)} MB sampled, ${direct.hwm.toFixed(0)} MB VmHWM`,
    );
  }
} finally {
  await cleanup.run();
}
