import { hash, verify } from "@node-rs/argon2";

// OWASP's argon2id baseline (19 MiB, 2 passes, 1 lane): memory-hard, ~20-40 ms here.
// (algorithm 2 is Argon2id; the package exports it as a const enum, which isolated modules cannot read.)
const options = { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  return hash(password, options);
}

// Verified against when the email is unknown, so that "no such user" costs
// the same time as "wrong password" and timing tells nothing.
const unknownUserHash = hash("hop: no user has this password", options);

/** True when `password` matches `passwordHash`; with no hash (unknown user), spends the same time and returns false. */
export async function verifyPassword(passwordHash: string | null, password: string): Promise<boolean> {
  if (passwordHash === null) {
    await verify(await unknownUserHash, password).catch(() => false);
    return false;
  }
  return verify(passwordHash, password).catch(() => false);
}
