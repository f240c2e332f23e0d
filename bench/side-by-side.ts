/**
 * Measures several HTTP reads of one web process side by side, for
 * bench:api and bench:compat: each row's time is cut into `rounds` slices
 * taken in turn (row 1, row 2, ..., row 1, row 2, ...), so that a load that
 * comes and goes on a shared machine falls on every row alike instead of on
 * whichever ran at that moment. Per row: answers per second, latency
 * percentiles, refusals (503), the web process's CPU time per answer
 * (/proc), the figure such a load disturbs least, PostgreSQL's and Redis's
 * CPU per answer (what every row shares), and the load generator's own.
 *
 * The load comes from wrk (a C program in a process of its own) when it is
 * installed, or else from a node:http client inside this process. Both share
 * the machine's cores with the server they measure, so the generator's CPU
 * per answer is printed: the in-process client costs several times what wrk
 * does, which holds every row's throughput down and the cheaper row's the
 * most (the ratio is squeezed towards 1).
 */
import { readFileSync } from "node:fs";
import { Agent, request } from "node:http";
import { trackChild } from "@hop/test-harness";
import { mergedPercentile, removeWrkScript, startWrk, wrkInstalled, type WrkResult } from "./system/wrk";

export interface Row {
  label: string;
  path: string;
  headers: Record<string, string>;
}

export interface RowFigures {
  label: string;
  perSecond: number;
  p50: number;
  p99: number;
  failures: number;
  lastFailure: string;
  cpuMsPerRequest: number;
  /** The load generator's CPU milliseconds per answer (wrk's process, or this process for the in-process client). */
  generatorCpuMsPerRequest: number;
  /** PostgreSQL's and Redis's CPU milliseconds per answer (what the rows share). */
  sharedCpuMsPerRequest: number;
}

export type LoadGenerator = "wrk" | "node";

export interface SideBySideOptions {
  baseUrl: string;
  webPid: number;
  concurrency: number;
  seconds: number;
  rounds: number;
  generator: LoadGenerator;
  /** CPU seconds so far of the processes every row shares (PostgreSQL, Redis). */
  sharedCpuSeconds: () => number;
  /** Called before and after each measured slice of a row (its index): e.g. to profile that row only. */
  onSlice?: (rowIndex: number, phase: "start" | "end") => void;
}

/** wrk where installed (its load costs the measured processes least), the in-process client otherwise. */
export const defaultLoadGenerator = (): LoadGenerator => (wrkInstalled() ? "wrk" : "node");

/** The generator a bench was asked for (--generator), checked. */
export function loadGeneratorOf(value: string): LoadGenerator {
  if (value !== "wrk" && value !== "node") throw new Error(`--generator: "${value}" is neither wrk nor node`);
  if (value === "wrk" && !wrkInstalled()) throw new Error("--generator wrk: wrk is not on PATH (Debian/Ubuntu: apt-get install wrk; macOS: brew install wrk)");
  return value;
}

/** Which generator ran, for the benches' headings. */
export function generatorDescription(generator: LoadGenerator): string {
  return generator === "wrk"
    ? "load from wrk (its own process, one thread)"
    : "load from a node:http client inside the bench process (wrk is not installed, or --generator node)";
}

/** Fields of /proc/<pid>/stat after the command name; null where there is no /proc. */
function statFields(pid: number | "self"): string[] | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    return text.slice(text.lastIndexOf(")") + 2).split(" ");
  } catch {
    return null;
  }
}

const ticksPerSecond = 100;

/** CPU seconds the process has used (Linux /proc; null elsewhere). */
function cpuSecondsOf(pid: number): number | null {
  const fields = statFields(pid);
  return fields ? (Number(fields[11]) + Number(fields[12])) / ticksPerSecond : null;
}

/** CPU seconds of this process's children that have exited and been reaped: wrk's whole run, once it is over. */
function reapedChildrenCpuSeconds(): number | null {
  const fields = statFields("self");
  return fields ? (Number(fields[13]) + Number(fields[14])) / ticksPerSecond : null;
}

