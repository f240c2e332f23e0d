import type { Redis } from "ioredis";
import { openConnection, waitUntilReady, type ConnectionSettings } from "./connections";
import { RedisReplyError, RedisUnavailableError, RestError } from "./errors";

/** SUBSCRIBE to a channel or PSUBSCRIBE to a pattern. */
export type SubscriptionKind = "subscribe" | "psubscribe";

export interface Subscription {
  /** Unsubscribes and closes the subscription's connection. */
  close(): void;
}

/** More subscriptions are open than the configured limit allows. */
export class TooManySubscriptionsError extends RestError {
  override readonly name = "TooManySubscriptionsError";
  readonly status = 429;
}

/**
 * The events of Upstash's pub/sub stream, one per line after `data: `, as
 * @upstash/redis's Subscriber parses them: the kind, then comma-separated
 * fields, the message last and verbatim (it may contain commas).
 */
export const subscriptionEvent = {
  subscribed: (kind: SubscriptionKind, name: string, count: number) => `${kind},${name},${count}`,
  message: (channel: string, message: string) => `message,${channel},${message}`,
  patternMessage: (pattern: string, channel: string, message: string) => `pmessage,${pattern},${channel},${message}`,
};

/**
 * Pub/sub subscriptions, each on a Redis connection of its own: a subscribed
 * connection can run nothing else, and closing it is the only unsubscribe that
 * cannot go wrong. ioredis subscribes again by itself after a reconnect.
 */
export class SubscriptionHub {
  readonly #open = new Set<Redis>();

  constructor(
    private readonly settings: ConnectionSettings,
    private readonly maxSubscriptions: number,
  ) {}

  async open(kind: SubscriptionKind, name: string, onEvent: (event: string) => void, onEnd: () => void): Promise<Subscription> {
    if (this.#open.size >= this.maxSubscriptions) {
      throw new TooManySubscriptionsError(`ERR too many subscriptions: at most ${this.maxSubscriptions} at once`);
    }
    const connection = openConnection({ ...this.settings, connectionName: `${this.settings.connectionName}-subscriber` });
    this.#open.add(connection);
    let ended = false;
    const end = () => {
      if (ended) return;
      ended = true;
      this.#open.delete(connection);
      connection.disconnect();
      onEnd();
    };
    // disconnect() (ours, or closeAll's) ends the stream; a lost connection is reconnected, not ended.
    connection.on("end", end);
    try {
      await waitUntilReady(connection, this.settings.commandTimeoutMs);
      if (kind === "subscribe") {
        connection.on("messageBuffer", (channel: Buffer, message: Buffer) => onEvent(subscriptionEvent.message(channel.toString(), message.toString())));
        const count = Number(await connection.subscribe(name));
        onEvent(subscriptionEvent.subscribed(kind, name, count));
      } else {
        connection.on("pmessageBuffer", (pattern: Buffer, channel: Buffer, message: Buffer) =>
          onEvent(subscriptionEvent.patternMessage(pattern.toString(), channel.toString(), message.toString())),
        );
        const count = Number(await connection.psubscribe(name));
        onEvent(subscriptionEvent.subscribed(kind, name, count));
      }
    } catch (error) {
      ended = true;
      this.#open.delete(connection);
      connection.disconnect();
      if (error instanceof RestError) throw error;
      const message = error instanceof Error ? error.message : String(error);
      if (error instanceof Error && error.name === "ReplyError") throw new RedisReplyError(message);
      throw new RedisUnavailableError(`Redis is unreachable: ${message}`);
    }
    return { close: end };
  }

  closeAll(): void {
    for (const connection of [...this.#open]) connection.disconnect();
  }
}
