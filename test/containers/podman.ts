import { execFile } from "node:child_process";

export interface CommandResult {
  stdout: string;
  stderr: string;
}

/** Runs a command to its end; rejects with its output when it fails or outlives `timeoutMs`. */
export function run(command: string, args: string[], options: { cwd?: string; timeoutMs?: number } = {}): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { cwd: options.cwd, timeout: options.timeoutMs ?? 60_000, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${command} ${args.join(" ")} failed: ${error.message}\n${stdout.slice(-4_000)}\n${stderr.slice(-4_000)}`));
      else resolve({ stdout, stderr });
    });
  });
}

export const podman = (args: string[], timeoutMs?: number) => run("podman", args, { timeoutMs });

/** `-e NAME=value` for every variable. */
export function envArgs(env: Record<string, string>): string[] {
  return Object.entries(env).flatMap(([name, value]) => ["-e", `${name}=${value}`]);
}

/** The last lines a container wrote, for a failure message. */
export async function containerLogs(name: string): Promise<string> {
  try {
    const { stdout, stderr } = await podman(["logs", "--tail", "40", name]);
    return `--- ${name} ---\n${stdout}${stderr}`;
  } catch (error) {
    return `--- ${name}: no logs (${error instanceof Error ? error.message : String(error)}) ---`;
  }
}
