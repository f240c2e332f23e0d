import { createHash } from "node:crypto";
import { encodeReply, type JsonReply, type RedisExecutor, type RedisReply } from "@hop/redis-protocol";
import type { Redis } from "@upstash/redis";

/** A Lua script named by the SHA1 of its text, computed once: runs send EVALSHA, and the text only when Redis lacks it. */
export interface LuaScript {
  readonly text: string;
  readonly sha: string;
}

export function luaScript(text: string): LuaScript {
  return { text, sha: createHash("sha1").update(text).digest("hex") };
}

/** The TCP executor behind each client createRedisClient made with TCP (HTTP clients have none). */
const executors = new WeakMap<Redis, RedisExecutor>();

export function registerScriptExecutor(redis: Redis, executor: RedisExecutor): void {
  executors.set(redis, executor);
}

/**
 * Runs a script. Over TCP the EVALSHA goes straight to the executor: the
 * redirect runs one script per visit, and @upstash/redis's Command (class
 * fields, one serialisation per argument), the REST request's validation and
 * the reply's re-encoding cost more web CPU than the write itself. Over HTTP
 * it goes through @upstash/redis as any command. Rejects like any command
 * when Redis is away.
 */
export function runLuaScript(redis: Redis, script: LuaScript, keys: readonly string[], args: readonly string[]): Promise<unknown> {
  const executor = executors.get(redis);
  if (!executor) return runOverClient(redis, script, keys, args);
  // Not async: one promise fewer on every redirect.
  const command: [name: string, ...args: string[]] = ["EVALSHA", script.sha, String(keys.length)];
  for (const key of keys) command.push(key);
  for (const arg of args) command.push(arg);
  return executor.run(command).then(asUtf8Reply, (error: unknown) => {
    if (!isNoScript(error)) throw error;
    return executor.run(["EVAL", script.text, ...command.slice(2)]).then(asUtf8Reply);
  });
}

const asUtf8Reply = (reply: RedisReply) => encodeReply(reply, "utf8");

/**
 * Runs one command and answers its reply as text (strings as UTF-8, as a client made with `rawReplies: true` reads
 * them). Over TCP it goes straight to the executor, as runLuaScript does: the worker's stream reads carry a thousand
 * entries each, and @upstash/redis's REST emulation (the request's validation, the reply re-encoded for JSON and
 * walked again by the client) cost the worker more CPU than the read itself. Over HTTP it goes through @upstash/redis.
 * Rejects with Redis's own error text either way (e.g. NOGROUP).
 */
export async function runRedisCommand(redis: Redis, command: readonly [name: string, ...args: (string | number)[]]): Promise<JsonReply> {
  const executor = executors.get(redis);
  if (!executor) return redis.exec<JsonReply>([...command]);
  const [name, ...args] = command;
  return encodeReply(await executor.run([name, ...args.map(String)]), "utf8");
}

async function runOverClient(redis: Redis, script: LuaScript, keys: readonly string[], args: readonly string[]): Promise<unknown> {
  try {
    return await redis.evalsha(script.sha, [...keys], [...args]);
  } catch (error) {
    if (!isNoScript(error)) throw error;
    return redis.eval(script.text, [...keys], [...args]);
  }
}

function isNoScript(error: unknown): boolean {
  return error instanceof Error && /NOSCRIPT/i.test(error.message);
}
