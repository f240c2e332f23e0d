/**
 * What the analytics procedures answer, as zod schemas: tRPC checks every
 * answer against them and the OpenAPI document of /api/v1 is generated from
 * them. They mirror the handlers' interfaces, and the compiler checks that
 * each handler's return type fits its schema (`.output()` types the resolver).
 */
import { analyticsDimensionSchema } from "@hop/validators";
import { z } from "zod";

const timestamp = z.date().meta({ description: "ISO 8601 date-time (UTC)" });
const count = z.number().int();

const resolvedPeriodSchema = z.object({
  from: timestamp,
  to: timestamp,
  localFrom: z.string(),
  localTo: z.string(),
  granularity: z.enum(["hour", "day", "month"]),
  timezone: z.string(),
  previous: z.object({ from: timestamp, to: timestamp }).nullable(),
});

export const analyticsTotalsSchema = z.object({
  clicks: count,
  uniqueVisitors: count,
  period: resolvedPeriodSchema,
  previous: z.object({ clicks: count, uniqueVisitors: count, from: timestamp, to: timestamp }).nullable(),
});

export const analyticsTimeSeriesSchema = z.object({
  period: resolvedPeriodSchema,
  granularity: z.enum(["hour", "day", "month"]),
  points: z.array(z.object({ start: timestamp, local: z.string(), clicks: count })),
});

export const analyticsTopSchema = z.object({
  dimension: analyticsDimensionSchema,
  period: resolvedPeriodSchema,
  rows: z.array(
    z.object({
      value: z.string(),
      label: z.string(),
      clicks: count,
      link: z.object({ id: z.string(), slug: z.string(), title: z.string().nullable(), url: z.string() }).optional(),
    }),
  ),
});

export const analyticsRealtimeSchema = z.object({
  minutes: z.array(z.object({ start: timestamp, clicks: count })),
  lastFiveMinutes: count,
  total: count,
});

export const rawClicksPageSchema = z.object({
  clicks: z.array(
    z.object({
      id: z.string(),
      occurredAt: timestamp,
      linkId: z.string(),
      slug: z.string(),
      country: z.string().nullable(),
      region: z.string().nullable(),
      city: z.string().nullable(),
      device: z.string().nullable(),
      browser: z.string().nullable(),
      os: z.string().nullable(),
      referrer: z.string(),
      utmSource: z.string().nullable(),
      utmMedium: z.string().nullable(),
      utmCampaign: z.string().nullable(),
      trigger: z.string(),
      isBot: z.boolean(),
      userAgent: z.string().nullable(),
    }),
  ),
  nextCursor: z.string().nullable(),
});
