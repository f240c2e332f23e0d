import type { AppRouter } from "@hop/api";
import { createDatabase, type Database } from "@hop/db";
import { CleanupStack } from "@hop/test-harness";
import { TRPCClientError, type TRPCClient } from "@trpc/client";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startCluster, waitFor, type Cluster } from "../support/cluster";
import { createCookieClient } from "../support/http-session";
import { startWebhookReceiver, type ReceivedWebhook, type WebhookReceiver } from "../support/webhook-receiver";

/**
 * Webhooks (issue 17) on two web and two worker processes: each delivery is
 * verified here with the `standardwebhooks` library; a failing receiver sees
 * the retries (same webhook-id, growing gaps) and the endpoint disabled with
 * its reason; redeliver works; clicks arrive batched, one delivery per second.
 */
const cleanup = new CleanupStack();
let cluster: Cluster;
let db: Database;
let receiver: WebhookReceiver;
let api: (web: number) => TRPCClient<AppRouter>;

beforeAll(async () => {
  receiver = await startWebhookReceiver();
  cleanup.defer(() => receiver.close());
  cluster = await startCluster({
    web: 2,
    workers: 2,
    env: {
      // The receiver is on loopback; private and link-local addresses stay refused.
      METADATA_FETCH_ALLOW_LOOPBACK: "true",
      WEBHOOK_RETRY_BASE_MS: "400",
      WEBHOOK_MAX_ATTEMPTS: "5",
      WEBHOOK_DISABLE_AFTER_FAILURES: "3",
    },
  });
  cleanup.defer(() => cluster.stop());
  db = createDatabase(cluster.env.DATABASE_URL!);
  cleanup.defer(() => db.$disconnect());
  const cookie = await cluster.signIn("hooked@example.com");
  const client = createCookieClient(async () => cookie);
  api = (web) => client.api(cluster.webs[web]!.url!);
}, 180_000);
afterAll(() => cleanup.run());

/** The parsed body after `standardwebhooks` verified it with `secret` (throws when the signature does not match). */
function verified(request: ReceivedWebhook, secret: string): { type: string; timestamp: string; data: Record<string, unknown> } {
  return new Webhook(secret).verify(request.body, request.headers) as { type: string; timestamp: string; data: Record<string, unknown> };
}

