import { enrichClicks, ingestClickEvents, type ClickEvent } from "@hop/clicks";
import { createDatabase } from "@hop/db";
import { migrateDatabase } from "@hop/db/migrate";
import { migrateJobQueue } from "@hop/jobs";
import { queueClickWebhooks } from "../packages/webhooks/src/index";
import { startPostgresServer } from "@hop/test-harness";
import pg from "pg";
import { ownCpuMs } from "./process-cpu";

const logs: string[] = [];
const postgres = await startPostgresServer({ onLog: (l) => logs.push(l) });
const url = await postgres.createDatabase("bench");
await migrateDatabase(url);
await migrateJobQueue(url);
if (process.argv[3] === "explain") {
  const a = new pg.Client({ connectionString: url });
  await a.connect();
  await a.query(`ALTER DATABASE bench SET session_preload_libraries = 'auto_explain'`);
  await a.query(`ALTER DATABASE bench SET auto_explain.log_min_duration = 5`);
  await a.query(`ALTER DATABASE bench SET auto_explain.log_analyze = on`);
  await a.query(`ALTER DATABASE bench SET auto_explain.log_timing = on`);
  await a.end();
}
const db = createDatabase(url, { maxConnections: 4 });
const raw = new pg.Client({ connectionString: url });
await raw.connect();
await raw.query("CREATE EXTENSION IF NOT EXISTS pg_stat_statements").catch((e) => console.log("no pgss", e.message));
try {
  const user = await db.user.create({ data: { email: "b@example.com", passwordHash: "x" } });
  const linkIds: string[] = [];
  for (let i = 0; i < 100; i++) linkIds.push((await db.link.create({ data: { slug: `b-${i}`, url: `https://example.com/${i}`, userId: user.id } })).id);
  const platforms = [
    "Windows NT 10.0; Win64; x64",
    "Macintosh; Intel Mac OS X 10_15_7",
    "X11; Linux x86_64",
    "Linux; Android 14; Pixel 8",
    "Linux; Android 13; SM-S918B",
  ];
  const browsers = Array.from({ length: 40 }, (_, v) => v + 100).flatMap((v) =>
    platforms.map((p) => `Mozilla/5.0 (${p}) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${v}.0.0.0 ${p.includes("Android") ? "Mobile " : ""}Safari/537.36`),
  );
  const bots = ["Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)"];
  const referrers = [null, null, "https://news.ycombinator.com/item?id=1", "https://www.google.com/", "https://t.co/abc", "https://mail.example.com/"];
  const start = Date.UTC(2026, 10, 24, 12);
  const N = Number(process.argv[2] ?? 20000);
  const events: ClickEvent[] = Array.from({ length: N }, (_, i) => ({
    eventId: `e-${i}`,
    linkId: linkIds[(i * 7) % 100]!,
    occurredAt: new Date(start + i * 3000),
    referrer: referrers[i % 6]!,
    userAgent: i % 50 === 0 ? bots[(i / 50) % 2]! : browsers[(i * 7919) % browsers.length]!,
    country: ["NL", "US", "DE", "FR", null][i % 5]!,
    visitorHash: `visitor-${(i * 13) % 5000}`,
    ip: `${[8, 31, 51, 81, 193, 200, 203][i % 7]}.${(i * 31) % 256}.${(i * 17) % 256}.${i % 250}`,
    trigger: i % 10 === 0 ? "qr" : "link",
  }));
  const t = { enrich: 0, ingest: 0, webhooks: 0 };
  const c = { enrich: 0, ingest: 0, webhooks: 0 };
  for (let o = 0; o < N; o += 1000) {
    const batch = events.slice(o, o + 1000);
    let w = performance.now(),
      cpu = ownCpuMs();
    enrichClicks(batch);
    t.enrich += performance.now() - w;
    c.enrich += ownCpuMs() - cpu;
    w = performance.now();
    cpu = ownCpuMs();
    await ingestClickEvents(db, batch);
    t.ingest += performance.now() - w;
    c.ingest += ownCpuMs() - cpu;
    w = performance.now();
    cpu = ownCpuMs();
    await queueClickWebhooks(
      db,
      batch.map((e) => e.eventId),
    );
    t.webhooks += performance.now() - w;
    c.webhooks += ownCpuMs() - cpu;
  }
  const us = (ms: number) => ((ms * 1000) / N).toFixed(1);
  console.log("wall µs/click", Object.fromEntries(Object.entries(t).map(([k, v]) => [k, us(v)])));
  console.log("node cpu µs/click", Object.fromEntries(Object.entries(c).map(([k, v]) => [k, us(v)])));
  if (process.argv[3] === "explain") {
    const more = events.map((e) => ({ ...e, eventId: `x-${e.eventId}` })).slice(0, 1000);
    logs.length = 0;
    await ingestClickEvents(db, more);
    await new Promise((r) => setTimeout(r, 500));
    console.log(logs.join("\n"));
  }
} finally {
  await raw.end();
  await db.$disconnect();
  await postgres.stop();
}
