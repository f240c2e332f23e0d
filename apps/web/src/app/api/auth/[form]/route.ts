import { createCaller, FieldError } from "@hop/api";
import { hostOfOrigin, isCrossOriginRequest } from "@hop/auth";
import { safeNextPath } from "@hop/validators";
import { TRPCError } from "@trpc/server";
import { ZodError } from "zod";
import type { NoScriptFormError } from "~/app/(auth)/_components/no-script-errors";
import { accountDeletionPath } from "~/server/require-user";
import { getWebServices } from "~/server/services";
import { createWebTRPCContext } from "~/server/trpc-context";

/**
 * The account forms sent without the page's script (slow network, script
 * blocked, or submitted before it loaded): a plain form POST, run through the
 * same procedures as the API (a server-side caller, the same CSRF rule),
 * answered with a 303 redirect: on to the next page, or back to the form with
 * an error code. So every account form works without script (progressive
 * enhancement) and a password never travels in a URL.
 */
type Caller = ReturnType<typeof createCaller>;
type Field = (name: string) => string;

interface AccountForm {
  /** Runs the procedure; returns where to go on success. */
  run: (api: Caller, field: Field) => Promise<string>;
  /** Where the form is, to come back to with `error` (and what else it needs, never a password). */
  back: (field: Field) => string;
  /** The error code of a refused field (the words live in the page, fixed). */
  fields?: Partial<Record<string, NoScriptFormError>>;
  /** The same, where the input's own rules (zod) refused it, when the code differs from the procedure's refusal. */
  invalidFields?: Partial<Record<string, NoScriptFormError>>;
}

/** A path on this site with these parameters added to its own. */
function withQuery(path: string, query: Record<string, string>): string {
  const url = new URL(path, "http://hop.invalid");
  for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
  return `${url.pathname}${url.search}${url.hash}`;
}

const forms: Record<string, AccountForm> = {
  signin: {
    run: async (api, field) => {
      await api.auth.signIn({ email: field("email"), password: field("password") });
      return safeNextPath(field("next") || null);
    },
    back: (field) => withQuery("/signin", { next: safeNextPath(field("next") || null) }),
  },
  signup: {
    run: async (api, field) => {
      await api.auth.signUp({ email: field("email"), password: field("password"), name: field("name") });
      return safeNextPath(field("next") || null);
    },
    back: (field) => withQuery("/signup", { next: safeNextPath(field("next") || null) }),
    fields: { email: "taken" },
    invalidFields: { email: "invalid" },
  },
  "forgot-password": {
    run: async (api, field) => {
      await api.auth.requestPasswordReset({ email: field("email") });
      return "/forgot-password?sent=1";
    },
    back: () => "/forgot-password",
    fields: { email: "email" },
  },
  "reset-password": {
    run: async (api, field) => {
      await api.auth.resetPassword({ token: field("token"), newPassword: field("newPassword") });
      return "/links";
    },
    back: (field) => withQuery("/reset-password", { token: field("token") }),
    fields: { token: "reset-link", newPassword: "new-password" },
  },
  "confirm-email": {
    run: async (api, field) => {
      await api.auth.confirmEmailChange({ token: field("token") });
      return "/confirm-email?confirmed=1";
    },
    back: (field) => withQuery("/confirm-email", { token: field("token") }),
    fields: { token: "confirm-link" },
  },
  "email-change": {
    run: async (api, field) => {
      await api.auth.requestEmailChange({ newEmail: field("newEmail"), password: field("password") });
      return "/account?notice=email-change-sent";
    },
    back: () => "/account?open=email#email",
    fields: { newEmail: "new-email", password: "password" },
  },
  "delete-account": {
    run: async (api, field) => {
      await api.auth.deleteAccount({ password: field("password"), confirmation: field("confirmation") });
      return withQuery("/signin", { next: accountDeletionPath });
    },
    back: () => "/account?open=delete#delete-account",
    fields: { password: "password", confirmation: "confirmation" },
  },
  "keep-account": {
    run: async (api) => {
      await api.auth.cancelAccountDeletion();
      return "/links";
    },
    back: () => accountDeletionPath,
  },
};

/** The code of a refused field: the procedure's own refusal (FieldError), or the input's rules (zod). */
function refusedFieldCode(form: AccountForm, error: TRPCError): NoScriptFormError | undefined {
  if (error.cause instanceof FieldError) return form.fields?.[error.cause.field];
  if (error.cause instanceof ZodError) {
    const field = error.cause.issues[0]?.path[0]?.toString() ?? "";
    return form.invalidFields?.[field] ?? form.fields?.[field];
  }
  return undefined;
}

function errorCode(form: AccountForm, error: unknown): NoScriptFormError {
  if (!(error instanceof TRPCError)) return "failed";
  switch (error.code) {
    case "UNAUTHORIZED":
      return form === forms.signin ? "credentials" : "signed-out";
    case "FORBIDDEN":
      return "scheduled";
    case "BAD_REQUEST":
      return refusedFieldCode(form, error) ?? "invalid";
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
  const { form: name } = await params;
  const form = Object.hasOwn(forms, name) ? forms[name] : undefined;
  if (!form) return Response.json({ error: { message: "No such form" } }, { status: 404 });
  const origin = request.headers.get("x-hop-origin");
  if (isCrossOriginRequest(request.headers, hostOfOrigin(origin))) {
    return Response.json({ error: { message: "Cross-site request refused: forms must come from this site's own pages", code: "FORBIDDEN" } }, { status: 403 });
  }
  const body = await request.formData().catch(() => null);
  const field: Field = (fieldName) => {
    const value = body?.get(fieldName);
    return typeof value === "string" ? value : "";
  };

  const services = getWebServices();
  const responseHeaders = new Headers();
  const api = createCaller(createWebTRPCContext(services, request, { responseHeaders }));
  let next: string;
  try {
    next = await form.run(api, field);
  } catch (error) {
    const code = errorCode(form, error);
    if (code === "failed") services.log.error({ form: name, err: error instanceof Error ? error.message : String(error) }, "account form failed");
    return seeOther(withQuery(form.back(field), { error: code }), responseHeaders);
  }
  // The session cookie the procedure set (or cleared) travels with the redirect.
  return seeOther(next, responseHeaders);
}
