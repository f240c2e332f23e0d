/**
 * The redirect benchmark's baseline: a bare Node `http` server doing the same
 * single Redis lookup through the same client (@hop/redis over TCP) and
 * answering 302. Run as its own process, like the web instance it is compared
 * with. Prints "listening <port>" when ready.
 */
import { createServer } from "node:http";
import { createRedisClient, redisKeys } from "@hop/redis";

const redis = createRedisClient({ REDIS_URL: process.env.REDIS_URL! });
const server = createServer((request, response) => {
  const slug = (request.url ?? "/").slice(1);
  redis.redis.get<{ url: string }>(redisKeys.link(slug)).then(
    (link) => {
      if (!link) {
        response.writeHead(404).end();
        return;
      }
      response.writeHead(302, { location: link.url, "cache-control": "private, max-age=0", "content-length": 0 }).end();
    },
    () => response.writeHead(503).end(),
  );
});
server.listen(0, "127.0.0.1", () => {
  const address = server.address();
  process.stdout.write(`listening ${address && typeof address === "object" ? address.port : 0}\n`);
});
process.on("SIGTERM", () => {
  server.close();
  void redis.close().then(() => process.exit(0));
});
