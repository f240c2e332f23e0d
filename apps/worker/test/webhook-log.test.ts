import { createDatabase, type Database } from "@hop/db";
import { createTestDatabase } from "@hop/test-harness";
import { pruneWebhookDeliveries } from "@hop/webhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// The webhook delivery log's hourly prune, on real PostgreSQL.
let db: Database | undefined;

beforeAll(async () => {
  db = createDatabase(await createTestDatabase());
});
afterAll(async () => {
  await db?.$disconnect();
});

describe("pruneWebhookDeliveries", () => {
  it("keeps the newest N finished deliveries per endpoint and none older than the retention, and never a pending one", async () => {
    const database = db!;
    const now = new Date("2026-12-01T12:00:00Z");
    const daysAgo = (days: number) => new Date(now.getTime() - days * 86_400_000);
    const user = await database.user.create({ data: { email: "hooks@example.com", passwordHash: "x" } });
    const endpoint = (name: string) =>
      database.webhookEndpoint.create({ data: { userId: user.id, url: `https://hooks.example/${name}`, events: ["link.created"], secret: "whsec_x" } });
    const [busy, quiet] = [await endpoint("busy"), await endpoint("quiet")];
    const delivery = (endpointId: string, name: string, createdAt: Date, status: "PENDING" | "SUCCEEDED" | "FAILED" = "SUCCEEDED") =>
      database.webhookDelivery.create({ data: { id: name, endpointId, eventType: "link.created", body: "{}", status, createdAt } });
    // Busy: six finished (one of them 40 days old) and an old pending one still being retried.
    for (const day of [1, 2, 3, 4, 5]) await delivery(busy.id, `busy-${day}`, daysAgo(day), day === 2 ? "FAILED" : "SUCCEEDED");
    await delivery(busy.id, "busy-old", daysAgo(40));
    await delivery(busy.id, "busy-pending", daysAgo(45), "PENDING");
    // Quiet: within the count, but one is past the retention.
    await delivery(quiet.id, "quiet-1", daysAgo(1));
    await delivery(quiet.id, "quiet-old", daysAgo(31), "FAILED");

    expect(await pruneWebhookDeliveries(database, { retentionDays: 30, keepPerEndpoint: 3 }, now)).toBe(4);
    const left = await database.webhookDelivery.findMany({ orderBy: { id: "asc" }, select: { id: true } });
    expect(left.map((row) => row.id)).toEqual(["busy-1", "busy-2", "busy-3", "busy-pending", "quiet-1"]);
    // Nothing more to do on the next run.
    expect(await pruneWebhookDeliveries(database, { retentionDays: 30, keepPerEndpoint: 3 }, now)).toBe(0);
  });
});
