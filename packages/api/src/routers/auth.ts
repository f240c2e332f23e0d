import {
  advanceSessionEpoch,
  createSession,
  hashPassword,
  listSessions,
  readSessionEpoch,
  revokeOtherSessions,
  revokeSession,
  sealSessionCookie,
  verifyPassword,
} from "@hop/auth";
import { createHash, randomBytes } from "node:crypto";
import { enqueueJob } from "@hop/jobs";
import { publishLinkCache } from "@hop/links";
import { createRateLimiter, redisKeys } from "@hop/redis";
import {
  changePasswordInput,
  confirmEmailChangeInput,
  requestEmailChangeInput,
  deleteAccountInput,
  requestPasswordResetInput,
  updateProfileInput,
  resetPasswordInput,
  revokeSessionInput,
  signInInput,
  signUpInput,
  type Me,
} from "@hop/validators";
import { TRPCError, type TRPCRouterRecord } from "@trpc/server";
import { holdAccountApiKeys, refreshAccountApiKeys } from "../api-keys/authenticate";
import type { TRPCContext } from "../context";
import { enforceRateLimit, fieldError, isUniqueViolation } from "../errors";
import { protectedProcedure, publicProcedure, signedInProcedure } from "../trpc";
import { holdSlugs } from "./links/shared";

const wrongCredentials = "Email or password is incorrect";

/** The user's columns a Me is made of. */
const meColumns = { id: true, email: true, name: true, deletionScheduledFor: true } as const;

/** How long a password-reset link works. */
export const passwordResetValidMinutes = 30;
const resetLinkRefused = "This reset link has expired or was already used. Ask for a new one.";

/** How long an email-change link works. */
export const emailChangeValidMinutes = 30;
const emailChangeLinkRefused = "This confirmation link has expired or was already used. Ask for a new one from your account page.";

