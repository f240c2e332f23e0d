export { heartbeatIntervalMs, heartbeatTtlMs, startHeartbeat, type Heartbeat, type HeartbeatOptions } from "./heartbeat";
export { listLiveInstances } from "./live-instances";
