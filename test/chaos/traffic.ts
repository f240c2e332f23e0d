import { randomUUID } from "node:crypto";
import type { AppRouter } from "@hop/api";
import type { TRPCClient } from "@trpc/client";

/** One request of the run, as the client saw it (times in ms since the epoch). */
export interface RequestOutcome {
  kind: "visit-get" | "visit-head" | "bot-get" | "create" | "update";
  startedAt: number;
  endedAt: number;
  ok: boolean;
  /** The short link visited (visits only). */
  slug?: string;
  /** Sent as X-Request-Id (visits only): haproxy's log shows it. */
  requestId?: string;
  /** The fixture page a create or edit pointed the link at. */
  token?: string;
  linkId?: string;
  /** The HTTP status, or the error's text when there was none. */
  detail: string;
}

const browserAgents = [
  "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
  "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_7_1) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
  "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
  "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36",
];
const botAgent = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)";

const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)]!;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface TrafficUser {
  api: TRPCClient<AppRouter>;
  /** Ids of this user's links that the client knows of (created with an answer). */
  linkIds: string[];
}

export interface TrafficPlan {
  baseUrl: string;
  /** Slugs visitors pick from; grows as users create links. */
  slugs: string[];
  users: TrafficUser[];
  visitorConcurrency: number;
  /** Pause between a user's calls: keeps each account under its link-creation limit (120 a minute). */
  userPauseMs: number;
  pageUrl(token: string): string;
  /** Whether to go on (the run's 60 s, and until the faults that must happen have happened). */
  running(): boolean;
}

/**
 * A bounded client: `visitorConcurrency` visitors in a loop (GET with a
 * browser agent; 1 in 10 a HEAD, 1 in 20 a bot's GET) and one loop per user
 * creating links and editing them (title, or a new destination), all through
 * the load balancer, while `running()`. Every request's outcome is kept.
 */
export async function runTraffic(plan: TrafficPlan): Promise<RequestOutcome[]> {
  const outcomes: RequestOutcome[] = [];
  const visitor = async () => {
    while (plan.running()) {
      const roll = Math.random();
      const kind: RequestOutcome["kind"] = roll < 0.1 ? "visit-head" : roll < 0.15 ? "bot-get" : "visit-get";
      const slug = pick(plan.slugs);
      const requestId = randomUUID();
      const startedAt = Date.now();
      try {
        const response = await fetch(`${plan.baseUrl}/${slug}`, {
          method: kind === "visit-head" ? "HEAD" : "GET",
          redirect: "manual",
          headers: { "user-agent": kind === "bot-get" ? botAgent : pick(browserAgents), "x-request-id": requestId },
        });
        await response.arrayBuffer();
        const ok = response.status >= 301 && response.status <= 308;
        outcomes.push({ kind, slug, requestId, startedAt, endedAt: Date.now(), ok, detail: String(response.status) });
      } catch (error) {
        outcomes.push({ kind, slug, requestId, startedAt, endedAt: Date.now(), ok: false, detail: describe(error) });
      }
    }
  };
  const user = async (account: TrafficUser) => {
    while (plan.running()) {
      const create = account.linkIds.length < 3 || Math.random() < 0.5;
      const kind = create ? "create" : "update";
      const token = create || Math.random() < 0.5 ? randomUUID() : undefined;
      let linkId = create ? undefined : pick(account.linkIds);
      const startedAt = Date.now();
      try {
        if (linkId === undefined) {
          const link = await account.api.links.create.mutate({ url: plan.pageUrl(token ?? randomUUID()), title: "made under chaos" });
          linkId = link.id;
          account.linkIds.push(link.id);
          plan.slugs.push(link.slug);
        } else {
          await account.api.links.update.mutate(token ? { id: linkId, url: plan.pageUrl(token) } : { id: linkId, title: `edited ${new Date().toISOString()}` });
        }
        outcomes.push({ kind, token, linkId, startedAt, endedAt: Date.now(), ok: true, detail: "200" });
      } catch (error) {
        outcomes.push({ kind, token, linkId, startedAt, endedAt: Date.now(), ok: false, detail: describe(error) });
      }
      await sleep(plan.userPauseMs);
    }
  };
  await Promise.all([...Array.from({ length: plan.visitorConcurrency }, visitor), ...plan.users.map(user)]);
  return outcomes;
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const data = (error as { data?: { httpStatus?: number; code?: string } }).data;
  const cause = error.cause instanceof Error ? ` (${error.cause.message})` : "";
  return data?.httpStatus ? `${data.httpStatus} ${data.code ?? ""} ${error.message}` : `${error.message}${cause}`;
}
