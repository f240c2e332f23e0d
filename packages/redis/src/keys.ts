/**
 * Every Redis key Hop writes, in one place, under one prefix, so that a
 * shared Redis can be inspected (SCAN hop:*) and nothing collides.
 */
const prefix = "hop";

export const redisKeys = {
  /** A live process's record; it expires unless the process heartbeats. */
  instance: (kind: string, id: string) => `${prefix}:instance:${kind}:${id}`,
  /** The index of live processes: a sorted set of their record keys, scored by when each record expires (ms since the epoch). */
  instances: () => `${prefix}:instances`,
  /** The server-side part of a session. */
  session: (sessionId: string) => `${prefix}:session:${sessionId}`,
  /**
   * A user's session epoch: a counter sealed into each session cookie and
   * compared on every check. Raising it (a password change) ends every
   * session sealed before, in one write.
   */
  sessionEpoch: (userId: string) => `${prefix}:session-epoch:${userId}`,
  /** The set of a user's session ids. */
  userSessions: (userId: string) => `${prefix}:user-sessions:${userId}`,
  /** The cached form of a link for the redirect, by slug. */
  link: (slug: string) => `${prefix}:link:${slug}`,
  /** The stream clicks are appended to on redirect (entries of the packed shape) and drained by workers. */
  clickStream: () => `${prefix}:clicks:packed`,
  /**
   * The stream of the first entry shape (every field by name), which webs before the packed shape append to: workers
   * drain it too, so that during an upgrade no click of an older web is lost, and workers of the first shape never
   * meet a packed entry (they would drop it as malformed).
   */
  legacyClickStream: () => `${prefix}:clicks`,
  /** The one consumer group of each clicks stream: every worker is a consumer of it. (A group name, not a key.) */
  clickStreamGroup: () => "click-ingestion",
  /** The prefix @upstash/ratelimit puts before its own keys, by limiter. */
  rateLimit: (limiter: string) => `${prefix}:ratelimit:${limiter}`,
  /** What happened to a job-pipeline probe sent from /system (a list of events). */
  probe: (probeId: string) => `${prefix}:probe:${probeId}`,
  /** The pub/sub channel workers publish counted clicks on; each web instance listens once and tells its open dashboards. (A channel, not a key.) */
  liveClicksChannel: () => `${prefix}:live-clicks`,
  /** An API key's owner and scopes by the key's SHA-256 (a cache of PostgreSQL), or the mark of a revoked key. */
  apiKey: (tokenHash: string) => `${prefix}:api-key:${tokenHash}`,
  /** Present while an API key's last-used time was written within the last minute (so it is written at most once a minute). */
  apiKeyUsed: (tokenHash: string) => `${prefix}:api-key-used:${tokenHash}`,
  /** The pub/sub channel import workers publish progress on; each web instance pushes it to the importer's open pages. (A channel, not a key.) */
  importProgressChannel: () => `${prefix}:import-progress`,
  /** A lock that one process of the cluster holds at a time. */
  lock: (name: string) => `${prefix}:lock:${name}`,
} as const;
