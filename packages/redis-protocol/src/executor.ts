import type { Redis } from "ioredis";
import type { RedisCommand } from "./commands";
import { awaitFirstConnection, ExclusiveConnectionPool, openConnection, waitUntilReady, type ConnectionSettings } from "./connections";
import { RedisReplyError, RedisTimeoutError, RedisUnavailableError, type RestError } from "./errors";
import type { RedisReply } from "./replies";
import { ScriptRegistry, type KnownScript } from "./scripts";

export interface ExecutorOptions {
  /** redis:// or rediss:// URL of the Redis server. */
  url: string;
  /** Default 10 s. */
  commandTimeoutMs?: number;
  /** Shared connections that carry single commands and pipelines, multiplexed. Default 2. */
  sharedConnections?: number;
  /** Upper bound of connections held by transactions at once. Default 32. */
  maxTransactionConnections?: number;
  connectionName?: string;
  onConnectionError?: (error: Error) => void;
}

/** One command's fate inside a pipeline or transaction. */
export type CommandOutcome = { ok: true; reply: RedisReply } | { ok: false; error: RestError };

const firstConnectionTimeoutMs = 3_000;

/** A command as it will be sent, after script translation. */
interface PreparedCommand {
  command: RedisCommand;
  /** Set when the command runs a script Redis may have forgotten (restart, SCRIPT FLUSH). */
  reloadable?: KnownScript;
  adjustReply?: (reply: RedisReply) => RedisReply;
}

/**
 * Runs REST-shaped work (a command, a pipeline, a transaction) on TCP
 * connections to Redis with Upstash's semantics. The gateway and the TCP
 * requester both run on it, so they cannot drift apart.
 */
export class RedisExecutor {
  readonly #shared: Redis[];
  readonly #transactions: ExclusiveConnectionPool;
  readonly #scripts = new ScriptRegistry();
  #turn = 0;

  constructor(options: ExecutorOptions) {
    const settings: ConnectionSettings = {
      url: options.url,
      commandTimeoutMs: options.commandTimeoutMs ?? 10_000,
      connectionName: options.connectionName ?? "hop",
      ...(options.onConnectionError ? { onError: options.onConnectionError } : {}),
    };
    this.#shared = Array.from({ length: Math.max(1, options.sharedConnections ?? 2) }, () => openConnection(settings));
    this.#transactions = new ExclusiveConnectionPool(settings, options.maxTransactionConnections ?? 32);
  }

  get isReady(): boolean {
    return this.#shared.every((connection) => connection.status === "ready");
  }

  /** Resolves once every shared connection is up; rejects with RedisUnavailableError after the timeout. */
  async waitUntilReady(timeoutMs: number): Promise<void> {
    await Promise.all(this.#shared.map((connection) => waitUntilReady(connection, timeoutMs)));
  }

  async run(command: RedisCommand): Promise<RedisReply> {
    return this.#runPrepared(this.#nextShared(), this.#prepare(command, false));
  }

  /** Runs the commands in order on one connection; a command's error is its own, not the pipeline's. */
  async runPipeline(commands: readonly RedisCommand[]): Promise<CommandOutcome[]> {
    const connection = this.#nextShared();
    const settled = await Promise.allSettled(commands.map((command) => this.#runPrepared(connection, this.#prepare(command, false))));
    return settled.map(toOutcome);
  }

  /** MULTI ... EXEC on a connection no other request uses meanwhile. */
  async runTransaction(commands: readonly RedisCommand[]): Promise<CommandOutcome[]> {
    const prepared = commands.map((command) => this.#prepare(command, true));
    return this.#transactions.use(async (connection) => {
      const settled = await Promise.allSettled([
        send(connection, ["MULTI"]),
        ...prepared.map((item) => send(connection, item.command)),
        send(connection, ["EXEC"]),
      ]);
      const exec = settled[settled.length - 1];
      if (!exec || exec.status === "rejected") {
        const queueFailure = settled.slice(1, -1).findIndex((item) => item.status === "rejected");
        const cause = settled[queueFailure + 1];
        if (exec?.reason instanceof RedisReplyError && cause?.status === "rejected") {
          throw new RedisReplyError(`${exec.reason.message} Command ${queueFailure + 1}: ${errorMessage(cause.reason)}`);
        }
        throw exec?.reason ?? new RedisUnavailableError("Redis is unreachable: transaction got no reply");
      }
      const replies = Array.isArray(exec.value) ? exec.value : [];
      return prepared.map((item, index): CommandOutcome => {
        const reply = replies[index] ?? null;
        if (reply instanceof Error) return { ok: false, error: new RedisReplyError(reply.message) };
        return { ok: true, reply: item.adjustReply ? item.adjustReply(reply) : reply };
      });
    });
  }

  async close(): Promise<void> {
    await Promise.all([
      this.#transactions.close(),
      ...this.#shared.map((connection) => connection.quit().catch(() => connection.disconnect())),
    ]);
  }

  #nextShared(): Redis {
    this.#turn = (this.#turn + 1) % this.#shared.length;
    return this.#shared[this.#turn] as Redis;
  }

  async #runPrepared(connection: Redis, prepared: PreparedCommand): Promise<RedisReply> {
    if (connection.status !== "ready") await awaitFirstConnection(connection, firstConnectionTimeoutMs);
    let reply: RedisReply;
    try {
      reply = await send(connection, prepared.command);
    } catch (error) {
      const script = prepared.reloadable;
      if (!script || !(error instanceof RedisReplyError) || !error.message.startsWith("NOSCRIPT")) throw error;
      await send(connection, ["SCRIPT", "LOAD", script.body]);
      reply = await send(connection, prepared.command);
    }
    return prepared.adjustReply ? prepared.adjustReply(reply) : reply;
  }

