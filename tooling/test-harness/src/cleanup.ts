import type { ChildProcess } from "node:child_process";

/**
 * Every process the harness started and that has not exited yet, with the
 * signal that ends it for sure. A test file whose setup fails half-way (a web
 * build missing, chromium missing) never reaches the code that would stop
 * what it had started, so the harness remembers each process the moment it is
 * spawned: `stopEverythingStarted()` (run after each test file, see
 * test/setup-file.ts) and, as a last resort, the process's own exit stop them.
 */
const running = new Map<ChildProcess, NodeJS.Signals>();

export function trackChild(child: ChildProcess, lastResortSignal: NodeJS.Signals): void {
  if (child.exitCode !== null || child.signalCode !== null) return;
  installExitHooks();
  running.set(child, lastResortSignal);
  child.once("exit", () => running.delete(child));
}

/** The processes started by the harness in this process that are still running (their pids). */
export function runningChildren(): number[] {
  return [...running.keys()].flatMap((child) => (child.pid === undefined ? [] : [child.pid]));
}

/** Ends every process the harness started that is still running, and waits for each to exit. */
export async function stopEverythingStarted(): Promise<void> {
  await Promise.all(
    [...running.entries()].map(
      ([child, signal]) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once("exit", () => resolve());
          child.kill(signal);
        }),
    ),
  );
}

function killRemaining(): void {
  for (const [child, signal] of running) child.kill(signal);
}

let hooksInstalled = false;
function installExitHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  // 'exit' handlers may only do synchronous work: sending a signal is.
  process.on("exit", killRemaining);
  // A signal nobody handles kills the process without 'exit': then stop the
  // children and let the signal do what it would have done. Where the program
  // handles the signal itself (pnpm dev stops its processes in order), it is
  // left to do so, and the 'exit' hook catches what it forgot.
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    const onSignal = () => {
      if (process.listenerCount(signal) > 1) return;
      killRemaining();
      process.removeListener(signal, onSignal);
      process.kill(process.pid, signal);
    };
    process.on(signal, onSignal);
  }
}

/**
 * Steps that undo what a setup did, run newest first. `defer` each step the
 * moment its thing exists, so a failure at any later point undoes exactly
 * what was done. (Node 20 has no AsyncDisposableStack; this is the part of
 * it we need.)
 */
export class CleanupStack {
  private readonly steps: Array<() => Promise<void> | void> = [];

  defer(step: () => Promise<void> | void): void {
    this.steps.push(step);
  }

  /** Runs every step, even when some fail; throws them together at the end. */
  async run(): Promise<void> {
    const errors: unknown[] = [];
    for (let step = this.steps.pop(); step; step = this.steps.pop()) {
      try {
        await step();
      } catch (error) {
        errors.push(error);
      }
    }
    if (errors.length === 1) throw errors[0];
    if (errors.length > 1) throw new AggregateError(errors, "several cleanup steps failed");
  }
}
