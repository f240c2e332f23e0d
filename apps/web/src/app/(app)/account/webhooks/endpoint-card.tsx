"use client";

import type { AppRouter } from "@hop/api";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import { Eye, EyeOff, RotateCw, Send, Trash2 } from "lucide-react";
import { useState } from "react";
import { Alert, AlertDescription, AlertTitle } from "~/components/ui/alert";
import { Badge } from "~/components/ui/badge";
import { Button } from "~/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "~/components/ui/card";
import { ConfirmDialog } from "~/components/ui/dialog";
import { ErrorState } from "~/components/ui/error-state";
import { Skeleton } from "~/components/ui/skeleton";
import { formatDateTime } from "~/lib/time";
import { describeApiError } from "~/trpc/errors";
import { useTRPC } from "~/trpc/react";
import { eventLabels } from "./create-endpoint-card";

type Outputs = inferRouterOutputs<AppRouter>;
type Endpoint = Outputs["webhooks"]["list"][number];
type Delivery = Outputs["webhooks"]["deliveries"][number];

const statusBadge = {
  SUCCEEDED: { label: "Delivered", variant: "success" },
  PENDING: { label: "Pending", variant: "info" },
  FAILED: { label: "Failed", variant: "destructive" },
} as const;

/** One endpoint: where it points, what it gets, its secret, its state, its actions and its delivery log. */
export function EndpointCard({ endpoint }: { endpoint: Endpoint }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [showSecret, setShowSecret] = useState(false);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const refresh = async () => {
    await Promise.all([
      queryClient.invalidateQueries({ queryKey: trpc.webhooks.list.queryKey() }),
      queryClient.invalidateQueries({ queryKey: trpc.webhooks.deliveries.queryKey({ endpointId: endpoint.id }) }),
    ]);
  };
  const done = (message: string) => async () => {
    setNotice(message);
    await refresh();
  };
  const sendTest = useMutation(trpc.webhooks.sendTest.mutationOptions({ onSuccess: done("Test event queued; it shows in the log below.") }));
  const rotate = useMutation(trpc.webhooks.rotateSecret.mutationOptions({ onSuccess: done("New secret made; the old one keeps signing for 24 hours.") }));
  const enable = useMutation(trpc.webhooks.update.mutationOptions({ onSuccess: done("Endpoint enabled.") }));
  const remove = useMutation(trpc.webhooks.delete.mutationOptions({ onSuccess: refresh }));
  const failed = [sendTest, rotate, enable].find((mutation) => mutation.error)?.error;
  const disabled = endpoint.disabledAt !== null;

  return (
    <Card data-testid="webhook-endpoint">
      <CardHeader className="gap-2">
        <div className="flex flex-wrap items-center gap-2">
          <CardTitle as="h3" className="min-w-0 break-all font-mono text-sm">
            {endpoint.url}
          </CardTitle>
          {disabled ? <Badge variant="destructive">Disabled</Badge> : <Badge variant="success">Active</Badge>}
        </div>
        <CardDescription className="flex flex-wrap gap-1.5">
          {endpoint.events.map((type) => (
            <Badge key={type} variant="outline">
              {eventLabels[type as keyof typeof eventLabels] ?? type}
            </Badge>
          ))}
        </CardDescription>
      </CardHeader>
      <CardContent className="grid gap-4">
        {disabled ? (
          <Alert variant="destructive" role="status">
            <AlertTitle>Hop stopped sending to this endpoint</AlertTitle>
            <AlertDescription>{endpoint.disabledReason}</AlertDescription>
          </Alert>
        ) : null}
        <div className="grid gap-1.5">
          <span className="text-sm font-medium">Signing secret</span>
          <div className="flex min-w-0 items-center gap-2">
            <code className="min-w-0 flex-1 truncate rounded-md bg-muted px-2 py-1.5 font-mono text-xs">
              {showSecret ? endpoint.secret : "whsec_••••••••••••••••••••"}
            </code>
            <Button variant="ghost" size="icon-sm" aria-label={showSecret ? "Hide secret" : "Show secret"} onClick={() => setShowSecret(!showSecret)}>
              {showSecret ? <EyeOff aria-hidden="true" /> : <Eye aria-hidden="true" />}
            </Button>
          </div>
          {endpoint.previousSecretExpiresAt && endpoint.previousSecretExpiresAt.getTime() > Date.now() ? (
            <p className="text-[13px] text-muted-foreground">
              The previous secret also signs until {formatDateTime(endpoint.previousSecretExpiresAt.toISOString())}.
            </p>
          ) : null}
        </div>
        <div className="flex flex-wrap gap-2">
          {disabled ? (
            <Button size="sm" loading={enable.isPending} onClick={() => enable.mutate({ id: endpoint.id, enabled: true })}>
              Enable
            </Button>
          ) : (
            <Button size="sm" variant="outline" loading={sendTest.isPending} onClick={() => sendTest.mutate({ id: endpoint.id })}>
              <Send aria-hidden="true" />
              Send test event
            </Button>
          )}
          <Button size="sm" variant="outline" loading={rotate.isPending} onClick={() => rotate.mutate({ id: endpoint.id })}>
            <RotateCw aria-hidden="true" />
            Rotate secret
          </Button>
          <Button size="sm" variant="outline" onClick={() => setConfirmDelete(true)}>
            <Trash2 aria-hidden="true" />
            Delete
          </Button>
        </div>
        {notice && !failed && !disabled ? (
          <Alert variant="success">
            <AlertDescription>{notice}</AlertDescription>
          </Alert>
        ) : null}
        {failed ? (
          <Alert variant="destructive">
            <AlertDescription>{describeApiError(failed).message}</AlertDescription>
          </Alert>
        ) : null}
        <DeliveryLog endpointId={endpoint.id} endpointDisabled={disabled} />
      </CardContent>
      <ConfirmDialog
        open={confirmDelete}
        onOpenChange={setConfirmDelete}
        title="Delete this endpoint?"
        description={`${endpoint.url} gets nothing more from Hop, and its delivery log is deleted.`}
        confirmLabel="Delete endpoint"
        pending={remove.isPending}
        onConfirm={() => remove.mutate({ id: endpoint.id })}
      >
        {remove.error ? (
          <Alert variant="destructive">
            <AlertDescription>{describeApiError(remove.error).message}</AlertDescription>
          </Alert>
        ) : null}
      </ConfirmDialog>
    </Card>
  );
}