/** One slice of one row: what was answered, and what it cost the generator. */
interface SliceResult {
  answered: number;
  /**
   * Requests the server did the read for: the answered ones, and with wrk
   * also those still in flight when it stopped (it closes its connections
   * without waiting, but the server has done the work), refusals left out.
   * The CPU figures are per such request: per answer, a loaded run's slow
   * slices would charge 50 unanswered reads to the answered ones.
   */
  worked: number;
  /** Latencies of the answered requests (ms; the in-process client), or wrk's own summary of every answer. */
  latencies: number[] | WrkResult;
  refused: number;
  lastFailure: string;
  elapsedSeconds: number;
  generatorCpuSeconds: number | null;
}

function inProcessGenerator(options: SideBySideOptions) {
  const url = new URL(options.baseUrl);
  const agent = new Agent({ keepAlive: true, maxSockets: options.concurrency });
  const get = (row: Row) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const outgoing = request({ host: url.hostname, port: url.port, path: row.path, agent, headers: row.headers }, (incoming) => {
        let body = "";
        incoming.on("data", (chunk: Buffer) => (body += chunk.toString()));
        incoming.on("end", () => resolve({ status: incoming.statusCode ?? 0, body }));
      });
      outgoing.on("error", reject);
      outgoing.end();
    });
  const run = async (row: Row, seconds: number): Promise<SliceResult> => {
    const latencies: number[] = [];
    let refused = 0;
    let lastFailure = "";
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    const deadline = started + seconds * 1_000;
    await Promise.all(
      Array.from({ length: options.concurrency }, async () => {
        while (performance.now() < deadline) {
          const t0 = performance.now();
          const response = await get(row);
          // Only answers that did the work count; a 503 (Redis too slow on a starved machine) is counted beside the figures.
          if (response.status !== 200) {
            const failure = `${response.status} ${response.body.slice(0, 120)}`;
            if (response.status !== 503) throw new Error(`${row.path}: unexpected ${failure}`);
            refused++;
            lastFailure = failure;
            continue;
          }
          latencies.push(performance.now() - t0);
        }
      }),
    );
    const cpu = process.cpuUsage(cpuBefore);
    return {
      answered: latencies.length,
      worked: latencies.length,
      latencies,
      refused,
      lastFailure,
      elapsedSeconds: (performance.now() - started) / 1_000,
      generatorCpuSeconds: (cpu.user + cpu.system) / 1e6,
    };
  };
  return {
    run,
    close: () => {
      agent.destroy();
      removeWrkScript();
    },
  };
}

function wrkGenerator(options: SideBySideOptions) {
  const run = async (row: Row, seconds: number): Promise<SliceResult> => {
    const reapedBefore = reapedChildrenCpuSeconds();
    // wrk takes whole seconds.
    const wrk = startWrk(trackChild, {
      url: new URL(row.path, options.baseUrl).href,
      connections: options.concurrency,
      threads: 1,
      seconds: Math.max(1, Math.round(seconds)),
      headers: row.headers,
      countStatuses: true,
    });
    const result = await wrk.result;
    const reapedAfter = reapedChildrenCpuSeconds();
    const { connect, read, write, timeout } = result.errors;
    if (connect + read + write + timeout > 0) throw new Error(`${row.path}: wrk reported errors: ${JSON.stringify(result.errors)}`);
    const statuses = result.statuses ?? { ok: 0, refused: 0, other: 0 };
    if (statuses.other > 0) throw new Error(`${row.path}: ${statuses.other} unexpected answers, the last: ${result.lastFailure}`);
    return {
      answered: statuses.ok,
      worked: result.sent - statuses.refused,
      latencies: result,
      refused: statuses.refused,
      lastFailure: result.lastFailure ?? "",
      elapsedSeconds: result.durationUs / 1e6,
      // wrk has exited and been waited for when its result is known, so its CPU time is in this process's children's.
      generatorCpuSeconds: reapedBefore === null || reapedAfter === null ? null : reapedAfter - reapedBefore,
    };
  };
  return { run, close: removeWrkScript };
}

