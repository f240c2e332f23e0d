export { freePort, waitForPort } from "./ports";
export { startRedisServer, type RedisServer } from "./redis-server";
