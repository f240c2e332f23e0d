/**
 * bench:system's load generator where wrk is not installed: autocannon's CLI
 * (a Node program) in a process of its own, its JSON summary read into the
 * same shape as wrk's. autocannon counts the requests it wrote (`sent`) and
 * the responses it read, so the answered-vs-counted check is the same.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createRequire } from "node:module";
import type { WrkResult, WrkRun } from "./wrk";

const autocannonCli = createRequire(import.meta.url).resolve("autocannon/autocannon.js");

interface AutocannonSummary {
  requests: { total: number; sent: number };
  latency: Record<string, number>;
  duration: number;
  errors: number;
  timeouts: number;
  "1xx": number;
  "2xx": number;
  "3xx": number;
  "4xx": number;
  "5xx": number;
}

/** `p97_5` -> 97.5; latencies in ms -> µs, as wrk gives them. */
function toResult(summary: AutocannonSummary): WrkResult {
  const percentiles: Array<[number, number]> = Object.entries(summary.latency)
    .filter(([key]) => /^p\d+(_\d+)?$/.test(key))
    .map(([key, ms]): [number, number] => [Number(key.slice(1).replace("_", ".")), ms * 1_000])
    .sort((a, b) => a[0] - b[0]);
  percentiles.push([100, (summary.latency.max ?? 0) * 1_000]);
  return {
    answered: summary.requests.total,
    sent: summary.requests.sent,
    durationUs: summary.duration * 1e6,
    // Every answer must be the redirect: any other status is counted as a status error, as wrk counts non-2xx/3xx ones.
    errors: {
      connect: 0,
      read: summary.errors - summary.timeouts,
      write: 0,
      status: summary["1xx"] + summary["2xx"] + summary["4xx"] + summary["5xx"],
      timeout: summary.timeouts,
    },
    percentiles,
  };
}

export function startAutocannon(
  track: (child: ChildProcess, signal: NodeJS.Signals) => void,
  options: { url: string; connections: number; seconds: number; headers: Record<string, string> },
): WrkRun {
  const args = [autocannonCli, "--json", "-c", String(options.connections), "-d", String(options.seconds), "-t", "5"];
  for (const [name, value] of Object.entries(options.headers)) args.push("-H", `${name}:${value}`);
  args.push(options.url);
  const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
  track(child, "SIGKILL");
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    stdout += chunk.toString("utf8");
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString("utf8");
  });
  const result = new Promise<WrkResult>((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code) => {
      const line = stdout.split("\n").find((candidate) => candidate.startsWith("{"));
      if (code !== 0 || !line) reject(new Error(`autocannon exited with code ${code}:\n${stderr}${stdout}`));
      else resolve(toResult(JSON.parse(line) as AutocannonSummary));
    });
  });
  return { child, result };
}
