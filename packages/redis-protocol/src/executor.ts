import { Command, type Redis } from "ioredis";
import type { RedisCommand } from "./commands";
import { awaitFirstConnection, ExclusiveConnectionPool, openConnection, waitUntilReady, type ConnectionSettings } from "./connections";
import { RedisReplyError, RedisTimeoutError, RedisUnavailableError, type RestError } from "./errors";
import type { RedisReply } from "./replies";
import { ScriptRegistry } from "./scripts";
import { SubscriptionHub, type Subscription, type SubscriptionKind } from "./subscriptions";

export interface ExecutorOptions {
  /** redis:// or rediss:// URL of the Redis server. */
  url: string;
  /** Default 10 s. */
  commandTimeoutMs?: number;
  /** Shared connections that carry single commands and pipelines, multiplexed. Default 2. */
  sharedConnections?: number;
  /** Upper bound of connections held by transactions at once. Default 32. */
  maxTransactionConnections?: number;
  /** Upper bound of pub/sub subscriptions at once, each holding a connection of its own. Default 256. */
  maxSubscriptions?: number;
  connectionName?: string;
  onConnectionError?: (error: Error) => void;
}

/** One command's fate inside a pipeline or transaction. */
export type CommandOutcome = { ok: true; reply: RedisReply } | { ok: false; error: RestError };

const firstConnectionTimeoutMs = 3_000;

/** A command as it will be sent, after script translation. */
interface PreparedCommand {
  command: RedisCommand;
  adjustReply?: (reply: RedisReply) => RedisReply;
}

/** What stops a script or function that outran its timeout. */
const killCommandOf = (name: string): RedisCommand | undefined => {
  if (name === "EVAL" || name === "EVALSHA" || name === "EVAL_RO" || name === "EVALSHA_RO") return ["SCRIPT", "KILL"];
  if (name === "FCALL" || name === "FCALL_RO") return ["FUNCTION", "KILL"];
  return undefined;
};

/**
 * Runs REST-shaped work (a command, a pipeline, a transaction) on TCP
 * connections to Redis with Upstash's semantics. The gateway and the TCP
 * requester both run on it, so they cannot drift apart.
 */
export class RedisExecutor {
  readonly #shared: Redis[];
  readonly #transactions: ExclusiveConnectionPool;
  readonly #scripts = new ScriptRegistry();
  readonly #settings: ConnectionSettings;
  readonly #subscriptions: SubscriptionHub;
  /** Carries SCRIPT KILL: the shared connection of the runaway script is stuck behind it. */
  #control: Redis | undefined;
  #turn = 0;

  constructor(options: ExecutorOptions) {
    const settings: ConnectionSettings = {
      url: options.url,
      commandTimeoutMs: options.commandTimeoutMs ?? 10_000,
      connectionName: options.connectionName ?? "hop",
      ...(options.onConnectionError ? { onError: options.onConnectionError } : {}),
    };
    this.#settings = settings;
    this.#shared = Array.from({ length: Math.max(1, options.sharedConnections ?? 2) }, () => openConnection(settings));
    this.#transactions = new ExclusiveConnectionPool(settings, options.maxTransactionConnections ?? 32);
    this.#subscriptions = new SubscriptionHub(settings, options.maxSubscriptions ?? 256);
  }

  get isReady(): boolean {
    return this.#shared.every((connection) => connection.status === "ready");
  }

