"use client";

import { type ImportApiSource, type ImportSlugTaken, startApiImportInput } from "@hop/validators";
import { useMutation } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { Alert, AlertDescription } from "~/components/ui/alert";
import { Button } from "~/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "~/components/ui/card";
import { FormField, TextField } from "~/components/ui/form-field";
import { Select } from "~/components/ui/select";
import { fieldErrorsFromApi, fieldErrorsFromZod, type FieldErrors } from "~/lib/form-errors";
import { describeApiError } from "~/trpc/errors";
import { useTRPC } from "~/trpc/react";
import { ImportProgressCard } from "./import-progress";

/** An import straight from another server's API (Shlink REST v3, Kutt API v2) with a key of the user's account there. */
export function ApiImportCard() {
  const trpc = useTRPC();
  const start = useMutation(trpc.imports.startFromApi.mutationOptions());
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [importId, setImportId] = useState<string | null>(null);

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setFormError(null);
    const data = new FormData(event.currentTarget);
    const parsed = startApiImportInput.safeParse({
      source: data.get("source") as ImportApiSource,
      baseUrl: data.get("baseUrl") ?? "",
      apiKey: data.get("apiKey") ?? "",
      onSlugTaken: data.get("onSlugTaken") as ImportSlugTaken,
    });
    if (!parsed.success) return setFieldErrors(fieldErrorsFromZod(parsed.error));
    setFieldErrors({});
    try {
      setImportId((await start.mutateAsync(parsed.data)).id);
    } catch (error) {
      const apiErrors = fieldErrorsFromApi(error);
      if (apiErrors) setFieldErrors(apiErrors);
      else setFormError(describeApiError(error).message);
    }
  };

  return (
    <div className="flex flex-col gap-6">
      <Card>
        <CardHeader>
          <CardTitle>Or import from another server</CardTitle>
          <CardDescription>
            From Shlink (or another Hop) or Kutt, with an API key of your account there; from Shlink, the visits of each link come too, as clicks. The key is
            used to read them and is not kept afterwards.
          </CardDescription>
        </CardHeader>
        <CardContent>
          <form className="grid gap-4 sm:grid-cols-2" onSubmit={(event) => void onSubmit(event)} noValidate>
            <FormField id="api-source" label="Server">
              <Select name="source" defaultValue="shlink" disabled={importId !== null}>
                <option value="shlink">Shlink (REST v3)</option>
                <option value="kutt">Kutt (API v2)</option>
              </Select>
            </FormField>
            <TextField name="baseUrl" label="Address" placeholder="https://s.example.com" error={fieldErrors.baseUrl} disabled={importId !== null} />
            <TextField name="apiKey" label="API key" type="password" autoComplete="off" error={fieldErrors.apiKey} disabled={importId !== null} />
            <FormField id="api-slug-taken" label="When a slug is taken">
              <Select name="onSlugTaken" defaultValue="rename" disabled={importId !== null}>
                <option value="rename">Create it with a generated slug</option>
                <option value="skip">Skip the link</option>
              </Select>
            </FormField>
            {formError ? (
              <Alert variant="destructive" className="sm:col-span-2">
                <AlertDescription>{formError}</AlertDescription>
              </Alert>
            ) : null}
            {importId ? null : (
              <div className="sm:col-span-2">
                <Button type="submit" variant="outline" loading={start.isPending}>
                  Import from this server
                </Button>
              </div>
            )}
          </form>
        </CardContent>
      </Card>
      {importId ? <ImportProgressCard importId={importId} /> : null}
    </div>
  );
}
