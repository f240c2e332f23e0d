"use client";

import type { SessionSummary } from "@hop/validators";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Laptop, LogOut, Smartphone, Tablet } from "lucide-react";
import { deviceKind } from "./device-kind";
import { useState } from "react";
import { Alert, AlertDescription } from "~/components/ui/alert";
import { Badge } from "~/components/ui/badge";
import { Button } from "~/components/ui/button";
import { Card, CardDescription, CardHeader, CardTitle } from "~/components/ui/card";
import { ConfirmDialog } from "~/components/ui/dialog";
import { ErrorState } from "~/components/ui/error-state";
import { Skeleton } from "~/components/ui/skeleton";
import { formatAgo, formatDateTime } from "~/lib/time";
import { useNow } from "~/lib/use-now";
import { describeApiError } from "~/trpc/errors";
import { useTRPC } from "~/trpc/react";

/** Where the user is signed in: every session of theirs, live in Redis, each revocable from here. */
export function SessionsCard() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const sessions = useQuery(trpc.auth.sessions.queryOptions(undefined, { staleTime: 0, refetchInterval: 30_000 }));
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.auth.sessions.queryKey() });
  const [revoking, setRevoking] = useState<SessionSummary | null>(null);
  const [confirmOthers, setConfirmOthers] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);

  const revoke = useMutation(
    trpc.auth.revokeSession.mutationOptions({
      onSuccess: async () => {
        setRevoking(null);
        setNotice("That device has been signed out.");
        await refresh();
      },
    }),
  );
  const revokeOthers = useMutation(
    trpc.auth.revokeOtherSessions.mutationOptions({
      onSuccess: async ({ revoked }) => {
        setConfirmOthers(false);
        setNotice(revoked === 1 ? "1 other device has been signed out." : `${revoked} other devices have been signed out.`);
        await refresh();
      },
    }),
  );
  const otherCount = sessions.data?.filter((session) => !session.current).length ?? 0;

  return (
    <Card>
      <CardHeader className="sm:flex-row sm:items-start sm:justify-between">
        <div className="grid gap-1.5">
          <CardTitle>Where you are signed in</CardTitle>
          <CardDescription>Sign out any device you do not recognise. It is signed out on every Hop server at once.</CardDescription>
        </div>
        <Button
          variant="outline"
          size="sm"
          className="self-start"
          disabled={otherCount === 0}
          onClick={() => {
            revokeOthers.reset();
            setConfirmOthers(true);
          }}
        >
          <LogOut aria-hidden="true" />
          Sign out everywhere else
        </Button>
      </CardHeader>

      {notice ? (
        <div className="px-5 pb-4 sm:px-6">
          <Alert variant="success">
            <AlertDescription>{notice}</AlertDescription>
          </Alert>
        </div>
      ) : null}

      {sessions.isPending ? (
        <SessionsSkeleton />
      ) : sessions.isError ? (
        <ErrorState
          title="Your sessions could not be loaded"
          description={describeApiError(sessions.error).message}
          onRetry={() => void sessions.refetch()}
          retrying={sessions.isFetching}
        />
      ) : (
        <SessionList
          sessions={sessions.data}
          onRevoke={(session) => {
            revoke.reset();
            setRevoking(session);
          }}
        />
      )}

      <ConfirmDialog
        open={revoking !== null}
        onOpenChange={(open) => (open ? undefined : setRevoking(null))}
        title="Sign out this device?"
        description={revoking ? `${revoking.device} will be signed out at once and must sign in again to use Hop.` : undefined}
        confirmLabel="Revoke session"
        pending={revoke.isPending}
        onConfirm={() => revoking && revoke.mutate({ sessionId: revoking.id })}
      >
        {revoke.error ? <MutationError error={revoke.error} /> : null}
      </ConfirmDialog>
      <ConfirmDialog
        open={confirmOthers}
        onOpenChange={setConfirmOthers}
        title="Sign out every other device?"
        description={`${otherCount === 1 ? "1 other device" : `${otherCount} other devices`} will be signed out at once. This device stays signed in.`}
        confirmLabel="Sign out others"
        pending={revokeOthers.isPending}
        onConfirm={() => revokeOthers.mutate()}
      >
        {revokeOthers.error ? <MutationError error={revokeOthers.error} /> : null}
      </ConfirmDialog>
    </Card>
  );
}

function SessionList({ sessions, onRevoke }: { sessions: SessionSummary[]; onRevoke: (session: SessionSummary) => void }) {
  const now = useNow(15_000);
  return (
    <ul data-testid="sessions-list" aria-label="Signed-in devices" className="divide-y border-t">
      {/* This device first: it is the one the user is sure of; the others follow newest first. */}
      {[...sessions]
        .sort((a, b) => Number(b.current) - Number(a.current))
        .map((session) => (
          <li
            key={session.id}
            data-testid="session-row"
            data-current={session.current}
            className="flex flex-wrap items-center gap-x-4 gap-y-2 px-5 py-4 sm:px-6"
          >
            <span aria-hidden="true" className="flex size-9 shrink-0 items-center justify-center rounded-lg bg-muted text-muted-foreground">
              <DeviceIcon device={session.device} />
            </span>
            <div className="min-w-0 flex-1">
              <p className="flex flex-wrap items-center gap-2 text-sm font-medium">
                {session.device}
                {session.current ? <Badge variant="brand">This device</Badge> : null}
              </p>
              <p className="mt-0.5 text-[13px] text-muted-foreground">
                Signed in{" "}
                <time dateTime={session.createdAt} title={formatDateTime(session.createdAt)}>
                  {formatAgo(session.createdAt, now)}
                </time>
                {" · "}
                {session.current ? (
                  "active now"
                ) : (
                  <>
                    last seen{" "}
                    <time dateTime={session.lastSeenAt} title={formatDateTime(session.lastSeenAt)}>
                      {formatAgo(session.lastSeenAt, now)}
                    </time>
                  </>
                )}
              </p>
            </div>
            {session.current ? null : (
              <Button variant="outline" size="sm" onClick={() => onRevoke(session)} aria-label="Revoke" aria-describedby={`session-${session.id}-device`}>
                Revoke
              </Button>
            )}
            <span id={`session-${session.id}-device`} className="sr-only">
              {session.device}, signed in {formatAgo(session.createdAt, now)}
            </span>
          </li>
        ))}
    </ul>
  );
}

function SessionsSkeleton() {
  return (
    <div role="status" aria-busy="true" aria-label="Loading your sessions" className="divide-y border-t">
      {[0, 1].map((row) => (
        <div key={row} className="flex items-center gap-4 px-5 py-4 sm:px-6">
          <Skeleton className="size-9" />
          <div className="grid flex-1 gap-2">
            <Skeleton className="h-4 w-40" />
            <Skeleton className="h-3 w-56" />
          </div>
        </div>
      ))}
    </div>
  );
}

function MutationError({ error }: { error: unknown }) {
  return (
    <Alert variant="destructive">
      <AlertDescription>{describeApiError(error).message}</AlertDescription>
    </Alert>
  );
}

const deviceIcons = { phone: Smartphone, tablet: Tablet, computer: Laptop } as const;

function DeviceIcon({ device }: { device: string }) {
  const Icon = deviceIcons[deviceKind(device)];
  return <Icon className="size-4" />;
}
