import type { Database } from "@hop/db";

/**
 * A ready export's gzip file, chunk by chunk in order, each read when the
 * previous one was taken: memory holds one chunk (about 1 MiB). A chunk
 * missing before the file's size is reached (the export expired meanwhile)
 * ends it with an error, never a silently shorter file.
 */
export async function* readExportFile(db: Database, file: { id: string; runId: string; bytes: number }): AsyncGenerator<Uint8Array> {
  let sent = 0;
  for (let seq = 0; sent < file.bytes; seq++) {
    const chunk = await db.exportChunk.findUnique({ where: { exportId_runId_seq: { exportId: file.id, runId: file.runId, seq } }, select: { data: true } });
    if (!chunk) throw new Error("the export's file is no longer whole (expired?)");
    sent += chunk.data.length;
    yield chunk.data;
  }
}
