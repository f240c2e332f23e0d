import { z } from "zod";

export const redisEnvSchema = z
  .object({
    REDIS_URL: z
      .string()
      .regex(/^rediss?:\/\/\S+$/, "must be a redis:// or rediss:// URL, e.g. redis://127.0.0.1:6379")
      .optional(),
    UPSTASH_REDIS_REST_URL: z
      .string()
      .regex(/^https?:\/\/\S+$/, "must be an http(s) URL, e.g. https://eu1-xyz.upstash.io or http://127.0.0.1:8079")
      .optional(),
    UPSTASH_REDIS_REST_TOKEN: z.string().min(1, "must not be empty").optional(),
  })
  .superRefine((env, ctx) => {
    if (env.UPSTASH_REDIS_REST_URL && !env.UPSTASH_REDIS_REST_TOKEN) {
      ctx.addIssue({ code: "custom", path: ["UPSTASH_REDIS_REST_TOKEN"], message: "is required with UPSTASH_REDIS_REST_URL" });
    }
    if (!env.REDIS_URL && !env.UPSTASH_REDIS_REST_URL) {
      ctx.addIssue({
        code: "custom",
        path: ["REDIS_URL"],
        message: "is required (or UPSTASH_REDIS_REST_URL with UPSTASH_REDIS_REST_TOKEN)",
      });
    }
  });

export type RedisEnv = z.infer<typeof redisEnvSchema>;
