import { describe, expect, it } from "vitest";
import { hashPassword, PasswordHashingBusyError, passwordHashingLimits, verifyPassword } from "./passwords";

describe("passwords", () => {
  it("verifies the right password, refuses a wrong one, and spends a check on an unknown user", async () => {
    const stored = await hashPassword("correct horse battery");
    expect(stored).toMatch(/^\$argon2id\$/);
    expect(await verifyPassword(stored, "correct horse battery")).toBe(true);
    expect(await verifyPassword(stored, "wrong horse battery")).toBe(false);
    expect(await verifyPassword(null, "correct horse battery")).toBe(false);
  });

  it("runs a bounded number of checks per process and refuses the rest at once, so a flood cannot pin the CPU", async () => {
    const stored = await hashPassword("correct horse battery");
    const { concurrent, waiting } = passwordHashingLimits;
    const extra = 10;
    const order: string[] = [];
    const flood = Array.from({ length: concurrent + waiting + extra }, (_, i) =>
      verifyPassword(i % 2 ? stored : null, "correct horse battery").then(
        () => order.push("checked"),
        (error: unknown) => {
          order.push(error instanceof PasswordHashingBusyError ? "busy" : "other error");
        },
      ),
    );
    await Promise.all(flood);
    expect(order.filter((outcome) => outcome === "busy")).toHaveLength(extra);
    expect(order.filter((outcome) => outcome === "checked")).toHaveLength(concurrent + waiting);
    // The refusals cost nothing: they are answered before the first check has finished.
    expect(order.slice(0, extra).every((outcome) => outcome === "busy")).toBe(true);
    // Slots are given back: the next check runs.
    expect(await verifyPassword(stored, "correct horse battery")).toBe(true);
  });
});
