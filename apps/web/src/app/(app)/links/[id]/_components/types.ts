import type { RouterOutputs } from "@hop/api";

export type LinkStats = RouterOutputs["links"]["stats"];
export type DayStats = LinkStats["days"][number];
