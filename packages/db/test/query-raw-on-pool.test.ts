import { createTestDatabase } from "@hop/test-harness";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDatabase, Prisma, queryRawOnPool, type Database } from "../src";

// queryRawOnPool: the same statement as $queryRaw, on the client's own pool; Prisma's path where there is no pool.
let databaseUrl: string;
let db: Database;

beforeAll(async () => {
  databaseUrl = await createTestDatabase();
  db = createDatabase(databaseUrl, { maxConnections: 2 });
});
afterAll(async () => {
  await db.$disconnect();
});

describe("queryRawOnPool", () => {
  it("runs the statement with its parameters, large text and arrays included, and answers its rows", async () => {
    const long = `"quoted" \\ ${"é".repeat(100_000)}`;
    const [row] = await queryRawOnPool<{ length: number; same: boolean; items: string }>(
      db,
      Prisma.sql`SELECT length(${long}::text) AS length, ${long}::text = ${long}::text AS same, array_length(${["a", "b,c", '"d"']}::text[], 1)::text AS items`,
    );
    expect(row).toEqual({ length: long.length, same: true, items: "3" });
  });

  it("fails with PostgreSQL's SQLSTATE in `code`, and changes nothing", async () => {
    const user = await db.user.create({ data: { email: "pool@example.com", passwordHash: "x" } });
    const duplicate = queryRawOnPool(
      db,
      Prisma.sql`INSERT INTO "User" (id, email, "passwordHash", "updatedAt") VALUES (${"other"}, ${user.email}, 'x', now())`,
    );
    await expect(duplicate).rejects.toMatchObject({ code: "23505" });
    expect(await db.user.count({ where: { id: "other" } })).toBe(0);
  });

  it("runs inside the transaction of a transaction's client, rolled back with it", async () => {
    const user = await db.user.create({ data: { email: "tx@example.com", passwordHash: "x" } });
    await expect(
      db.$transaction(async (tx) => {
        await queryRawOnPool(tx as Database, Prisma.sql`UPDATE "User" SET name = 'inside' WHERE id = ${user.id}`);
        expect((await tx.user.findUniqueOrThrow({ where: { id: user.id } })).name).toBe("inside");
        throw new Error("roll back");
      }),
    ).rejects.toThrow("roll back");
    expect((await db.user.findUniqueOrThrow({ where: { id: user.id } })).name).toBeNull();
  });

  it("still answers after $disconnect ended the pool (through Prisma, which connects again)", async () => {
    const other = createDatabase(databaseUrl, { maxConnections: 1 });
    expect(await queryRawOnPool<{ one: number }>(other, Prisma.sql`SELECT 1 AS one`)).toEqual([{ one: 1 }]);
    await other.$disconnect();
    expect(await queryRawOnPool<{ one: number }>(other, Prisma.sql`SELECT 1 AS one`)).toEqual([{ one: 1 }]);
    await other.$disconnect();
  });
});
