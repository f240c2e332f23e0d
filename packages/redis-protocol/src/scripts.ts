import { createHash } from "node:crypto";

/** The SHA1 Redis (and every client) uses to name a Lua script. */
export const scriptSha = (script: string): string => createHash("sha1").update(script).digest("hex");

/**
 * Upstash accepts a `#!lua flags=...` first line that stock Redis 7 rejects
 * (@upstash/ratelimit starts every script with one). Returns the script Redis
 * can run.
 */
export function stripShebang(script: string): string {
  if (!script.startsWith("#!")) return script;
  const newline = script.indexOf("\n");
  return newline === -1 ? "" : script.slice(newline + 1);
}

export interface KnownScript {
  /** The SHA1 of the script as the client wrote it, which the client uses in EVALSHA. */
  readonly clientSha: string;
  /** The SHA1 of the script Redis actually holds. */
  readonly redisSha: string;
  readonly body: string;
}

const maxKnownScripts = 1_000;

/**
 * Maps the SHA1 a client computed from its original text to the script Redis
 * holds. It is a per-process cache of names, not of scripts: an instance that
 * does not know a SHA, or whose Redis lost the script, answers NOSCRIPT exactly
 * as Redis would, and the client's EVAL (or SCRIPT LOAD) teaches it again.
 */
export class ScriptRegistry {
  readonly #byClientSha = new Map<string, KnownScript>();

  /** Records a script the client sent in full; returns how Redis knows it. */
  learn(originalScript: string): KnownScript {
    const clientSha = scriptSha(originalScript);
    const known = this.#byClientSha.get(clientSha);
    if (known) return known;
    const body = stripShebang(originalScript);
    const script: KnownScript = { clientSha, redisSha: body === originalScript ? clientSha : scriptSha(body), body };
    if (this.#byClientSha.size >= maxKnownScripts) {
      const oldest = this.#byClientSha.keys().next().value;
      if (oldest !== undefined) this.#byClientSha.delete(oldest);
    }
    this.#byClientSha.set(clientSha, script);
    return script;
  }

  find(clientSha: string): KnownScript | undefined {
    return this.#byClientSha.get(clientSha.toLowerCase());
  }

  forgetAll(): void {
    this.#byClientSha.clear();
  }
}
