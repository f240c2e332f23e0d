import { z } from "zod";
import { plainText } from "./text";

/** What an API key may be allowed to do; a procedure names the one scope it needs, and a key without it is refused (403). */
export const apiKeyScopes = ["links:read", "links:write", "analytics:read"] as const;
export const apiKeyScopeSchema = z.enum(apiKeyScopes);
export type ApiKeyScope = z.infer<typeof apiKeyScopeSchema>;

/** The most live keys one account holds: enough for every script and service, few enough to review on one card. */
export const maxApiKeysPerUser = 25;

export const createApiKeyInput = z.object({
  name: plainText().trim().min(1, "Name the key after what will use it").max(64, "Use at most 64 characters"),
  scopes: z
    .array(apiKeyScopeSchema)
    .min(1, "Choose at least one scope")
    .max(apiKeyScopes.length)
    .transform((scopes) => apiKeyScopes.filter((scope) => scopes.includes(scope))),
});
export type CreateApiKeyInput = z.input<typeof createApiKeyInput>;

export const apiKeyIdInput = z.object({ id: plainText().min(1).max(64) });
