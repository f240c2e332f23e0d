import { parseJobPayload, type JobName } from "@hop/jobs";
import type { Redis } from "@hop/redis";
import type { JobHelpers, TaskList } from "graphile-worker";
import { runProbe } from "./probe";

export interface TaskDeps {
  redis: Redis;
  instanceId: string;
}

/**
 * The handler of every job contract. `satisfies Record<JobName, ...>` makes a
 * contract without a handler a type error; each payload is parsed with its
 * contract's schema before the handler sees it.
 */
export function createTaskList(deps: TaskDeps): TaskList {
  const handlers = {
    "system.probe": (payload: unknown, helpers: JobHelpers) =>
      runProbe(parseJobPayload("system.probe", payload), { ...deps, signal: helpers.abortSignal ?? new AbortController().signal }),
  } satisfies Record<JobName, (payload: unknown, helpers: JobHelpers) => Promise<void>>;
  return handlers;
}
