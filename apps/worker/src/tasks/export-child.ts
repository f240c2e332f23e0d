import { fork } from "node:child_process";
import { ExportRefusedError } from "@hop/api";

/** What export-process.ts tells the worker before it exits. */
export type ExportChildMessage =
  | { kind: "done"; status: string; rows: number; bytes: number }
  | { kind: "refused"; message: string }
  | { kind: "failed"; message: string };

/**
 * V8's limits for the export's process. An export streams a steady flow of
 * short-lived garbage (a page of rows, its CSV text, pg's and Prisma's
 * copies): nothing is kept (heapUsed is back at its start after a GC), but
 * V8 lets the young generation grow to 3 x 16 MB and the old space to
 * hundreds of MB before collecting. In a process of its own these caps bound
 * that, and the worker's own baseline (graphile-worker, click ingestion) is
 * not the exporting process's. 64 MB of old space is about twice what a run
 * holds live; 2 MB semi-spaces mean more scavenges. One V8 background thread:
 * each thread otherwise got a glibc arena of its own (see below).
 */
export const exportProcessHeapArgs = ["--max-old-space-size=64", "--max-semi-space-size=2", "--v8-pool-size=1"];

/**
 * Runs one export in a child process (`entry`: export-process.js beside the
 * worker's main) and answers as runExport would: its outcome, or throws
 * ExportRefusedError for a refusal, or an Error (retried by the job) when it
 * failed or died. The job's abort signal (a shutdown) is passed on as SIGTERM.
 */
export function runExportInChild(entry: string, exportId: string, options: { signal: AbortSignal; instanceId: string }) {
  return new Promise<{ status: string; rows: number; bytes: number }>((resolve, reject) => {
    let message: ExportChildMessage | undefined;
    const child = fork(entry, [exportId], {
      // The parent's own flags (tsx's loader in development), less those set here.
      execArgv: [...process.execArgv.filter((arg) => !/^--(max-(old|semi)-space-size|v8-pool-size)/.test(arg)), ...exportProcessHeapArgs],
      // With caps alone the child still peaked at 200-211 MB: /proc/<pid>/smaps showed ~30 MB in glibc's per-thread arenas
      // (V8's compiler and GC threads, libuv's pool running gzip) beside a 22 MB main heap. Two arenas and one pool
      // thread (gzip is the only work there) took it to 165 MB.
      env: { ...process.env, MALLOC_ARENA_MAX: "2", UV_THREADPOOL_SIZE: "1", HOP_INSTANCE_ID: options.instanceId },
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    const stop = () => child.kill("SIGTERM");
    if (options.signal.aborted) stop();
    options.signal.addEventListener("abort", stop, { once: true });
    child.on("message", (received) => {
      message = received as ExportChildMessage;
    });
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      options.signal.removeEventListener("abort", stop);
      if (message?.kind === "done") resolve({ status: message.status, rows: message.rows, bytes: message.bytes });
      else if (message?.kind === "refused") reject(new ExportRefusedError(message.message));
      else reject(new Error(message?.message ?? `the export's process ended (${signal ?? `exit code ${code}`}) before it was finished`));
    });
  });
}
