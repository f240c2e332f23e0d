import {
  createSession,
  hashPassword,
  listSessions,
  revokeOtherSessions,
  revokeSession,
  sealSessionCookie,
  verifyPassword,
} from "@hop/auth";
import { Prisma } from "@hop/db";
import { changePasswordInput, revokeSessionInput, signInInput, signUpInput, type Me } from "@hop/validators";
import { TRPCError, type TRPCRouterRecord } from "@trpc/server";
import type { TRPCContext } from "../context";
import { enforceRateLimit, fieldError } from "../errors";
import { protectedProcedure, publicProcedure } from "../trpc";

const wrongCredentials = "Email or password is incorrect";


/** Starts a session: the Redis record, then the sealed cookie that names it. */
async function signInAs(ctx: TRPCContext, user: { id: string; email: string; name: string | null }): Promise<Me> {
  const { sessionId } = await createSession(ctx.redis, { userId: user.id, userAgent: ctx.userAgent, ttlSeconds: ctx.sessionConfig.ttlSeconds });
  const sealed = await sealSessionCookie({ sid: sessionId, uid: user.id, iat: Date.now() }, ctx.sessionConfig.secrets, ctx.sessionConfig.ttlSeconds);
  ctx.setSessionCookie(sealed);
  return { id: user.id, email: user.email, name: user.name, sessionId };
}

export const authRouter = {
  signUp: publicProcedure.input(signUpInput).mutation(async ({ ctx, input }) => {
    await enforceRateLimit(ctx, "signUpPerIp", ctx.clientIp);
    const passwordHash = await hashPassword(input.password);
    try {
      const user = await ctx.db.user.create({ data: { email: input.email, name: input.name || null, passwordHash } });
      return await signInAs(ctx, user);
    } catch (error) {
      if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") {
        throw fieldError("email", "An account with this email already exists. Sign in instead?");
      }
      throw error;
    }
  }),

  signIn: publicProcedure.input(signInInput).mutation(async ({ ctx, input }) => {
    await enforceRateLimit(ctx, "signInPerIp", ctx.clientIp);
    await enforceRateLimit(ctx, "signInPerEmail", input.email);
    const user = await ctx.db.user.findUnique({ where: { email: input.email } });
    // Unknown email and wrong password take the same time and get the same answer.
    if (!(await verifyPassword(user?.passwordHash ?? null, input.password)) || !user) {
      throw new TRPCError({ code: "UNAUTHORIZED", message: wrongCredentials });
    }
    return signInAs(ctx, user);
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
    const user = await ctx.db.user.findUnique({ where: { id: session.userId }, select: { id: true, email: true, name: true } });
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

  changePassword: protectedProcedure.input(changePasswordInput).mutation(async ({ ctx, input }) => {
    const user = await ctx.db.user.findUniqueOrThrow({ where: { id: ctx.session.userId } });
    if (!(await verifyPassword(user.passwordHash, input.currentPassword))) {
      throw fieldError("currentPassword", "That is not your current password");
    }
    await ctx.db.user.update({ where: { id: user.id }, data: { passwordHash: await hashPassword(input.newPassword) } });
    // Whoever else holds a session may hold it because they knew the old password.
    return { revokedOtherSessions: await revokeOtherSessions(ctx.redis, user.id, ctx.session.sessionId) };
  }),
} satisfies TRPCRouterRecord;
