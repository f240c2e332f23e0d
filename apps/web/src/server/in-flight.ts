/**
 * The requests this process is still answering, by their handler's promise.
 * A stop waits for these, not only for the sockets: a client that went away
 * (a tab closed mid-request) closes its socket, but the handler goes on and
 * still needs PostgreSQL and Redis, so the connections may close only after it.
 * Next may settle its own handler's promise once such a client is gone while
 * the route handler still runs (or has not started: a dev server compiling
 * the route), and a streamed tRPC batch runs its procedures after its handler
 * has answered: so the tRPC route tracks its handler and each procedure here
 * too (as the context's `runningWork`), and refuses to start once the stop has
 * waited everything out.
 */
export type InFlight = ReturnType<typeof createInFlight>;

export function createInFlight() {
  // A count, not a set of promises: the redirect begins and ends one per visit, and a set's add/delete and a
  // derived promise with two closures per visit showed in its profile.
  let running = 0;
  let closed = false;
  let whenIdle: (() => void)[] = [];
  const end = (): void => {
    running -= 1;
    if (running > 0 || whenIdle.length === 0) return;
    const waiting = whenIdle;
    whenIdle = [];
    for (const resolve of waiting) resolve();
  };
  return {
    /** True once `close` ran: the connections are closing, new work must not start. */
    get closed() {
      return closed;
    },
    /** Counts `work` until it settles; returns it unchanged. */
    track<T>(work: Promise<T>): Promise<T> {
      running += 1;
      work.then(end, end);
      return work;
    },
    /** Counts work that begins now until `end` is called, once: for a hot path that settles its own promise anyway. */
    begin(): void {
      running += 1;
    },
    end,
    /** Resolves once nothing is running, including work that began while earlier work was settling; then refuses new work. */
    close: async (): Promise<void> => {
      while (running > 0) await new Promise<void>((resolve) => whenIdle.push(resolve));
      closed = true;
    },
  };
}
