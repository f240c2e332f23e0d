import { safeNextPath } from "@hop/validators";

/** `next`: where to go afterwards; `error`: what went wrong with a form sent without script (see no-script-errors.ts). */
export type AuthSearchParams = Promise<{ next?: string | string[]; error?: string | string[] }>;

/** Where the sign-in and sign-up pages send the user afterwards: `?next=`, if it is a path on this site. */
export async function nextPathFrom(searchParams: AuthSearchParams): Promise<string> {
  const { next } = await searchParams;
  return safeNextPath(typeof next === "string" ? next : null);
}
