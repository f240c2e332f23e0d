"use client";

import { signInInput } from "@hop/validators";
import { useMutation } from "@tanstack/react-query";
import { Button } from "~/components/ui/button";
import { TextField } from "~/components/ui/form-field";
import { useHydrated } from "~/lib/use-hydrated";
import { useTRPC } from "~/trpc/react";
import { FormAlert } from "../_components/form-alert";
import { useAuthForm } from "../_components/use-auth-form";

export function SignInForm({ next }: { next: string }) {
  const trpc = useTRPC();
  const signIn = useMutation(trpc.auth.signIn.mutationOptions());
  const { formRef, fieldErrors, formError, pending, onSubmit } = useAuthForm({ schema: signInInput, submit: signIn.mutateAsync, next });

  const ready = useHydrated();

  // POST and no submitting before the script runs: a password must never end up in a URL (address bar, history, logs).
  return (
    <form ref={formRef} method="post" noValidate onSubmit={onSubmit} className="grid gap-5">
      <FormAlert message={formError} />
      <TextField label="Email" name="email" type="email" autoComplete="email" inputMode="email" required autoFocus error={fieldErrors.email} />
      <TextField label="Password" name="password" type="password" autoComplete="current-password" required error={fieldErrors.password} />
      <Button type="submit" loading={pending} disabled={!ready} className="w-full">
        Sign in
      </Button>
    </form>
  );
}
