"use client";

import { resetPasswordInput } from "@hop/validators";
import { useMutation } from "@tanstack/react-query";
import { Button } from "~/components/ui/button";
import { TextField } from "~/components/ui/form-field";
import { useTRPC } from "~/trpc/react";
import { FormAlert } from "../_components/form-alert";
import { useAuthForm } from "../_components/use-auth-form";

/** Without the page's script the browser POSTs it to /api/auth/reset-password: the same procedure, then a redirect. */
export function ResetPasswordForm({ token, initialError = null }: { token: string; initialError?: string | null }) {
  const trpc = useTRPC();
  const reset = useMutation(trpc.auth.resetPassword.mutationOptions());
  const { formRef, fieldErrors, formError, pending, onSubmit } = useAuthForm({
    schema: resetPasswordInput,
    submit: reset.mutateAsync,
    next: "/links",
    initialError,
  });
  // A refused token is the token field's error, which has no input of its own: it is shown above the form.
  const tokenError = fieldErrors.token ?? null;
  return (
    <form ref={formRef} method="post" action="/api/auth/reset-password" noValidate onSubmit={onSubmit} className="grid gap-5">
      <input type="hidden" name="token" value={token} />
      <FormAlert message={tokenError ?? formError} />
      <TextField
        label="New password"
        name="newPassword"
        type="password"
        autoComplete="new-password"
        required
        autoFocus
        hint="At least 10 characters."
        error={fieldErrors.newPassword}
      />
      <Button type="submit" loading={pending} className="w-full">
        Save password and sign in
      </Button>
    </form>
  );
}
