import type { AddressInfo } from "node:net";
import { RedisExecutor } from "@hop/redis-protocol";
import { createGatewayServer } from "../src/server";

export interface RunningGateway {
  url: string;
  token: string;
  executor: RedisExecutor;
  close(): Promise<void>;
}

export const gatewayToken = "test-token-0123456789abcdef";

/** The gateway's HTTP server in this process, on a free port, in front of `redisUrl`. */
export async function startGateway(
  redisUrl: string,
  options: { maxBodyBytes?: number; requestTimeoutMs?: number; maxSubscriptions?: number } = {},
): Promise<RunningGateway> {
  // As main.ts does: Redis's command timeout is the request's.
  const executor = new RedisExecutor({
    url: redisUrl,
    connectionName: "hop-redis-http-test",
    commandTimeoutMs: options.requestTimeoutMs ?? 10_000,
    ...(options.maxSubscriptions ? { maxSubscriptions: options.maxSubscriptions } : {}),
  });
  await executor.waitUntilReady(5_000);
  const server = createGatewayServer({
    executor,
    token: gatewayToken,
    maxBodyBytes: options.maxBodyBytes ?? 10 * 1024 * 1024,
    requestTimeoutMs: options.requestTimeoutMs ?? 10_000,
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    token: gatewayToken,
    executor,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await executor.close();
    },
  };
}
