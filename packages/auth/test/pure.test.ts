import { describe, expect, it } from "vitest";
import {
  authEnvSchema,
  hashPassword,
  isLinkUnlocked,
  linkUnlockCookieName,
  linkUnlockTtlSeconds,
  sealLinkUnlock,
  sealSessionCookie,
  sessionCookieAttributes,
  sessionCookieName,
  sessionSecretsSchema,
  unsealSessionCookie,
  verifyPassword,
} from "../src";

// The parts of auth that need no Redis: secrets from the environment, sealed
// cookies, password hashes. Fast enough to run under mutation testing.
const secretA = "a".repeat(32);
const secretB = "b".repeat(40);

describe("SESSION_SECRETS", () => {
  it("reads comma-separated id:secret pairs, spaces and empty parts ignored", () => {
    expect(sessionSecretsSchema.parse(`2:${secretB}, 1:${secretA},`)).toEqual({ 1: secretA, 2: secretB });
    expect(sessionSecretsSchema.parse(`7:${secretA}`)).toEqual({ 7: secretA });
  });
  it("keeps colons inside a secret", () => {
    expect(sessionSecretsSchema.parse(`1:${secretA}:with:colons`)).toEqual({ 1: `${secretA}:with:colons` });
  });
  it.each([
    ["no id", secretA, /id:secret pairs/],
    ["an empty id", `:${secretA}`, /id:secret pairs/],
    ["id 0", `0:${secretA}`, /id:secret pairs/],
    ["a negative id", `-1:${secretA}`, /id:secret pairs/],
    ["a fractional id", `1.5:${secretA}`, /id:secret pairs/],
    ["a word for an id", `one:${secretA}`, /id:secret pairs/],
    ["a short secret", `1:${"s".repeat(31)}`, /secret 1 must be at least 32 characters/],
    ["nothing", "", /at least one id:secret pair/],
    ["only commas", " , ,", /at least one id:secret pair/],
  ])("refuses %s with a message", (_case, value, message) => {
    const parsed = sessionSecretsSchema.safeParse(value);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.message).toMatch(message);
  });
  it("accepts a secret of exactly 32 characters", () => {
    expect(sessionSecretsSchema.safeParse(`1:${"s".repeat(32)}`).success).toBe(true);
  });
  it("gives sessions 14 days unless told, between a minute and 400 days", () => {
    expect(authEnvSchema.parse({ SESSION_SECRETS: `1:${secretA}` }).SESSION_TTL_SECONDS).toBe(14 * 24 * 3600);
    expect(authEnvSchema.parse({ SESSION_SECRETS: `1:${secretA}`, SESSION_TTL_SECONDS: "60" }).SESSION_TTL_SECONDS).toBe(60);
    expect(authEnvSchema.parse({ SESSION_SECRETS: `1:${secretA}`, SESSION_TTL_SECONDS: String(400 * 24 * 3600) }).SESSION_TTL_SECONDS).toBe(400 * 24 * 3600);
    expect(authEnvSchema.safeParse({ SESSION_SECRETS: `1:${secretA}`, SESSION_TTL_SECONDS: "59" }).success).toBe(false);
    expect(authEnvSchema.safeParse({ SESSION_SECRETS: `1:${secretA}`, SESSION_TTL_SECONDS: String(400 * 24 * 3600 + 1) }).success).toBe(false);
    expect(authEnvSchema.safeParse({ SESSION_SECRETS: `1:${secretA}`, SESSION_TTL_SECONDS: "90.5" }).success).toBe(false);
  });
});

