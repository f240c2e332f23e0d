import { availableParallelism } from "node:os";
import { hash, verify } from "@node-rs/argon2";

// OWASP's argon2id baseline (19 MiB, 2 passes, 1 lane): memory-hard, ~20-40 ms here.
// (algorithm 2 is Argon2id; the package exports it as a const enum, which isolated modules cannot read.)
const options = { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

/**
 * How much argon2 one process runs at once, whoever asks (sign-in, sign-up,
 * password change, link passwords): half the cores, so a flood of password
 * checks from many addresses cannot take the CPU the redirect and the rest of
 * the API need; and how many may wait behind those. A check that finds the
 * queue full fails at once with PasswordHashingBusyError (an answer of 503
 * "try again in a second") instead of queueing without bound. Per process on
 * purpose: the CPU being protected is this process's machine.
 */
export const passwordHashingLimits = (() => {
  const concurrent = Math.max(1, Math.floor(availableParallelism() / 2));
  return { concurrent, waiting: concurrent * 16 } as const;
})();

/** Too many password hashes are running or waiting in this process; the caller should answer 503 and be retried. */
export class PasswordHashingBusyError extends Error {
  override readonly name = "PasswordHashingBusyError";
  readonly retryAfterSeconds = 1;
  constructor() {
    super("Too many password checks are running right now. Try again in a second.");
  }
}

// A counting semaphore with a bounded queue. (p-limit and the like queue
// without bound, and refusing at once when the queue is full is the point.)
let running = 0;
const waiting: Array<() => void> = [];

async function withHashingSlot<T>(work: () => Promise<T>): Promise<T> {
  if (running >= passwordHashingLimits.concurrent) {
    if (waiting.length >= passwordHashingLimits.waiting) throw new PasswordHashingBusyError();
    await new Promise<void>((resolve) => waiting.push(resolve));
  } else running++;
  try {
    return await work();
  } finally {
    // The slot passes straight to the next waiter (running stays the same), or is freed.
    const next = waiting.shift();
    if (next) next();
    else running--;
  }
}

export function hashPassword(password: string): Promise<string> {
  return withHashingSlot(() => hash(password, options));
}

// Verified against when the email is unknown, so that "no such user" costs
// the same time as "wrong password" and timing tells nothing. (Made once at
// load, outside the slots: it is not a request's work.)
const unknownUserHash = hash("hop: no user has this password", options);

/**
 * True when `password` matches `passwordHash`; with no hash (unknown user),
 * spends the same time and returns false. Throws PasswordHashingBusyError
 * when this process is already checking as many passwords as it may.
 */
export async function verifyPassword(passwordHash: string | null, password: string): Promise<boolean> {
  if (passwordHash === null) {
    const dummy = await unknownUserHash;
    await withHashingSlot(() => verify(dummy, password).catch(() => false));
    return false;
  }
  return withHashingSlot(() => verify(passwordHash, password).catch(() => false));
}
