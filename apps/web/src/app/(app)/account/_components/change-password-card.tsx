"use client";

import { changePasswordInput } from "@hop/validators";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { CircleAlert, CircleCheck } from "lucide-react";
import { useState, type FormEvent } from "react";
import { Alert, AlertDescription } from "~/components/ui/alert";
import { Button } from "~/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "~/components/ui/card";
import { TextField } from "~/components/ui/form-field";
import { useHydrated } from "~/lib/use-hydrated";
import { fieldErrorsFromApi, fieldErrorsFromZod, type FieldErrors } from "~/lib/form-errors";
import { useFocusFirstInvalid } from "~/lib/use-focus-first-invalid";
import { describeApiError } from "~/trpc/errors";
import { useTRPC } from "~/trpc/react";

/** A new password; every other session ends with the old one (whoever holds it may have known the old password). */
export function ChangePasswordCard() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { formRef, focusFirstInvalid } = useFocusFirstInvalid();
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});
  const [outcome, setOutcome] = useState<{ tone: "success" | "destructive"; message: string } | null>(null);
  const changePassword = useMutation(trpc.auth.changePassword.mutationOptions());
  const ready = useHydrated();

  const showFieldErrors = (errors: FieldErrors) => {
    setFieldErrors(errors);
    focusFirstInvalid();
  };

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setOutcome(null);
    const form = event.currentTarget;
    const values = Object.fromEntries(new FormData(form)) as Record<string, string>;
    const parsed = changePasswordInput.safeParse(values);
    const errors: FieldErrors = parsed.success ? {} : fieldErrorsFromZod(parsed.error);
    // Typed twice so that a slip of the finger cannot lock the user out.
    if (!errors.newPassword && values.confirmPassword !== values.newPassword) errors.confirmPassword = "The two new passwords differ";
    if (!parsed.success || Object.keys(errors).length > 0) return showFieldErrors(errors);

    setFieldErrors({});
    try {
      const { revokedOtherSessions } = await changePassword.mutateAsync(parsed.data);
      form.reset();
      setOutcome({
        tone: "success",
        message:
          revokedOtherSessions === 0
            ? "Your password has been changed."
            : `Your password has been changed, and ${revokedOtherSessions === 1 ? "1 other device was" : `${revokedOtherSessions} other devices were`} signed out.`,
      });
      await queryClient.invalidateQueries({ queryKey: trpc.auth.sessions.queryKey() });
    } catch (error) {
      const apiErrors = fieldErrorsFromApi(error);
      if (apiErrors) showFieldErrors(apiErrors);
      else setOutcome({ tone: "destructive", message: describeApiError(error).message });
    }
  };

  return (
    <Card>
      <CardHeader>
        <CardTitle>Password</CardTitle>
        <CardDescription>Changing it signs out every other device; this one stays signed in.</CardDescription>
      </CardHeader>
      <CardContent>
        {/* POST and no submitting before the script runs: passwords must never end up in a URL. */}
        <form ref={formRef} method="post" noValidate onSubmit={onSubmit} className="grid max-w-md gap-5">
          {outcome ? (
            <Alert variant={outcome.tone}>
              {outcome.tone === "success" ? <CircleCheck aria-hidden="true" /> : <CircleAlert aria-hidden="true" />}
              <AlertDescription>{outcome.message}</AlertDescription>
            </Alert>
          ) : null}
          <TextField label="Current password" name="currentPassword" type="password" autoComplete="current-password" error={fieldErrors.currentPassword} />
          <TextField
            label="New password"
            name="newPassword"
            type="password"
            autoComplete="new-password"
            hint="At least 10 characters."
            error={fieldErrors.newPassword}
          />
          <TextField label="Confirm new password" name="confirmPassword" type="password" autoComplete="new-password" error={fieldErrors.confirmPassword} />
          <div>
            <Button type="submit" loading={changePassword.isPending} disabled={!ready}>
              Change password
            </Button>
          </div>
        </form>
      </CardContent>
    </Card>
  );
}
