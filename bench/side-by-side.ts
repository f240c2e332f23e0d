/**
 * Measures several HTTP reads of one web process side by side, for
 * bench:api and bench:compat: each row's time is cut into `rounds` slices
 * taken in turn (row 1, row 2, ..., row 1, row 2, ...), so that a load that
 * comes and goes on a shared machine falls on every row alike instead of on
 * whichever ran at that moment. Per row: answers per second, latency
 * percentiles, refusals (503), and the web process's CPU time per answer
 * (/proc), the figure such a load disturbs least.
 */
import { readFileSync } from "node:fs";
import { Agent, request } from "node:http";

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
}

export interface SideBySideOptions {
  baseUrl: string;
  webPid: number;
  concurrency: number;
  seconds: number;
  rounds: number;
  /** Called before and after each measured slice of a row (its index): e.g. to profile that row only. */
  onSlice?: (rowIndex: number, phase: "start" | "end") => void;
}

/** CPU seconds the process has used (Linux /proc; null elsewhere). */
function cpuSecondsOf(pid: number): number | null {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return null;
  }
}

export async function measureSideBySide(rows: readonly Row[], options: SideBySideOptions): Promise<RowFigures[]> {
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
  const totals = rows.map(() => ({ latencies: [] as number[], failures: 0, lastFailure: "", cpuSeconds: 0, cpuKnown: true, elapsed: 0 }));
  const run = async (row: Row, durationMs: number, record: (ms: number) => void, refused: (failure: string) => void) => {
    const deadline = performance.now() + durationMs;
    await Promise.all(
      Array.from({ length: options.concurrency }, async () => {
        while (performance.now() < deadline) {
          const t0 = performance.now();
          const response = await get(row);
          // Only answers that did the work count; a 503 (Redis too slow on a starved machine) is counted beside the figures.
          if (response.status !== 200) {
            const failure = `${response.status} ${response.body.slice(0, 120)}`;
            if (response.status !== 503) throw new Error(`${row.path}: unexpected ${failure}`);
            refused(failure);
            continue;
          }
          record(performance.now() - t0);
        }
      }),
    );
  };
  try {
    for (const row of rows)
      await run(
        row,
        1_000,
        () => undefined,
        () => undefined,
      );
    const sliceMs = (options.seconds * 1_000) / options.rounds;
    for (let round = 0; round < options.rounds; round++) {
      for (const [index, row] of rows.entries()) {
        const total = totals[index]!;
        options.onSlice?.(index, "start");
        const cpuBefore = cpuSecondsOf(options.webPid);
        const started = performance.now();
        await run(
          row,
          sliceMs,
          (ms) => total.latencies.push(ms),
          (failure) => {
            total.failures++;
            total.lastFailure = failure;
          },
        );
        total.elapsed += (performance.now() - started) / 1_000;
        const cpuAfter = cpuSecondsOf(options.webPid);
        options.onSlice?.(index, "end");
        if (cpuBefore === null || cpuAfter === null) total.cpuKnown = false;
        else total.cpuSeconds += cpuAfter - cpuBefore;
      }
    }
  } finally {
    agent.destroy();
  }
  return rows.map((row, index) => {
    const total = totals[index]!;
    const latencies = total.latencies.sort((a, b) => a - b);
    return {
      label: row.label,
      perSecond: latencies.length / total.elapsed,
      p50: latencies[Math.floor(latencies.length * 0.5)] ?? Number.NaN,
      p99: latencies[Math.floor(latencies.length * 0.99)] ?? Number.NaN,
      failures: total.failures,
      lastFailure: total.lastFailure,
      cpuMsPerRequest: total.cpuKnown ? (total.cpuSeconds * 1000) / Math.max(1, latencies.length) : Number.NaN,
    };
  });
}

/** The table both benches print: each row against the baseline (`baseline`), by throughput and by CPU per answer. */
export function sideBySideTable(figures: readonly RowFigures[], baseline: RowFigures): string {
  const lines = [
    "| request | requests/s | p50 ms | p99 ms | 503s | vs Next route handler | web CPU ms per request | CPU ratio (Next / this) |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
  ];
  for (const row of figures) {
    lines.push(
      `| ${row.label} | ${Math.round(row.perSecond).toLocaleString("en")} | ${row.p50.toFixed(2)} | ${row.p99.toFixed(2)} | ${row.failures} | ${(row.perSecond / baseline.perSecond).toFixed(2)}x | ${row.cpuMsPerRequest.toFixed(3)} | ${(baseline.cpuMsPerRequest / row.cpuMsPerRequest).toFixed(2)}x |`,
    );
  }
  for (const row of figures) if (row.lastFailure) lines.push(`\na refusal (${row.label}): ${row.lastFailure}`);
  return lines.join("\n");
}
