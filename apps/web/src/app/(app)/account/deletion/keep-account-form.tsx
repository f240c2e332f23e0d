"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { Button } from "~/components/ui/button";
import { describeApiError } from "~/trpc/errors";
import { useTRPC } from "~/trpc/react";
import { FormAlert } from "../../../(auth)/_components/form-alert";

/**
 * "Keep my account": with the page's script through the API, without it as a
 * plain form POST to /api/auth/keep-account (same procedure, then a redirect).
 */
export function KeepAccountForm() {
  const trpc = useTRPC();
  const router = useRouter();
  const keep = useMutation(trpc.auth.cancelAccountDeletion.mutationOptions());
  const [error, setError] = useState<string | null>(null);

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setError(null);
    try {
      await keep.mutateAsync();
    } catch (failure) {
      setError(describeApiError(failure).message);
      return;
    }
    router.replace("/links");
    router.refresh();
  };

  return (
    <form method="post" action="/api/auth/keep-account" onSubmit={onSubmit} className="contents">
      <FormAlert message={error} />
      <Button type="submit" loading={keep.isPending}>
        Keep my account
      </Button>
    </form>
  );
}
