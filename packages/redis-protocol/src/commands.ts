import { CommandRejectedError } from "./errors";

/** A Redis command as it travels over TCP: the name first, then its arguments. */
export type RedisCommand = readonly [name: string, ...args: string[]];

const refusedCommands = new Map<string, string>();
const refuse = (names: string[], reason: string) => {
  for (const name of names) refusedCommands.set(name, reason);
};

// A blocking command would hold a pooled connection hostage for its whole
// timeout and stall every request queued behind it on that connection.
refuse(
  ["BLPOP", "BRPOP", "BRPOPLPUSH", "BLMOVE", "BLMPOP", "BZPOPMIN", "BZPOPMAX", "BZMPOP", "WAIT", "WAITAOF"],
  "blocking commands are not supported over REST; use the non-blocking form (LPOP, ZPOPMIN, XREAD without BLOCK, ...)",
);
refuse(
  ["SUBSCRIBE", "PSUBSCRIBE", "SSUBSCRIBE", "UNSUBSCRIBE", "PUNSUBSCRIBE", "SUNSUBSCRIBE", "MONITOR", "SYNC", "PSYNC"],
  "commands that turn a connection into a stream are not supported over REST",
);
refuse(
  ["MULTI", "EXEC", "DISCARD", "WATCH", "UNWATCH"],
  "transactions are sent as one request to /multi-exec, not command by command",
);
refuse(
  ["SELECT", "SWAPDB", "QUIT", "RESET", "HELLO", "AUTH"],
  "commands that change connection state are not supported over REST (connections are shared)",
);

const refusedClientSubcommands = new Set(["KILL", "PAUSE", "UNPAUSE", "REPLY", "TRACKING", "SETNAME", "NO-EVICT", "NO-TOUCH", "CACHING"]);

/** Checks that a JSON value is a command array and turns it into strings. */
export function parseCommand(value: unknown): RedisCommand {
  if (!Array.isArray(value) || value.length === 0) {
    throw new CommandRejectedError("ERR a command is a non-empty JSON array, e.g. [\"SET\", \"key\", \"value\"]");
  }
  const parts: string[] = [];
  for (const part of value) {
    if (typeof part === "string") parts.push(part);
    else if (typeof part === "number" || typeof part === "boolean") parts.push(String(part));
    else throw new CommandRejectedError(`ERR command arguments must be strings or numbers, got ${part === null ? "null" : typeof part}`);
  }
  const [name, ...args] = parts as [string, ...string[]];
  const upper = name.toUpperCase();
  const reason = refusedCommands.get(upper);
  if (reason) throw new CommandRejectedError(`ERR ${upper} is refused: ${reason}`);
  if (upper === "CLIENT" && refusedClientSubcommands.has((args[0] ?? "").toUpperCase())) {
    throw new CommandRejectedError(`ERR CLIENT ${(args[0] ?? "").toUpperCase()} is refused: connections are shared`);
  }
  if ((upper === "XREAD" || upper === "XREADGROUP") && hasBlockOption(args)) {
    throw new CommandRejectedError(`ERR ${upper} with BLOCK is refused: ${refusedCommands.get("BLPOP")}`);
  }
  // Upper-case names also keep ioredis from reshaping replies (it turns a
  // lower-case "hgetall" into an object), so every reply stays as Redis sent it.
  return [upper, ...args];
}

/** Checks that a JSON value is a non-empty array of commands. */
export function parseCommandList(value: unknown): RedisCommand[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw new CommandRejectedError("ERR a pipeline or transaction is a non-empty JSON array of command arrays");
  }
  return value.map(parseCommand);
}

function hasBlockOption(args: string[]): boolean {
  for (const arg of args) {
    const upper = arg.toUpperCase();
    if (upper === "STREAMS") return false;
    if (upper === "BLOCK") return true;
  }
  return false;
}