/** What is stored of a mailed token (password reset, email change): its SHA-256 (the token has 256 random bits, so no salt or slow hash is needed). */
export function hashMailedToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** A new mailed token: the link to mail (on this site's public origin) and the hash to store. */
function mintMailedToken(ctx: TRPCContext, path: "/reset-password" | "/confirm-email"): { url: string; tokenHash: string } {
  const token = randomBytes(32).toString("base64url");
  return { url: `${ctx.appBaseUrl}${path}?${new URLSearchParams({ token }).toString()}`, tokenHash: hashMailedToken(token) };
}

/** Seals the cookie that names a session, with the user's session epoch it is valid in. */
async function setSessionCookieFor(ctx: TRPCContext, session: { sessionId: string; userId: string; epoch: number }): Promise<void> {
  const payload = { sid: session.sessionId, uid: session.userId, iat: Date.now(), ep: session.epoch };
  ctx.setSessionCookie(await sealSessionCookie(payload, ctx.sessionConfig.secrets, ctx.sessionConfig.ttlSeconds));
}

/**
 * Starts a session: the Redis record, then the sealed cookie that names it.
 * `epoch` is the user's session epoch read before the password was checked:
 * if a password change moved it meanwhile, no session is made.
 */
async function signInAs(
  ctx: TRPCContext,
  user: { id: string; email: string; name: string | null; deletionScheduledFor: Date | null },
  epoch: number,
): Promise<Me> {
  const created = await createSession(ctx.redis, { userId: user.id, userAgent: ctx.userAgent, ttlSeconds: ctx.sessionConfig.ttlSeconds, epoch });
  if (!created) throw new TRPCError({ code: "CONFLICT", message: "This account's password was changed just now. Sign in again." });
  await setSessionCookieFor(ctx, { sessionId: created.sessionId, userId: user.id, epoch });
  return { id: user.id, email: user.email, name: user.name, sessionId: created.sessionId, deletionScheduledFor: user.deletionScheduledFor };
}

export const authRouter = {
  signUp: publicProcedure.input(signUpInput).mutation(async ({ ctx, input }) => {
    await enforceRateLimit(ctx, "signUpPerIp", ctx.clientIp);
    const passwordHash = await hashPassword(input.password);
    try {
      const user = await ctx.db.user.create({ data: { email: input.email, name: input.name || null, passwordHash } });
      return await signInAs(ctx, user, 0);
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw fieldError("email", "An account with this email already exists. Sign in instead?");
      }
      throw error;
    }
  }),

  signIn: publicProcedure.input(signInInput).mutation(async ({ ctx, input }) => {
    // Per address; per account from this address (what stops guessing, and what nobody elsewhere can use up);
    // per account from everywhere (a looser ceiling on guessing spread over many addresses).
    await enforceRateLimit(ctx, "signInPerIp", ctx.clientIp);
    await enforceRateLimit(ctx, "signInPerEmailAndClient", `${input.email} ${ctx.clientIp}`);
    await enforceRateLimit(ctx, "signInPerEmail", input.email);
    // The session epoch is read BEFORE the password hash: a password change raises the epoch before it writes the
    // new hash (and once more after), so a sign-in that read the old hash can never end up with a live session.
    // (An unknown email makes the same three reads, so the answer's timing does not tell whether the account exists.)
    const account = await ctx.db.user.findUnique({ where: { email: input.email }, select: { id: true } });
    const accountId = account?.id ?? "";
    const epoch = await readSessionEpoch(ctx.redis, accountId);
    const user = await ctx.db.user.findUnique({ where: { id: accountId } });
    // Unknown email and wrong password take the same time and get the same answer.
    if (!(await verifyPassword(user?.passwordHash ?? null, input.password)) || !user) {
      throw new TRPCError({ code: "UNAUTHORIZED", message: wrongCredentials });
    }
    return signInAs(ctx, user, epoch);
  }),

  /**
   * "Forgot password": always the same answer, whether or not the email has an
   * account (no enumeration). For an account, a fresh token's hash is stored and
   * the mail enqueued in one transaction; the worker sends it. Past the
   * per-email limit nothing more is sent, and the answer is still the same.
   */
  requestPasswordReset: publicProcedure.input(requestPasswordResetInput).mutation(async ({ ctx, input }) => {
    await enforceRateLimit(ctx, "passwordResetPerIp", ctx.clientIp);
    const perEmail = await createRateLimiter(ctx.redis, "passwordResetPerEmail").consume(input.email);
    const user = perEmail.allowed ? await ctx.db.user.findUnique({ where: { email: input.email }, select: { id: true, email: true } }) : null;
    if (user) {
      const { url: resetUrl, tokenHash } = mintMailedToken(ctx, "/reset-password");
      await ctx.db.$transaction(async (tx) => {
        await tx.passwordResetToken.create({
          data: { userId: user.id, tokenHash, expiresAt: new Date(Date.now() + passwordResetValidMinutes * 60_000) },
        });
        await enqueueJob(tx, "mail.passwordReset", { to: user.email, resetUrl, validMinutes: passwordResetValidMinutes }, { maxAttempts: 5 });
      });
    }
    return { ok: true as const };
  }),

  /**
   * Follows a reset link: the token is spent and the password replaced in one
   * transaction (so a token works once, even when two requests race), every
   * session of the user ends, and this browser is signed in afresh. Ordered
   * like changePassword: the session epoch moves before the new hash is stored
   * and once more after, so no sign-in that read the old hash survives.
   */
  resetPassword: publicProcedure.input(resetPasswordInput).mutation(async ({ ctx, input }) => {
    await enforceRateLimit(ctx, "passwordResetRedeemPerIp", ctx.clientIp);
    const tokenHash = hashMailedToken(input.token);
    const found = await ctx.db.passwordResetToken.findUnique({ where: { tokenHash }, select: { userId: true, usedAt: true, expiresAt: true } });
    if (!found || found.usedAt !== null || found.expiresAt.getTime() <= Date.now()) throw fieldError("token", resetLinkRefused);
    const passwordHash = await hashPassword(input.newPassword);
    const ttlSeconds = ctx.sessionConfig.ttlSeconds;
    const user = await ctx.db.$transaction(async (tx) => {
      const now = new Date();
      // The link is spent first: of two uses at once, the second waits here for the first's commit and is refused,
      // having moved nothing (had it moved the epoch, the first use's new session would be refused as if raced).
      const spent = await tx.passwordResetToken.updateMany({ where: { tokenHash, usedAt: null, expiresAt: { gt: now } }, data: { usedAt: now } });
      if (spent.count !== 1) throw fieldError("token", resetLinkRefused);
      // Every session ends before the new hash can commit; Redis unreachable: the transaction rolls back, nothing changed.
      await advanceSessionEpoch(ctx.redis, { userId: found.userId, keepSessionId: null, ttlSeconds });
      // Any other link mailed before this reset is void too: it was asked for with the old password in mind.
      await tx.passwordResetToken.updateMany({ where: { userId: found.userId, usedAt: null }, data: { usedAt: now } });
      return tx.user.update({ where: { id: found.userId }, data: { passwordHash }, select: meColumns });
    });
    const { epoch } = await advanceSessionEpoch(ctx.redis, { userId: user.id, keepSessionId: null, ttlSeconds });
    return signInAs(ctx, user, epoch);
  }),

  signOut: publicProcedure.mutation(async ({ ctx }) => {
    const session = await ctx.getSession();
    if (session) await revokeSession(ctx.redis, session.userId, session.sessionId);
    ctx.clearSessionCookie();
    return { ok: true as const };
  }),

  /** The session alone (seal + one Redis read, no database): cheap enough to poll. */
  session: publicProcedure.query(({ ctx }) => ctx.getSession()),

  me: publicProcedure.query(async ({ ctx }): Promise<Me | null> => {
    const session = await ctx.getSession();
    if (!session) return null;
    const user = await ctx.db.user.findUnique({ where: { id: session.userId }, select: meColumns });
    return user ? { ...user, sessionId: session.sessionId } : null;
  }),

  sessions: protectedProcedure.query(({ ctx }) => listSessions(ctx.redis, ctx.session.userId, ctx.session.sessionId)),

  revokeSession: protectedProcedure.input(revokeSessionInput).mutation(async ({ ctx, input }) => {
    const revoked = await revokeSession(ctx.redis, ctx.session.userId, input.sessionId);
    if (!revoked) throw new TRPCError({ code: "NOT_FOUND", message: "That session has already ended" });
    if (input.sessionId === ctx.session.sessionId) ctx.clearSessionCookie();
    return { ok: true as const };
  }),

  revokeOtherSessions: protectedProcedure.mutation(async ({ ctx }) => ({
    revoked: await revokeOtherSessions(ctx.redis, ctx.session.userId, ctx.session.sessionId),
  })),

  /**
   * Ordered so that no failure leaves the old sessions alive with a new
   * password: Redis first (the epoch moves on and the other sessions end, in
   * one script), then PostgreSQL. Redis unreachable: 503 and nothing changed.
   * PostgreSQL failing after that: the other sessions are gone but the
   * password is the old one, which is safe. Once the new hash is stored the
   * epoch moves once more, ending any sign-in that read the old hash while
   * the change ran (that second step is best effort: the change is done).
   */
  changePassword: protectedProcedure.input(changePasswordInput).mutation(async ({ ctx, input }) => {
    const { userId, sessionId } = ctx.session;
    // Each attempt is an argon2 check: limited per user, whichever session asks.
    await enforceRateLimit(ctx, "passwordChangePerUser", userId);
    const user = await ctx.db.user.findUniqueOrThrow({ where: { id: userId } });
    if (!(await verifyPassword(user.passwordHash, input.currentPassword))) {
      throw fieldError("currentPassword", "That is not your current password");
    }
    const passwordHash = await hashPassword(input.newPassword);
    const ttlSeconds = ctx.sessionConfig.ttlSeconds;
    // Whoever else holds a session may hold it because they knew the old password.
    const ended = await advanceSessionEpoch(ctx.redis, { userId, keepSessionId: sessionId, ttlSeconds });
    await setSessionCookieFor(ctx, { sessionId, userId, epoch: ended.epoch });
    await ctx.db.user.update({ where: { id: userId }, data: { passwordHash } });
    let endedLate = 0;
    try {
      const again = await advanceSessionEpoch(ctx.redis, { userId, keepSessionId: sessionId, ttlSeconds });
      await setSessionCookieFor(ctx, { sessionId, userId, epoch: again.epoch });
      endedLate = again.endedOtherSessions;
    } catch {
      // Redis went away after the first step: the change is committed and every older session has ended; only a
      // sign-in racing the last milliseconds could survive. Reporting the committed change as failed would be wrong.
    }
    return { revokedOtherSessions: ended.endedOtherSessions + endedLate };
  }),

  updateProfile: protectedProcedure.input(updateProfileInput).mutation(async ({ ctx, input }): Promise<Me> => {
    const user = await ctx.db.user.update({
      where: { id: ctx.session.userId },
      data: { name: input.name || null },
      select: meColumns,
    });
    return { ...user, sessionId: ctx.session.sessionId };
  }),

  /**
   * Asks to move the account to a new email: the password is checked (a
   * session left open must not be enough to take the account over), a token's
   * hash is stored with the new address and the confirmation mail to that
   * address (and a notice to the current one) is queued in the same transaction. The email changes only when
   * the link is followed (confirmEmailChange).
   */
  requestEmailChange: protectedProcedure.input(requestEmailChangeInput).mutation(async ({ ctx, input }) => {
    const { userId } = ctx.session;
    await enforceRateLimit(ctx, "emailChangePerUser", userId);
    const user = await ctx.db.user.findUniqueOrThrow({ where: { id: userId }, select: { email: true, passwordHash: true } });
    if (!(await verifyPassword(user.passwordHash, input.password))) throw fieldError("password", "That is not your password");
    if (input.newEmail === user.email) throw fieldError("newEmail", "That is already your email");
    // Sign-up says the same of a taken address, so this tells nobody anything new.
    if (await ctx.db.user.findUnique({ where: { email: input.newEmail }, select: { id: true } })) {
      throw fieldError("newEmail", "Another account uses this email");
    }
    const { url: confirmUrl, tokenHash } = mintMailedToken(ctx, "/confirm-email");
    await ctx.db.$transaction(async (tx) => {
      await tx.emailChangeToken.create({
        data: { userId, newEmail: input.newEmail, tokenHash, expiresAt: new Date(Date.now() + emailChangeValidMinutes * 60_000) },
      });
      await enqueueJob(tx, "mail.emailChange", { to: input.newEmail, confirmUrl, validMinutes: emailChangeValidMinutes }, { maxAttempts: 5 });
      // The current address hears of it too: if its owner did not ask, they can act before the new address is confirmed.
      await enqueueJob(tx, "mail.emailChangeNotice", { to: user.email, newEmail: input.newEmail, accountUrl: `${ctx.appBaseUrl}/account` }, { maxAttempts: 5 });
    });
    return { sentTo: input.newEmail };
  }),

  /**
   * Follows the link mailed to a new address (from any browser: whoever holds
   * the mail holds the address): the token is spent and the email changed in
   * one transaction, so a link works once; the account's other pending
   * changes are voided.
   */
  confirmEmailChange: publicProcedure.input(confirmEmailChangeInput).mutation(async ({ ctx, input }) => {
    await enforceRateLimit(ctx, "emailChangeConfirmPerIp", ctx.clientIp);
    const tokenHash = hashMailedToken(input.token);
    try {
      return await ctx.db.$transaction(async (tx) => {
        const now = new Date();
        const found = await tx.emailChangeToken.findUnique({ where: { tokenHash }, select: { userId: true, newEmail: true } });
        const spent = await tx.emailChangeToken.updateMany({ where: { tokenHash, usedAt: null, expiresAt: { gt: now } }, data: { usedAt: now } });
        if (!found || spent.count !== 1) throw fieldError("token", emailChangeLinkRefused);
        await tx.emailChangeToken.updateMany({ where: { userId: found.userId, usedAt: null }, data: { usedAt: now } });
        const user = await tx.user.update({ where: { id: found.userId }, data: { email: found.newEmail }, select: { email: true } });
        return { email: user.email };
      });
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw fieldError("token", "Another account took this email meanwhile. Your email is unchanged.");
      }
      throw error;
    }
  }),

  /**
   * Deletes the account after a grace period (ACCOUNT_DELETION_GRACE_DAYS),
   * asked with the password and the word typed out. At once: every session
   * ends (this one too), the short links stop on every instance (their cache
   * entries are held while the date is set, then say "no such link"; lookups
   * in PostgreSQL skip accounts scheduled for deletion), and a mail tells the
   * date and how to keep the account (sign in again before it). The scheduled
   * purge (worker, accounts.purgeDue) deletes every row of the account once
   * the date has passed.
   */
  deleteAccount: protectedProcedure.input(deleteAccountInput).mutation(async ({ ctx, input }) => {
    const { userId } = ctx.session;
    await enforceRateLimit(ctx, "accountDeletePerUser", userId);
    const user = await ctx.db.user.findUniqueOrThrow({ where: { id: userId }, select: { email: true, passwordHash: true } });
    if (!(await verifyPassword(user.passwordHash, input.password))) throw fieldError("password", "That is not your password");
    const deletionScheduledFor = new Date(Date.now() + ctx.accountDeletionGraceDays * 86_400_000);
    // Soft-deleted links too: their slugs may still have cache entries ("missing" markers or a restore's).
    const slugs = (await ctx.db.link.findMany({ where: { userId }, select: { slug: true } })).map((link) => link.slug);
    const hold = await holdSlugs(ctx, slugs);
    try {
      // The account's API keys stop vouching for it before the schedule commits: each call then reads PostgreSQL and is refused.
      await holdAccountApiKeys(ctx, userId);
      await advanceSessionEpoch(ctx.redis, { userId, keepSessionId: null, ttlSeconds: ctx.sessionConfig.ttlSeconds });
      await ctx.db.$transaction(async (tx) => {
        await tx.user.update({ where: { id: userId }, data: { deletionScheduledFor } });
        await enqueueJob(
          tx,
          "mail.accountDeletionScheduled",
          { to: user.email, deletionScheduledFor: deletionScheduledFor.toISOString(), signInUrl: `${ctx.appBaseUrl}/signin` },
          { maxAttempts: 5 },
        );
      });
    } catch (error) {
      await publishLinkCache(
        ctx.redis,
        hold,
        slugs.map((slug) => [slug, "release"] as const),
      );
      throw error;
    }
    await publishLinkCache(
      ctx.redis,
      hold,
      slugs.map((slug) => [slug, null] as const),
    );
    // The epoch key stays: a sign-in that read the old epoch cannot make a session.
    await ctx.redis.del(redisKeys.userSessions(userId));
    ctx.clearSessionCookie();
    return { deletionScheduledFor, links: slugs.length };
  }),

  /**
   * Keeps an account scheduled for deletion: its owner signed in again within
   * the grace period. The date is cleared and the links' cache entries
   * dropped (under a hold, so no lookup that read the old state refills them),
   * so the links work again at once. Keeping an account in use is a no-op.
   */
  cancelAccountDeletion: signedInProcedure.mutation(async ({ ctx }): Promise<Me> => {
    const { userId, sessionId } = ctx.session;
    const slugs = (await ctx.db.link.findMany({ where: { userId }, select: { slug: true } })).map((link) => link.slug);
    const hold = await holdSlugs(ctx, slugs);
    try {
      const user = await ctx.db.user.update({ where: { id: userId }, data: { deletionScheduledFor: null }, select: meColumns });
      // Its API keys' entries, filled while it was scheduled, are refilled vouching for it (only speed hangs on this).
      await refreshAccountApiKeys(ctx, userId).catch(() => undefined);
      return { ...user, sessionId };
    } finally {
      await publishLinkCache(
        ctx.redis,
        hold,
        slugs.map((slug) => [slug, "release"] as const),
      );
    }
  }),
} satisfies TRPCRouterRecord;
