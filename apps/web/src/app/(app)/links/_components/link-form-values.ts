import {
  createLinkInput,
  updateLinkInput,
  utmKeys,
  type CreateLinkInput,
  type RedirectStatusCode,
  type UpdateLinkInput,
  type UtmParameters,
} from "@hop/validators";
import { fieldErrorsFromZod, type FieldErrors } from "~/lib/form-errors";
import type { Link } from "./types";

export type UtmKey = (typeof utmKeys)[number];
/** Only for editing a link that has a password; otherwise the password box alone decides (empty: none). */
export type PasswordMode = "keep" | "change" | "remove";

/** The form as typed: every field a string, so an empty box is simply "". */
export interface LinkFormValues {
  url: string;
  slug: string;
  title: string;
  tags: string[];
  /** A `datetime-local` value in the browser's time zone, or "". */
  expiresAt: string;
  expiredUrl: string;
  passwordMode: PasswordMode;
  password: string;
  redirectStatus: `${RedirectStatusCode}`;
  utm: Record<UtmKey, string>;
}

const emptyUtm: Record<UtmKey, string> = { source: "", medium: "", campaign: "", term: "", content: "" };

export function emptyFormValues(): LinkFormValues {
  return {
    url: "",
    slug: "",
    title: "",
    tags: [],
    expiresAt: "",
    expiredUrl: "",
    passwordMode: "keep",
    password: "",
    redirectStatus: "302",
    utm: { ...emptyUtm },
  };
}

export function formValuesFromLink(link: Link): LinkFormValues {
  return {
    url: link.url,
    slug: link.slug,
    title: link.title ?? "",
    tags: [...link.tags],
    expiresAt: link.expiresAt ? toDateTimeLocal(link.expiresAt) : "",
    expiredUrl: link.expiredUrl ?? "",
    passwordMode: "keep",
    password: "",
    redirectStatus: `${link.redirectStatus}`,
    utm: Object.fromEntries(utmKeys.map((key) => [key, link.utm[key] ?? ""])) as Record<UtmKey, string>,
  };
}

/** `2026-11-26T14:05` in the browser's own time zone, as `<input type="datetime-local">` wants it. */
export function toDateTimeLocal(date: Date): string {
  const pad = (value: number) => String(value).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

function parseDateTimeLocal(value: string): Date | null {
  if (!value) return null;
  // Without a zone, `new Date` reads the value as local time, which is what the picker shows.
  return new Date(value);
}

function utmInput(utm: Record<UtmKey, string>): UtmParameters {
  return Object.fromEntries(utmKeys.map((key) => [key, utm[key].trim() || undefined]));
}

export function toCreateInput(values: LinkFormValues): CreateLinkInput {
  const expiresAt = parseDateTimeLocal(values.expiresAt);
  return {
    url: values.url.trim(),
    slug: values.slug.trim(),
    title: values.title.trim() || null,
    tags: values.tags,
    expiresAt,
    // A fallback without an expiry would never be used: not sent.
    expiredUrl: expiresAt && values.expiredUrl.trim() ? values.expiredUrl.trim() : null,
    password: values.password ? values.password : null,
    redirectStatus: Number(values.redirectStatus) as RedirectStatusCode,
    utm: utmInput(values.utm),
  };
}

export function toUpdateInput(link: Link, values: LinkFormValues): UpdateLinkInput {
  const expiresAt = parseDateTimeLocal(values.expiresAt);
  // An unchanged expiry is left out: re-sending a past one (editing an expired link's tags, say) would be refused as "not in the future".
  const expiryChanged = values.expiresAt !== (link.expiresAt ? toDateTimeLocal(link.expiresAt) : "");
  return {
    id: link.id,
    url: values.url.trim(),
    slug: values.slug.trim(),
    title: values.title.trim() || null,
    tags: values.tags,
    ...(expiryChanged && { expiresAt }),
    expiredUrl: expiresAt && values.expiredUrl.trim() ? values.expiredUrl.trim() : null,
    // The API's three cases: a string sets, null removes, absent keeps.
    ...passwordChange(link, values),
    redirectStatus: Number(values.redirectStatus) as RedirectStatusCode,
    utm: utmInput(values.utm),
  };
}

function passwordChange(link: Link, values: LinkFormValues): Pick<UpdateLinkInput, "password"> {
  if (!link.hasPassword) return values.password ? { password: values.password } : {};
  if (values.passwordMode === "change") return { password: values.password };
  if (values.passwordMode === "remove") return { password: null };
  return {};
}

/** The shared schema's verdict, before anything is sent: the same messages the server would give. */
export function validateForm(link: Link | null, values: LinkFormValues): FieldErrors {
  const result = link ? updateLinkInput.safeParse(toUpdateInput(link, values)) : createLinkInput.safeParse(toCreateInput(values));
  return result.success ? {} : fieldErrorsFromZod(result.error);
}

/**
 * The address a visitor ends up at: the target with the UTM parameters
 * written into its query. The same rule as `destinationUrl` in @hop/links,
 * which the browser cannot import (it brings the Redis client along).
 */
export function previewDestination(url: string, utm: Record<UtmKey, string>): string | null {
  let target: URL;
  try {
    target = new URL(url.trim());
  } catch {
    return null;
  }
  if (target.protocol !== "http:" && target.protocol !== "https:") return null;
  if (!utmKeys.some((key) => utm[key].trim())) return url.trim();
  for (const key of utmKeys) {
    const value = utm[key].trim();
    if (value) target.searchParams.set(`utm_${key}`, value);
  }
  return target.toString();
}
