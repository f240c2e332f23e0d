import { parseCommand, parseCommandList } from "./commands";
import { RestError } from "./errors";
import type { CommandOutcome, RedisExecutor } from "./executor";
import { encodeReply, type JsonReply, type ReplyEncoding } from "./replies";

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
 * Answers one REST request exactly as Upstash would: `{result}` or `{error}`
 * for a command, a list of them for a pipeline or transaction, and the status
 * code of the error class otherwise.
 */
export async function answerRestRequest(
  executor: RedisExecutor,
  endpoint: RestEndpoint,
  body: unknown,
  encoding: ReplyEncoding,
): Promise<RestResponse> {
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
