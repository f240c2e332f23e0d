import { parseCommand, parseCommandList } from "./commands";
import { RestError } from "./errors";
import type { CommandOutcome, RedisExecutor } from "./executor";
import { encodeReply, type JsonReply, type ReplyEncoding } from "./replies";
import type { SubscriptionKind } from "./subscriptions";

/** The three endpoints @upstash/redis posts to. */
export type RestEndpoint = "command" | "pipeline" | "multi-exec";

export type RestItem = { result: JsonReply } | { error: string };
export type RestBody = RestItem | RestItem[];
export interface RestResponse {
  status: number;
  body: RestBody;
}

export function restEndpointOf(path: string): RestEndpoint | undefined {
  switch (path) {
    case "":
    case "/":
      return "command";
    case "pipeline":
    case "/pipeline":
      return "pipeline";
    case "multi-exec":
    case "/multi-exec":
      return "multi-exec";
    default:
      return undefined;
  }
}

/**
 * `/subscribe/<channel>` and `/psubscribe/<pattern>`, Upstash's pub/sub
 * endpoints. @upstash/redis joins the name to the path as it is; fetch
 * percent-encodes what a URL cannot carry, so the name is decoded, and a name
 * with slashes spans the rest of the path. Undefined for any other path;
 * `name` is empty when the path names none.
 */
export function subscriptionOf(path: string): { kind: SubscriptionKind; name: string } | undefined {
  const match = /^\/?(subscribe|psubscribe)(?:\/(.*))?$/.exec(path);
  if (!match) return undefined;
  let name = match[2] ?? "";
  try {
    name = decodeURIComponent(name);
  } catch {
    // Not percent-encoding after all: the name is what was sent.
  }
  return { kind: match[1] as SubscriptionKind, name };
}

/**
 * Answers one REST request exactly as Upstash would: `{result}` or `{error}`
 * for a command, a list of them for a pipeline or transaction, and the status
 * code of the error class otherwise.
 */
export async function answerRestRequest(executor: RedisExecutor, endpoint: RestEndpoint, body: unknown, encoding: ReplyEncoding): Promise<RestResponse> {
  try {
    switch (endpoint) {
      case "command": {
        const reply = await executor.run(parseCommand(body));
        return { status: 200, body: { result: encodeReply(reply, encoding) } };
      }
      case "pipeline":
        return { status: 200, body: (await executor.runPipeline(parseCommandList(body))).map((item) => toItem(item, encoding)) };
      case "multi-exec":
        return { status: 200, body: (await executor.runTransaction(parseCommandList(body))).map((item) => toItem(item, encoding)) };
    }
  } catch (error) {
    if (error instanceof RestError) return { status: error.status, body: { error: error.message } };
    throw error;
  }
}

function toItem(outcome: CommandOutcome, encoding: ReplyEncoding): RestItem {
  return outcome.ok ? { result: encodeReply(outcome.reply, encoding) } : { error: outcome.error.message };
}
