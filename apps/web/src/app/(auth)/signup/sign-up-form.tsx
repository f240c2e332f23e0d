"use client";

import { signUpInput } from "@hop/validators";
import { useMutation } from "@tanstack/react-query";
import { Button } from "~/components/ui/button";
import { TextField } from "~/components/ui/form-field";
import { useHydrated } from "~/lib/use-hydrated";
import { useTRPC } from "~/trpc/react";
import { FormAlert } from "../_components/form-alert";
import { useAuthForm } from "../_components/use-auth-form";

export function SignUpForm({ next }: { next: string }) {
  const trpc = useTRPC();
  const signUp = useMutation(trpc.auth.signUp.mutationOptions());
  const { formRef, fieldErrors, formError, pending, onSubmit } = useAuthForm({ schema: signUpInput, submit: signUp.mutateAsync, next });

  const ready = useHydrated();

  // POST and no submitting before the script runs: a password must never end up in a URL (address bar, history, logs).
  return (
    <form ref={formRef} method="post" noValidate onSubmit={onSubmit} className="grid gap-5">
      <FormAlert message={formError} />
      <TextField label="Name (optional)" name="name" autoComplete="name" maxLength={80} autoFocus error={fieldErrors.name} />
      <TextField label="Email" name="email" type="email" autoComplete="email" inputMode="email" required error={fieldErrors.email} />
      <TextField
        label="Password"
        name="password"
        type="password"
        autoComplete="new-password"
        required
        hint="At least 10 characters. A few unrelated words make a strong one."
        error={fieldErrors.password}
      />
      <Button type="submit" loading={pending} disabled={!ready} className="w-full">
        Sign up
      </Button>
    </form>
  );
}
