import { Socket } from "node:net";
import { startRedisServer, type RedisServer } from "@hop/test-harness";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { RedisExecutor } from "../src";

// The executor's write coalescing on a real Redis: commands sent from separate callbacks of one turn of the
// event loop (as HTTP requests arrive, each in an I/O callback of its own, with the tick queue drained after
// each) leave in one socket write, in order.
let redisServer: RedisServer;
let executor: RedisExecutor;
/** As every Hop process has it: two shared connections. */
let twoConnectionExecutor: RedisExecutor;
beforeAll(async () => {
  redisServer = await startRedisServer();
  executor = new RedisExecutor({ url: redisServer.url, sharedConnections: 1 });
  twoConnectionExecutor = new RedisExecutor({ url: redisServer.url, sharedConnections: 2 });
  await Promise.all([executor.waitUntilReady(5_000), twoConnectionExecutor.waitUntilReady(5_000)]);
});
afterAll(async () => {
  await executor?.close();
  await twoConnectionExecutor?.close();
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

/** 20 ECHOs, each sent from a callback of its own, all in one turn of the event loop. */
function echoFromTwentyCallbacks(through: RedisExecutor): Promise<unknown[]> {
  return new Promise<unknown[]>((resolve, reject) => {
    const replies: Array<Promise<unknown>> = [];
    // Immediates queued together run in one check phase, with the tick queue drained after each: like I/O
    // callbacks. (Not timers: each setTimeout reads the clock, so on a loaded machine 20 of them can fall due
    // in two turns.) The flush queued from the first of them runs in the next turn's check phase.
    for (let i = 0; i < 20; i++) setImmediate(() => replies.push(through.run(["ECHO", `m${i}`])));
    setImmediate(() => Promise.all(replies).then(resolve, reject));
  });
}

const twentyEchoes = Array.from({ length: 20 }, (_, i) => `m${i}`);

describe("the executor's writes", () => {
  it("carry the commands of one turn of the event loop in one write, even when each came from a callback of its own", async () => {
    const { writes, result } = await writesToRedis(() => echoFromTwentyCallbacks(executor));
    expect(result.map((reply) => String(reply))).toEqual(twentyEchoes);
    expect(writes).toBe(1);
  });

  it("go to one of several shared connections per turn, not dealt out command by command", async () => {
    const { writes, result } = await writesToRedis(() => echoFromTwentyCallbacks(twoConnectionExecutor));
    expect(result.map((reply) => String(reply))).toEqual(twentyEchoes);
    expect(writes).toBe(1);
    // A later turn takes the other connection: both stay in use.
    const first = await twoConnectionExecutor.run(["CLIENT", "ID"]);
    const second = await twoConnectionExecutor.run(["CLIENT", "ID"]);
    expect(Number(second)).not.toBe(Number(first));
  });

  it("send a lone command at once (nothing waits for I/O to be flushed)", async () => {
    const { writes, result } = await writesToRedis(() => executor.run(["PING"]));
    expect(String(result)).toBe("PONG");
    expect(writes).toBe(1);
  });

  it("pass over a shared connection that is down while another is up", async () => {
    const victim = await twoConnectionExecutor.run(["CLIENT", "ID"]);
    await executor.run(["CLIENT", "KILL", "ID", String(victim)]);
    // It reconnects within about 100 ms: meanwhile every turn's commands take the other connection.
    await vi.waitFor(() => expect(twoConnectionExecutor.isReady).toBe(false), { interval: 1, timeout: 2_000 });
    expect(String(await twoConnectionExecutor.run(["PING"]))).toBe("PONG");
    expect(String(await twoConnectionExecutor.run(["PING"]))).toBe("PONG");
  });
});
