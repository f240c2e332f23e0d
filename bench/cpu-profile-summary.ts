/**
 * Where a process's CPU went: sums the self time of a `node --cpu-prof`
 * profile by function (name + file:line), and by package, and prints the top
 * of each with its share of the busy (non-idle) time.
 *
 *   pnpm bench:profile <file.cpuprofile> [--top 30]
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const { values, positionals } = parseArgs({
  args: process.argv.slice(2).filter((arg) => arg !== "--"),
  options: { top: { type: "string", default: "30" } },
  allowPositionals: true,
});
const file = positionals[0];
if (!file) {
  process.stderr.write("usage: pnpm bench:profile <file.cpuprofile> [--top 30]\n");
  process.exit(1);
}
const profile = JSON.parse(readFileSync(file, "utf8")) as Profile;
const nodes = new Map(profile.nodes.map((node) => [node.id, node]));

const parents = new Map<number, number>();
for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);

const byFunction = new Map<string, number>();
/** Inclusive time: a sample counts once for every distinct function on its stack. */
const inclusive = new Map<string, number>();
const byPackage = new Map<string, number>();
let total = 0;
let idle = 0;
for (const [i, id] of profile.samples.entries()) {
  const micros = profile.timeDeltas[i] ?? 0;
  const frame = nodes.get(id)?.callFrame;
  if (!frame) continue;
  total += micros;
  if (frame.functionName === "(idle)") {
    idle += micros;
    continue;
  }
  const name = label(frame);
  byFunction.set(name, (byFunction.get(name) ?? 0) + micros);
  const onStack = new Set<string>();
  for (let current: number | undefined = id; current !== undefined; current = parents.get(current)) {
    const callFrame = nodes.get(current)?.callFrame;
    if (callFrame && callFrame.functionName !== "(root)") onStack.add(label(callFrame));
  }
  for (const entry of onStack) inclusive.set(entry, (inclusive.get(entry) ?? 0) + micros);
  byPackage.set(packageOf(frame.url, frame.functionName), (byPackage.get(packageOf(frame.url, frame.functionName)) ?? 0) + micros);
}

function label(frame: ProfileNode["callFrame"]): string {
  const place = frame.url ? `${shorten(frame.url)}:${frame.lineNumber + 1}` : "";
  return `${frame.functionName || "(anonymous)"}${place ? `  ${place}` : ""}`;
}

function shorten(url: string): string {
  const path = url.replace(/^file:\/\//, "");
  const modules = path.lastIndexOf("node_modules/");
  if (modules !== -1) return path.slice(modules + "node_modules/".length).replace(/^\.pnpm\/[^/]+\/node_modules\//, "");
  const apps = path.indexOf("/apps/");
  return apps === -1 ? path : path.slice(apps + 1);
}

function packageOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith("(") ? functionName : "(native / V8)";
  if (url.startsWith("node:")) return "node core";
  const path = shorten(url);
  if (url.includes("node_modules/")) return path.startsWith("@") ? path.split("/").slice(0, 2).join("/") : (path.split("/")[0] ?? path);
  return path.split("/").slice(0, 3).join("/");
}

const busy = total - idle;
const top = Number(values.top);
const print = (title: string, map: Map<string, number>, count: number) => {
  console.log(`\n${title}\n`);
  console.log("| self ms | % of busy | function |");
  console.log("| ---: | ---: | --- |");
  for (const [name, micros] of [...map.entries()].sort((a, b) => b[1] - a[1]).slice(0, count)) {
    console.log(`| ${(micros / 1_000).toFixed(0)} | ${((micros / busy) * 100).toFixed(1)} | ${name.replaceAll("|", "\\|")} |`);
  }
};
console.log(`${file}: ${(total / 1e6).toFixed(1)} s sampled, ${(busy / 1e6).toFixed(1)} s busy (${((busy / total) * 100).toFixed(0)} %)`);
print("Self time by package", byPackage, 15);
print("Self time by function", byFunction, top);
print("Total time by function (itself and what it called)", inclusive, top);
