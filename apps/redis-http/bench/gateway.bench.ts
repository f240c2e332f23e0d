/**
 * GET/SET at 50 concurrent clients, three ways, in one run on one machine:
 * a raw TCP client (ioredis) as the baseline, @upstash/redis over Hop's TCP
 * requester, and @upstash/redis over HTTP through the gateway (its own
 * process, as deployed). Prints ops/s, p50/p99 and the ratio to the baseline.
 *
 *   pnpm --filter @hop/redis-http bench [-- --seconds 5 --concurrency 50]
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { createRedisClient } from "@hop/redis";
import { freePort, startRedisServer, waitForPort } from "@hop/test-harness";
import { Redis as UpstashRedis } from "@upstash/redis";
import { Redis as RawRedis } from "ioredis";

const { values } = parseArgs({
  args: process.argv.slice(2).filter((arg) => arg !== "--"),
  options: { seconds: { type: "string", default: "5" }, concurrency: { type: "string", default: "50" } },
});
const seconds = Number(values.seconds);
const concurrency = Number(values.concurrency);

/** What an app does with Redis: store a JSON document, read it back parsed. */
interface Client {
  get(key: string): Promise<unknown>;
  set(key: string, value: Record<string, unknown>): Promise<unknown>;
}

interface Result {
  name: string;
  opsPerSecond: number;
  p50: number;
  p99: number;
}

type Operation = "GET" | "SET";
const keysPerClient = 100;
const value = { url: "https://example.com/some/landing/page?utm_source=bench", linkId: 12345, status: 302 };

async function measure(name: string, client: Client, operation: Operation): Promise<Result> {
  // Warm up connections, JIT and the gateway's keep-alive sockets.
  await runFor(client, operation, 1, () => undefined);
  const latencies: number[] = [];
  const elapsed = await runFor(client, operation, seconds, (ms) => latencies.push(ms));
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN;
  return { name, opsPerSecond: latencies.length / elapsed, p50: at(0.5), p99: at(0.99) };
}

async function runFor(client: Client, operation: Operation, durationSeconds: number, record: (ms: number) => void): Promise<number> {
  const started = performance.now();
  const deadline = started + durationSeconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, worker) => {
      for (let i = 0; performance.now() < deadline; i++) {
        const key = `bench:${worker}:${i % keysPerClient}`;
        const t0 = performance.now();
        await (operation === "SET" ? client.set(key, value) : client.get(key));
        record(performance.now() - t0);
      }
    }),
  );
  return (performance.now() - started) / 1000;
}

/**
 * The HTTP client's own ceiling: a server that answers every request with a
 * canned reply and touches no Redis. The gateway can at best match it.
 */
const cannedServerSource = `
const item = { result: Buffer.from(JSON.stringify(${JSON.stringify(value)})).toString("base64") };
require("node:http").createServer((req, res) => {
  let body = "";
  req.on("data", (chunk) => { body += chunk; });
  req.on("end", () => {
    // @upstash/redis auto-pipelines over HTTP: answer one item per command.
    const reply = JSON.stringify(req.url === "/pipeline" ? JSON.parse(body).map(() => item) : item);
    res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(reply) });
    res.end(reply);
  });
}).listen(Number(process.argv[1]), "127.0.0.1");
`;

const redisServer = await startRedisServer();
const cannedPort = await freePort();
const canned = spawn(process.execPath, ["-e", cannedServerSource, String(cannedPort)], { stdio: "inherit" });
const port = await freePort();
const token = "bench-token-0123456789abcdef";
const gateway = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
  cwd: fileURLToPath(new URL("..", import.meta.url)),
  env: { PATH: process.env.PATH ?? "", REDIS_URL: redisServer.url, REDIS_HTTP_TOKEN: token, PORT: String(port), LOG_LEVEL: "warn" },
  stdio: "inherit",
});

try {
  await Promise.all([waitForPort(port), waitForPort(cannedPort)]);
  const rawConnection = new RawRedis(redisServer.url);
  // The same work @upstash/redis does for its caller: JSON in, JSON out.
  const raw: Client = {
    set: (key, value) => rawConnection.set(key, JSON.stringify(value)),
    get: async (key) => {
      const text = await rawConnection.get(key);
      return text === null ? null : JSON.parse(text);
    },
  };
  const tcp = createRedisClient({ REDIS_URL: redisServer.url });
  const http = new UpstashRedis({ url: `http://127.0.0.1:${port}`, token, enableTelemetry: false });
  const cannedHttp = new UpstashRedis({ url: `http://127.0.0.1:${cannedPort}`, token, enableTelemetry: false });

  // Every key a GET asks for exists, so GETs return (and parse) a real value.
  await Promise.all(
    Array.from({ length: concurrency * keysPerClient }, (_, i) => raw.set(`bench:${Math.floor(i / keysPerClient)}:${i % keysPerClient}`, value)),
  );
  const rows: string[] = [];
  for (const operation of ["GET", "SET"] as const) {
    const baseline = await measure("raw TCP client (ioredis)", raw, operation);
    const results = [
      baseline,
      await measure("@upstash/redis, TCP requester", tcp.redis, operation),
      await measure("@upstash/redis, HTTP gateway", http, operation),
      await measure("@upstash/redis, HTTP to a canned reply (client ceiling)", cannedHttp, operation),
    ];
    for (const result of results) {
      const ratio = ((result.opsPerSecond / baseline.opsPerSecond) * 100).toFixed(0);
      rows.push(
        `| ${operation} | ${result.name} | ${Math.round(result.opsPerSecond).toLocaleString("en")} | ${result.p50.toFixed(2)} | ${result.p99.toFixed(2)} | ${ratio} % |`,
      );
    }
  }
  console.log(`\n${concurrency} concurrent clients, ${seconds} s a row, a 90-byte JSON value, node ${process.version}\n`);
  console.log("| op | path | ops/s | p50 ms | p99 ms | vs raw |");
  console.log("| --- | --- | ---: | ---: | ---: | ---: |");
  for (const row of rows) console.log(row);
  rawConnection.disconnect();
  await tcp.close();
} finally {
  gateway.kill("SIGTERM");
  canned.kill("SIGTERM");
  await redisServer.dispose();
}
