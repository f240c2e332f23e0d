"use client";

import type { QueryClient } from "@tanstack/react-query";
import { useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useRef, useState, type FormEvent } from "react";
import type { z } from "zod";
import { describeApiError } from "~/trpc/errors";
import { fieldErrorsFromApi, fieldErrorsFromZod, focusFirstInvalidField, type FieldErrors } from "~/lib/form-errors";

interface AuthFormOptions<TSchema extends z.ZodType> {
  /** The shared input schema: the form shows its messages before anything is sent. */
  schema: TSchema;
  /** Calls the API with the parsed input. */
  submit: (input: z.output<TSchema>) => Promise<unknown>;
  /** Where to go once signed in: a path on this site. */
  next: string;
}

/**
 * The life of the sign-in and sign-up forms: validate with the shared zod
 * schema, send, show field errors beside their fields and anything else
 * (wrong credentials, rate limit, server down) above the form, then go on to
 * `next` with everything cached for the signed-out visitor dropped.
 */
export function useAuthForm<TSchema extends z.ZodType>({ schema, submit, next }: AuthFormOptions<TSchema>) {
  const router = useRouter();
  const queryClient = useQueryClient();
  const formRef = useRef<HTMLFormElement>(null);
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setFormError(null);
    const parsed = schema.safeParse(Object.fromEntries(new FormData(event.currentTarget)));
    if (!parsed.success) {
      const errors = fieldErrorsFromZod(parsed.error);
      setFieldErrors(errors);
      focusFirstInvalidField(formRef.current, errors);
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
        focusFirstInvalidField(formRef.current, errors);
      } else setFormError(describeApiError(error).message);
      return;
    }
    await enterAsNewUser(queryClient);
    router.replace(next);
    router.refresh();
  };

  return { formRef, fieldErrors, formError, pending, onSubmit };
}

/** Nothing fetched for the previous visitor may show up for the one who just signed in. */
async function enterAsNewUser(queryClient: QueryClient): Promise<void> {
  await queryClient.cancelQueries();
  queryClient.clear();
}
