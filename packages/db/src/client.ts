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
  // A burst of writes (50 creates at once from one script) queues for the pool's connections: waiting up to
  // 10 s for one beats failing after Prisma's default 2 s.
  return new PrismaClient({ adapter, transactionOptions: { maxWait: 10_000, timeout: 10_000 } });
}
