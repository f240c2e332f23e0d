"use client";

import { useMutation } from "@tanstack/react-query";
import { CircleCheck } from "lucide-react";
import Link from "next/link";
import { useState, type FormEvent } from "react";
import { Alert, AlertDescription } from "~/components/ui/alert";
import { Button } from "~/components/ui/button";
import { fieldErrorsFromApi } from "~/lib/form-errors";
import { useHydrated } from "~/lib/use-hydrated";
import { describeApiError } from "~/trpc/errors";
import { useTRPC } from "~/trpc/react";
import { FormAlert } from "../_components/form-alert";

/** A button, not an automatic call on load: mail scanners that open links must not confirm anything. */
export function ConfirmEmailForm({ token }: { token: string }) {
  const trpc = useTRPC();
  const ready = useHydrated();
  const confirm = useMutation(trpc.auth.confirmEmailChange.mutationOptions());
  const [error, setError] = useState<string | null>(null);
  const [email, setEmail] = useState<string | null>(null);

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setError(null);
    try {
      setEmail((await confirm.mutateAsync({ token })).email);
    } catch (failure) {
      setError(fieldErrorsFromApi(failure)?.token ?? describeApiError(failure).message);
    }
  };

  if (email) {
    return (
      <Alert variant="success">
        <CircleCheck aria-hidden="true" />
        <AlertDescription>
          Your account's email is now <strong>{email}</strong>. Sign in with it from now on.{" "}
          <Link href="/account" className="font-medium text-brand underline-offset-4 hover:underline">
            Go to your account
          </Link>
        </AlertDescription>
      </Alert>
    );
  }
  return (
    <form method="post" noValidate onSubmit={onSubmit} className="grid gap-5">
      <FormAlert message={error} />
      <Button type="submit" loading={confirm.isPending} disabled={!ready} className="w-full">
        Confirm new email
      </Button>
    </form>
  );
}
