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
  const parsed = event.userAgent ? new UAParser(event.userAgent).getResult() : null;
  return {
    ...event,
    referrerHost: hostOf(event.referrer),
    device: parsed?.device.type ?? "desktop",
    browser: parsed?.browser.name ?? null,
    os: parsed?.os.name ?? null,
    isBot: !event.userAgent || isbot(event.userAgent),
  };
}
