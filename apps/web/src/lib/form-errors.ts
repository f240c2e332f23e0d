import type { AppRouter } from "@hop/api";
import { isTRPCClientError } from "@trpc/client";
import type { z } from "zod";

/** One message per field, keyed by the input's field name; what a form shows beside each field. */
export type FieldErrors = Partial<Record<string, string>>;

/**
 * The first message of each field of a failed `safeParse`. Nested fields are
 * keyed by their dotted path (`utm.source`), so a group of inputs can show
 * each message beside its own input; an item of a list counts for the list
 * (`tags`, not `tags.3`); a message about the whole input is `form`.
 */
export function fieldErrorsFromZod(error: z.ZodError): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of error.issues) {
    const firstIndex = issue.path.findIndex((segment) => typeof segment === "number");
    const fieldPath = firstIndex === -1 ? issue.path : issue.path.slice(0, firstIndex);
    const key = fieldPath.length > 0 ? fieldPath.map(String).join(".") : "form";
    errors[key] ??= issue.message;
  }
  return errors;
}

/**
 * The field messages of a failed API call (the API's errorFormatter puts
 * zod's and domain field errors alike in `data.fieldErrors`), or null when the
 * error is not about a field (rate limit, server down, wrong credentials).
 */
export function fieldErrorsFromApi(error: unknown): FieldErrors | null {
  if (!isTRPCClientError<AppRouter>(error)) return null;
  const fieldErrors = error.data?.fieldErrors;
  if (!fieldErrors) return null;
  const errors: FieldErrors = Object.fromEntries(Object.entries(fieldErrors).flatMap(([field, messages]) => (messages[0] ? [[field, messages[0]]] : [])));
  return Object.keys(errors).length > 0 ? errors : null;
}
