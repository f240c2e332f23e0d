import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startCluster, type Cluster } from "../support/cluster";
import { createCookieClient } from "../support/http-session";

// The live stream (GET /api/live) as a rule of the processes: two web
// instances and two workers share nothing but Redis and PostgreSQL, yet a
// visit served by either instance, counted by either worker, reaches the
// owner's streams on both instances, and nobody else's.
let cluster: Cluster;
const owner = createCookieClient();
const stranger = createCookieClient();
const webUrl = (index: number) => cluster.webs[index]!.url!;

interface LiveStream {
  events: Array<{ event: string; data: unknown; at: number }>;
  status: number;
  close(): void;
}

/** Opens /api/live as EventSource would and collects its events. */
async function openStream(url: string, cookie: string | undefined): Promise<LiveStream> {
  const abort = new AbortController();
  const response = await fetch(`${url}/api/live`, { headers: cookie ? { cookie: `hop_session=${cookie}` } : {}, signal: abort.signal });
  const events: LiveStream["events"] = [];
  if (response.status === 200 && response.body) {
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    void (async () => {
      let buffered = "";
      for (;;) {
        const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true as const }));
        if (done) return;
        buffered += value;
        for (let end = buffered.indexOf("\n\n"); end !== -1; end = buffered.indexOf("\n\n")) {
          const block = buffered.slice(0, end);
          buffered = buffered.slice(end + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (event && data) events.push({ event, data: JSON.parse(data), at: Date.now() });
        }
      }
    })();
  } else await response.body?.cancel();
  return { events, status: response.status, close: () => abort.abort() };
}

const clicksOf = (stream: LiveStream, linkId: string) =>
  stream.events
    .filter((event) => event.event === "clicks")
    .reduce((sum, event) => sum + ((event.data as { links: Record<string, number> }).links[linkId] ?? 0), 0);

beforeAll(async () => {
  cluster = await startCluster({ web: 2, workers: 2, env: { METADATA_FETCH_ALLOW_LOOPBACK: "true" } });
  await owner.api(webUrl(0)).auth.signUp.mutate({ email: "live-owner@example.com", password: "correct horse battery" });
  await stranger.api(webUrl(1)).auth.signUp.mutate({ email: "live-stranger@example.com", password: "correct horse battery" });
}, 120_000);
afterAll(async () => {
  await cluster?.stop();
});

describe("GET /api/live", () => {
  it("refuses a request without a session, and one that is not a GET", async () => {
    const anonymous = await openStream(webUrl(0), undefined);
    expect(anonymous.status).toBe(401);
    const post = await fetch(`${webUrl(1)}/api/live`, { method: "POST", headers: { cookie: `hop_session=${owner.cookie}` } });
    expect(post.status).toBe(405);
  });

  it("tells the owner's streams on every instance, whichever instance served the visits and whichever worker counted them; nobody else's", async () => {
    // A target that answers nothing at once (connection refused): the worker's metadata fetch fails fast and offline.
    const link = await owner.api(webUrl(0)).links.create.mutate({ url: "http://127.0.0.1:9/live", slug: "live-rule" });
    const streams = await Promise.all([openStream(webUrl(0), owner.cookie), openStream(webUrl(1), owner.cookie), openStream(webUrl(0), stranger.cookie)]);
    try {
      for (const stream of streams) expect(stream.status).toBe(200);
      // Each stream says hello first (the browser refetches on it).
      await expect.poll(() => streams.every((stream) => stream.events[0]?.event === "hello")).toBe(true);
      const [onWeb1, onWeb2, strangers] = streams as [LiveStream, LiveStream, LiveStream];

      const agent = (index: number) => `Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${130 + index}.0 Safari/537.36`;
      for (let index = 0; index < 10; index++) {
        const response = await fetch(`${webUrl(index % 2)}/live-rule`, { redirect: "manual", headers: { "user-agent": agent(index) } });
        expect(response.status).toBe(302);
      }
      // The 2 s budget is measured by `pnpm bench:live` and asserted by the browser test; here, on a machine shared by
      // other work, delivery itself is the rule: every click, on both instances.
      await expect.poll(() => [clicksOf(onWeb1, link.id), clicksOf(onWeb2, link.id)], { timeout: 15_000, interval: 50 }).toEqual([10, 10]);
      // The stranger's stream carried nothing of the owner's links.
      expect(strangers.events.filter((event) => event.event === "clicks")).toEqual([]);
      // By the time the event arrived, the clicks were in PostgreSQL: a refetch on it finds them.
      const totals = await owner.api(webUrl(1)).analytics.totals.query({ period: "24h", filters: [{ dimension: "link", op: "is", value: link.id }] });
      expect(totals.clicks).toBe(10);
    } finally {
      for (const stream of streams) stream.close();
    }
  });

  it("ends an instance's streams when it stops, so browsers reconnect to another", async () => {
    const web = await cluster.addWeb();
    const stream = await openStream(web.url!, owner.cookie);
    expect(stream.status).toBe(200);
    await expect.poll(() => stream.events.length).toBeGreaterThan(0);
    const stoppedAt = Date.now();
    const exit = await web.stop();
    // SIGTERM does not wait on the open stream (it would hold the instance until its shutdown timeout).
    expect(exit.code).toBe(0);
    expect(Date.now() - stoppedAt).toBeLessThan(5_000);
    stream.close();
  });
});
