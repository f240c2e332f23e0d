import { z } from "zod";

export const databaseEnvSchema = z.object({
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\/\S+$/, "must be a postgres:// URL, e.g. postgres://hop:hop@127.0.0.1:5432/hop"),
});
export type DatabaseEnv = z.infer<typeof databaseEnvSchema>;
