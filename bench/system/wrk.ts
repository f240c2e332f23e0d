/**
 * The load generator of bench:system: wrk (https://github.com/wg/wrk), a C
 * program in a process of its own, so the load costs the measured processes
 * nothing but the requests themselves. A Lua script counts the requests each
 * thread sent (answered or not) and prints the summary as JSON: a click is
 * appended before its answer, so a request cut off when the run ends may be
 * counted without having been answered, never the other way round.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const marker = "HOPBENCH ";
// wrk answers 0 for the 100th percentile: the maximum is added from latency.max.
const levels = [...Array.from({ length: 99 }, (_, i) => i + 1), 99.5, 99.9, 99.99];

// The end of both scripts' JSON line (wrk's error counts, then the latency percentiles), in Lua.
const errorsJson = `    ",\\"errors\\":{\\"connect\\":", e.connect, ",\\"read\\":", e.read, ",\\"write\\":", e.write, ",\\"status\\":", e.status, ",\\"timeout\\":", e.timeout, "}",`;
const percentilesJsonAndEnd = `    ",\\"percentiles\\":[")
  local levels = {${levels.join(",")}}
  for i, level in ipairs(levels) do
    io.write("[", level, ",", latency:percentile(level), "],")
  end
  io.write("[100,", latency.max, "]]}\\n")
end`;

const script = `
local threads = {}
setup = function(thread) table.insert(threads, thread) end
init = function(args) sent = 0 end
request = function()
  sent = sent + 1
  return wrk.format()
end
done = function(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do total = total + thread:get("sent") end
  local e = summary.errors
  io.write("${marker}{\\"answered\\":", summary.requests, ",\\"sent\\":", total, ",\\"durationUs\\":", summary.duration,
${errorsJson}
${percentilesJsonAndEnd}
`;

export interface WrkResult {
  /** Responses read (any status). */
  answered: number;
  /** Requests written, including those still in flight when the run ended. */
  sent: number;
  durationUs: number;
  errors: { connect: number; read: number; write: number; status: number; timeout: number };
  /** [percentile, latency µs]. */
  percentiles: Array<[number, number]>;
  /** With `countStatuses`: answers by status (200, 503, any other) and the last answer other than 200 (status and the start of its body). */
  statuses?: { ok: number; refused: number; other: number };
  lastFailure?: string;
}

export interface WrkRun {
  child: ChildProcess;
  result: Promise<WrkResult>;
}

export function wrkInstalled(): boolean {
  return !spawnSync("wrk", ["-v"]).error;
}

const scriptDir = mkdtempSync(join(tmpdir(), "hop-wrk-"));
const scriptPath = join(scriptDir, "count.lua");
writeFileSync(scriptPath, script);

/**
 * A second script for reads that may be refused (bench:api, bench:compat): it
 * also counts the answers by status and keeps the last failure's start.
 */
const statusScript = `
local threads = {}
setup = function(thread) table.insert(threads, thread) end
init = function(args) sent = 0; ok = 0; refused = 0; other = 0; lastFailure = "" end
request = function()
  sent = sent + 1
  return wrk.format()
end
response = function(status, headers, body)
  if status == 200 then ok = ok + 1
  else
    if status == 503 then refused = refused + 1 else other = other + 1 end
    lastFailure = status .. " " .. string.sub(body or "", 1, 120)
  end
end
done = function(summary, latency, requests)
  local sent, ok, refused, other, lastFailure = 0, 0, 0, 0, ""
  for _, thread in ipairs(threads) do
    sent = sent + thread:get("sent"); ok = ok + thread:get("ok"); refused = refused + thread:get("refused"); other = other + thread:get("other")
    local failure = thread:get("lastFailure")
    if failure ~= "" then lastFailure = failure end
  end
  local e = summary.errors
  io.write("${marker}{\\"answered\\":", summary.requests, ",\\"sent\\":", sent, ",\\"durationUs\\":", summary.duration,
${errorsJson}
    ",\\"statuses\\":{\\"ok\\":", ok, ",\\"refused\\":", refused, ",\\"other\\":", other, "},\\"lastFailure\\":", "\\"", (string.gsub(lastFailure, '[%c"\\\\]', " ")), "\\"",
${percentilesJsonAndEnd}
`;
const statusScriptPath = join(scriptDir, "statuses.lua");
writeFileSync(statusScriptPath, statusScript);
export const removeWrkScript = () => rmSync(scriptDir, { recursive: true, force: true });

/** `track`: the harness's trackChild, so that a bench that dies takes wrk with it. */
export function startWrk(
  track: (child: ChildProcess, signal: NodeJS.Signals) => void,
  options: { url: string; connections: number; threads: number; seconds: number; headers: Record<string, string>; countStatuses?: boolean },
): WrkRun {
  const args = ["-t", String(options.threads), "-c", String(options.connections), "-d", `${options.seconds}s`, "--timeout", "5s"];
  args.push("-s", options.countStatuses ? statusScriptPath : scriptPath);
  for (const [name, value] of Object.entries(options.headers)) args.push("-H", `${name}: ${value}`);
  args.push(options.url);
  const child = spawn("wrk", args, { stdio: ["ignore", "pipe", "pipe"] });
  track(child, "SIGKILL");
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    output += chunk.toString("utf8");
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    output += chunk.toString("utf8");
  });
  const result = new Promise<WrkResult>((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code) => {
      const line = output.split("\n").find((candidate) => candidate.startsWith(marker));
      if (code !== 0 || !line) reject(new Error(`wrk exited with code ${code}:\n${output}`));
      else resolve(JSON.parse(line.slice(marker.length)) as WrkResult);
    });
  });
  return { child, result };
}

/**
 * The q-th percentile (µs) of several runs' latencies together: each run's
 * distribution is known at fixed percentiles, so the mixture's CDF (weighted
 * by the run's responses) is interpolated and inverted by bisection.
 */
export function mergedPercentile(runs: WrkResult[], q: number): number {
  const cdf = (run: WrkResult, x: number): number => {
    const points = run.percentiles;
    if (x <= (points[0]?.[1] ?? 0)) return 0;
    for (let i = 1; i < points.length; i++) {
      const [p0, v0] = points[i - 1]!;
      const [p1, v1] = points[i]!;
      if (x <= v1) return v1 === v0 ? p1 : p0 + ((p1 - p0) * (x - v0)) / (v1 - v0);
    }
    return 100;
  };
  const total = runs.reduce((sum, run) => sum + run.answered, 0);
  const combined = (x: number) => runs.reduce((sum, run) => sum + (cdf(run, x) * run.answered) / total, 0);
  let low = 0;
  let high = Math.max(...runs.map((run) => run.percentiles.at(-1)?.[1] ?? 0));
  for (let i = 0; i < 60; i++) {
    const middle = (low + high) / 2;
    if (combined(middle) < q) low = middle;
    else high = middle;
  }
  return high;
}
