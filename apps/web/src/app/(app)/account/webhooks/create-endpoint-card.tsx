"use client";

import { createWebhookInput, webhookEventTypes, type WebhookEventType } from "@hop/validators";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { Alert, AlertDescription } from "~/components/ui/alert";
import { Button } from "~/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "~/components/ui/card";
import { TextField } from "~/components/ui/form-field";
import { FieldMessage } from "~/components/ui/label";
import { fieldErrorsFromApi, fieldErrorsFromZod, type FieldErrors } from "~/lib/form-errors";
import { describeApiError } from "~/trpc/errors";
import { useTRPC } from "~/trpc/react";

export const eventLabels: Record<WebhookEventType, string> = {
  "link.created": "Link created",
  "link.updated": "Link changed",
  "link.deleted": "Link deleted",
  "link.clicked": "Link clicked (batched each second)",
};

/** The form that adds an endpoint: its URL and the events it wants. */
export function CreateEndpointCard() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [url, setUrl] = useState("");
  const [events, setEvents] = useState<WebhookEventType[]>(["link.created", "link.updated", "link.deleted"]);
  const [errors, setErrors] = useState<FieldErrors>({});
  const create = useMutation(
    trpc.webhooks.create.mutationOptions({
      onSuccess: async () => {
        setUrl("");
        setErrors({});
        await queryClient.invalidateQueries({ queryKey: trpc.webhooks.list.queryKey() });
      },
      onError: (error) => setErrors(fieldErrorsFromApi(error) ?? {}),
    }),
  );

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const parsed = createWebhookInput.safeParse({ url, events });
    if (!parsed.success) {
      setErrors(fieldErrorsFromZod(parsed.error));
      return;
    }
    create.mutate(parsed.data);
  };

  const apiError = create.error && !fieldErrorsFromApi(create.error) ? describeApiError(create.error).message : null;
  return (
    <Card>
      <CardHeader>
        <CardTitle>Add an endpoint</CardTitle>
        <CardDescription>A public http(s) URL of yours. Verify each request with the endpoint's secret before trusting it.</CardDescription>
      </CardHeader>
      <CardContent>
        <form noValidate onSubmit={submit} className="grid gap-4" aria-label="Add a webhook endpoint">
          <TextField
            label="Endpoint URL"
            name="url"
            type="url"
            inputMode="url"
            placeholder="https://example.com/hooks/hop"
            value={url}
            onChange={(event) => setUrl(event.target.value)}
            error={errors.url}
          />
          <fieldset className="grid gap-2" aria-describedby={errors.events ? "webhook-events-error" : undefined}>
            <legend className="mb-1 text-sm font-medium">Events</legend>
            <div className="grid gap-2 sm:grid-cols-2">
              {webhookEventTypes.map((type) => (
                <label key={type} className="flex items-center gap-2 text-sm">
                  <input
                    type="checkbox"
                    className="size-4 accent-[var(--color-brand)]"
                    checked={events.includes(type)}
                    onChange={(event) => setEvents((current) => (event.target.checked ? [...current, type] : current.filter((item) => item !== type)))}
                  />
                  {eventLabels[type]}
                </label>
              ))}
            </div>
            {errors.events ? (
              <FieldMessage id="webhook-events-error" tone="error">
                {errors.events}
              </FieldMessage>
            ) : null}
          </fieldset>
          {apiError ? (
            <Alert variant="destructive">
              <AlertDescription>{apiError}</AlertDescription>
            </Alert>
          ) : null}
          <div>
            <Button type="submit" loading={create.isPending}>
              Add endpoint
            </Button>
          </div>
        </form>
      </CardContent>
    </Card>
  );
}