  /** Resolves once every shared connection is up; rejects with RedisUnavailableError after the timeout. */
  async waitUntilReady(timeoutMs: number): Promise<void> {
    await Promise.all(this.#shared.map((connection) => waitUntilReady(connection, timeoutMs)));
  }

  async run(command: RedisCommand): Promise<RedisReply> {
    return this.#runPrepared(this.#nextShared(), this.#prepare(command));
  }

  /**
   * SUBSCRIBE or PSUBSCRIBE on a connection of its own, held until the
   * subscription is closed. Resolves once Redis confirmed it; `onEvent` gets
   * each event as Upstash's event stream carries it ("message,<channel>,<text>").
   */
  subscribe(kind: SubscriptionKind, name: string, onEvent: (event: string) => void, onEnd: () => void): Promise<Subscription> {
    return this.#subscriptions.open(kind, name, onEvent, onEnd);
  }

  /** Runs the commands in order on one connection; a command's error is its own, not the pipeline's. */
  async runPipeline(commands: readonly RedisCommand[]): Promise<CommandOutcome[]> {
    const connection = this.#nextShared();
    const settled = await Promise.allSettled(commands.map((command) => this.#runPrepared(connection, this.#prepare(command))));
    return settled.map(toOutcome);
  }

  /** MULTI ... EXEC on a connection no other request uses meanwhile. */
  async runTransaction(commands: readonly RedisCommand[]): Promise<CommandOutcome[]> {
    const prepared = commands.map((command) => this.#prepare(command));
    if (!this.#readyToStop && prepared.some((item) => killCommandOf(item.command[0]))) await this.#prepareToStop();
    return this.#transactions.use(async (connection) => {
      const settled = await Promise.allSettled([
        send(connection, ["MULTI"]),
        ...prepared.map((item) => send(connection, item.command)),
        send(connection, ["EXEC"]),
      ]);
      const exec = settled[settled.length - 1];
      if (exec?.status === "rejected" && exec.reason instanceof RedisTimeoutError) {
        for (const item of prepared) this.#stopRunawayScript(item.command);
      }
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
    this.closeSubscriptions();
    const control = this.#control;
    this.#control = undefined;
    control?.disconnect();
    await Promise.all([this.#transactions.close(), ...this.#shared.map((connection) => connection.quit().catch(() => connection.disconnect()))]);
  }

  /** Ends every subscription (their streams end): the first step of a graceful stop. */
  closeSubscriptions(): void {
    this.#subscriptions.closeAll();
  }

  /**
   * The shared connections take turns command by command, passing over one that is down while another is up: after
   * a Redis restart they reconnect at different moments, and a command dealt to the one still reconnecting would
   * fail although Redis is back.
   */
  #nextShared(): Redis {
    for (let tried = 0; tried < this.#shared.length; tried++) {
      this.#turn = (this.#turn + 1) % this.#shared.length;
      const connection = this.#shared[this.#turn] as Redis;
      if (connection.status === "ready") return connection;
    }
    return this.#shared[this.#turn] as Redis;
  }

  async #runPrepared(connection: Redis, prepared: PreparedCommand): Promise<RedisReply> {
    if (connection.status !== "ready") await awaitFirstConnection(connection, firstConnectionTimeoutMs);
    if (!this.#readyToStop && killCommandOf(prepared.command[0])) await this.#prepareToStop();
    let reply: RedisReply;
    try {
      reply = await send(connection, prepared.command);
    } catch (error) {
      if (error instanceof RedisTimeoutError) this.#stopRunawayScript(prepared.command);
      throw error;
    }
    return prepared.adjustReply ? prepared.adjustReply(reply) : reply;
  }

  /**
   * A busy Redis answers a new connection's handshake with BUSY: the
   * connection for SCRIPT KILL is opened, and up, before the first script runs.
   */
  /** Every script run asks (the redirect runs one per visit): once the kill connection is up, no await is added. */
  get #readyToStop(): boolean {
    return this.#control?.status === "ready";
  }

  async #prepareToStop(): Promise<void> {
    this.#control ??= openConnection({ ...this.#settings, connectionName: `${this.#settings.connectionName}-control`, commandTimeoutMs: 60_000 });
    // Without it a runaway script cannot be stopped, but the script itself may still run.
    await awaitFirstConnection(this.#control, firstConnectionTimeoutMs).catch(() => undefined);
  }

  /**
   * A script that outran the timeout would keep Redis answering BUSY to
   * everyone until it ends, maybe never: stop it. Redis takes SCRIPT KILL once
   * the script has run for its busy-reply-threshold (5 s by default), so the
   * kill waits on a connection of its own until then. A script that already
   * wrote cannot be killed (UNKILLABLE); that is Redis's answer to give.
   */
  #stopRunawayScript(command: RedisCommand): void {
    const kill = killCommandOf(command[0]);
    const control = this.#control;
    if (!kill || !control) return;
    void awaitFirstConnection(control, firstConnectionTimeoutMs)
      .then(() => send(control, kill))
      .catch((error: unknown) => {
        // NOTBUSY: the script ended by itself meanwhile. A control connection that is down: Redis is away (a restart,
        // the usual cause of a timeout then), nothing runs there to stop, and the connection reports its own errors.
        if (error instanceof RedisReplyError || control.status !== "ready") return;
        const reason = error instanceof Error ? error.message : String(error);
        this.#settings.onError?.(new Error(`could not ask Redis to stop a script that outran the command timeout: ${reason}`));
      });
  }

  /**
   * Script commands are rewritten so a client that hashed the original text
   * (shebang and all) finds its script: EVAL runs the stripped text, SCRIPT
   * LOAD answers the client's own SHA, EVALSHA and SCRIPT EXISTS translate it.
   * Only the name is translated: whether Redis holds the script is Redis's to
   * say, so EVALSHA and SCRIPT EXISTS agree (after SCRIPT FLUSH or a restart
   * both say it is gone, and the client sends the text again).
   */
  #prepare(command: RedisCommand): PreparedCommand {
    // Read by index, not destructured: every redirect's script passes here, and a rest element is a copy of the command.
    const name = command[0];
    const first = command[1];
    if (first === undefined) return { command };
    switch (name) {
      case "EVAL":
      case "EVAL_RO":
        return { command: withArgument(command, 1, this.#scripts.learn(first).body) };
      case "EVALSHA":
      case "EVALSHA_RO": {
        const known = this.#scripts.find(first);
        // A script with no shebang has the same name in Redis as in the client (Hop's own): sent as it is, no copy.
        return known && known.redisSha !== first ? { command: withArgument(command, 1, known.redisSha) } : { command };
      }
      case "SCRIPT": {
        const rest = command.slice(2);
        const subcommand = first.toUpperCase();
        if (subcommand === "LOAD" && rest[0] !== undefined) {
          const known = this.#scripts.learn(rest[0]);
          return { command: [name, first, known.body], adjustReply: () => Buffer.from(known.clientSha) };
        }
        if (subcommand === "EXISTS") {
          return { command: [name, first, ...rest.map((sha) => this.#scripts.find(sha)?.redisSha ?? sha)] };
        }
        if (subcommand === "FLUSH") {
          // Redis forgot every script: so does the map of names.
          return {
            command,
            adjustReply: (reply) => {
              this.#scripts.forgetAll();
              return reply;
            },
          };
        }
        return { command };
      }
      default:
        return { command };
    }
  }
}

const corkedThisTurn = new WeakSet<Redis>();
/**
 * Node's own, taken when this module loads: Next 16 replaces the global
 * setImmediate when its server loads (after every module of the web's
 * bundle ran) with a scheduler that asks on each call whether a render runs.
 */
const flushLater = setImmediate;

/**
 * Commands sent in one turn of the event loop leave in one write, not one
 * write each: a socket write costs more than encoding a command, and under
 * load many requests arrive in the same turn. The flush waits for the check
 * phase (setImmediate), not the end of the tick: Node drains the tick queue
 * after each I/O callback, and each HTTP request (a redirect's one command)
 * arrives in a callback of its own, so flushing per tick wrote once per
 * request. The poll phase does not block while an immediate is pending, so
 * no command waits for I/O to be flushed.
 */
function coalesceWrites(connection: Redis): void {
  if (corkedThisTurn.has(connection) || connection.status !== "ready") return;
  const stream = connection.stream;
  corkedThisTurn.add(connection);
  stream.cork();
  flushLater(() => {
    corkedThisTurn.delete(connection);
    stream.uncork();
  });
}

/** The command with one argument replaced. */
function withArgument(command: RedisCommand, index: number, value: string): RedisCommand {
  const copy: [string, ...string[]] = [...command];
  copy[index] = value;
  return copy;
}

async function send(connection: Redis, command: RedisCommand): Promise<RedisReply> {
  coalesceWrites(connection);
  try {
    // ioredis's Command made here, not through callBuffer(name, ...args): that copies the arguments twice more (its
    // rest parameter, then the name shifted off) and builds an options object per command. replyEncoding null: Buffers.
    return (await connection.sendCommand(new Command(command[0], command.slice(1), { replyEncoding: null }))) as RedisReply;
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
