import type { HopProcess } from "@hop/test-harness";
import type { Cluster } from "../support/cluster";

/** A fault and the time it took until the cluster was whole again (ms since the epoch). */
export interface FaultWindow {
  action: "SIGKILL web" | "SIGKILL worker" | "SIGTERM web (rolling restart)" | "Redis restart";
  target: string;
  startedAt: number;
  /** The replacement answered ready (Redis: accepted connections again). */
  endedAt: number;
  /** How the process ended (a web or worker). */
  exit?: { code: number | null; signal: NodeJS.Signals | null };
}

export interface FaultPlan {
  cluster: Cluster;
  startedAt: number;
  until: number;
  /** When, after the start, Redis is stopped (SIGTERM: it writes its append-only file) and started on the same port and data. */
  redisRestartAfterMs: number;
  /** When, after the start, every web is restarted in turn with SIGTERM. */
  rollingRestartAfterMs: number;
  /** A random pause before each random kill. */
  pauseMs: { min: number; max: number };
  /** Every process ever started, the replaced ones included: their logs are read at the end. */
  everyProcess: HopProcess[];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * One fault at a time until `until`: after a random pause, a random web or
 * worker (the kinds by turns) SIGKILLed and restarted; once, every web restarted with SIGTERM, one
 * after the other (each ready before the next); once, Redis restarted.
 * Returns the windows, each from the signal to the replacement's ready.
 */
export async function runFaults(plan: FaultPlan): Promise<FaultWindow[]> {
  const windows: FaultWindow[] = [];
  let rolled = false;
  let redisRestarted = false;
  let nextKind: "web" | "worker" | undefined;
  const replace = async (process: HopProcess, signal: "SIGKILL" | "SIGTERM", action: FaultWindow["action"]) => {
    const startedAt = Date.now();
    const replacement = await plan.cluster.replace(process, signal);
    plan.everyProcess.push(replacement);
    windows.push({ action, target: `${process.instanceId} -> ${replacement.instanceId}`, startedAt, endedAt: Date.now(), exit: await process.exited });
  };
  // Random kills until `until`; the Redis restart, the rolling restart and a kill of each kind happen even if a slow machine makes them late.
  const killed = new Set<"web" | "worker">();
  while (Date.now() < plan.until || !rolled || !redisRestarted || killed.size < 2) {
    await sleep(plan.pauseMs.min + Math.random() * (plan.pauseMs.max - plan.pauseMs.min));
    const elapsed = Date.now() - plan.startedAt;
    if (!redisRestarted && elapsed >= plan.redisRestartAfterMs) {
      redisRestarted = true;
      const startedAt = Date.now();
      await plan.cluster.redisServer.stop();
      await plan.cluster.redisServer.start();
      windows.push({ action: "Redis restart", target: `redis :${plan.cluster.redisServer.port}`, startedAt, endedAt: Date.now() });
    } else if (!rolled && elapsed >= plan.rollingRestartAfterMs) {
      rolled = true;
      for (const web of [...plan.cluster.webs]) await replace(web, "SIGTERM", "SIGTERM web (rolling restart)");
    } else if (Date.now() < plan.until || killed.size < 2) {
      // Webs and workers by turns (the first chosen at random), a random instance of each: both kinds die in every run.
      nextKind ??= Math.random() < 0.5 ? "web" : "worker";
      killed.add(nextKind);
      const candidates = nextKind === "web" ? plan.cluster.webs : plan.cluster.workers;
      nextKind = nextKind === "web" ? "worker" : "web";
      const victim = candidates[Math.floor(Math.random() * candidates.length)]!;
      await replace(victim, "SIGKILL", victim.kind === "web" ? "SIGKILL web" : "SIGKILL worker");
    }
  }
  return windows;
}
