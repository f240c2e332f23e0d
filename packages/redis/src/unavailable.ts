/**
 * Whether an error means "Redis cannot be asked right now" (down, unreachable,
 * too slow), as opposed to a wrong command or a bug. Both transports are
 * covered: the TCP requester and the REST gateway carry @hop/redis-protocol's
 * RedisUnavailableError / RedisTimeoutError messages inside an UpstashError;
 * over HTTP, an unreachable endpoint is a failed fetch. The cause chain is
 * followed, so a wrapped error is recognised too.
 */
export function isRedisUnavailableError(error: unknown): boolean {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth++) {
    if (current.name === "RedisUnavailableError" || current.name === "RedisTimeoutError") return true;
    if (/^(Redis is unreachable|Redis did not answer in time|Redis connection pool is closed)/.test(current.message)) return true;
    if (current.name === "TypeError" && current.message === "fetch failed") return true;
  }
  return false;
}
