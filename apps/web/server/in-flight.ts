/**
 * The requests this process is still answering, by their handler's promise.
 * A stop waits for these, not only for the sockets: a client that went away
 * (a tab closed mid-request) closes its socket, but the handler goes on and
 * still needs PostgreSQL and Redis, so the connections may close only after it.
 */
export function createInFlight() {
  const running = new Set<Promise<unknown>>();
  return {
    /** Counts `work` until it settles; returns it unchanged. */
    track<T>(work: Promise<T>): Promise<T> {
      running.add(work);
      work.then(
        () => running.delete(work),
        () => running.delete(work),
      );
      return work;
    },
    /** Resolves once every request tracked so far has settled. */
    settled: async (): Promise<void> => {
      await Promise.allSettled([...running]);
    },
  };
}
