import { z } from "zod";

/**
 * SESSION_SECRETS: comma-separated `id:secret` pairs, e.g.
 * `2:new-secret-of-32-or-more-chars,1:old-secret-of-32-or-more-chars`.
 * The highest id seals new cookies; every listed secret unseals. Rotating =
 * adding a pair with a higher id (and, a session lifetime later, dropping the
 * oldest): nobody is signed out.
 */
export const sessionSecretsSchema = z.string().transform((value, ctx) => {
  const secrets: Record<number, string> = {};
  for (const pair of value
    .split(",")
    .map((part) => part.trim())
    .filter(Boolean)) {
    const separator = pair.indexOf(":");
    const id = Number(pair.slice(0, separator));
    const secret = pair.slice(separator + 1);
    if (separator < 1 || !Number.isInteger(id) || id < 1) {
      ctx.addIssue({ code: "custom", message: "must be comma-separated id:secret pairs with whole-number ids, e.g. 2:...,1:..." });
      return z.NEVER;
    }
    if (secret.length < 32) {
      ctx.addIssue({ code: "custom", message: `secret ${id} must be at least 32 characters` });
      return z.NEVER;
    }
    secrets[id] = secret;
  }
  if (Object.keys(secrets).length === 0) {
    ctx.addIssue({ code: "custom", message: "must hold at least one id:secret pair" });
    return z.NEVER;
  }
  return secrets;
});

export type SessionSecrets = z.output<typeof sessionSecretsSchema>;

export const authEnvSchema = z.object({
  SESSION_SECRETS: sessionSecretsSchema,
  /** A session's whole life: the cookie's seal and the Redis record expire together. */
  SESSION_TTL_SECONDS: z.coerce
    .number()
    .int()
    .min(60)
    .max(400 * 24 * 3600)
    .default(14 * 24 * 3600),
});
export type AuthEnv = z.infer<typeof authEnvSchema>;
