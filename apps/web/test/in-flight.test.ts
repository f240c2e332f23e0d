import { describe, expect, it } from "vitest";
import { createInFlight } from "../src/server/in-flight";

/** Whether `promise` has settled after the microtasks and immediates queued now have run. */
async function settledSoon(promise: Promise<unknown>): Promise<boolean> {
  let settled = false;
  void promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  await new Promise((resolve) => setImmediate(resolve));
  return settled;
}

function deferred() {
  let resolve!: () => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe("in-flight work", () => {
  it("closes at once when nothing runs, and is closed after", async () => {
    const inFlight = createInFlight();
    expect(inFlight.closed).toBe(false);
    expect(await settledSoon(inFlight.close())).toBe(true);
    expect(inFlight.closed).toBe(true);
  });

  it("waits for tracked work, whether it resolves or rejects", async () => {
    const inFlight = createInFlight();
    const good = deferred();
    const bad = deferred();
    inFlight.track(good.promise);
    inFlight.track(bad.promise).catch(() => undefined);
    const closing = inFlight.close();
    good.resolve();
    expect(await settledSoon(closing)).toBe(false);
    expect(inFlight.closed).toBe(false);
    bad.reject(new Error("failed"));
    expect(await settledSoon(closing)).toBe(true);
    expect(inFlight.closed).toBe(true);
  });

  it("waits for begun work until it ends, and for work begun while earlier work was settling", async () => {
    const inFlight = createInFlight();
    inFlight.begin();
    const closing = inFlight.close();
    expect(await settledSoon(closing)).toBe(false);
    // A second piece begins before the first ends: the count never reaches zero in between.
    inFlight.begin();
    inFlight.end();
    expect(await settledSoon(closing)).toBe(false);
    inFlight.end();
    expect(await settledSoon(closing)).toBe(true);
  });
});
