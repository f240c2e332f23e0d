export { heartbeatIntervalMs, heartbeatTtlMs, startHeartbeat, type Heartbeat, type HeartbeatOptions } from "./heartbeat";
export { listLiveInstances, livenessIndexPruneAfterMs } from "./live-instances";
