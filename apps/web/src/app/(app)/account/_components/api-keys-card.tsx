"use client";

import { apiKeyScopes, createApiKeyInput, type ApiKeyScope } from "@hop/validators";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { CircleAlert, KeyRound } from "lucide-react";
import { useState, type FormEvent } from "react";
import { Alert, AlertDescription, AlertTitle } from "~/components/ui/alert";
import { Badge } from "~/components/ui/badge";
import { Button } from "~/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "~/components/ui/card";
import { ConfirmDialog } from "~/components/ui/dialog";
import { ErrorState } from "~/components/ui/error-state";
import { TextField } from "~/components/ui/form-field";
import { Skeleton } from "~/components/ui/skeleton";
import { fieldErrorsFromApi, fieldErrorsFromZod, type FieldErrors } from "~/lib/form-errors";
import { formatAgo, formatDateTime } from "~/lib/time";
import { useFocusFirstInvalid } from "~/lib/use-focus-first-invalid";
import { useHydrated } from "~/lib/use-hydrated";
import { useNow } from "~/lib/use-now";
import { describeApiError } from "~/trpc/errors";
import { useTRPC } from "~/trpc/react";
import { CopyButton } from "../../links/_components/copy-button";

const scopeLabels: Record<ApiKeyScope, string> = {
  "links:read": "Read links and tags",
  "links:write": "Create, change and delete links",
  "analytics:read": "Read click statistics",
};

interface NewKey {
  name: string;
  key: string;
}

