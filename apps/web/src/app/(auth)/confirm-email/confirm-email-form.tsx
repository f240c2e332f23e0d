"use client";

import { useMutation } from "@tanstack/react-query";
import { CircleCheck } from "lucide-react";
import Link from "next/link";
import { useState, type FormEvent } from "react";
import { Alert, AlertDescription } from "~/components/ui/alert";
import { Button } from "~/components/ui/button";
import { fieldErrorsFromApi } from "~/lib/form-errors";
import { describeApiError } from "~/trpc/errors";
import { useTRPC } from "~/trpc/react";
import { FormAlert } from "../_components/form-alert";

/**
 * A button, not an automatic call on load: mail scanners that open links must not confirm anything. Without the
 * page's script the browser POSTs it to /api/auth/confirm-email, which comes back with `?confirmed=1` (or `?error=`).
 */
export function ConfirmEmailForm({ token, confirmed = false, initialError = null }: { token: string; confirmed?: boolean; initialError?: string | null }) {
  const trpc = useTRPC();
  const confirm = useMutation(trpc.auth.confirmEmailChange.mutationOptions());
  const [error, setError] = useState<string | null>(initialError);
  const [email, setEmail] = useState<string | null>(confirmed ? "" : null);

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setError(null);
    try {
      setEmail((await confirm.mutateAsync({ token })).email);
    } catch (failure) {
      setError(fieldErrorsFromApi(failure)?.token ?? describeApiError(failure).message);
    }
  };

  if (email !== null) {
    return (
      <Alert variant="success">
        <CircleCheck aria-hidden="true" />
        <AlertDescription>
          {email ? (
            <>
              Your account's email is now <strong>{email}</strong>.
            </>
          ) : (
            "Your account's email has changed."
          )}{" "}
          Sign in with it from now on.{" "}
          <Link href="/account" className="font-medium text-brand underline-offset-4 hover:underline">
            Go to your account
          </Link>
        </AlertDescription>
      </Alert>
    );
  }
  return (
    <form method="post" action="/api/auth/confirm-email" noValidate onSubmit={onSubmit} className="grid gap-5">
      <input type="hidden" name="token" value={token} />
      <FormAlert message={error} />
      <Button type="submit" loading={confirm.isPending} className="w-full">
        Confirm new email
      </Button>
    </form>
  );
}
