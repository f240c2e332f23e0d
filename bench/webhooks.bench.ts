/**
 * Webhook latency: from a link's creation (the API call that commits it and
 * queues its delivery in the same transaction) to the signed POST arriving
 * at a receiver on loopback, through one web and one worker process of the
 * production build on real PostgreSQL and Redis. Baseline, in the same run:
 * a bare POST from this process to the same receiver. Budget (issue 17):
 * p50 under 1 s.
 *
 *   pnpm build && pnpm bench:webhooks [-- --events 50]
 */
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { hashPassword } from "@hop/auth";
import { createDatabase } from "@hop/db";
import { CleanupStack, startHopProcess } from "@hop/test-harness";
import { createCookieClient } from "../test/support/http-session";
import { startWebhookReceiver } from "../test/support/webhook-receiver";
import { startBenchStack } from "./bench-stack";

const { values } = parseArgs({ args: process.argv.slice(2).filter((arg) => arg !== "--"), options: { events: { type: "string", default: "50" } } });
const events = Number(values.events);

const quantiles = (times: number[]) => {
  const sorted = [...times].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return { p50: at(0.5), p95: at(0.95), max: sorted.at(-1)! };
};
const format = ({ p50, p95, max }: { p50: number; p95: number; max: number }) => `p50 ${p50.toFixed(1)} ms, p95 ${p95.toFixed(1)} ms, max ${max.toFixed(1)} ms`;

const cleanup = new CleanupStack();
try {
  const receiver = await startWebhookReceiver();
  cleanup.defer(() => receiver.close());
  const { databaseUrl, env } = await startBenchStack(cleanup, { METADATA_FETCH_ALLOW_LOOPBACK: "true" });
  const web = await startHopProcess("web", env);
  cleanup.defer(() => web.kill());
  const worker = await startHopProcess("worker", env);
  cleanup.defer(() => worker.kill());

  // Baseline: the receiver's own round trip on loopback.
  const bare: number[] = [];
  for (let i = 0; i < events; i++) {
    const started = performance.now();
    await fetch(receiver.url("/baseline"), { method: "POST", body: JSON.stringify({ i }), headers: { "content-type": "application/json" } });
    bare.push(performance.now() - started);
  }

  const db = createDatabase(databaseUrl);
  cleanup.defer(() => db.$disconnect());
  await db.user.create({ data: { email: "bench-webhooks@example.com", passwordHash: await hashPassword("bench password 123") } });
  const client = createCookieClient();
  const api = client.api(web.url!);
  await api.auth.signIn.mutate({ email: "bench-webhooks@example.com", password: "bench password 123" });
  await api.webhooks.create.mutate({ url: receiver.url("/hop"), events: ["link.created"] });
  // One warm-up event (first compiles of the route, first job of the worker).
  await api.links.create.mutate({ url: "https://example.com/warm-up" });
  while (receiver.at("/hop").length < 1) await new Promise((resolve) => setTimeout(resolve, 5));

  const fromCall: number[] = [];
  const fromCommit: number[] = [];
  for (let i = 0; i < events; i++) {
    const before = receiver.at("/hop").length;
    const callStarted = Date.now();
    await api.links.create.mutate({ url: `https://example.com/bench/${i}` });
    const answered = Date.now();
    const deadline = answered + 10_000;
    while (receiver.at("/hop").length <= before) {
      if (Date.now() > deadline) throw new Error(`event ${i} was not delivered within 10 s`);
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    const arrived = receiver.at("/hop")[before]!.receivedAt;
    fromCall.push(arrived - callStarted);
    fromCommit.push(arrived - answered);
  }
  const baseline = quantiles(bare);
  const call = quantiles(fromCall);
  const commit = quantiles(fromCommit);
  console.log(`bench:webhooks, ${events} link.created events, one web + one worker, receiver on loopback`);
  console.log(`  baseline, bare POST to the receiver:           ${format(baseline)}`);
  console.log(`  event -> delivered (from the API call):        ${format(call)}  (${(call.p50 / baseline.p50).toFixed(1)}x the baseline p50)`);
  console.log(`  event -> delivered (from the API's answer):    ${format(commit)}`);
  console.log(`  budget p50 < 1000 ms: ${call.p50 < 1000 ? "met" : "MISSED"}`);
} finally {
  await cleanup.run();
}
