import { hashApiKey } from "@hop/auth";
import { createDatabase, type Database } from "@hop/db";
import { createRedisClient, redisKeys, type RedisClient } from "@hop/redis";
import { createTestDatabase, objectShape, sampleValid, startRedisServer, type RedisServer } from "@hop/test-harness";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appProcedures, callProcedure, databaseFingerprint, outcomeOf, signedInCaller, type ProcedureEntry } from "./support/procedures";

// Every procedure that takes an id, found by walking appRouter (a procedure
// added tomorrow is walked too): called by another user with the owner's id,
// it answers NOT_FOUND and changes nothing, whatever state the thing is in.
let redisServer: RedisServer;
let redis: RedisClient;
let db: Database;

beforeAll(async () => {
  redisServer = await startRedisServer();
  redis = createRedisClient({ REDIS_URL: redisServer.url });
  db = createDatabase(await createTestDatabase());
});
afterAll(async () => {
  await db?.$disconnect();
  await redis?.close();
  await redisServer?.dispose();
});

/** A field that names one thing: `id`, `linkId`, `sessionId`, ... */
const idField = /^(id|[a-zA-Z]+Id)$/;

interface OwnedThing {
  /** "a live link", "a deleted link" */
  state: string;
  id: string;
  /** Everything about it that another user's call must leave as it was (beside the database). */
  read(): Promise<unknown>;
}

type Owner = { userId: string; sessionId: string };

/**
 * How to make something of the owner's for an id field. A procedure with an
 * id field that no entry covers fails below: add its kind here.
 */
const ownedThings: Array<{ matches: (path: string, field: string) => boolean; make: (owner: Owner) => Promise<OwnedThing[]> }> = [
  {
    matches: (path, field) => path.startsWith("links.") && (field === "id" || field === "linkId"),
    make: async (owner) => {
      const { caller } = await signedInCaller({ db, redis: redis.redis }, owner.userId);
      const live = await caller.links.create({ url: "https://example.com/owned", title: "Owned", password: "open sesame", tags: ["mine"] });
      const deleted = await caller.links.create({ url: "https://example.com/owned-deleted", tags: ["mine"] });
      await caller.links.delete({ id: deleted.id });
      const read = (slug: string) => async () => ({ cache: await redis.redis.get<unknown>(redisKeys.link(slug)) });
      return [
        { state: "a live link", id: live.id, read: read(live.slug) },
        { state: "a deleted link (still restorable)", id: deleted.id, read: read(deleted.slug) },
      ];
    },
  },
  {
    matches: (path, field) => path.startsWith("webhooks.") && (field === "id" || field === "endpointId"),
    make: async (owner) => {
      const { caller } = await signedInCaller({ db, redis: redis.redis }, owner.userId);
      const live = await caller.webhooks.create({ url: "https://hooks.example.com/owned", events: ["link.created"] });
      const disabled = await caller.webhooks.create({ url: "https://hooks.example.com/owned-disabled", events: ["link.clicked"] });
      await caller.webhooks.update({ id: disabled.id, enabled: false });
      return [
        { state: "an endpoint", id: live.id, read: async () => null },
        { state: "a disabled endpoint", id: disabled.id, read: async () => null },
      ];
    },
  },
  {
    matches: (path, field) => path.startsWith("webhooks.") && field === "deliveryId",
    make: async (owner) => {
      const { caller } = await signedInCaller({ db, redis: redis.redis }, owner.userId);
      const endpoint = await caller.webhooks.create({ url: "https://hooks.example.com/delivered", events: ["link.created"] });
      const { deliveryId } = await caller.webhooks.sendTest({ id: endpoint.id });
      return [{ state: "a queued delivery", id: deliveryId, read: async () => null }];
    },
  },
  {
    matches: (path, field) => path.startsWith("tags.") && field === "id",
    make: async (owner) => {
      const { caller } = await signedInCaller({ db, redis: redis.redis }, owner.userId);
      const tag = await caller.tags.create({ name: "owned", color: "blue" });
      return [{ state: "a tag", id: tag.id, read: async () => null }];
    },
  },
  {
    matches: (path, field) => path.startsWith("apiKeys.") && field === "id",
    make: async (owner) => {
      const { caller } = await signedInCaller({ db, redis: redis.redis }, owner.userId);
      const created = await caller.apiKeys.create({ name: "Owned key", scopes: ["links:read"] });
      return [{ state: "a live API key", id: created.id, read: () => redis.redis.get<unknown>(redisKeys.apiKey(hashApiKey(created.key))) }];
    },
  },
  {
    matches: (path, field) => path.startsWith("imports.") && field === "id",
    make: async (owner) => {
      // Made in the database (a started import would also queue its job): one still running, one done with a failed row.
      const file = { source: "csv", fileName: "links.csv", content: "url\nhttps://example.com/imported\n", totalRows: 1 };
      const running = await db.import.create({ data: { ...file, userId: owner.userId, status: "RUNNING", startedAt: new Date() } });
      const done = await db.import.create({ data: { ...file, userId: owner.userId, status: "SUCCEEDED", failedRows: 1, finishedAt: new Date() } });
      return [
        { state: "a running import", id: running.id, read: async () => null },
        { state: "a finished import", id: done.id, read: async () => null },
      ];
    },
  },
  {
    matches: (path, field) => path.startsWith("exports.") && field === "id",
    make: async (owner) => {
      // Made in the database (exports.create would also queue its job): one being written, one ready with its file.
      const base = { userId: owner.userId, kind: "links", format: "csv", fileName: "hop-links.csv", expiresAt: new Date(Date.now() + 86_400_000) };
      const running = await db.export.create({ data: { ...base, status: "RUNNING", runId: "run-1", startedAt: new Date() } });
      const ready = await db.export.create({
        data: { ...base, status: "READY", runId: "run-2", rows: 1, bytes: 3, chunks: { create: { runId: "run-2", seq: 0, data: Buffer.from("abc") } } },
      });
      return [
        { state: "an export being written", id: running.id, read: async () => null },
        { state: "a ready export", id: ready.id, read: async () => null },
      ];
    },
  },
  {
    matches: (path, field) => path.startsWith("auth.") && field === "sessionId",
    make: async (owner) => [{ state: "a live session", id: owner.sessionId, read: () => redis.redis.hgetall(redisKeys.session(owner.sessionId)) }],
  },
];

