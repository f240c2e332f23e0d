import { answerRestRequest, restEndpointOf, type RedisExecutor } from "@hop/redis-protocol";
import { errors, type Requester, type UpstashRequest, type UpstashResponse } from "@upstash/redis";

/**
 * Lets @upstash/redis send its commands over pooled TCP connections instead
 * of HTTP. Requests go through the same core as the REST gateway and fail
 * with the same UpstashError the HTTP client throws, so code cannot tell the
 * transports apart except by speed.
 */
export class TcpRequester implements Requester {
  constructor(private readonly executor: RedisExecutor) {}

  async request<TResult = unknown>(request: UpstashRequest): Promise<UpstashResponse<TResult>> {
    const endpoint = restEndpointOf((request.path ?? []).join("/"));
    if (!endpoint) throw new errors.UpstashError(`the TCP transport has no endpoint /${(request.path ?? []).join("/")}`);
    const response = await answerRestRequest(this.executor, endpoint, request.body, "utf8");
    if (response.status !== 200 && !Array.isArray(response.body) && "error" in response.body) {
      throw new errors.UpstashError(`${response.body.error}, command was: ${JSON.stringify(request.body)}`);
    }
    // A pipeline's answer is a list of results; @upstash/redis types both as one.
    return response.body as UpstashResponse<TResult>;
  }
}
