/** A reply as it comes off the wire (ioredis in buffer mode). */
export type RedisReply = Buffer | number | null | Error | RedisReply[];

/** A reply as JSON carries it in the REST protocol. */
export type JsonReply = string | number | null | JsonReply[];

/**
 * `base64` is Upstash's `Upstash-Encoding: base64`: every string but a
 * top-level "OK" is base64, recursively in arrays, so any bytes survive JSON.
 * `utf8` is the plain form, also what the TCP requester hands its client.
 */
export type ReplyEncoding = "utf8" | "base64";

export function encodeReply(reply: RedisReply, encoding: ReplyEncoding): JsonReply {
  if (encoding === "base64" && Buffer.isBuffer(reply) && reply.length === 2 && reply[0] === 0x4f && reply[1] === 0x4b) {
    return "OK";
  }
  return encodeNested(reply, encoding);
}

function encodeNested(reply: RedisReply, encoding: ReplyEncoding): JsonReply {
  if (Buffer.isBuffer(reply)) return reply.toString(encoding);
  if (Array.isArray(reply)) return reply.map((item) => encodeNested(item, encoding));
  if (reply instanceof Error) return reply.message;
  return reply;
}
