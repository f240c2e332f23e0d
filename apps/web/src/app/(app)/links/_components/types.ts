import type { RouterOutputs } from "@hop/api";

/** A link as the list and the mutations return it. */
export type Link = RouterOutputs["links"]["list"]["items"][number];
export type LinkTag = RouterOutputs["links"]["tags"][number];
