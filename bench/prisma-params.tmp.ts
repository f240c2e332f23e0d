import { createDatabase, Prisma } from "@hop/db";
import { startPostgresServer } from "@hop/test-harness";
import { ownCpuMs } from "./process-cpu";
const postgres = await startPostgresServer();
const db = createDatabase(await postgres.createDatabase("b"));
try {
  const cols = Array.from({ length: 17 }, (_, c) => Array.from({ length: 1000 }, (_, i) => `value-${c}-${i}-abcdefghij`));
  const rows = Array.from({ length: 1000 }, (_, i) => cols.map((col) => col[i]));
  for (const mode of ["arrays", "json", "arrays", "json"]) {
    const cpu = ownCpuMs();
    const w = performance.now();
    for (let k = 0; k < 20; k++) {
      if (mode === "arrays") await db.$queryRaw`SELECT count(*) FROM unnest(${Prisma.join(cols.map((c) => Prisma.sql`${c}::text[]`))})`;
      else await db.$queryRaw`SELECT count(*) FROM json_array_elements(${JSON.stringify(rows)}::json)`;
    }
    console.log(mode, "node cpu µs/row", (((ownCpuMs() - cpu) * 1000) / 20000).toFixed(1), "wall", (((performance.now() - w) * 1000) / 20000).toFixed(1));
  }
} finally {
  await db.$disconnect();
  await postgres.stop();
}
