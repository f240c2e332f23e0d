import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { Prisma, PrismaClient } from "./generated/prisma/client";

export type Database = PrismaClient;

export interface DatabaseOptions {
  /** Pool size of this process; PostgreSQL's own limit is shared by every instance. */
  maxConnections?: number;
}

const preparedMarkStart = "/* prepared: ";

/**
 * Marks a raw statement (put it first in `$queryRaw`) to be prepared once per
 * connection under `name` (a node-postgres named statement): PostgreSQL then
 * parses and plans it once per connection instead of on every call. For the
 * few hot reads only, each with one fixed text per name (node-postgres
 * refuses a second text under a name already prepared), and listing its
 * columns: with `*`, a migration that adds a column would make every prepared
 * copy fail ("cached plan must not change result type") until restart.
 */
export function preparedStatement(name: string): Prisma.Sql {
  if (!/^[a-z0-9_-]+$/.test(name)) throw new Error(`Prepared statement names are [a-z0-9_-]: "${name}"`);
  return Prisma.raw(`${preparedMarkStart}${name} */ `);
}

/** The name a statement marked by `preparedStatement` asked for; undefined (not prepared) for every other. */
export function preparedStatementNameOf(sql: string): string | undefined {
  if (!sql.startsWith(preparedMarkStart)) return undefined;
  const end = sql.indexOf(" */", preparedMarkStart.length);
  return end === -1 ? undefined : sql.slice(preparedMarkStart.length, end);
}

/** Each client's pg pool (the adapter's, made here), for queryRawOnPool. */
const pools = new WeakMap<Database, pg.Pool>();

/** The Prisma client every Hop process uses (driver adapter over `pg`). */
export function createDatabase(databaseUrl: string, options: DatabaseOptions = {}): Database {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: options.maxConnections ?? 10 });
  // An idle connection that breaks (PostgreSQL restarting) is dropped by the pool, which then emits "error": without a
  // listener that would end the process, and the adapter adds its own only once Prisma first connects.
  pool.on("error", () => undefined);
  const adapter = new PrismaPg(pool, {
    // The type asks for a string, but the adapter hands the result to pg's `name` as is, where undefined is an unnamed
    // statement (what every query gets without a generator).
    statementNameGenerator: (query) => preparedStatementNameOf(query.sql) as string,
    // The pool is made here but belongs to the client: $disconnect ends it.
    disposeExternalPool: true,
  });
  // A burst of writes (50 creates at once from one script) queues for the pool's connections: waiting up to
  // 10 s for one beats failing after Prisma's default 2 s.
  const db = new PrismaClient({ adapter, transactionOptions: { maxWait: 10_000, timeout: 10_000 } });
  pools.set(db, pool);
  return db;
}

/**
 * `db.$queryRaw(sql)` on the client's own connection pool, past Prisma's raw query path, for a statement whose
 * parameters are large: Prisma serialises a raw query's parameters to JSON and parses them back before the driver
 * sees them, which for ingestion's batch (some 400 kB of array literals) cost more CPU than sending it. Same
 * connections, same statement; rows as node-postgres gives them (bigint as text), errors as pg's DatabaseError (the
 * SQLSTATE in `code`). A transaction's client (it has no pool of its own) and a client whose pool has ended (after
 * $disconnect Prisma may make another) go through Prisma: the statement then runs inside that transaction, or at all.
 */
export async function queryRawOnPool<Row extends Record<string, unknown>>(db: Database, sql: Prisma.Sql): Promise<Row[]> {
  const pool = pools.get(db);
  if (!pool || pool.ending || pool.ended) return db.$queryRaw<Row[]>(sql);
  return (await pool.query<Row>(sql.text, sql.values)).rows;
}
