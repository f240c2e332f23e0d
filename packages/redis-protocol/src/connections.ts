import { Redis, type RedisOptions } from "ioredis";
import { RedisUnavailableError } from "./errors";

export interface ConnectionSettings {
  /** redis:// or rediss:// URL. */
  url: string;
  /** A command that gets no reply within this time fails with RedisTimeoutError. */
  commandTimeoutMs: number;
  /** Shown in CLIENT LIST, to tell Hop's connections apart. */
  connectionName: string;
  /** Called with connection errors (they recur while Redis is down). */
  onError?: (error: Error) => void;
}

/**
 * The wait before each attempt to reconnect: short and soon level, so that
 * service resumes within a quarter second of Redis being back (a restart
 * takes seconds; with a cap of 1 s, commands still failed for up to a second
 * after Redis answered again). An attempt against a Redis that is down is a
 * refused connect: four a second per connection cost nothing.
 */
export const maxReconnectDelayMs = 250;
const reconnectDelayMs = (attempt: number) => Math.min(attempt * 50, maxReconnectDelayMs);

/**
 * A Redis that keeps its data answers LOADING for a while after a restart; ioredis asks again only after the
 * server's loading estimate, a second at least, so a connection made while it loaded stayed unusable for up to a
 * second after Redis served again (seen in the chaos test). Asked every 50 ms instead.
 */
export const loadingRecheckMs = 50;

/**
 * A connection that fails fast while Redis is away (no offline queue, no
 * per-command retries: the caller answers 503 at once) and keeps reconnecting
 * in the background, so service resumes without a restart.
 */
export function openConnection(settings: ConnectionSettings): Redis {
  const options: RedisOptions = {
    // RESP2, as Upstash answers: under RESP3 (ioredis 6's default) Redis sends
    // ZRANGE ... WITHSCORES, HRANDFIELD ... WITHVALUES, ZPOPMIN with a count
    // as [member, score] pairs and XREAD as a map, shapes no Upstash client expects.
    protocol: 2,
    connectionName: settings.connectionName,
    commandTimeout: settings.commandTimeoutMs,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    retryStrategy: reconnectDelayMs,
    maxLoadingRetryTime: loadingRecheckMs,
    enableAutoPipelining: false,
  };
  const connection = new Redis(settings.url, options);
  connection.on("error", (error: Error) => settings.onError?.(error));
  connection.once("ready", () => connectedOnce.add(connection));
  return connection;
}

const connectedOnce = new WeakSet<Redis>();
const firstConnection = new WeakMap<Redis, Promise<void>>();

/**
 * A new connection is given a moment to come up, so that a process's first
 * requests do not fail; one that was up and is now lost fails fast instead.
 * Concurrent first requests share one wait.
 */
export async function awaitFirstConnection(connection: Redis, timeoutMs: number): Promise<void> {
  if (connection.status === "ready" || connectedOnce.has(connection)) return;
  let waiting = firstConnection.get(connection);
  if (!waiting) {
    waiting = waitUntilReady(connection, timeoutMs).finally(() => firstConnection.delete(connection));
    firstConnection.set(connection, waiting);
  }
  await waiting;
}

export function waitUntilReady(connection: Redis, timeoutMs: number): Promise<void> {
  if (connection.status === "ready") return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      connection.off("ready", onReady);
      reject(new RedisUnavailableError(`Redis is unreachable: no connection within ${timeoutMs} ms`));
    }, timeoutMs);
    const onReady = () => {
      clearTimeout(timer);
      resolve();
    };
    connection.once("ready", onReady);
  });
}

/** How long a transaction waits for a new connection before answering that Redis is unreachable. */
const newConnectionTimeoutMs = 3_000;

/**
 * Connections lent to one transaction at a time, so MULTI ... EXEC of two
 * requests can never interleave. generic-pool would do, but the pool needs
 * only borrow, return and a cap, and this keeps readiness checks in one place.
 */
export class ExclusiveConnectionPool {
  readonly #idle: Redis[] = [];
  readonly #waiting: Array<{ resolve: (connection: Redis) => void; reject: (error: unknown) => void }> = [];
  #open = 0;
  #closed = false;

  constructor(
    private readonly settings: ConnectionSettings,
    private readonly maxConnections: number,
  ) {}

  async use<T>(work: (connection: Redis) => Promise<T>): Promise<T> {
    const connection = await this.#borrow();
    let reusable = false;
    try {
      const result = await work(connection);
      reusable = true;
      return result;
    } finally {
      this.#giveBack(connection, reusable);
    }
  }

  #borrow(): Promise<Redis> {
    if (this.#closed) return Promise.reject(new RedisUnavailableError("Redis connection pool is closed"));
    let idle = this.#idle.pop();
    // One that lost Redis while idle (a restart) may not be back yet: a new one is.
    while (idle && idle.status !== "ready") {
      this.#open -= 1;
      idle.disconnect();
      idle = this.#idle.pop();
    }
    if (idle) return Promise.resolve(idle);
    if (this.#open >= this.maxConnections) {
      return new Promise((resolve, reject) => this.#waiting.push({ resolve, reject }));
    }
    return this.#openNew();
  }

  async #openNew(): Promise<Redis> {
    this.#open += 1;
    const connection = openConnection(this.settings);
    try {
      await waitUntilReady(connection, Math.min(this.settings.commandTimeoutMs, newConnectionTimeoutMs));
      return connection;
    } catch (error) {
      this.#open -= 1;
      connection.disconnect();
      throw error;
    }
  }

  #giveBack(connection: Redis, reusable: boolean): void {
    const next = this.#waiting.shift();
    // A connection whose transaction broke off may still be inside MULTI.
    if (reusable && !this.#closed && connection.status === "ready") {
      if (next) next.resolve(connection);
      else this.#idle.push(connection);
      return;
    }
    this.#open -= 1;
    connection.disconnect();
    if (next) this.#openNew().then(next.resolve, next.reject);
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const waiter of this.#waiting.splice(0)) waiter.reject(new RedisUnavailableError("Redis connection pool is closed"));
    await Promise.all(this.#idle.splice(0).map((connection) => connection.quit().catch(() => undefined)));
  }
}
