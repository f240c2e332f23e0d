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
  const running = new Set<Promise<unknown>>();
  let closed = false;
  return {
    /** True once `close` ran: the connections are closing, new work must not start. */
    get closed() {
      return closed;
    },
    /** Counts `work` until it settles; returns it unchanged. */
    track<T>(work: Promise<T>): Promise<T> {
      running.add(work);
      work.then(
        () => running.delete(work),
        () => running.delete(work),
      );
      return work;
    },
    /** Resolves once nothing is running, including work that began while earlier work was settling; then refuses new work. */
    close: async (): Promise<void> => {
      while (running.size > 0) await Promise.allSettled([...running]);
      closed = true;
    },
  };
}
