"use client";

import { signInInput } from "@hop/validators";
import { useMutation } from "@tanstack/react-query";
import Link from "next/link";
import { Button } from "~/components/ui/button";
import { TextField } from "~/components/ui/form-field";
import { useTRPC } from "~/trpc/react";
import { FormAlert } from "../_components/form-alert";
import { useAuthForm } from "../_components/use-auth-form";

export function SignInForm({ next, initialError }: { next: string; initialError: string | null }) {
  const trpc = useTRPC();
  const signIn = useMutation(trpc.auth.signIn.mutationOptions());
  const { formRef, fieldErrors, formError, pending, onSubmit } = useAuthForm({ schema: signInInput, submit: signIn.mutateAsync, next, initialError });

  // With the page's script, onSubmit sends it through the API. Without (not loaded yet, or blocked), the browser POSTs it
  // to /api/auth/signin, which does the same and redirects: either way the password never ends up in a URL.
  return (
    <form ref={formRef} method="post" action="/api/auth/signin" noValidate onSubmit={onSubmit} className="grid gap-5">
      <input type="hidden" name="next" value={next} />
      <FormAlert message={formError} />
      <TextField label="Email" name="email" type="email" autoComplete="email" inputMode="email" required autoFocus error={fieldErrors.email} />
      <TextField
        label="Password"
        name="password"
        type="password"
        autoComplete="current-password"
        required
        error={fieldErrors.password}
        // Below the field, not beside its label: Tab goes from the email straight to the password.
        hint={
          <Link href="/forgot-password" className="font-medium text-brand underline-offset-4 hover:underline">
            Forgot password?
          </Link>
        }
      />
      <Button type="submit" loading={pending} className="w-full">
        Sign in
      </Button>
    </form>
  );
}
