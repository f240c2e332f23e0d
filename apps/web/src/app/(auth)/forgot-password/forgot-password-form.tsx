"use client";

import { requestPasswordResetInput } from "@hop/validators";
import { useMutation } from "@tanstack/react-query";
import { MailCheck } from "lucide-react";
import { useState, type FormEvent } from "react";
import { Alert, AlertDescription } from "~/components/ui/alert";
import { Button } from "~/components/ui/button";
import { TextField } from "~/components/ui/form-field";
import { fieldErrorsFromApi, fieldErrorsFromZod, type FieldErrors } from "~/lib/form-errors";
import { describeApiError } from "~/trpc/errors";
import { useTRPC } from "~/trpc/react";
import { FormAlert } from "../_components/form-alert";

/**
 * With the page's script, sent through the API; without it, the browser POSTs
 * the form to /api/auth/forgot-password, which does the same and comes back
 * here with `?sent=1` (or `?error=`).
 */
export function ForgotPasswordForm({ sent = false, initialError = null }: { sent?: boolean; initialError?: string | null }) {
  const trpc = useTRPC();
  const request = useMutation(trpc.auth.requestPasswordReset.mutationOptions());
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(initialError);
  const [sentTo, setSentTo] = useState<string | null>(sent ? "" : null);

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setFormError(null);
    const parsed = requestPasswordResetInput.safeParse(Object.fromEntries(new FormData(event.currentTarget)));
    if (!parsed.success) {
      setFieldErrors(fieldErrorsFromZod(parsed.error));
      return;
    }
    setFieldErrors({});
    try {
      await request.mutateAsync(parsed.data);
      setSentTo(parsed.data.email);
    } catch (error) {
      const errors = fieldErrorsFromApi(error);
      if (errors) setFieldErrors(errors);
      else setFormError(describeApiError(error).message);
    }
  };

  // The same words whether or not the email has an account: the page must not tell who has one.
  if (sentTo !== null) {
    return (
      <Alert role="status">
        <MailCheck aria-hidden="true" />
        <AlertDescription>
          If an account exists for {sentTo ? <strong>{sentTo}</strong> : "that email"}, a link to reset its password is on its way. It works once, for 30
          minutes.
        </AlertDescription>
      </Alert>
    );
  }
  return (
    <form method="post" action="/api/auth/forgot-password" noValidate onSubmit={onSubmit} className="grid gap-5">
      <FormAlert message={formError} />
      <TextField label="Email" name="email" type="email" autoComplete="email" inputMode="email" required autoFocus error={fieldErrors.email} />
      <Button type="submit" loading={request.isPending} className="w-full">
        Send reset link
      </Button>
    </form>
  );
}
