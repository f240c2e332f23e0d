export {
  appendClick,
  clickDraftArgs,
  clickStreamXaddLua,
  countedVisitLua,
  isCountedVisit,
  recordClick,
  type ClickDraft,
} from "./append";
export { destinationUtm, enrichClick, enrichClicks, type ClickUtm, type DeviceType, type EnrichedClick, type EnrichOptions } from "./enrich";
export { bundledCountries, bundledCountryDatabasePath, countryDatabaseFile, openCountryDatabase, type CountryLookup } from "./geo";
export {
  clickEventFromStreamFields,
  clickEventSchema,
  clickEventToStreamFields,
  clickStreamFieldOrder,
  clickStreamFieldValues,
  clickTriggers,
  maxReferrerLength,
  packedClickFields,
  triggerOf,
  type ClickTrigger,
  type ParsedClickEvent,
  validReferrer,
  type ClickEvent,
  type ClickStreamFields,
  type PackedClickStreamFields,
} from "./event";
export { accountRollupDimensions, quarterHourSql } from "./account-rollups";
export {
  compactClosedDays,
  compactOpenDay,
  filterPairDimensions,
  pairedDimensions,
  type CompactionOptions,
  type CompactionResult,
} from "./compaction";
export { ingestClickEvents, warmUpClickIngestion, type IngestOptions, type IngestResult } from "./ingest";
export { visitorHash } from "./visitor-hash";
export {
  acknowledgeClicks,
  claimScanStart,
  claimStaleClicks,
  ensureClickConsumerGroup,
  isClaimScanStart,
  readClickStreamLag,
  readNewClicks,
  readOwnPendingClicks,
  removeIdleClickConsumers,
  trimAcknowledgedClicks,
  type ClaimCursor,
  type ClickStreamEntry,
  type ClickStreamLag,
} from "./stream";
export { publishLiveClicks } from "./live";
export { liveBatchSchema, liveUpdateSchema, type LiveBatch, type LiveUpdate } from "./live-update";
