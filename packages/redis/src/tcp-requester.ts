import { answerRestRequest, restEndpointOf, RestError, type RedisExecutor, type RestEndpoint, type SubscriptionKind } from "@hop/redis-protocol";
import { errors, type Requester, type UpstashRequest, type UpstashResponse } from "@upstash/redis";

/**
 * Lets @upstash/redis send its commands over pooled TCP connections instead
 * of HTTP. Requests go through the same core as the REST gateway and fail
 * with the same UpstashError the HTTP client throws, so code cannot tell the
 * transports apart except by speed.
 */
export class TcpRequester implements Requester {
  constructor(private readonly executor: RedisExecutor) {}

  // Not async itself: single commands (every redirect's) carry no path and go straight to the command endpoint, one promise layer fewer.
  request<TResult = unknown>(request: UpstashRequest): Promise<UpstashResponse<TResult>> {
    const path = request.path;
    if (path === undefined || path.length === 0) return this.#answer<TResult>("command", request.body);
    return this.#route<TResult>(request, path);
  }

  async #route<TResult>(request: UpstashRequest, path: string[]): Promise<UpstashResponse<TResult>> {
    const [first, ...rest] = path;
    if ((first === "subscribe" || first === "psubscribe") && request.onMessage) {
      return (await this.#subscribe(first, rest.join("/"), request.onMessage, request.signal)) as UpstashResponse<TResult>;
    }
    const endpoint = restEndpointOf(path.join("/"));
    if (!endpoint) throw new errors.UpstashError(`the TCP transport has no endpoint /${path.join("/")}`);
    return this.#answer<TResult>(endpoint, request.body);
  }

  async #answer<TResult>(endpoint: RestEndpoint, body: unknown): Promise<UpstashResponse<TResult>> {
    const response = await answerRestRequest(this.executor, endpoint, body, "utf8");
    if (response.status !== 200 && !Array.isArray(response.body) && "error" in response.body) {
      throw new errors.UpstashError(`${response.body.error}, command was: ${JSON.stringify(body)}`);
    }
    // A pipeline's answer is a list of results; @upstash/redis types both as one.
    return response.body as UpstashResponse<TResult>;
  }

  /**
   * subscribe() and psubscribe(): the same events the gateway streams, handed
   * to the Subscriber's callback, on a connection held until its signal aborts.
   * Answers { result: 1 } once subscribed, as the HTTP client does once its
   * stream has started.
   */
  async #subscribe(kind: SubscriptionKind, name: string, onMessage: (data: string) => void, signal: AbortSignal | undefined): Promise<UpstashResponse<number>> {
    if (signal?.aborted) return { result: 1 };
    try {
      const subscription = await this.executor.subscribe(kind, name, onMessage, () => undefined);
      if (signal?.aborted) subscription.close();
      else signal?.addEventListener("abort", () => subscription.close(), { once: true });
    } catch (error) {
      if (error instanceof RestError) throw new errors.UpstashError(`${error.message}, command was: ${kind} ${name}`);
      throw error;
    }
    return { result: 1 };
  }
}
