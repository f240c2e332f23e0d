import http from "node:http";
import https from "node:https";
import { checkUrl, guardedLookup, PageFetchError, systemResolver, type Resolver } from "../link-metadata/safe-fetch";

export interface PostResult {
  status: number;
  /** The first bytes of the answer's body, as text. */
  excerpt: string;
}

/** Bytes of a receiver's answer kept in the delivery log. */
const excerptBytes = 1024;

/**
 * POSTs a webhook body through the metadata fetcher's address guard (public
 * addresses only, checked in the connection's own lookup; loopback only with
 * `allowLoopback`), without following redirects (a receiver answers, it does
 * not send us elsewhere), within `timeoutMs`. Reads at most `excerptBytes` of
 * the answer. Throws PageFetchError when no answer came (its `permanent` says
 * whether the address itself is refused).
 */
export function postWebhook(
  target: string,
  body: string,
  headers: Record<string, string>,
  options: { allowLoopback: boolean; timeoutMs: number; resolve?: Resolver },
): Promise<PostResult> {
  const url = new URL(target);
  checkUrl(url, options.allowLoopback);
  const signal = AbortSignal.timeout(options.timeoutMs);
  return new Promise((resolve, reject) => {
    const client = url.protocol === "https:" ? https : http;
    const req = client.request(url, {
      method: "POST",
      lookup: guardedLookup(options.resolve ?? systemResolver, options.allowLoopback),
      agent: false,
      signal,
      headers: {
        ...headers,
        "content-type": "application/json",
        "content-length": String(Buffer.byteLength(body)),
        "user-agent": "Hop-Webhooks/1.0",
      },
    });
    req.once("error", (error) => {
      if (error instanceof PageFetchError) reject(error);
      else if (signal.aborted) reject(new PageFetchError(`timed out after ${options.timeoutMs} ms`, false, `No answer within ${options.timeoutMs} ms`));
      else reject(new PageFetchError(`${url.host}: ${error.message}`, false, "The endpoint could not be reached"));
    });
    req.once("response", (response) => {
      const chunks: Buffer[] = [];
      let bytes = 0;
      const finish = () => {
        response.destroy();
        resolve({ status: response.statusCode ?? 0, excerpt: Buffer.concat(chunks).subarray(0, excerptBytes).toString("utf8") });
      };
      response.on("data", (chunk: Buffer) => {
        chunks.push(chunk);
        bytes += chunk.length;
        if (bytes >= excerptBytes) finish();
      });
      response.once("end", finish);
      response.once("error", finish);
    });
    req.end(body);
  });
}