/** Id fields that name nothing a user owns, and why. */
const notOwned: Record<string, string> = {
  "system.probe:probeId": "a probe is an operator's diagnostic, owned by no user (the system router's own access rule covers it)",
};

const withIds = appProcedures().flatMap((procedure) =>
  Object.keys((procedure.input && objectShape(procedure.input)) ?? {})
    .filter((field) => idField.test(field))
    .map((field) => ({ procedure, field })),
);

async function newUser(label: string): Promise<Owner> {
  const user = await db.user.create({ data: { email: `${label}-${Math.random().toString(36).slice(2)}@example.com`, passwordHash: "unused" } });
  const { sessionId } = await signedInCaller({ db, redis: redis.redis }, user.id);
  return { userId: user.id, sessionId };
}

describe("another user's id", () => {
  it("is found in the router: the procedures that take an id are walked, links.restore among them", () => {
    expect(withIds.map(({ procedure, field }) => `${procedure.path}:${field}`)).toEqual(
      expect.arrayContaining(["links.get:id", "links.update:id", "links.delete:id", "links.restore:id", "links.stats:id", "auth.revokeSession:sessionId"]),
    );
  });

  it.each(withIds.map(({ procedure, field }) => [`${procedure.path} (${field})`, procedure, field] as [string, ProcedureEntry, string]))(
    "%s answers NOT_FOUND and changes nothing",
    async (_name, procedure, field) => {
      const key = `${procedure.path}:${field}`;
      const kind = ownedThings.find((candidate) => candidate.matches(procedure.path, field));
      if (!kind) {
        expect(notOwned[key], `${key} takes an id but no test makes a thing of its kind: add it to ownedThings (or to notOwned, with why)`).toBeTruthy();
        return;
      }
      const owner = await newUser("owner");
      const intruder = await newUser("intruder");
      const { caller } = await signedInCaller({ db, redis: redis.redis }, intruder.userId);
      for (const thing of await kind.make(owner)) {
        // Everything else in the input is valid, so that only the owner check can stop the call.
        const input = { ...(sampleValid(procedure.input!) as Record<string, unknown>), [field]: thing.id };
        expect(procedure.input!.safeParse(input).success, `${key}: the generated input should be valid`).toBe(true);
        const before = { database: await databaseFingerprint(db), thing: await thing.read() };
        const outcome = await outcomeOf(callProcedure(caller, procedure.path, input));
        expect(outcome.ok ? "answered" : outcome.error.code, `${key} on ${thing.state} of another user`).toBe("NOT_FOUND");
        expect({ database: await databaseFingerprint(db), thing: await thing.read() }, `${key} changed ${thing.state} of another user`).toEqual(before);
      }
    },
  );
});
