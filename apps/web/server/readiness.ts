import type { WebServices } from "../src/server/services";

type CheckResult = "ok" | string;

const timeoutMs = 1_500;

/**
 * Ready means PostgreSQL answers within a bound; never hangs. Redis is checked
 * and reported ("degraded") but does not decide: it is shared by every
 * instance, so a Redis restart would take all of them out of the load balancer
 * at once, while the redirect keeps working on PostgreSQL alone and the API
 * answers its own typed 503 (the chaos test restarts Redis under traffic).
 */
export async function checkReadiness(
  services: WebServices,
): Promise<{ ready: boolean; degraded: boolean; checks: { database: CheckResult; redis: CheckResult } }> {
  const [database, redis] = await Promise.all([check(() => services.db.$queryRaw`SELECT 1`), check(() => services.redis.redis.ping())]);
  return { ready: database === "ok", degraded: redis !== "ok", checks: { database, redis } };
}

async function check(probe: () => Promise<unknown>): Promise<CheckResult> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      probe(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return "ok";
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    clearTimeout(timer);
  }
}