/** API keys for scripts and services: create one (shown once), see when each was last used, revoke. */
export function ApiKeysCard() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const keys = useQuery(trpc.apiKeys.list.queryOptions(undefined, { staleTime: 0 }));
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.apiKeys.list.queryKey() });
  const create = useMutation(trpc.apiKeys.create.mutationOptions());
  const revoke = useMutation(
    trpc.apiKeys.revoke.mutationOptions({
      onSuccess: async () => {
        setRevoking(null);
        await refresh();
      },
    }),
  );
  const { formRef, focusFirstInvalid } = useFocusFirstInvalid();
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [created, setCreated] = useState<NewKey | null>(null);
  const [revoking, setRevoking] = useState<{ id: string; name: string } | null>(null);
  const ready = useHydrated();
  const now = useNow(30_000);

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setFormError(null);
    const form = event.currentTarget;
    const data = new FormData(form);
    const parsed = createApiKeyInput.safeParse({ name: data.get("name") ?? "", scopes: data.getAll("scopes") });
    if (!parsed.success) {
      setFieldErrors(fieldErrorsFromZod(parsed.error));
      focusFirstInvalid();
      return;
    }
    setFieldErrors({});
    try {
      const result = await create.mutateAsync(parsed.data);
      setCreated({ name: result.name, key: result.key });
      form.reset();
      await refresh();
    } catch (error) {
      const apiErrors = fieldErrorsFromApi(error);
      if (apiErrors) {
        setFieldErrors(apiErrors);
        focusFirstInvalid();
      } else setFormError(describeApiError(error).message);
    }
  };

  return (
    <Card data-testid="api-keys-card">
      <CardHeader>
        <CardTitle>API keys</CardTitle>
        <CardDescription>
          For scripts and services that use Hop's API (REST at <code>/api/v1</code>, reference at{" "}
          <a className="underline underline-offset-2" href="/docs/api">
            /docs/api
          </a>
          ). A key can do only what its scopes allow, and is refused everywhere at once when revoked.
        </CardDescription>
      </CardHeader>
      <CardContent className="grid gap-6">
        {created ? (
          <Alert variant="success" data-testid="new-api-key">
            <KeyRound aria-hidden="true" />
            <AlertTitle>Copy your new key "{created.name}" now</AlertTitle>
            <AlertDescription className="grid gap-2">
              <span>It is shown only this once: Hop keeps only a hash of it.</span>
              <span className="flex min-w-0 flex-wrap items-center gap-2">
                <code data-testid="new-api-key-value" className="min-w-0 break-all rounded bg-muted px-2 py-1 font-mono text-xs">
                  {created.key}
                </code>
                <CopyButton text={created.key} label="Copy key" showText />
              </span>
              <Button type="button" variant="outline" size="sm" className="justify-self-start" onClick={() => setCreated(null)}>
                I have copied it
              </Button>
            </AlertDescription>
          </Alert>
        ) : null}

        <form ref={formRef} noValidate onSubmit={onSubmit} className="grid max-w-md gap-4" aria-label="Create an API key">
          {formError ? (
            <Alert variant="destructive">
              <CircleAlert aria-hidden="true" />
              <AlertDescription>{formError}</AlertDescription>
            </Alert>
          ) : null}
          <TextField label="Key name" name="name" placeholder="e.g. Newsletter script" autoComplete="off" maxLength={64} error={fieldErrors.name} />
          <fieldset
            className="grid gap-2"
            aria-describedby={fieldErrors.scopes ? "api-key-scopes-error" : undefined}
            aria-invalid={Boolean(fieldErrors.scopes)}
          >
            <legend className="mb-1 text-sm font-medium">Scopes</legend>
            {apiKeyScopes.map((scope) => (
              <label key={scope} className="flex items-center gap-2 text-sm">
                <input type="checkbox" name="scopes" value={scope} defaultChecked={scope === "links:read"} className="size-4 accent-primary" />
                <code className="font-mono text-xs">{scope}</code>
                <span className="text-muted-foreground">{scopeLabels[scope]}</span>
              </label>
            ))}
            {fieldErrors.scopes ? (
              <p id="api-key-scopes-error" className="text-sm text-destructive">
                {fieldErrors.scopes}
              </p>
            ) : null}
          </fieldset>
          <Button type="submit" className="justify-self-start" disabled={!ready || create.isPending}>
            {create.isPending ? "Creating…" : "Create key"}
          </Button>
        </form>
      </CardContent>

      {keys.isPending ? (
        <div role="status" aria-busy="true" aria-label="Loading your API keys" className="grid gap-2 border-t px-5 py-4 sm:px-6">
          <Skeleton className="h-4 w-48" />
          <Skeleton className="h-3 w-64" />
        </div>
      ) : keys.isError ? (
        <ErrorState
          title="Your API keys could not be loaded"
          description={describeApiError(keys.error).message}
          onRetry={() => void keys.refetch()}
          retrying={keys.isFetching}
        />
      ) : keys.data.length === 0 ? (
        <p className="border-t px-5 py-4 text-sm text-muted-foreground sm:px-6">No API keys yet.</p>
      ) : (
        <ul aria-label="Your API keys" data-testid="api-keys-list" className="divide-y border-t">
          {keys.data.map((key) => (
            <li key={key.id} data-testid="api-key-row" className="flex flex-wrap items-center gap-x-4 gap-y-2 px-5 py-4 sm:px-6">
              <div className="min-w-0 flex-1">
                <p className="flex flex-wrap items-center gap-2 text-sm font-medium">
                  <span className="break-all">{key.name}</span>
                  <code className="font-mono text-xs text-muted-foreground">{key.prefix}…</code>
                </p>
                <p className="mt-1 flex flex-wrap gap-1.5">
                  {key.scopes.map((scope) => (
                    <Badge key={scope}>{scope}</Badge>
                  ))}
                </p>
                <p className="mt-1 text-[13px] text-muted-foreground">
                  Created{" "}
                  <time dateTime={key.createdAt.toISOString()} title={formatDateTime(key.createdAt.toISOString())}>
                    {formatAgo(key.createdAt.toISOString(), now)}
                  </time>
                  {" · "}
                  {key.lastUsedAt ? (
                    <>
                      last used{" "}
                      <time dateTime={key.lastUsedAt.toISOString()} title={formatDateTime(key.lastUsedAt.toISOString())}>
                        {formatAgo(key.lastUsedAt.toISOString(), now)}
                      </time>
                    </>
                  ) : (
                    "never used"
                  )}
                </p>
              </div>
              <Button
                variant="outline"
                size="sm"
                aria-label={`Revoke ${key.name}`}
                onClick={() => {
                  revoke.reset();
                  setRevoking({ id: key.id, name: key.name });
                }}
              >
                Revoke
              </Button>
            </li>
          ))}
        </ul>
      )}

      <ConfirmDialog
        open={revoking !== null}
        onOpenChange={(open) => (open ? undefined : setRevoking(null))}
        title="Revoke this API key?"
        description={revoking ? `"${revoking.name}" stops working at once, on every Hop server. This cannot be undone.` : undefined}
        confirmLabel="Revoke key"
        pending={revoke.isPending}
        onConfirm={() => revoking && revoke.mutate({ id: revoking.id })}
      >
        {revoke.error ? (
          <Alert variant="destructive">
            <AlertDescription>{describeApiError(revoke.error).message}</AlertDescription>
          </Alert>
        ) : null}
      </ConfirmDialog>
    </Card>
  );
}
