"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import type { z } from "zod";
import { describeApiError } from "~/trpc/errors";
import { forgetCachedData } from "~/trpc/query-client";
import { fieldErrorsFromApi, fieldErrorsFromZod, type FieldErrors } from "~/lib/form-errors";
import { useFocusFirstInvalid } from "~/lib/use-focus-first-invalid";

interface AuthFormOptions<TSchema extends z.ZodType> {
  /** The shared input schema: the form shows its messages before anything is sent. */
  schema: TSchema;
  /** Calls the API with the parsed input. */
  submit: (input: z.output<TSchema>) => Promise<unknown>;
  /** Where to go once signed in: a path on this site. */
  next: string;
  /** Shown above the form on arrival: what went wrong when it was last sent without script. */
  initialError?: string | null;
}

/**
 * The life of the sign-in and sign-up forms: validate with the shared zod
 * schema, send, show field errors beside their fields and anything else
 * (wrong credentials, rate limit, server down) above the form, then go on to
 * `next` with everything cached for the signed-out visitor dropped.
 */
export function useAuthForm<TSchema extends z.ZodType>({ schema, submit, next, initialError = null }: AuthFormOptions<TSchema>) {
  const router = useRouter();
  const queryClient = useQueryClient();
  const { formRef, focusFirstInvalid } = useFocusFirstInvalid();
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(initialError);
  const [pending, setPending] = useState(false);

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setFormError(null);
    const parsed = schema.safeParse(Object.fromEntries(new FormData(event.currentTarget)));
    if (!parsed.success) {
      const errors = fieldErrorsFromZod(parsed.error);
      setFieldErrors(errors);
      focusFirstInvalid();
      return;
    }
    setFieldErrors({});
    setPending(true);
    try {
      await submit(parsed.data);
    } catch (error) {
      setPending(false);
      const errors = fieldErrorsFromApi(error);
      if (errors) {
        setFieldErrors(errors);
        focusFirstInvalid();
      } else setFormError(describeApiError(error).message);
      return;
    }
    await forgetCachedData(queryClient);
    router.replace(next);
    router.refresh();
  };

  return { formRef, fieldErrors, formError, pending, onSubmit };
}
