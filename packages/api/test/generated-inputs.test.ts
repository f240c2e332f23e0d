import { createDatabase, type Database } from "@hop/db";
import { createRedisClient, redisKeys, type RedisClient } from "@hop/redis";
import {
  createTestDatabase,
  junkFor,
  junkInputs,
  leavesOf,
  sampleAround,
  sampleValid,
  startRedisServer,
  withValueAt,
  type InputPath,
  type RedisServer,
} from "@hop/test-harness";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appProcedures, callProcedure, databaseFingerprint, outcomeOf, resetRateLimits, signedInCaller, type ProcedureEntry } from "./support/procedures";

// Issue 11, "how it is proven": every procedure of appRouter (walked from the
// router, so a new one is included), called as a signed-in user with inputs
// generated from its own zod schema: valid ones, then each field replaced by
// values around and outside its rules (long, empty, NUL and other control
// characters, wrong types, huge numbers, nested junk), then random values
// (fast-check). Never a 5xx, and a refused call writes nothing.
let redisServer: RedisServer;
let redis: RedisClient;
let db: Database;
let userId: string;
let ownLinkId: string;

beforeAll(async () => {
  redisServer = await startRedisServer();
  redis = createRedisClient({ REDIS_URL: redisServer.url });
  db = createDatabase(await createTestDatabase());
  userId = (await db.user.create({ data: { email: "fuzz-owner@example.com", passwordHash: "unused" } })).id;
  const { caller } = await signedInCaller({ db, redis: redis.redis }, userId);
  ownLinkId = (await caller.links.create({ url: "https://example.com/fuzz-target", slug: "fuzz-own", tags: ["fuzz"] })).id;
});
afterAll(async () => {
  await db?.$disconnect();
  await redis?.close();
  await redisServer?.dispose();
});

const procedures = appProcedures();

/** The id fields point at the caller's own link, so that the call reaches the database. */
function withOwnIds(sample: unknown): unknown {
  if (sample && typeof sample === "object" && !Array.isArray(sample) && "id" in sample) return { ...sample, id: ownLinkId };
  return sample;
}

/** A valid input for the procedure, every optional field included. */
function baseInput(procedure: ProcedureEntry): unknown {
  return procedure.input ? withOwnIds(sampleValid(procedure.input)) : undefined;
}

/** A valid input with the required fields and the one that holds `path`. */
function baseAround(procedure: ProcedureEntry, path: InputPath): unknown {
  return procedure.input ? withOwnIds(sampleAround(procedure.input, path)) : undefined;
}

let calls = 0;
let current: Awaited<ReturnType<typeof signedInCaller>> | undefined;

/**
 * One call as the signed-in user from a fresh address, rate-limit counters
 * forgotten (so every call reaches the code behind the limits), on a new
 * session when the last call ended it (sign-out, revocations). Returns what
 * went wrong, or null.
 */
async function check(procedure: ProcedureEntry, input: unknown): Promise<string | null> {
  calls++;
  await resetRateLimits(redis.redis, redisKeys.rateLimit("*"));
  if (!current || !(await redis.redis.exists(redisKeys.session(current.sessionId)))) {
    current = await signedInCaller({ db, redis: redis.redis }, userId, `198.51.100.${calls % 250}`);
  }
  const before = await databaseFingerprint(db);
  const outcome = await outcomeOf(callProcedure(current.caller, procedure.path, input));
  const shown = describeInput(input);
  if (!outcome.ok && outcome.status >= 500) {
    return `${procedure.path}(${shown}) answered ${outcome.status} ${outcome.error.code}: ${String(outcome.error.cause ?? outcome.error.message).slice(0, 300)}`;
  }
  if (!outcome.ok) {
    const after = await databaseFingerprint(db);
    const changed = Object.keys(after).filter((table) => after[table] !== before[table]);
    if (changed.length > 0) return `${procedure.path}(${shown}) was refused (${outcome.error.code}) but changed ${changed.join(", ")}`;
  }
  return null;
}

function describeInput(input: unknown): string {
  try {
    const text = JSON.stringify(input, (_key, value: unknown) =>
      typeof value === "string" && value.length > 40 ? `${value.slice(0, 20)}…(${value.length})` : value,
    );
    return (text ?? String(input)).slice(0, 200);
  } catch {
    // A BigInt inside an object without a prototype: neither JSON nor String() can show it.
    return Object.prototype.toString.call(input);
  }
}

describe("generated inputs on every procedure", () => {
  it("walks the whole router", () => {
    expect(procedures.map((procedure) => procedure.path)).toEqual(
      expect.arrayContaining(["auth.signUp", "auth.signIn", "links.create", "links.update", "links.list", "links.restore"]),
    );
  });

  it.each(procedures.filter((procedure) => procedure.input).map((procedure) => [procedure.path, procedure] as const))(
    "%s: the generated valid input is valid (else teach sampleValid, or the test below proves little)",
    (_path, procedure) => {
      const parsed = procedure.input!.safeParse(baseInput(procedure));
      expect(parsed.error?.issues ?? []).toEqual([]);
    },
  );

  it.each(procedures.map((procedure) => [procedure.path, procedure] as const))(
    "%s: each field around and outside its rules, and whole inputs of the wrong kind: never a 5xx, nothing written when refused",
    async (_path, procedure) => {
      const problems: string[] = [];
      const base = baseInput(procedure);
      const note = (problem: string | null) => {
        if (problem) problems.push(problem);
      };
      note(await check(procedure, base));
      for (const junk of junkInputs) note(await check(procedure, junk));
      if (procedure.input) {
        for (const leaf of leavesOf(procedure.input)) {
          const around = baseAround(procedure, leaf.path);
          for (const junk of junkFor(leaf)) note(await check(procedure, withValueAt(around, leaf.path, junk)));
        }
        note(await check(procedure, { ...(base as object), unexpected: { nested: ["junk", { deeper: "\u0000" }] } }));
      }
      expect(problems).toEqual([]);
    },
    120_000,
  );

  it.each(procedures.filter((procedure) => procedure.input).map((procedure) => [procedure.path, procedure] as const))(
    "%s: random values in random fields (fast-check): never a 5xx, nothing written when refused",
    async (_path, procedure) => {
      const leaves = leavesOf(procedure.input!);
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...leaves),
          fc.oneof(
            fc.anything({ maxDepth: 3, withBigInt: true, withDate: true, withNullPrototype: true, withSparseArray: true }),
            fc.string({ unit: "binary", maxLength: 300 }),
          ),
          async (leaf, value) => {
            const problem = await check(procedure, withValueAt(baseAround(procedure, leaf.path), leaf.path, value));
            expect(problem).toBeNull();
          },
        ),
        { numRuns: 40, ...(process.env.FUZZ_SEED ? { seed: Number(process.env.FUZZ_SEED) } : {}) },
      );
    },
    120_000,
  );
});
