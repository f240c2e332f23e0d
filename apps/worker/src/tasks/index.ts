import type { Database } from "@hop/db";
import { parseJobPayload, type JobName } from "@hop/jobs";
import type { Logger } from "@hop/logger";
import { accountDeletionScheduledMail, emailChangeMail, emailChangeNoticeMail, passwordResetMail, type Mailer } from "@hop/mail";
import type { Redis } from "@hop/redis";
import type { JobHelpers, Task } from "graphile-worker";
import type { SafeFetchOptions } from "../link-metadata/safe-fetch";
import { fetchLinkMetadata } from "./fetch-link-metadata";
import { runProbe } from "./probe";
import { deleteOldClicks, markExpiredLinks, trimClickStream } from "./scheduled";
import { purgeDueAccounts } from "@hop/accounts";
import { compactClosedDays, compactOpenDay } from "@hop/clicks";
import { type DeliveryLogLimits, pruneWebhookDeliveries, sendPendingClicks } from "@hop/webhooks";
import { deliverWebhook, type WebhookDeliverySettings } from "../webhooks/deliver";
import { runLinkImport } from "./link-import";
import { cleanUpExports, failAbandonedImports } from "@hop/api";
import { runExportJob } from "./export";

export { cronItems } from "./scheduled";

export interface TaskDeps {
  redis: Redis;
  /** A client with `rawReplies: true`, for the clicks stream. */
  streamRedis: Redis;
  db: Database;
  instanceId: string;
  log: Logger;
  clickRetentionDays: number;
  mailer: Mailer;
  metadataFetch: SafeFetchOptions;
  webhooks: WebhookDeliverySettings;
  webhookLog: DeliveryLogLimits;
  /** Hours an export's file is kept once ready (EXPORT_RETENTION_HOURS). */
  exportRetentionHours: number;
  /** export-process.js beside the worker's main: exports run in a child process of their own (unset: in this process). */
  exportProcessEntry?: string;
}

/**
 * The handler of every job contract. `satisfies Record<JobName, ...>` makes a
 * contract without a handler a type error; each payload is parsed with its
 * contract's schema before the handler sees it.
 */
export function createTaskList(deps: TaskDeps): Record<JobName, Task> {
  // A scheduled job's line names its tick, so "once per tick" can be seen (and tested) in the logs.
  const scheduled = async (
    name:
      | "links.markExpired"
      | "clicks.trimStream"
      | "clicks.deleteOld"
      | "accounts.purgeDue"
      | "imports.failAbandoned"
      | "webhook.pruneDeliveries"
      | "exports.cleanUp"
      | "analytics.compact",
    payload: unknown,
    work: () => Promise<Record<string, number>>,
  ) => {
    const tick = parseJobPayload(name, payload)._cron?.ts ?? null;
    deps.log.info({ task: name, tick, instanceId: deps.instanceId, ...(await work()) }, "scheduled job done");
  };
  const handlers = {
    "system.probe": (payload: unknown, helpers: JobHelpers) =>
      runProbe(parseJobPayload("system.probe", payload), { ...deps, signal: helpers.abortSignal ?? new AbortController().signal }),
    "link.fetchMetadata": (payload: unknown, helpers: JobHelpers) =>
      fetchLinkMetadata(
        parseJobPayload("link.fetchMetadata", payload),
        { db: deps.db, fetch: deps.metadataFetch, log: deps.log },
        { attempt: helpers.job.attempts, maxAttempts: helpers.job.max_attempts },
      ),
    "links.import": (payload: unknown, helpers: JobHelpers) =>
      runLinkImport(
        parseJobPayload("links.import", payload),
        { ...deps, signal: helpers.abortSignal ?? new AbortController().signal },
        { attempts: helpers.job.attempts, maxAttempts: helpers.job.max_attempts },
      ),
    "exports.run": (payload: unknown, helpers: JobHelpers) =>
      runExportJob(
        parseJobPayload("exports.run", payload),
        { ...deps, signal: helpers.abortSignal ?? new AbortController().signal },
        { attempt: helpers.job.attempts, maxAttempts: helpers.job.max_attempts },
      ),
    "exports.cleanUp": (payload: unknown) =>
      scheduled("exports.cleanUp", payload, () => cleanUpExports({ db: deps.db, retentionHours: deps.exportRetentionHours })),
    // A failed send throws, so graphile-worker retries it (up to the job's attempts) with backoff.
    "mail.passwordReset": (payload: unknown) => deps.mailer.send(passwordResetMail(parseJobPayload("mail.passwordReset", payload))),
    "mail.emailChange": (payload: unknown) => deps.mailer.send(emailChangeMail(parseJobPayload("mail.emailChange", payload))),
    "mail.emailChangeNotice": (payload: unknown) => deps.mailer.send(emailChangeNoticeMail(parseJobPayload("mail.emailChangeNotice", payload))),
    "mail.accountDeletionScheduled": (payload: unknown) =>
      deps.mailer.send(accountDeletionScheduledMail(parseJobPayload("mail.accountDeletionScheduled", payload))),
    "webhook.deliver": (payload: unknown) =>
      deliverWebhook(parseJobPayload("webhook.deliver", payload), { db: deps.db, log: deps.log, settings: deps.webhooks }),
    "webhook.sendClicks": async (payload: unknown) => {
      await sendPendingClicks(deps.db, parseJobPayload("webhook.sendClicks", payload).endpointId);
    },
    "accounts.purgeDue": (payload: unknown) => scheduled("accounts.purgeDue", payload, () => purgeDueAccounts({ db: deps.db, redis: deps.redis })),
    "webhook.pruneDeliveries": (payload: unknown) =>
      scheduled("webhook.pruneDeliveries", payload, async () => ({ deleted: await pruneWebhookDeliveries(deps.db, deps.webhookLog) })),
    "imports.failAbandoned": (payload: unknown) =>
      scheduled("imports.failAbandoned", payload, async () => ({ failed: await failAbandonedImports({ db: deps.db, redis: deps.redis }) })),
    "links.markExpired": (payload: unknown) => scheduled("links.markExpired", payload, () => markExpiredLinks(deps.db)),
    "clicks.trimStream": (payload: unknown) => scheduled("clicks.trimStream", payload, () => trimClickStream(deps.streamRedis)),
    "clicks.deleteOld": (payload: unknown) => scheduled("clicks.deleteOld", payload, () => deleteOldClicks(deps.db, deps.clickRetentionDays)),
    "analytics.compact": (payload: unknown) =>
      scheduled("analytics.compact", payload, async () => {
        const closed = await compactClosedDays(deps.db, { retentionDays: deps.clickRetentionDays });
        // Then today so far, so that a filtered view reads the raw clicks of the last minutes only.
        const open = await compactOpenDay(deps.db, {});
        return { ...closed, openDayAccounts: open.accountDays };
      }),
  } satisfies Record<JobName, (payload: unknown, helpers: JobHelpers) => Promise<void>>;
  return handlers;
}