describe("webhooks across processes", () => {
  it("link.created, link.updated and link.deleted arrive signed, in the delivery log as delivered", async () => {
    const endpoint = await api(0).webhooks.create.mutate({ url: receiver.url("/links"), events: ["link.created", "link.updated", "link.deleted"] });
    expect(endpoint.secret).toMatch(/^whsec_/);
    const link = await api(0).links.create.mutate({ url: "https://example.com/hooked", slug: "hooked" });
    await api(1).links.update.mutate({ id: link.id, title: "Hooked" });
    await api(0).links.delete.mutate({ id: link.id });

    const requests = await waitFor(
      async () => receiver.at("/links"),
      (got) => got.length >= 3,
      20_000,
    );
    const bodies = requests.map((request) => verified(request, endpoint.secret));
    // Each event is its own job; two workers may send two of them at once, so compare as a set.
    expect(bodies.map((body) => body.type).sort()).toEqual(["link.created", "link.deleted", "link.updated"]);
    expect(bodies.every((body) => body.data.id === link.id && body.data.slug === "hooked")).toBe(true);
    expect(bodies.find((body) => body.type === "link.updated")?.data.title).toBe("Hooked");
    // A tampered body or another secret does not verify.
    expect(() => new Webhook(endpoint.secret).verify(`${requests[0]!.body} `, requests[0]!.headers)).toThrow();

    const log = await waitFor(
      () => api(1).webhooks.deliveries.query({ endpointId: endpoint.id }),
      (rows) => rows.length === 3 && rows.every((row) => row.status === "SUCCEEDED"),
      10_000,
    );
    expect(log.map((row) => [row.attempts, row.responseStatus, row.responseExcerpt])).toEqual([
      [1, 200, "thanks"],
      [1, 200, "thanks"],
      [1, 200, "thanks"],
    ]);
    expect(new Set(requests.map((request) => request.headers["webhook-id"]))).toEqual(new Set(log.map((row) => row.id)));
    await api(0).webhooks.delete.mutate({ id: endpoint.id });
  });

  it("refuses bad endpoints with a clear error, creating nothing", async () => {
    const before = await db.webhookEndpoint.count();
    for (const input of [
      { url: "ftp://hooks.example.com/x", events: ["link.created" as const] },
      { url: "https://user:pw@hooks.example.com/x", events: ["link.created" as const] },
      { url: "not a url", events: ["link.created" as const] },
      { url: "https://hooks.example.com/x", events: [] },
    ]) {
      const error = await api(0)
        .webhooks.create.mutate(input)
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(TRPCClientError);
      expect((error as TRPCClientError<AppRouter>).data?.httpStatus).toBe(400);
    }
    expect(await db.webhookEndpoint.count()).toBe(before);
  });

  it("a rotated secret: the test event verifies with the new secret and, during the grace, with the old one", async () => {
    const endpoint = await api(0).webhooks.create.mutate({ url: receiver.url("/rotated"), events: ["link.deleted"] });
    const rotated = await api(1).webhooks.rotateSecret.mutate({ id: endpoint.id });
    expect(rotated.secret).not.toBe(endpoint.secret);
    expect(rotated.previousSecretExpiresAt!.getTime()).toBeGreaterThan(Date.now());
    await api(0).webhooks.sendTest.mutate({ id: endpoint.id });
    const [request] = await waitFor(
      async () => receiver.at("/rotated"),
      (got) => got.length >= 1,
      20_000,
    );
    expect(verified(request!, rotated.secret).type).toBe("webhook.test");
    expect(verified(request!, endpoint.secret).type).toBe("webhook.test");
    await api(0).webhooks.delete.mutate({ id: endpoint.id });
  });

  it("a failing receiver sees the retries with growing gaps, then the endpoint disabled with the reason; redeliver works once it is back", async () => {
    receiver.answer("/failing", 503);
    const endpoint = await api(0).webhooks.create.mutate({ url: receiver.url("/failing"), events: ["link.created"] });
    const link = await api(1).links.create.mutate({ url: "https://example.com/failing", slug: "failing" });

    const disabled = await waitFor(
      async () => (await api(0).webhooks.list.query()).find((row) => row.id === endpoint.id)!,
      (row) => row.disabledAt !== null,
      30_000,
      200,
    );
    expect(disabled.disabledReason).toBe("Disabled after 3 failed attempts in a row (the last: HTTP 503)");
    const attempts = receiver.at("/failing");
    expect(attempts).toHaveLength(3);
    // The same message each time (one webhook-id), each correctly signed.
    expect(new Set(attempts.map((request) => request.headers["webhook-id"])).size).toBe(1);
    for (const request of attempts) expect(verified(request, endpoint.secret).data.id).toBe(link.id);
    // Exponential backoff: 400 ms, then 1,600 ms (each at least, whatever the machine's load).
    const gaps = [attempts[1]!.receivedAt - attempts[0]!.receivedAt, attempts[2]!.receivedAt - attempts[1]!.receivedAt];
    expect(gaps[0]).toBeGreaterThanOrEqual(400);
    expect(gaps[1]).toBeGreaterThanOrEqual(1_600);
    const [failed] = await api(0).webhooks.deliveries.query({ endpointId: endpoint.id });
    expect(failed).toMatchObject({ status: "FAILED", attempts: 3, responseStatus: 503, responseExcerpt: "receiver says no (503)" });

    // Disabled: a new event makes no delivery, and redeliver is refused with the reason.
    await api(0).links.create.mutate({ url: "https://example.com/ignored", slug: "ignored-by-hook" });
    expect(await db.webhookDelivery.count({ where: { endpointId: endpoint.id } })).toBe(1);
    await expect(api(0).webhooks.redeliver.mutate({ deliveryId: failed!.id })).rejects.toThrow(/disabled/);

    // The receiver is back, the owner enables the endpoint and redelivers: the same message arrives, verified.
    receiver.answer("/failing", 204);
    await api(1).webhooks.update.mutate({ id: endpoint.id, enabled: true });
    await api(0).webhooks.redeliver.mutate({ deliveryId: failed!.id });
    const redelivered = await waitFor(
      async () => receiver.at("/failing"),
      (got) => got.length >= 4,
      20_000,
    );
    expect(redelivered[3]!.headers["webhook-id"]).toBe(failed!.id);
    expect(verified(redelivered[3]!, endpoint.secret).data.id).toBe(link.id);
    await waitFor(
      () => api(1).webhooks.deliveries.query({ endpointId: endpoint.id }),
      (rows) => rows[0]?.status === "SUCCEEDED" && rows[0].attempts === 4 && rows[0].responseStatus === 204,
      10_000,
    );
    await api(0).webhooks.delete.mutate({ id: endpoint.id });
  });

  it("an endpoint on a private address is never connected to: disabled at once with the reason", async () => {
    // A literal private address is refused before any connection is made (no packet leaves the machine).
    const endpoint = await api(0).webhooks.create.mutate({ url: "http://10.255.255.1/hook", events: ["link.created"] });
    await api(0).webhooks.sendTest.mutate({ id: endpoint.id });
    const row = await waitFor(
      async () => (await api(1).webhooks.list.query()).find((candidate) => candidate.id === endpoint.id)!,
      (candidate) => candidate.disabledAt !== null,
      20_000,
    );
    expect(row.disabledReason).toBe("Disabled: The page's address is not a public one, so Hop does not fetch it");
    await api(0).webhooks.delete.mutate({ id: endpoint.id });
  });

  it("link.clicked: clicks on two web instances arrive batched, every click once, at most one delivery per second", async () => {
    const endpoint = await api(0).webhooks.create.mutate({ url: receiver.url("/clicks"), events: ["link.clicked"] });
    const link = await api(0).links.create.mutate({ url: "https://example.com/clicked", slug: "clicked" });
    const visits = 24;
    for (let i = 0; i < visits; i++) {
      const response = await fetch(`${cluster.webs[i % 2]!.url}/clicked`, {
        redirect: "manual",
        headers: { "user-agent": "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0" },
      });
      expect(response.status).toBe(302);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const clicksOf = (requests: ReceivedWebhook[]) =>
      requests.flatMap((request) => verified(request, endpoint.secret).data.clicks as Array<{ eventId: string; slug: string }>);
    const requests = await waitFor(
      async () => receiver.at("/clicks"),
      (got) => clicksOf(got).length >= visits,
      30_000,
    );
    const clicks = clicksOf(requests);
    expect(clicks).toHaveLength(visits);
    expect(new Set(clicks.map((click) => click.eventId)).size).toBe(visits);
    expect(clicks.every((click) => click.slug === "clicked")).toBe(true);
    // 24 visits over about 2.4 s: a few deliveries, each made at least a second after the one before (its body's timestamp is when it was made).
    expect(requests.length).toBeLessThan(visits / 3);
    const made = requests.map((request) => Date.parse(verified(request, endpoint.secret).timestamp)).sort((a, b) => a - b);
    for (let i = 1; i < made.length; i++) expect(made[i]! - made[i - 1]!).toBeGreaterThanOrEqual(950);
    expect(link.slug).toBe("clicked");
    await api(0).webhooks.delete.mutate({ id: endpoint.id });
  });
});
