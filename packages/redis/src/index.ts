export { createRedisClient, type RedisClient, type RedisClientOptions, type RedisTransport } from "./client";
export { redisEnvSchema, type RedisEnv } from "./env";
export { redisKeys } from "./keys";
export { luaScript, runLuaScript, runRedisCommand, type LuaScript } from "./scripts";
export { TcpRequester } from "./tcp-requester";
export type { Redis } from "@upstash/redis";
export { createRateLimiter, rateLimitRules, type RateLimitName, type RateLimitOutcome, type RateLimitRule, type RateLimiter } from "./rate-limits";
export { isRedisUnavailableError } from "./unavailable";
