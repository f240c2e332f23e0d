import { defineConfig } from "prisma/config";

// Prisma 7 keeps the connection URL here, not in the schema. `pnpm db:migrate`
// does not go through the Prisma CLI (see README.md); this file serves
// `prisma generate` and, where Prisma's engines can be downloaded, the rest of
// the CLI (`prisma migrate deploy` reads the same migrations folder).
export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: process.env.DATABASE_URL ?? "" },
});
