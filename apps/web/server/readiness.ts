import type { WebServices } from "../src/server/services";

type CheckResult = "ok" | string;

const timeoutMs = 1_500;

/** Ready means both backing services answer, each within a bound; never hangs. */
export async function checkReadiness(services: WebServices): Promise<{ ready: boolean; checks: { database: CheckResult; redis: CheckResult } }> {
  const [database, redis] = await Promise.all([check(() => services.db.$queryRaw`SELECT 1`), check(() => services.redis.redis.ping())]);
  return { ready: database === "ok" && redis === "ok", checks: { database, redis } };
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
