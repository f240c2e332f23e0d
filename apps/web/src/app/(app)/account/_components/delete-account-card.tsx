"use client";

import { accountDeletionConfirmation, deleteAccountInput } from "@hop/validators";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { CircleAlert } from "lucide-react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { Alert, AlertDescription } from "~/components/ui/alert";
import { Button } from "~/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "~/components/ui/card";
import { TextField } from "~/components/ui/form-field";
import { fieldErrorsFromApi, fieldErrorsFromZod, type FieldErrors } from "~/lib/form-errors";
import { describeApiError } from "~/trpc/errors";
import { forgetCachedData } from "~/trpc/query-client";
import { useTRPC } from "~/trpc/react";

/**
 * Deleting the account: a first click opens the confirmation, which asks for
 * the password and the word typed out; the account is then deleted after the
 * grace period, and signing in before it keeps the account.
 */
export function DeleteAccountCard({ graceDays, open = false, initialError = null }: { graceDays: number; open?: boolean; initialError?: string | null }) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const [confirming, setConfirming] = useState(open);
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(initialError);
  const deleteAccount = useMutation(trpc.auth.deleteAccount.mutationOptions());

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setFormError(null);
    const parsed = deleteAccountInput.safeParse(Object.fromEntries(new FormData(event.currentTarget)));
    if (!parsed.success) return setFieldErrors(fieldErrorsFromZod(parsed.error));
    setFieldErrors({});
    try {
      await deleteAccount.mutateAsync(parsed.data);
    } catch (error) {
      const errors = fieldErrorsFromApi(error);
      if (errors) setFieldErrors(errors);
      else setFormError(describeApiError(error).message);
      return;
    }
    await forgetCachedData(queryClient);
    router.replace(`/signin?next=${encodeURIComponent("/account/deletion")}`);
    router.refresh();
  };

  return (
    <Card id="delete-account" className="scroll-mt-24">
      <CardHeader>
        <CardTitle>Delete account</CardTitle>
        <CardDescription>
          Signs out every device and stops your short links at once.{" "}
          {graceDays === 0 ? "Shortly after" : graceDays === 1 ? "A day later" : `${graceDays} days later`}, your account, every link you made and all their
          clicks, tags and API tokens are deleted for good. Until then, signing in lets you keep your account. We mail you the date.
        </CardDescription>
      </CardHeader>
      <CardContent>
        {confirming ? (
          <form
            method="post"
            action="/api/auth/delete-account"
            noValidate
            onSubmit={onSubmit}
            className="grid max-w-md gap-5"
            aria-label="Confirm account deletion"
          >
            {formError ? (
              <Alert variant="destructive">
                <CircleAlert aria-hidden="true" />
                <AlertDescription>{formError}</AlertDescription>
              </Alert>
            ) : null}
            <TextField
              label="Your password, to confirm"
              name="password"
              type="password"
              autoComplete="current-password"
              autoFocus
              error={fieldErrors.password}
            />
            <TextField
              label={`Type ${accountDeletionConfirmation} to confirm`}
              name="confirmation"
              autoComplete="off"
              autoCapitalize="characters"
              spellCheck={false}
              error={fieldErrors.confirmation}
            />
            <div className="flex flex-wrap gap-3">
              <Button type="submit" variant="destructive" loading={deleteAccount.isPending}>
                Delete my account
              </Button>
              <Button asChild variant="outline">
                <Link href="/account" scroll={false} onClick={() => setConfirming(false)}>
                  Keep my account
                </Link>
              </Button>
            </div>
          </form>
        ) : (
          // A link to this page with the confirmation open, so it works without the page's script too (the form then POSTs
          // to /api/auth/delete-account); the page remounts this card when `open` changes.
          <Button asChild variant="destructive">
            <Link href="/account?open=delete#delete-account" scroll={false}>
              Delete account…
            </Link>
          </Button>
        )}
      </CardContent>
    </Card>
  );
}
