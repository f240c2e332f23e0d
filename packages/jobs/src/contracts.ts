import { maxProbeHoldMs } from "@hop/validators";
import { z } from "zod";

/** What graphile-worker's crontab puts in a scheduled job's payload: the tick it is for. */
const cronPayload = z.object({
  _cron: z.object({ ts: z.string(), backfilled: z.boolean().optional() }).optional(),
});

/**
 * Every job Hop runs: its name and the zod schema of its payload. The web
 * enqueues with these names and the worker handles them; both sides parse the
 * payload with the same schema, so a job that does not match its contract
 * is refused on the way in and on the way out.
 */
export const jobContracts = {
  /**
   * An operator's probe of the job pipeline, sent from /system: the worker
   * that runs it records who ran it and when, so the page can show the round
   * trip. `holdMs` keeps the job running for a while (to watch a hand-over).
   */
  "system.probe": z.object({
    probeId: z.string().min(1).max(64),
    holdMs: z.number().int().min(0).max(maxProbeHoldMs).default(0),
  }),
  /**
   * Fetch a link's target page and store its title, description and image.
   * Enqueued in the transaction that creates the link or changes its target,
   * with job key `linkMetadataJobKey(linkId)`, so repeats collapse into one.
   */
  "link.fetchMetadata": z.object({
    linkId: z.string().min(1).max(64),
    /**
     * The target this job was enqueued for. A job already running when the
     * target changes cannot be replaced, so the change adds a second one; the
     * first then finds another target and leaves it to the second, and each
     * target is fetched once. Absent in jobs queued before this field.
     */
    url: z.string().min(1).max(8192).optional(),
  }),
  /**
   * Mail a password-reset link. Enqueued in the transaction that stores the
   * token's hash, so the web never waits on SMTP and no mail goes out for a
   * token that was not stored. The link carries the token: graphile-worker
   * deletes the job once the mail is sent, and the token dies after 30 minutes anyway.
   */
  "mail.passwordReset": z.object({
    to: z.email().max(254),
    resetUrl: z.url().max(2048),
    validMinutes: z
      .number()
      .int()
      .min(1)
      .max(24 * 60),
  }),
  /** Mail the link that confirms a new email address, to that address; enqueued with the token's row, like the reset mail. */
  "mail.emailChange": z.object({
    to: z.email().max(254),
    confirmUrl: z.url().max(2048),
    validMinutes: z
      .number()
      .int()
      .min(1)
      .max(24 * 60),
  }),
  /**
   * Tell the old address that the account's email is being moved to another
   * one (issue 12): if its owner did not ask, they know to sign in and change
   * the password before the new address is confirmed. Enqueued with the token's row.
   */
  "mail.emailChangeNotice": z.object({
    to: z.email().max(254),
    newEmail: z.email().max(254),
    accountUrl: z.url().max(2048),
  }),
  /** Tell the owner when their account will be deleted and how to keep it; enqueued with the deletion date. */
  "mail.accountDeletionScheduled": z.object({
    to: z.email().max(254),
    deletionScheduledFor: z.iso.datetime(),
    signInUrl: z.url().max(2048),
  }),
  /**
   * One attempt to deliver a webhook message (issue 17). Enqueued in the
   * transaction that creates the delivery row (and so the change that caused
   * it), with job key `webhookDeliveryJobKey(deliveryId)`; a failed attempt
   * enqueues the next one with a growing delay in the transaction that
   * records it.
   */
  "webhook.deliver": z.object({ deliveryId: z.string().min(1).max(64) }),
  /** Send an endpoint's pending clicks as one link.clicked delivery; keyed per endpoint, so clicks of one second share one. */
  "webhook.sendClicks": z.object({ endpointId: z.string().min(1).max(64) }),
  /**
   * Create the links of an import (issue 17): every row of its stored file
   * through links.create in the importer's context. Enqueued with the import's
   * row; a run cut short (worker killed) is run again and skips the rows it
   * recorded, so each row creates at most one link.
   */
  "links.import": z.object({ importId: z.string().min(1).max(64) }),
  /**
   * Write an export's file (issue 17): its rows a page at a time through the
   * owner's procedures, gzip-compressed into ExportChunk rows. Enqueued with
   * the export's row; a run cut short (worker killed) is run again from the
   * start under a new run id, so a file is never a mix of two runs.
   */
  "exports.run": z.object({ exportId: z.string().min(1).max(64) }),
  /** Scheduled (crontab, every 10 minutes): delete expired exports and fail stalled ones. */
  "exports.cleanUp": cronPayload,
  /** Scheduled (crontab, every 10 minutes): delete the accounts whose deletion date has passed. */
  "accounts.purgeDue": cronPayload,
  /** Scheduled (crontab, hourly): delete finished webhook deliveries past the log's limits (days, newest per endpoint). */
  "webhook.pruneDeliveries": cronPayload,
  /** Scheduled (crontab, every 10 minutes): mark FAILED the imports whose job used up its attempts (a worker killed in the last one). */
  "imports.failAbandoned": cronPayload,
  /** Scheduled (crontab, every minute): mark links whose expiry passed. */
  "links.markExpired": cronPayload,
  /** Scheduled (crontab, every minute): trim acknowledged entries off the clicks stream. */
  "clicks.trimStream": cronPayload,
  /** Scheduled (crontab, hourly): delete raw clicks past the retention period; rollups stay. */
  "clicks.deleteOld": cronPayload,
  /** Scheduled (crontab, every 10 minutes): compact closed UTC days of clicks into the tiers filtered dashboards read. */
  "analytics.compact": cronPayload,
} as const;

export type JobName = keyof typeof jobContracts;
export type JobPayloadInput<Name extends JobName> = z.input<(typeof jobContracts)[Name]>;
export type JobPayload<Name extends JobName> = z.output<(typeof jobContracts)[Name]>;

export function parseJobPayload<Name extends JobName>(name: Name, payload: unknown): JobPayload<Name> {
  return jobContracts[name].parse(payload) as JobPayload<Name>;
}

/**
 * Jobs that run in a named graphile-worker queue: jobs of one queue run one
 * at a time across the whole cluster. Probes do, so however many operators
 * send however many, at most one is being held at any moment.
 */
export const jobQueueNames: Partial<Record<JobName, string>> = {
  "system.probe": "system.probe",
};

/** The job key that makes repeated metadata fetches of one link collapse into one job. */
export function linkMetadataJobKey(linkId: string): string {
  return `link.fetchMetadata:${linkId}`;
}

/** The job key of a delivery's next attempt: a redeliver while one is queued collapses into it. */
export function webhookDeliveryJobKey(deliveryId: string): string {
  return `webhook.deliver:${deliveryId}`;
}
