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
  "commands that turn a connection into a stream are not supported over REST (subscribe through /subscribe/<channel> or /psubscribe/<pattern>)",
);
refuse(["MULTI", "EXEC", "DISCARD", "WATCH", "UNWATCH"], "transactions are sent as one request to /multi-exec, not command by command");
refuse(["SELECT", "SWAPDB", "QUIT", "RESET", "HELLO", "AUTH"], "commands that change connection state are not supported over REST (connections are shared)");

// A token is for data, not for running the server: Upstash refuses these to
// its token holders too. FLUSHDB and FLUSHALL stay (the client offers them).
const administrationReason = "server administration is not available to a token holder";
refuse(
  ["SHUTDOWN", "DEBUG", "MODULE", "REPLICAOF", "SLAVEOF", "FAILOVER", "MIGRATE", "BGSAVE", "SAVE", "BGREWRITEAOF", "CLUSTER", "PFDEBUG", "PFSELFTEST"],
  administrationReason,
);
const connectionSharedReason = "connections are shared";
/** Subcommands refused where the command itself has harmless ones (CONFIG GET, ACL WHOAMI, SLOWLOG GET). */
const refusedSubcommands = new Map<string, { names: Set<string>; allowOnly?: boolean; reason: string }>([
  [
    "CLIENT",
    { names: new Set(["KILL", "PAUSE", "UNPAUSE", "REPLY", "TRACKING", "SETNAME", "NO-EVICT", "NO-TOUCH", "CACHING"]), reason: connectionSharedReason },
  ],
  ["CONFIG", { names: new Set(["GET", "HELP"]), allowOnly: true, reason: administrationReason }],
  ["ACL", { names: new Set(["WHOAMI", "CAT"]), allowOnly: true, reason: administrationReason }],
  ["SLOWLOG", { names: new Set(["RESET"]), reason: administrationReason }],
  ["LATENCY", { names: new Set(["RESET"]), reason: administrationReason }],
]);

/** Checks that a JSON value is a command array and turns it into strings. */
export function parseCommand(value: unknown): RedisCommand {
  if (!Array.isArray(value) || value.length === 0) {
    throw new CommandRejectedError('ERR a command is a non-empty JSON array, e.g. ["SET", "key", "value"]');
  }
  const parts: string[] = [];
  for (const part of value) {
    if (typeof part === "string") parts.push(part);
    else if (typeof part === "number" || typeof part === "boolean") parts.push(String(part));
    else throw new CommandRejectedError(`ERR command arguments must be strings or numbers, got ${part === null ? "null" : typeof part}`);
  }
  const [name, ...args] = parts as [string, ...string[]];
  const upper = name.toUpperCase();
  const subcommands = refusedSubcommands.get(upper);
  if (subcommands) {
    const subcommand = (args[0] ?? "").toUpperCase();
    if (subcommands.names.has(subcommand) !== Boolean(subcommands.allowOnly)) {
      throw new CommandRejectedError(`ERR ${upper} ${subcommand} is refused: ${subcommands.reason}`);
    }
  }
  const reason = refusedCommands.get(upper);
  if (reason) throw new CommandRejectedError(`ERR ${upper} is refused: ${reason}`);
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
