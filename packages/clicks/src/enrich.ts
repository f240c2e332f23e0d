import { isbot } from "isbot";
import { UAParser } from "ua-parser-js";
import type { ClickEvent } from "./event";

/** A click as stored: the event plus what the worker derives from it. */
export interface EnrichedClick extends ClickEvent {
  referrerHost: string | null;
  device: string;
  browser: string | null;
  os: string | null;
  isBot: boolean;
}

function hostOf(referrer: string | null): string | null {
  if (!referrer) return null;
  try {
    return new URL(referrer).hostname.toLowerCase() || null;
  } catch {
    return null;
  }
}

/**
 * Browser, OS and device from the user agent (ua-parser-js), the bot flag
 * (isbot; a visit without any user agent counts as a bot: browsers always
 * send one), and the referrer's host.
 */
export function enrichClick(event: ClickEvent): EnrichedClick {
  return { ...event, referrerHost: hostOf(event.referrer), ...describeAgent(event.userAgent) };
}

type AgentTraits = Pick<EnrichedClick, "device" | "browser" | "os" | "isBot">;

function describeAgent(userAgent: string | null): AgentTraits {
  const parsed = userAgent ? new UAParser(userAgent).getResult() : null;
  return {
    device: parsed?.device.type ?? "desktop",
    browser: parsed?.browser.name ?? null,
    os: parsed?.os.name ?? null,
    isBot: !userAgent || isbot(userAgent),
  };
}

/**
 * enrichClick over a batch, parsing each distinct user agent once (a batch
 * repeats the same few browsers many times; parsing is most of the cost).
 */
export function enrichClicks(events: readonly ClickEvent[]): EnrichedClick[] {
  const agents = new Map<string | null, AgentTraits>();
  return events.map((event) => {
    let traits = agents.get(event.userAgent);
    if (!traits) {
      traits = describeAgent(event.userAgent);
      agents.set(event.userAgent, traits);
    }
    return { ...event, referrerHost: hostOf(event.referrer), ...traits };
  });
}
