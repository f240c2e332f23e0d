"use client";

import { requestEmailChangeInput, updateProfileInput } from "@hop/validators";
import { useMutation } from "@tanstack/react-query";
import { CircleAlert, CircleCheck } from "lucide-react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { Alert, AlertDescription } from "~/components/ui/alert";
import { Button } from "~/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "~/components/ui/card";
import { TextField } from "~/components/ui/form-field";
import { fieldErrorsFromApi, fieldErrorsFromZod, type FieldErrors } from "~/lib/form-errors";
import { useHydrated } from "~/lib/use-hydrated";
import { describeApiError } from "~/trpc/errors";
import { useTRPC } from "~/trpc/react";

/** The name can be edited here; the email is how the user signs in. */
export function ProfileCard({ name, email, emailChange }: { name: string | null; email: string; emailChange: EmailChangeStart }) {
  const trpc = useTRPC();
  const router = useRouter();
  const ready = useHydrated();
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});
  const [outcome, setOutcome] = useState<{ tone: "success" | "destructive"; message: string } | null>(null);
  const updateProfile = useMutation(trpc.auth.updateProfile.mutationOptions());

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setOutcome(null);
    const parsed = updateProfileInput.safeParse(Object.fromEntries(new FormData(event.currentTarget)));
    if (!parsed.success) return setFieldErrors(fieldErrorsFromZod(parsed.error));
    setFieldErrors({});
    try {
      await updateProfile.mutateAsync(parsed.data);
      setOutcome({ tone: "success", message: "Your profile has been saved." });
      router.refresh();
    } catch (error) {
      const errors = fieldErrorsFromApi(error);
      if (errors) setFieldErrors(errors);
      else setOutcome({ tone: "destructive", message: describeApiError(error).message });
    }
  };

  return (
    <Card>
      <CardHeader>
        <CardTitle>Profile</CardTitle>
        <CardDescription>How Hop knows you. Your email is how you sign in.</CardDescription>
      </CardHeader>
      <CardContent>
        <form method="post" noValidate onSubmit={onSubmit} className="grid max-w-md gap-5">
          {outcome ? (
            <Alert variant={outcome.tone}>
              {outcome.tone === "success" ? <CircleCheck aria-hidden="true" /> : <CircleAlert aria-hidden="true" />}
              <AlertDescription>{outcome.message}</AlertDescription>
            </Alert>
          ) : null}
          <TextField label="Name" name="name" autoComplete="name" defaultValue={name ?? ""} hint="Optional." error={fieldErrors.name} />
          <div>
            <Button type="submit" loading={updateProfile.isPending} disabled={!ready}>
              Save profile
            </Button>
          </div>
        </form>
        <EmailChange email={email} start={emailChange} />
      </CardContent>
    </Card>
  );
}

/** How the email change starts: open with an error, or with the mail sent, when the form was sent without script. */
interface EmailChangeStart {
  open: boolean;
  error: string | null;
  sent: boolean;
}

/**
 * The email changes only once a link mailed to the new address is followed; asking needs the password. Without the
 * page's script, "Change email…" is a link to this page with the form open, and the form POSTs to /api/auth/email-change.
 */
function EmailChange({ email, start }: { email: string; start: EmailChangeStart }) {
  const trpc = useTRPC();
  const [open, setOpen] = useState(start.open);
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(start.error);
  const [sentTo, setSentTo] = useState<string | null>(start.sent ? "" : null);
  const requestChange = useMutation(trpc.auth.requestEmailChange.mutationOptions());

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setFormError(null);
    const parsed = requestEmailChangeInput.safeParse(Object.fromEntries(new FormData(event.currentTarget)));
    if (!parsed.success) return setFieldErrors(fieldErrorsFromZod(parsed.error));
    setFieldErrors({});
    try {
      setSentTo((await requestChange.mutateAsync(parsed.data)).sentTo);
      setOpen(false);
    } catch (error) {
      const errors = fieldErrorsFromApi(error);
      if (errors) setFieldErrors(errors);
      else setFormError(describeApiError(error).message);
    }
  };

  return (
    <div id="email" className="mt-6 grid max-w-md scroll-mt-24 gap-4 border-t pt-6">
      <dl className="text-sm">
        <dt className="text-muted-foreground">Email</dt>
        <dd className="mt-1 truncate font-medium">{email}</dd>
      </dl>
      {sentTo !== null ? (
        <Alert variant="success">
          <CircleCheck aria-hidden="true" />
          <AlertDescription>
            We sent a link to {sentTo ? <strong>{sentTo}</strong> : "the new address"}. Your email changes when you follow it (within 30 minutes).
          </AlertDescription>
        </Alert>
      ) : null}
      {open ? (
        <form method="post" action="/api/auth/email-change" noValidate onSubmit={onSubmit} className="grid gap-5" aria-label="Change email">
          {formError ? (
            <Alert variant="destructive">
              <CircleAlert aria-hidden="true" />
              <AlertDescription>{formError}</AlertDescription>
            </Alert>
          ) : null}
          <TextField label="New email" name="newEmail" type="email" autoComplete="email" inputMode="email" autoFocus error={fieldErrors.newEmail} />
          <TextField label="Your password" name="password" type="password" autoComplete="current-password" error={fieldErrors.password} />
          <div className="flex flex-wrap gap-3">
            <Button type="submit" loading={requestChange.isPending}>
              Send confirmation link
            </Button>
            <Button type="button" variant="outline" onClick={() => setOpen(false)}>
              Cancel
            </Button>
          </div>
        </form>
      ) : (
        <div>
          <Button asChild variant="outline">
            <Link href="/account?open=email#email" scroll={false}>
              Change email…
            </Link>
          </Button>
        </div>
      )}
    </div>
  );
}
