import { queueClickWebhooks } from "@hop/webhooks";
import { setTimeout as sleep } from "node:timers/promises";
import {
  acknowledgeClicks,
  claimScanStart,
  claimStaleClicks,
  ensureClickConsumerGroup,
  ingestClickEvents,
  isClaimScanStart,
  publishLiveClicks,
  readNewClicks,
  readOwnPendingClicks,
  warmUpClickIngestion,
  type ClickEvent,
  type ClickStreamEntry,
} from "@hop/clicks";
import type { Database } from "@hop/db";
import type { Logger } from "@hop/logger";
import type { Redis } from "@hop/redis";

export interface ClickIngestionOptions {
  db: Database;
  /** A client made with `rawReplies: true`. */
  redis: Redis;
  /** This process's consumer name in the group (its instance id). */
  consumer: string;
  batchSize: number;
  /** How long an entry stays pending with another consumer before it is taken over. */
  claimIdleMs: number;
  /** Pause when the stream has nothing new (reads never block). */
  idleBackoffMs: number;
  log: Logger;
  /** VISITOR_HASH_SECRET: the redirect leaves the visitor hash to ingestion. */
  visitorHashSecret: string;
}

export interface ClickIngestion {
  /** Settles once ingestion has loaded what it uses (or gave up after a few seconds); never rejects. */
  warmedUp: Promise<void>;
  /** Finishes (commits and acknowledges) the batch in hand, then resolves; what was not read stays in the stream. */
  stop(): Promise<void>;
}

const maxFailureBackoffMs = 5_000;
const warmUpTimeoutMs = 5_000;
const claimScanIntervalMs = 1_000;
/**
 * Three, not two: a batch's transaction spends part of its time waiting (for the previous batch's row locks on the
 * same rollup rows, for its commit's WAL flush), and a third batch read and enriched meanwhile keeps PostgreSQL
 * busy through those waits (bench:ingest, 1,000 a batch: ~20,500 -> ~23,000 clicks/s).
 */
const batchesInFlight = 3;

/**
 * Drains the clicks stream into PostgreSQL as one consumer of the group:
 * read a batch (first this consumer's own unacknowledged entries after a
 * failure, then entries a dead consumer left pending past `claimIdleMs`, then
 * new ones), count it in one transaction (`ingestClickEvents`, idempotent by
 * event id), and only then acknowledge it. A crash anywhere leaves the batch
 * pending, to be claimed and counted again, once.
 *
 * While one batch commits, the next ones are read, enriched and committed
 * beside it (batchesInFlight transactions at most; their row locks are taken
 * in one order, so they queue rather than deadlock).
 */
