/**
 * CPU time of a process tree from /proc (Linux): what a benchmark costs in
 * CPU survives a loaded machine better than its wall-clock rate does.
 */
import { readdirSync, readFileSync } from "node:fs";

/** Clock ticks per second of /proc/<pid>/stat's utime and stime (USER_HZ: 100 on Linux everywhere in practice). */
const ticksPerSecond = 100;

function statOf(pid: number): { ppid: number; cpuMs: number } | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) may hold spaces and parentheses: fields are counted after its last ')'.
    const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
    const ppid = Number(fields[1]);
    const ticks = Number(fields[11]) + Number(fields[12]);
    return { ppid, cpuMs: (ticks * 1000) / ticksPerSecond };
  } catch {
    return null;
  }
}

/** The parent process id of `pid` (e.g. the postmaster of a backend). */
export function parentOf(pid: number): number {
  const stat = statOf(pid);
  if (!stat) throw new Error(`no process ${pid}`);
  return stat.ppid;
}

/** CPU milliseconds (user + system) of `root` and its live children (a postmaster's backends and helpers). */
export function treeCpuMs(root: number): number {
  let total = statOf(root)?.cpuMs ?? 0;
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = statOf(Number(entry));
    if (stat && stat.ppid === root) total += stat.cpuMs;
  }
  return total;
}

/** CPU milliseconds (user + system) of this process so far. */
export function ownCpuMs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}