export async function measureSideBySide(rows: readonly Row[], options: SideBySideOptions): Promise<RowFigures[]> {
  const generator = options.generator === "wrk" ? wrkGenerator(options) : inProcessGenerator(options);
  const totals = rows.map(() => ({
    answered: 0,
    worked: 0,
    latencies: [] as number[],
    wrkResults: [] as WrkResult[],
    failures: 0,
    lastFailure: "",
    cpuSeconds: 0,
    cpuKnown: true,
    generatorCpuSeconds: 0,
    generatorCpuKnown: true,
    sharedCpuSeconds: 0,
    elapsed: 0,
  }));
  try {
    // A warm-up of each row (1 s), not counted.
    for (const row of rows) await generator.run(row, 1);
    const sliceSeconds = options.seconds / options.rounds;
    for (let round = 0; round < options.rounds; round++) {
      for (const [index, row] of rows.entries()) {
        const total = totals[index]!;
        options.onSlice?.(index, "start");
        const cpuBefore = cpuSecondsOf(options.webPid);
        const sharedBefore = options.sharedCpuSeconds();
        const slice = await generator.run(row, sliceSeconds);
        const cpuAfter = cpuSecondsOf(options.webPid);
        total.sharedCpuSeconds += options.sharedCpuSeconds() - sharedBefore;
        options.onSlice?.(index, "end");
        total.answered += slice.answered;
        total.worked += slice.worked;
        if (Array.isArray(slice.latencies)) total.latencies.push(...slice.latencies);
        else total.wrkResults.push(slice.latencies);
        total.failures += slice.refused;
        if (slice.lastFailure) total.lastFailure = slice.lastFailure;
        total.elapsed += slice.elapsedSeconds;
        if (cpuBefore === null || cpuAfter === null) total.cpuKnown = false;
        else total.cpuSeconds += cpuAfter - cpuBefore;
        if (slice.generatorCpuSeconds === null) total.generatorCpuKnown = false;
        else total.generatorCpuSeconds += slice.generatorCpuSeconds;
      }
    }
  } finally {
    generator.close();
  }
  return rows.map((row, index) => {
    const total = totals[index]!;
    const latencies = total.latencies.sort((a, b) => a - b);
    // wrk's latencies are of every answer (a 503 included); the in-process client's of the 200s only.
    const percentile = (q: number) =>
      total.wrkResults.length > 0 ? mergedPercentile(total.wrkResults, q) / 1_000 : (latencies[Math.floor(latencies.length * (q / 100))] ?? Number.NaN);
    const perRequest = (seconds: number, known: boolean) => (known ? (seconds * 1000) / Math.max(1, total.worked) : Number.NaN);
    return {
      label: row.label,
      perSecond: total.answered / total.elapsed,
      p50: percentile(50),
      p99: percentile(99),
      failures: total.failures,
      lastFailure: total.lastFailure,
      cpuMsPerRequest: perRequest(total.cpuSeconds, total.cpuKnown),
      generatorCpuMsPerRequest: perRequest(total.generatorCpuSeconds, total.generatorCpuKnown),
      sharedCpuMsPerRequest: perRequest(total.sharedCpuSeconds, true),
    };
  });
}

/** The table both benches print: each row against the baseline (`baseline`), by throughput and by CPU per answer. */
export function sideBySideTable(figures: readonly RowFigures[], baseline: RowFigures): string {
  const lines = [
    "| request | requests/s | p50 ms | p99 ms | 503s | vs Next route handler | web CPU ms per request | CPU ratio (Next / this) | PostgreSQL + Redis CPU ms per request | generator CPU ms per request |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
  ];
  for (const row of figures) {
    lines.push(
      `| ${row.label} | ${Math.round(row.perSecond).toLocaleString("en")} | ${row.p50.toFixed(2)} | ${row.p99.toFixed(2)} | ${row.failures} | ${(row.perSecond / baseline.perSecond).toFixed(2)}x | ${row.cpuMsPerRequest.toFixed(3)} | ${(baseline.cpuMsPerRequest / row.cpuMsPerRequest).toFixed(2)}x | ${row.sharedCpuMsPerRequest.toFixed(3)} | ${row.generatorCpuMsPerRequest.toFixed(3)} |`,
    );
  }
  for (const row of figures) if (row.lastFailure) lines.push(`\na refusal (${row.label}): ${row.lastFailure}`);
  return lines.join("\n");
}
