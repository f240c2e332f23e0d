export {
  cacheLink,
  asCachedLink,
  cachedLinkSchema,
  fillLinkCache,
  holdLinkCache,
  publishLinkCache,
  writeHoldPrefix,
  writeHoldTtlSeconds,
  isExpired,
  isOpenLink,
  linkCacheTtlSeconds,
  missingLinkMarker,
  missingLinkTtlSeconds,
  passwordTag,
  toCachedLink,
  type CachedLink,
} from "./cache";
export { asLocationHeader, destinationUrl, utmFromColumns, utmToColumns, type UtmColumns } from "./destination";
export { linkLookupScriptSha, lookUpLink, servedLinkWhere, warmUpLinkLookup, type ClickDraft, type LinkLookup } from "./lookup";
export { redirectStatusCode, redirectStatusFromCode } from "./redirect-status";
export { generateSlug, generatedSlugLength, slugAlphabet } from "./slug";
