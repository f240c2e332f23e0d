import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";

const colors = [36, 35, 33, 32, 34, 91, 96, 95];

export interface ManagedProcess {
  name: string;
  child: ChildProcess;
  exited: Promise<number | null>;
}

/** Runs a child with its output prefixed by its name, one line at a time. */
export function startProcess(name: string, command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv; index: number }): ManagedProcess {
  const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ["ignore", "pipe", "pipe"] });
  const color = colors[options.index % colors.length] ?? 36;
  const label = process.stdout.isTTY ? `\u001b[${color}m${name.padEnd(10)}\u001b[0m` : name.padEnd(10);
  for (const stream of [child.stdout, child.stderr]) {
    if (!stream) continue;
    createInterface({ input: stream }).on("line", (line) => process.stdout.write(`${label} ${line}\n`));
  }
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { name, child, exited };
}

/** SIGTERM, then SIGKILL if it has not exited in time. */
export async function stopProcess(managed: ManagedProcess, timeoutMs = 12_000): Promise<void> {
  if (managed.child.exitCode !== null || managed.child.signalCode !== null) return;
  managed.child.kill("SIGTERM");
  const timer = setTimeout(() => managed.child.kill("SIGKILL"), timeoutMs);
  await managed.exited;
  clearTimeout(timer);
}
