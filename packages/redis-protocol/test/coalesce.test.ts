import { Socket } from "node:net";
import { startRedisServer, type RedisServer } from "@hop/test-harness";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RedisExecutor } from "../src";

// The executor's write coalescing on a real Redis: commands sent from separate callbacks of one turn of the
// event loop (as HTTP requests arrive, each in an I/O callback of its own, with the tick queue drained after
// each) leave in one socket write, in order.
let redisServer: RedisServer;
let executor: RedisExecutor;
beforeAll(async () => {
  redisServer = await startRedisServer();
  executor = new RedisExecutor({ url: redisServer.url, sharedConnections: 1 });
  await executor.waitUntilReady(5_000);
});
afterAll(async () => {
  await executor?.close();
  await redisServer?.dispose();
});

/** Counts the socket writes to Redis's port while `work` runs. */
async function writesToRedis<T>(work: () => Promise<T>): Promise<{ writes: number; result: T }> {
  const port = Number(new URL(redisServer.url).port);
  const prototype = Socket.prototype as unknown as Record<"_write" | "_writev", (this: Socket, ...args: unknown[]) => void>;
  const original = { _write: prototype._write, _writev: prototype._writev };
  let writes = 0;
  for (const name of ["_write", "_writev"] as const) {
    prototype[name] = function (this: Socket, ...args: unknown[]) {
      if (this.remotePort === port) writes++;
      return original[name].apply(this, args);
    };
  }
  try {
    const result = await work();
    return { writes, result };
  } finally {
    Object.assign(prototype, original);
  }
}

describe("the executor's writes", () => {
  it("carry the commands of one turn of the event loop in one write, even when each came from a callback of its own", async () => {
    const { writes, result } = await writesToRedis(
      () =>
        new Promise<unknown[]>((resolve, reject) => {
          const replies: Array<Promise<unknown>> = [];
          // Immediates queued together run in one check phase, with the tick queue drained after each: like I/O
          // callbacks. (Not timers: each setTimeout reads the clock, so on a loaded machine 20 of them can fall due
          // in two turns.) The flush queued from the first of them runs in the next turn's check phase.
          for (let i = 0; i < 20; i++) setImmediate(() => replies.push(executor.run(["ECHO", `m${i}`])));
          setImmediate(() => Promise.all(replies).then(resolve, reject));
        }),
    );
    expect(result.map((reply) => String(reply))).toEqual(Array.from({ length: 20 }, (_, i) => `m${i}`));
    expect(writes).toBe(1);
  });

  it("send a lone command at once (nothing waits for I/O to be flushed)", async () => {
    const { writes, result } = await writesToRedis(() => executor.run(["PING"]));
    expect(String(result)).toBe("PONG");
    expect(writes).toBe(1);
  });
});
