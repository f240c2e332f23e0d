import { execFileSync, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { runningChildren } from "@hop/test-harness";
import { describe, expect, it } from "vitest";
import { startCluster } from "../support/cluster";

// Item 16 of issue 11: a test file whose setup fails half-way must not leave
// a redis-server (or PostgreSQL, or a Hop process) running.

/** The command names of this process's live children. */
function childCommands(pid = process.pid): string[] {
  try {
    return execFileSync("ps", ["-o", "comm=", "--ppid", String(pid)], { encoding: "utf8" })
      .split("\n")
      .map((line) => line.trim())
      .filter(Boolean);
  } catch {
    return []; // ps exits 1 when there is none
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitUntilGone(pids: number[], timeoutMs = 10_000): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const alive = pids.filter(isAlive);
    if (alive.length === 0 || Date.now() > deadline) return alive;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe("a setup that fails half-way", () => {
  it("stops the redis-server and Hop processes a cluster had started before the failure reached the test", async () => {
    // Redis starts, then the web processes cannot (too short a session secret, or no build at all).
    await expect(startCluster({ web: 2, workers: 1, env: { SESSION_SECRETS: "1:too-short" } })).rejects.toThrow();
    expect(childCommands().filter((name) => name !== "ps")).toEqual([]);
    expect(runningChildren()).toEqual([]);
  });

  it.each(["throw", "signal"] as const)(
    "leaves no redis-server or postgres behind when the setup's process dies (%s)",
    async (how) => {
      const fixture = fileURLToPath(new URL("./fixtures/setup-that-dies.ts", import.meta.url));
      const child = spawn(process.execPath, ["--import", "tsx", fixture, how], { stdio: ["ignore", "pipe", "pipe"] });
      const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
      const started = await new Promise<Array<{ pid: number; command: string }>>((resolve, reject) => {
        let out = "";
        child.stdout.on("data", (chunk: Buffer) => {
          out += chunk.toString("utf8");
          const line = out.split("\n").find((candidate) => candidate.startsWith("{"));
          if (line) resolve((JSON.parse(line) as { children: Array<{ pid: number; command: string }> }).children);
        });
        void exited.then(() => reject(new Error(`the fixture exited before it had started anything: ${out}`)));
      });
      expect(started.map((started) => started.command)).toEqual(expect.arrayContaining(["redis-server", "postgres"]));
      if (how === "signal") child.kill("SIGTERM");
      await exited;
      expect(await waitUntilGone(started.map((started) => started.pid))).toEqual([]);
    },
    60_000,
  );
});
