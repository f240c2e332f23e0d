import type { AppRouter } from "@hop/api";
import { isTRPCClientError } from "@trpc/client";
import { z } from "zod";

/** One message per field, keyed by the input's field name; what a form shows beside each field. */
export type FieldErrors = Partial<Record<string, string>>;

/** The first message of each field of a failed `safeParse`, as the API would report it. */
export function fieldErrorsFromZod(error: z.ZodError): FieldErrors {
  const { fieldErrors } = z.flattenError(error) as { fieldErrors: Record<string, string[] | undefined> };
  return Object.fromEntries(Object.entries(fieldErrors).flatMap(([field, messages]) => (messages?.[0] ? [[field, messages[0]]] : [])));
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

/** Moves focus to the first field (in the form's order) that has an error, so keyboard and screen-reader users land on it. */
export function focusFirstInvalidField(form: HTMLFormElement | null, errors: FieldErrors): void {
  if (!form) return;
  const invalid = Array.from(form.elements).find(
    (element): element is HTMLInputElement => element instanceof HTMLInputElement && element.name !== "" && errors[element.name] !== undefined,
  );
  invalid?.focus();
}