export function startClickIngestion(options: ClickIngestionOptions): ClickIngestion {
  const { db, redis, consumer, batchSize, log } = options;
  const stopSignal = new AbortController();
  let retryOwnPending = true;
  let claimCursor = claimScanStart;
  let nextClaimScanAt = 0;
  let failures = 0;

  async function nextBatch(): Promise<ClickStreamEntry[]> {
    if (retryOwnPending) {
      const own = await readOwnPendingClicks(redis, consumer, batchSize);
      if (own.length > 0) return own;
      retryOwnPending = false;
    }
    if (Date.now() >= nextClaimScanAt) {
      const claimed = await claimStaleClicks(redis, consumer, options.claimIdleMs, claimCursor, batchSize);
      claimCursor = claimed.cursor;
      if (isClaimScanStart(claimCursor)) nextClaimScanAt = Date.now() + claimScanIntervalMs;
      if (claimed.entries.length > 0) {
        log.warn({ entries: claimed.entries.length, first: claimed.entries[0]?.id }, "took over clicks a dead consumer left pending");
        return claimed.entries;
      }
    }
    return readNewClicks(redis, consumer, batchSize);
  }

  async function commit(entries: ClickStreamEntry[]): Promise<void> {
    const events: ClickEvent[] = [];
    for (const entry of entries) {
      if (entry.event) events.push(entry.event);
      // A malformed entry can never be counted: acknowledged with the batch, and logged.
      else log.error({ entryId: entry.id, err: entry.error }, "dropped a malformed click entry");
    }
    const startedAt = performance.now();
    const result =
      events.length > 0 ? await ingestClickEvents(db, events, { visitorHashSecret: options.visitorHashSecret }) : { inserted: 0, duplicates: 0, orphaned: 0 };
    // Before the acknowledgement, so a crash in between replays the batch and still tells the endpoints that want link.clicked.
    await queueClickWebhooks(
      db,
      events.map((event) => event.eventId),
    );
    // Open dashboards learn of the batch once it is committed (best effort: the counts are safe in PostgreSQL either way).
    if (result.inserted > 0) {
      await publishLiveClicks(db, redis, events).catch((error: unknown) =>
        log.warn({ err: error instanceof Error ? error.message : String(error) }, "could not tell dashboards about counted clicks"),
      );
    }
    // After the commit only: a crash before this line leaves the batch pending, and its replay changes nothing.
    await acknowledgeClicks(redis, entries);
    log.debug({ ...result, entries: entries.length, ms: Math.round(performance.now() - startedAt) }, "clicks committed");
  }

  async function pause(ms: number): Promise<void> {
    await sleep(ms, undefined, { signal: stopSignal.signal }).catch(() => undefined);
  }

  function failed(error: unknown): number {
    failures++;
    const pauseMs = Math.min(maxFailureBackoffMs, 100 * 2 ** Math.min(failures, 6));
    log.warn({ err: error instanceof Error ? error.message : String(error), retryInMs: pauseMs }, "click batch failed; nothing of it was committed, retrying");
    return pauseMs;
  }

  async function run(): Promise<void> {
    await ensureClickConsumerGroup(redis);
    await warmedUp;
    // Batches committing now (each its own transaction): several in flight keep both
    // the process (reading, enriching the next) and PostgreSQL (committing) busy.
    const inFlight = new Set<Promise<void>>();
    let retryAfter = 0;
    while (!stopSignal.signal.aborted) {
      if (inFlight.size >= batchesInFlight) {
        await Promise.race(inFlight);
        continue;
      }
      if (retryAfter > 0) {
        // A batch failed: let the others settle, pause, then read this consumer's own pending entries again.
        await Promise.allSettled(inFlight);
        await pause(retryAfter);
        retryAfter = 0;
        retryOwnPending = true;
        continue;
      }
      let entries: ClickStreamEntry[];
      try {
        entries = await nextBatch();
      } catch (error) {
        // The stream (and so the group) is gone, e.g. Redis restarted empty: make the group again.
        if (/NOGROUP/.test(String(error))) await ensureClickConsumerGroup(redis).catch(() => undefined);
        retryAfter = failed(error);
        continue;
      }
      if (entries.length === 0) {
        if (inFlight.size > 0) await Promise.race(inFlight);
        else await pause(options.idleBackoffMs);
        continue;
      }
      const committing: Promise<void> = commit(entries).then(
        () => {
          failures = 0;
        },
        (error: unknown) => {
          retryAfter = failed(error);
        },
      );
      inFlight.add(committing);
      void committing.finally(() => inFlight.delete(committing));
      // The own-pending list is re-read only once nothing else is in flight (or it would include batches still committing).
      // A short batch means the stream is drained: the next read waits for this commit, so that it takes what arrived
      // meanwhile as one batch rather than a few clicks each in a transaction of their own (see batchesInFlight).
      if (retryOwnPending || entries.length < batchSize) await committing;
    }
    // Batches already read are committed (and acknowledged) before the process stops.
    await Promise.allSettled(inFlight);
  }

  // The first batch would otherwise pay for what ingestion loads on first use (see warmUpClickIngestion). Bounded: a
  // database that does not answer now fails the first batch in its own time, and the retries take over from there.
  const warmedUp = Promise.race([
    warmUpClickIngestion(db, { visitorHashSecret: options.visitorHashSecret }).catch(() => undefined),
    sleep(warmUpTimeoutMs, undefined, { signal: stopSignal.signal, ref: false }).catch(() => undefined),
  ]);
  const running = ensureStarted();
  function ensureStarted(): Promise<void> {
    return (async () => {
      while (!stopSignal.signal.aborted) {
        try {
          await run();
          return;
        } catch (error) {
          // Only ensureClickConsumerGroup can get here (Redis away at start): try again shortly.
          log.warn({ err: error instanceof Error ? error.message : String(error) }, "click ingestion could not start; retrying");
          await sleep(1_000, undefined, { signal: stopSignal.signal }).catch(() => undefined);
        }
      }
    })();
  }

  return {
    warmedUp,
    stop: async () => {
      stopSignal.abort();
      await running;
    },
  };
}
