import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { trackChild } from "./cleanup";
import { freePort } from "./ports";

const repoRoot = fileURLToPath(new URL("../../..", import.meta.url));

export type HopProcessKind = "web" | "worker";

export interface HopProcess {
  kind: HopProcessKind;
  /** The instance id the process reported when it became ready. */
  instanceId: string;
  /** http://127.0.0.1:<port> for web processes. */
  url: string | undefined;
  child: ChildProcess;
  /** Every stdout line so far, parsed when it is JSON. */
  logs: Array<Record<string, unknown>>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGTERM and wait for the exit. */
  stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGKILL: a crash, with no chance to clean up. */
  kill(): Promise<void>;
}

/**
 * Starts a web or worker process from the production build (`pnpm build`),
 * as operators run it, and resolves when it reports itself ready.
 */
export async function startHopProcess(kind: HopProcessKind, env: Record<string, string>, timeoutMs = 60_000, nodeArgs: string[] = []): Promise<HopProcess> {
  const entry = `${repoRoot}apps/${kind}/dist/main.js`;
  if (!existsSync(entry)) throw new Error(`${entry} is missing: run \`pnpm build\` (pnpm test does) first`);
  const port = kind === "web" ? String(env.PORT ?? (await freePort())) : undefined;
  // Only what the process is given, as operators run it (NODE_ENV named: Next's types require it where they are loaded).
  const childEnv = {
    PATH: process.env.PATH ?? "",
    NODE_ENV: "production" as const,
    HOST: "127.0.0.1",
    LOG_FORMAT: "json",
    LOG_LEVEL: "info",
    NEXT_TELEMETRY_DISABLED: "1",
    ...env,
    ...(port ? { PORT: port } : {}),
  };
  // nodeArgs: flags for node itself (e.g. --cpu-prof, which NODE_OPTIONS may not carry).
  const child = spawn(process.execPath, [...nodeArgs, entry], {
    cwd: repoRoot,
    env: childEnv,
    stdio: ["ignore", "pipe", "pipe"],
  });
  trackChild(child, "SIGKILL");
  const logs: Array<Record<string, unknown>> = [];
  let stderr = "";
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  const ready = new Promise<string>((resolve, reject) => {
    let buffered = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      buffered += chunk.toString("utf8");
      let newline = buffered.indexOf("\n");
      while (newline !== -1) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        newline = buffered.indexOf("\n");
        try {
          const entry = JSON.parse(line) as Record<string, unknown>;
          logs.push(entry);
          if (typeof entry.instanceId === "string" && /ready/.test(String(entry.msg))) resolve(entry.instanceId);
        } catch {
          logs.push({ msg: line });
        }
      }
    });
    child.stderr?.on("data", (chunk: Buffer) => {
      stderr += chunk.toString("utf8");
    });
    void exited.then(({ code, signal }) => reject(new Error(`${kind} exited (code ${code}, signal ${signal}) before it was ready:\n${stderr}`)));
    setTimeout(() => reject(new Error(`${kind} was not ready within ${timeoutMs} ms:\n${stderr}`)), timeoutMs).unref();
  });
  const instanceId = await ready.catch(async (error: unknown) => {
    // Never leave a half-started process behind.
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    await exited;
    throw error;
  });
  return {
    kind,
    instanceId,
    url: port ? `http://127.0.0.1:${port}` : undefined,
    child,
    logs,
    exited,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      return exited;
    },
    kill: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      await exited;
    },
  };
}
