import type { RedirectStatus } from "@hop/db";
import type { RedirectStatusCode } from "@hop/validators";

const codeByStatus = {
  MOVED_PERMANENTLY: 301,
  FOUND: 302,
  TEMPORARY_REDIRECT: 307,
  PERMANENT_REDIRECT: 308,
} as const satisfies Record<RedirectStatus, RedirectStatusCode>;

export function redirectStatusCode(status: RedirectStatus): RedirectStatusCode {
  return codeByStatus[status];
}

export function redirectStatusFromCode(code: RedirectStatusCode): RedirectStatus {
  const entry = (Object.entries(codeByStatus) as [RedirectStatus, RedirectStatusCode][]).find(([, value]) => value === code);
  if (!entry) throw new Error(`no redirect status for ${code}`);
  return entry[0];
}
