import type { InstanceRecord, ProcessKind } from "@hop/validators";

export interface LiveBuild {
  kind: ProcessKind;
  buildId: string;
  instances: number;
}

/**
 * The builds live for each kind of process, most instances first. Web and
 * worker builds have different ids by design (Next's build id, the worker
 * bundle's hash), so builds are compared within a kind only.
 */
export function liveBuildsByKind(instances: readonly InstanceRecord[]): Record<ProcessKind, LiveBuild[]> {
  const result: Record<ProcessKind, LiveBuild[]> = { web: [], worker: [] };
  for (const instance of instances) {
    const builds = result[instance.kind];
    const build = builds.find((candidate) => candidate.buildId === instance.buildId);
    if (build) build.instances += 1;
    else builds.push({ kind: instance.kind, buildId: instance.buildId, instances: 1 });
  }
  for (const builds of Object.values(result)) builds.sort((a, b) => b.instances - a.instances || a.buildId.localeCompare(b.buildId));
  return result;
}

/** The kinds that have more than one build live at once: a deploy is rolling out (or an old instance is stuck). */
export function kindsWithMixedBuilds(builds: Record<ProcessKind, LiveBuild[]>): ProcessKind[] {
  return (Object.keys(builds) as ProcessKind[]).filter((kind) => builds[kind].length > 1);
}

/**
 * A build id as the dashboard shows it: a long generated id (Next's build id,
 * a bundle hash) cut to its first 8 characters, enough to tell builds apart
 * at a glance; a word such as `development` (the dev server's id) is a name,
 * not a hash, and cut it would read as a typo ("developm"), so it stays whole.
 */
export function shortBuildId(buildId: string): string {
  if (/^[a-z]+(?:[-_][a-z]+)*$/i.test(buildId) && buildId.length <= 24) return buildId;
  return buildId.length > 10 ? buildId.slice(0, 8) : buildId;
}

export function countLabel(count: number, kind: ProcessKind): string {
  return kind === "web" ? `${count} web` : `${count} ${count === 1 ? "worker" : "workers"}`;
}