  /**
   * Script commands are rewritten so a client that hashed the original text
   * (shebang and all) finds its script: EVAL runs the stripped text, SCRIPT
   * LOAD answers the client's own SHA, EVALSHA and SCRIPT EXISTS translate it.
   */
  #prepare(command: RedisCommand, inTransaction: boolean): PreparedCommand {
    const [name, first, ...rest] = command;
    if (first === undefined) return { command };
    switch (name) {
      case "EVAL":
      case "EVAL_RO":
        return { command: [name, this.#scripts.learn(first).body, ...rest] };
      case "EVALSHA":
      case "EVALSHA_RO": {
        const known = this.#scripts.find(first);
        if (!known) return { command };
        // Inside MULTI a NOSCRIPT cannot be retried, so send the text itself.
        if (inTransaction) return { command: [name === "EVALSHA" ? "EVAL" : "EVAL_RO", known.body, ...rest] };
        return { command: [name, known.redisSha, ...rest], reloadable: known };
      }
      case "SCRIPT": {
        const subcommand = first.toUpperCase();
        if (subcommand === "LOAD" && rest[0] !== undefined) {
          const known = this.#scripts.learn(rest[0]);
          return { command: [name, first, known.body], adjustReply: () => Buffer.from(known.clientSha) };
        }
        if (subcommand === "EXISTS") {
          return { command: [name, first, ...rest.map((sha) => this.#scripts.find(sha)?.redisSha ?? sha)] };
        }
        return { command };
      }
      default:
        return { command };
    }
  }
}

const corkedThisTick = new WeakSet<Redis>();

/**
 * Commands sent in one tick of the event loop leave in one write, not one
 * write each: a socket write costs more than encoding a command, and under
 * load many requests arrive in the same tick (node-redis does the same).
 */
function coalesceWrites(connection: Redis): void {
  if (corkedThisTick.has(connection) || connection.status !== "ready") return;
  const stream = connection.stream;
  corkedThisTick.add(connection);
  stream.cork();
  process.nextTick(() => {
    corkedThisTick.delete(connection);
    stream.uncork();
  });
}

async function send(connection: Redis, [name, ...args]: RedisCommand): Promise<RedisReply> {
  coalesceWrites(connection);
  try {
    return (await connection.callBuffer(name, ...args)) as RedisReply;
  } catch (error) {
    throw translateError(error);
  }
}

function translateError(error: unknown): RestError {
  if (error instanceof RedisReplyError || error instanceof RedisUnavailableError || error instanceof RedisTimeoutError) return error;
  const message = errorMessage(error);
  if (error instanceof Error && error.name === "ReplyError") return new RedisReplyError(message);
  if (/timed out/i.test(message)) return new RedisTimeoutError(`Redis did not answer in time: ${message}`);
  return new RedisUnavailableError(`Redis is unreachable: ${message}`);
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function toOutcome(settled: PromiseSettledResult<RedisReply>): CommandOutcome {
  if (settled.status === "fulfilled") return { ok: true, reply: settled.value };
  const error = translateError(settled.reason);
  // Losing Redis fails the whole request (503), not one command of it.
  if (!(error instanceof RedisReplyError)) throw error;
  return { ok: false, error };
}
