export {
  jobContracts,
  jobQueueNames,
  linkMetadataJobKey,
  parseJobPayload,
  webhookDeliveryJobKey,
  type JobName,
  type JobPayload,
  type JobPayloadInput,
} from "./contracts";
export { enqueueJob, enqueueJobs, type EnqueueOptions, type Queryable } from "./enqueue";
export { migrateJobQueue, readQueueStats } from "./queue";
