import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "./generated/prisma/client";

export type Database = PrismaClient;

export interface DatabaseOptions {
  /** Pool size of this process; PostgreSQL's own limit is shared by every instance. */
  maxConnections?: number;
}

/** The Prisma client every Hop process uses (driver adapter over `pg`). */
export function createDatabase(databaseUrl: string, options: DatabaseOptions = {}): Database {
  const adapter = new PrismaPg({ connectionString: databaseUrl, max: options.maxConnections ?? 10 });
  return new PrismaClient({ adapter });
}