describe("the session cookie", () => {
  const secrets = { 1: secretA };
  const payload = { sid: "session-1", uid: "user-1", iat: 1_700_000_000_000 };

  it("round-trips its payload and carries no readable id", async () => {
    const sealed = await sealSessionCookie(payload, secrets, 3_600);
    expect(sealed).not.toContain("session-1");
    expect(await unsealSessionCookie(sealed, secrets, 3_600)).toEqual(payload);
  });
  it("unseals with a rotated list that still holds the old secret, not with a list that dropped it", async () => {
    const sealed = await sealSessionCookie(payload, secrets, 3_600);
    expect(await unsealSessionCookie(sealed, { 1: secretA, 2: secretB }, 3_600)).toEqual(payload);
    expect(await unsealSessionCookie(sealed, { 2: secretB }, 3_600)).toBeNull();
  });
  it("is null when tampered with, garbage, or not a session payload", async () => {
    const sealed = await sealSessionCookie(payload, secrets, 3_600);
    expect(await unsealSessionCookie(`${sealed.slice(0, -4)}AAAA`, secrets, 3_600)).toBeNull();
    expect(await unsealSessionCookie("garbage", secrets, 3_600)).toBeNull();
    const notASession = await sealSessionCookie({ sid: "", uid: "user-1", iat: 1 }, secrets, 3_600);
    expect(await unsealSessionCookie(notASession, secrets, 3_600)).toBeNull();
  });
  it("is named hop_session, HttpOnly, SameSite=Lax, on /, Secure except on plain-http localhost", () => {
    expect(sessionCookieName).toBe("hop_session");
    const base = { httpOnly: true, sameSite: "lax", path: "/", maxAge: 60 };
    expect(sessionCookieAttributes(new URL("https://hop.example/x"), 60)).toEqual({ ...base, secure: true });
    expect(sessionCookieAttributes(new URL("http://hop.example/x"), 60)).toEqual({ ...base, secure: true });
    for (const local of ["http://localhost:3000/", "http://127.0.0.1:3000/", "http://[::1]:3000/"]) {
      expect(sessionCookieAttributes(new URL(local), 60)).toEqual({ ...base, secure: false });
    }
    expect(sessionCookieAttributes(new URL("https://localhost/"), 60).secure).toBe(true);
  });
});

describe("the link-unlock cookie", () => {
  const secrets = { 1: secretA };
  it("is one per link and lasts an hour", () => {
    expect(linkUnlockCookieName("link-1")).toBe("hop_unlock_link-1");
    expect(linkUnlockTtlSeconds).toBe(3_600);
  });
  it("opens its own link with its current password only", async () => {
    const sealed = await sealLinkUnlock("link-1", "tag-1", secrets);
    expect(sealed).not.toContain("tag-1");
    expect(await isLinkUnlocked(sealed, "link-1", "tag-1", secrets)).toBe(true);
    expect(await isLinkUnlocked(sealed, "link-2", "tag-1", secrets)).toBe(false);
    expect(await isLinkUnlocked(sealed, "link-1", "tag-2", secrets)).toBe(false);
    expect(await isLinkUnlocked(sealed, "link-1", "tag-1", { 2: secretB })).toBe(false);
  });
  it("refuses no cookie, garbage, and a sealed value of another shape", async () => {
    expect(await isLinkUnlocked(undefined, "link-1", "tag-1", secrets)).toBe(false);
    expect(await isLinkUnlocked("", "link-1", "tag-1", secrets)).toBe(false);
    expect(await isLinkUnlocked("garbage", "link-1", "tag-1", secrets)).toBe(false);
    const session = await sealSessionCookie({ sid: "link-1", uid: "tag-1", iat: 1 }, secrets, 3_600);
    expect(await isLinkUnlocked(session, "link-1", "tag-1", secrets)).toBe(false);
    const empty = await sealLinkUnlock("", "", secrets);
    expect(await isLinkUnlocked(empty, "", "", secrets)).toBe(false);
  });
});

describe("passwords", () => {
  it("hash with argon2id and verify only the same password", async () => {
    const hashed = await hashPassword("correct horse battery");
    expect(hashed).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await verifyPassword(hashed, "correct horse battery")).toBe(true);
    expect(await verifyPassword(hashed, "correct horse batterY")).toBe(false);
  });
  it("say no, without throwing, for an unknown user or a broken hash", async () => {
    expect(await verifyPassword(null, "hop: no user has this password")).toBe(false);
    expect(await verifyPassword(null, "anything")).toBe(false);
    expect(await verifyPassword("not-a-hash", "anything")).toBe(false);
  });
});