/** The last deliveries, newest first, refreshed every few seconds while pending ones wait for their next attempt. */
function DeliveryLog({ endpointId, endpointDisabled }: { endpointId: string; endpointDisabled: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const deliveries = useQuery(trpc.webhooks.deliveries.queryOptions({ endpointId }, { staleTime: 0, refetchInterval: 3_000 }));
  const redeliver = useMutation(
    trpc.webhooks.redeliver.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.webhooks.deliveries.queryKey({ endpointId }) }),
    }),
  );
  return (
    <section aria-labelledby={`log-${endpointId}`} className="grid gap-2">
      <h4 id={`log-${endpointId}`} className="text-sm font-medium">
        Delivery log
      </h4>
      {redeliver.error ? (
        <Alert variant="destructive">
          <AlertDescription>{describeApiError(redeliver.error).message}</AlertDescription>
        </Alert>
      ) : null}
      {deliveries.isPending ? (
        <div role="status" aria-busy="true" aria-label="Loading the delivery log" className="grid gap-2">
          <Skeleton className="h-10 w-full" />
          <Skeleton className="h-10 w-full" />
        </div>
      ) : deliveries.isError ? (
        <ErrorState
          title="The delivery log could not be loaded"
          description={describeApiError(deliveries.error).message}
          onRetry={() => void deliveries.refetch()}
          retrying={deliveries.isFetching}
        />
      ) : deliveries.data.length === 0 ? (
        <p className="rounded-md border border-dashed px-3 py-4 text-center text-[13px] text-muted-foreground">
          Nothing sent yet. Send a test event, or change a link.
        </p>
      ) : (
        <ul className="divide-y rounded-md border" aria-label="Deliveries">
          {deliveries.data.map((delivery) => (
            <DeliveryRow
              key={delivery.id}
              delivery={delivery}
              canRedeliver={!endpointDisabled}
              pending={redeliver.isPending && redeliver.variables?.deliveryId === delivery.id}
              onRedeliver={() => redeliver.mutate({ deliveryId: delivery.id })}
            />
          ))}
        </ul>
      )}
    </section>
  );
}

function DeliveryRow({
  delivery,
  canRedeliver,
  pending,
  onRedeliver,
}: {
  delivery: Delivery;
  canRedeliver: boolean;
  pending: boolean;
  onRedeliver: () => void;
}) {
  const badge = statusBadge[delivery.status];
  const when = delivery.lastAttemptAt ?? delivery.createdAt;
  return (
    <li data-testid="webhook-delivery" data-status={delivery.status} className="flex flex-wrap items-center gap-x-3 gap-y-1.5 px-3 py-2.5 text-sm">
      <Badge variant={badge.variant}>{badge.label}</Badge>
      <span className="font-mono text-[13px]">{delivery.eventType}</span>
      <span className="text-[13px] text-muted-foreground">
        {delivery.responseStatus !== null ? `HTTP ${delivery.responseStatus}` : delivery.attempts === 0 ? "not sent yet" : "no answer"}
        {" · "}
        {delivery.attempts === 1 ? "1 attempt" : `${delivery.attempts} attempts`}
        {" · "}
        <time dateTime={when.toISOString()}>{formatDateTime(when.toISOString())}</time>
        {delivery.status === "PENDING" && delivery.nextAttemptAt && delivery.attempts > 0
          ? ` · next try ${formatDateTime(delivery.nextAttemptAt.toISOString())}`
          : null}
      </span>
      <Button size="sm" variant="ghost" className="ml-auto" disabled={!canRedeliver} loading={pending} onClick={onRedeliver}>
        Redeliver
      </Button>
      {delivery.responseExcerpt ? (
        <p className="w-full truncate font-mono text-xs text-muted-foreground" title={delivery.responseExcerpt}>
          {delivery.responseExcerpt}
        </p>
      ) : null}
    </li>
  );
}
