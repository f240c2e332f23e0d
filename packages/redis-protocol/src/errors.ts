/**
 * The errors a REST request can end in, each with the HTTP status Upstash
 * answers for it. The gateway turns them into status codes; the TCP requester
 * throws them, so both transports fail the same way.
 */
export abstract class RestError extends Error {
  abstract readonly status: number;
}

/** The request or one of its commands is malformed or not allowed over REST. */
export class CommandRejectedError extends RestError {
  override readonly name = "CommandRejectedError";
  readonly status = 400;
}

/** Redis answered with an error reply (WRONGTYPE, NOSCRIPT, EXECABORT, ...). */
export class RedisReplyError extends RestError {
  override readonly name = "RedisReplyError";
  readonly status = 400;
}

/** Redis cannot be reached right now; the request may be retried. */
export class RedisUnavailableError extends RestError {
  override readonly name = "RedisUnavailableError";
  readonly status = 503;
}

/** Redis did not answer within the command timeout. */
export class RedisTimeoutError extends RestError {
  override readonly name = "RedisTimeoutError";
  readonly status = 504;
}
