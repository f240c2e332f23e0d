"use client";

import { resetPasswordInput } from "@hop/validators";
import { useMutation } from "@tanstack/react-query";
import { Button } from "~/components/ui/button";
import { TextField } from "~/components/ui/form-field";
import { useHydrated } from "~/lib/use-hydrated";
import { useTRPC } from "~/trpc/react";
import { FormAlert } from "../_components/form-alert";
import { useAuthForm } from "../_components/use-auth-form";

export function ResetPasswordForm({ token }: { token: string }) {
  const trpc = useTRPC();
  // No submitting before the script runs: the plain POST fallback has no handler here (and a password must never end up in a URL).
  const ready = useHydrated();
  const reset = useMutation(trpc.auth.resetPassword.mutationOptions());
  const { formRef, fieldErrors, formError, pending, onSubmit } = useAuthForm({ schema: resetPasswordInput, submit: reset.mutateAsync, next: "/links" });
  // A refused token is the token field's error, which has no input of its own: it is shown above the form.
  const tokenError = fieldErrors.token ?? null;
  return (
    <form ref={formRef} method="post" noValidate onSubmit={onSubmit} className="grid gap-5">
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
      <Button type="submit" loading={pending} disabled={!ready} className="w-full">
        Save password and sign in
      </Button>
    </form>
  );
}
