export { BodyNotJsonError, type Caller, type CompatRequest, type CompatResponse } from "./http";
export { handleShlinkRequest, shlinkApiVersion, shlinkCorsHeaders, shlinkKeyHeader, shlinkPrefix, type ShlinkOptions } from "./shlink";
export { dubPrefix, handleDubRequest, type DubOptions } from "./dub";
