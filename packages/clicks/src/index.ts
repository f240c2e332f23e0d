export { enrichClick, enrichClicks, type EnrichedClick } from "./enrich";
export {
  clickEventFromStreamFields,
  clickEventSchema,
  clickEventToStreamFields,
  maxReferrerLength,
  validReferrer,
  type ClickEvent,
  type ClickStreamFields,
} from "./event";
export { ingestClickEvents, type IngestResult } from "./ingest";
export { visitorHash } from "./visitor-hash";
export {
  acknowledgeClicks,
  claimStaleClicks,
  ensureClickConsumerGroup,
  readClickStreamLag,
  readNewClicks,
  readOwnPendingClicks,
  removeIdleClickConsumers,
  trimAcknowledgedClicks,
  type ClickStreamEntry,
  type ClickStreamLag,
} from "./stream";
export { publishLiveClicks } from "./live";
export { liveBatchSchema, liveUpdateSchema, type LiveBatch, type LiveUpdate } from "./live-update";
