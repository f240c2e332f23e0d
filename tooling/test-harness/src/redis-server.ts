import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { connect } from "node:net";
import { join } from "node:path";
import { trackChild } from "./cleanup";
import { freePort, waitForPort } from "./ports";
import { waitFor } from "./wait-for";

export interface RedisServer {
  port: number;
  url: string;
  /** Stops the server (SIGTERM), keeping the port for start(). */
  stop(): Promise<void>;
  /** Starts it again on the same port (empty, unless it keeps its data), resolving once it answers PING (loading done). */
  start(): Promise<void>;
  /** Stops it and removes its folder. */
  dispose(): Promise<void>;
}

const installHint = "redis-server was not found on PATH: install Redis (Debian/Ubuntu: apt-get install redis-server; macOS: brew install redis)";

export interface RedisServerOptions {
  /** Keep data here across runs (append-only file); default: a temp folder, nothing persisted. */
  dataDir?: string;
  port?: number;
}

/** A real redis-server of our own (from PATH) on a free port. */
export async function startRedisServer(options: RedisServerOptions = {}): Promise<RedisServer> {
  if (spawnSync("redis-server", ["--version"]).error) throw new Error(installHint);
  const port = options.port ?? (await freePort());
  const persistent = options.dataDir !== undefined;
  const dir = options.dataDir ?? mkdtempSync(join(tmpdir(), "hop-redis-"));
  let child: ChildProcess | undefined;

  const start = async () => {
    const persistence = persistent ? ["--appendonly", "yes", "--save", "60 1"] : ["--save", "", "--appendonly", "no"];
    const args = ["--port", String(port), "--bind", "127.0.0.1", ...persistence, "--dir", dir, "--daemonize", "no", "--loglevel", "warning"];
    const started = spawn("redis-server", args, { stdio: "ignore" });
    child = started;
    trackChild(started, "SIGTERM");
    try {
      await waitForPort(port);
      // A Redis that keeps its data answers LOADING until it has read it: started means serving.
      await waitFor(
        () => redisPing(port),
        (reply) => reply === "+PONG",
        60_000,
        5,
      );
    } catch (error) {
      await stop();
      throw error;
    }
  };
  const stop = async () => {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      running.once("exit", () => resolve());
      running.kill("SIGTERM");
    });
  };

  try {
    await start();
  } catch (error) {
    if (!persistent) rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    start,
    stop,
    dispose: async () => {
      await stop();
      if (!persistent) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * PING over a new socket, past any client library's idea of readiness: Redis's first line of reply ("+PONG",
 * "-LOADING ..."), or null when nothing answered within a second.
 */
export function redisPing(port: number, host = "127.0.0.1"): Promise<string | null> {
  return new Promise((resolve) => {
    const socket = connect(port, host);
    let reply = "";
    const firstLine = () => (reply.includes("\r\n") ? reply.slice(0, reply.indexOf("\r\n")) : null);
    socket.setTimeout(1_000, () => socket.destroy());
    socket.on("connect", () => socket.write("PING\r\n"));
    socket.on("data", (chunk: Buffer) => {
      reply += chunk.toString("utf8");
      if (firstLine() !== null) socket.destroy();
    });
    socket.on("error", () => undefined);
    socket.on("close", () => resolve(firstLine()));
  });
}
