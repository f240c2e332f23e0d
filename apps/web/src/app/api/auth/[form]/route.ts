import { createCaller, createTRPCContext, FieldError } from "@hop/api";
import { hostOfOrigin, isCrossOriginRequest } from "@hop/auth";
import { safeNextPath } from "@hop/validators";
import { TRPCError } from "@trpc/server";
import type { NoScriptFormError } from "~/app/(auth)/_components/no-script-errors";
import { getWebServices } from "~/server/services";

/**
 * The sign-in and sign-up forms sent without the page's script (slow
 * network, script blocked, or submitted before it loaded): a plain form POST,
 * run through the same procedures as the API, answered with a redirect, 303
 * to `next` once signed in, or back to the form with an error code. So the
 * forms work without script and a password never travels in a URL.
 */
const formPages = { signin: "/signin", signup: "/signup" } as const;

function errorCode(error: unknown): NoScriptFormError {
  if (!(error instanceof TRPCError)) return "failed";
  switch (error.code) {
    case "UNAUTHORIZED":
      return "credentials";
    case "BAD_REQUEST":
      return error.cause instanceof FieldError && error.cause.field === "email" ? "taken" : "invalid";
    case "TOO_MANY_REQUESTS":
      return "limited";
    case "SERVICE_UNAVAILABLE":
      return "unavailable";
    case "CONFLICT":
      return "retry";
    default:
      return "failed";
  }
}

const seeOther = (location: string, headers = new Headers()) => {
  headers.set("location", location);
  headers.set("cache-control", "private, no-store");
  return new Response(null, { status: 303, headers });
};

export async function POST(request: Request, { params }: { params: Promise<{ form: string }> }) {
  const { form } = await params;
  if (form !== "signin" && form !== "signup") return Response.json({ error: { message: "No such form" } }, { status: 404 });
  const origin = request.headers.get("x-hop-origin");
  if (isCrossOriginRequest(request.headers, hostOfOrigin(origin))) {
    return Response.json({ error: { message: "Cross-site request refused: forms must come from this site's own pages", code: "FORBIDDEN" } }, { status: 403 });
  }
  const body = await request.formData().catch(() => null);
  const field = (name: string) => {
    const value = body?.get(name);
    return typeof value === "string" ? value : "";
  };
  const next = safeNextPath(field("next") || null);

  const services = getWebServices();
  const responseHeaders = new Headers();
  const api = createCaller(
    createTRPCContext({
      db: services.db,
      redis: services.redis.redis,
      instanceId: services.instance.id,
      request,
      responseHeaders,
      sessionConfig: services.sessionConfig,
      clientIp: request.headers.get("x-hop-client-ip") ?? "unknown",
      shortLinkBaseUrl: services.env.SHORT_LINK_BASE_URL ?? origin ?? undefined,
      appBaseUrl: services.env.PUBLIC_URL ?? origin ?? undefined,
      accountDeletionGraceDays: services.env.ACCOUNT_DELETION_GRACE_DAYS,
    }),
  );
  try {
    if (form === "signin") await api.auth.signIn({ email: field("email"), password: field("password") });
    else await api.auth.signUp({ email: field("email"), password: field("password"), name: field("name") });
  } catch (error) {
    const code = errorCode(error);
    if (code === "failed") services.log.error({ form, err: error instanceof Error ? error.message : String(error) }, "form sign-in failed");
    return seeOther(`${formPages[form]}?${new URLSearchParams({ next, error: code }).toString()}`);
  }
  // The session cookie the procedure set travels with the redirect.
  return seeOther(next, responseHeaders);
}
