import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ExportRefusedError } from "@hop/api";
import { describe, expect, it } from "vitest";
import { runExportInChild } from "../src/tasks/export-child";

// The worker's side of an export run in a process of its own: the child's
// answer becomes runExport's (outcome, refusal, failure to retry), a child
// dying without an answer is a failure, and the job's abort reaches it.
// End to end (a real export in the production build's child, a worker killed
// mid-export) in test/rules/export.test.ts.
const standIn = fileURLToPath(new URL("./fixtures/export-process-stand-in.mjs", import.meta.url));
const run = (how: string, signal = new AbortController().signal) => runExportInChild(standIn, how, { signal, instanceId: "worker-test" });

describe("an export in a process of its own", () => {
  it("answers the child's outcome, the child started with the heap caps, two malloc arenas and one pool thread", async () => {
    const outcome = await run("done");
    expect(outcome).toEqual({ status: "--max-old-space-size=64 --max-semi-space-size=2 --v8-pool-size=1 2 1", rows: 3, bytes: 42 });
  });

  it("turns the child's refusal into ExportRefusedError, its message kept", async () => {
    const refused = run("refused");
    await expect(refused).rejects.toBeInstanceOf(ExportRefusedError);
    await expect(refused).rejects.toThrow("That link is no longer yours");
  });

  it("fails (for the job to retry) when the child ends without an answer", async () => {
    await expect(run("crash")).rejects.toThrow("the export's process ended (exit code 7) before it was finished");
  });

  it("passes the job's abort on as SIGTERM", async () => {
    const directory = await mkdtemp(join(tmpdir(), "hop-export-child-"));
    process.env.STAND_IN_READY = join(directory, "ready");
    try {
      const controller = new AbortController();
      const running = run("wait", controller.signal);
      // Once it listens for SIGTERM (before, the signal would just kill it).
      while (!existsSync(process.env.STAND_IN_READY)) await new Promise((resolve) => setTimeout(resolve, 20));
      controller.abort();
      await expect(running).rejects.toThrow("export interrupted by shutdown");
    } finally {
      delete process.env.STAND_IN_READY;
      await rm(directory, { recursive: true, force: true });
    }
  });
});
