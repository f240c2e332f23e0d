"use client";

import { maxProbeHoldMs, type InstanceRecord, type ProbeEvent } from "@hop/validators";
import { skipToken, useMutation, useQuery } from "@tanstack/react-query";
import { CircleCheck, Clock, LoaderCircle, Play, Send, TriangleExclamationPoint } from "lucide-react";
import { useId, useState, type FormEvent, type ReactNode } from "react";
import { Alert, AlertDescription, AlertTitle } from "~/components/ui/alert";
import { Badge } from "~/components/ui/badge";
import { Button } from "~/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "~/components/ui/card";
import { Input } from "~/components/ui/input";
import { FieldMessage, Label } from "~/components/ui/label";
import { formatDuration, formatTimeOfDay } from "~/lib/time";
import { useQueryFailure } from "~/lib/use-query-failure";
import { cn } from "~/lib/utils";
import { describeApiError } from "~/trpc/errors";
import { useTRPC } from "~/trpc/react";

const pollMs = 500;
/** How long to keep asking after the job should have finished before saying nobody ran it. */
const giveUpAfterMs = 120_000;
const maxHoldSeconds = maxProbeHoldMs / 1000;

interface SentProbe {
  probeId: string;
  jobId: string;
  holdMs: number;
  /** Browser time the mutation answered: only for giving up, never shown. */
  answeredAt: number;
}

/**
 * Sends a probe job through the durable queue and follows it: which web
 * process enqueued it, which worker picked it up and how long that took, and
 * when it finished. With a hold, the job keeps running long enough to stop
 * its worker and watch another one take it over.
 */
export function ProbePanel({ instances }: { instances: readonly InstanceRecord[] | undefined }) {
  const trpc = useTRPC();
  const holdId = useId();
  const [holdSeconds, setHoldSeconds] = useState("0");
  const [probe, setProbe] = useState<SentProbe | null>(null);

  const holdValue = Number(holdSeconds);
  const holdValid = holdSeconds.trim() !== "" && Number.isFinite(holdValue) && holdValue >= 0 && holdValue <= maxHoldSeconds;

  const send = useMutation(
    trpc.system.sendProbe.mutationOptions({
      onSuccess: (result, input) => setProbe({ ...result, holdMs: input.holdMs ?? 0, answeredAt: Date.now() }),
    }),
  );

  const events = useQuery(
    trpc.system.probe.queryOptions(probe ? { probeId: probe.probeId } : skipToken, {
      staleTime: 0,
      refetchInterval: (query) => {
        if (!probe || query.state.data?.some((event) => event.event === "finished")) return false;
        return Date.now() - probe.answeredAt > probe.holdMs + giveUpAfterMs ? false : pollMs;
      },
    }),
  );

  const eventsFailure = useQueryFailure(events);

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!holdValid) return;
    send.mutate({ holdMs: Math.round(holdValue * 1000) });
  };

  return (
    <Card>
      <CardHeader className="pb-4 sm:pb-5">
        <CardTitle>Send a test job</CardTitle>
        <CardDescription>
          A probe goes through the same durable queue as real work. Follow it from the web process that enqueues it to the worker that runs it.
        </CardDescription>
      </CardHeader>
      <CardContent className="grid gap-6 lg:grid-cols-[17rem_minmax(0,1fr)] lg:gap-8">
        <form onSubmit={onSubmit} noValidate className="flex flex-col gap-4">
          <div className="flex flex-col gap-2">
            <Label htmlFor={holdId}>Keep the job running for</Label>
            <div className="flex items-center gap-2">
              <Input
                id={holdId}
                type="number"
                inputMode="decimal"
                min={0}
                max={maxHoldSeconds}
                step={1}
                value={holdSeconds}
                onChange={(event) => setHoldSeconds(event.target.value)}
                aria-invalid={!holdValid || undefined}
                aria-describedby={`${holdId}-hint`}
                className="w-24"
              />
              <span className="text-sm text-muted-foreground">seconds</span>
            </div>
            <FieldMessage id={`${holdId}-hint`} tone={holdValid ? "muted" : "error"}>
              {holdValid ? "Stop its worker meanwhile to watch another one take over." : `Enter a number of seconds from 0 to ${maxHoldSeconds}.`}
            </FieldMessage>
          </div>
          <Button type="submit" loading={send.isPending} disabled={!holdValid} className="w-full sm:w-auto lg:w-full">
            {send.isPending ? null : <Send aria-hidden="true" />}
            Send test job
          </Button>
          {send.isError ? (
            <Alert variant="destructive">
              <TriangleExclamationPoint aria-hidden="true" />
              <AlertTitle>The test job was not sent</AlertTitle>
              <AlertDescription>{describeApiError(send.error).message}</AlertDescription>
            </Alert>
          ) : null}
        </form>

        <div className="min-w-0">
          {probe ? (
            <ProbeTimeline
              probe={probe}
              events={events.data}
              failedToLoad={eventsFailure.failing && !events.data}
              gaveUp={!events.isFetching && Date.now() - probe.answeredAt > probe.holdMs + giveUpAfterMs}
              instances={instances}
            />
          ) : (
            <div className="flex h-full min-h-40 flex-col items-center justify-center rounded-lg border border-dashed px-6 py-8 text-center">
              <Clock aria-hidden="true" className="size-5 text-muted-foreground" />
              <p className="mt-2 text-sm font-medium">No test job yet</p>
              <p className="mt-1 max-w-sm text-sm text-muted-foreground">
                Its timeline shows up here: who sent it, which worker ran it, and how long each step took.
              </p>
            </div>
          )}
        </div>
      </CardContent>
    </Card>
  );
}

function ProbeTimeline({
  probe,
  events = [],
  failedToLoad,
  gaveUp,
  instances,
}: {
  probe: SentProbe;
  events: ProbeEvent[] | undefined;
  failedToLoad: boolean;
  gaveUp: boolean;
  instances: readonly InstanceRecord[] | undefined;
}) {
  const ordered = [...events].sort((a, b) => a.at.localeCompare(b.at));
  const sent = ordered.find((event) => event.event === "sent");
  const t0 = sent ? Date.parse(sent.at) : undefined;
  const finished = ordered.find((event) => event.event === "finished");
  const starts = ordered.filter((event) => event.event === "started");
  const since = (event: ProbeEvent) => (t0 === undefined ? undefined : Date.parse(event.at) - t0);

  let status: ReactNode;
  if (finished) {
    const total = since(finished);
    status = (
      <Badge variant="success">
        <CircleCheck aria-hidden="true" />
        Finished{total === undefined ? "" : ` in ${formatDuration(total)}`}
      </Badge>
    );
  } else if (gaveUp || failedToLoad) {
    status = (
      <Badge variant="warning">
        <TriangleExclamationPoint aria-hidden="true" />
        {failedToLoad ? "Could not follow the job" : "No answer"}
      </Badge>
    );
  } else {
    status = (
      <Badge variant="secondary">
        <LoaderCircle aria-hidden="true" className="animate-spin" />
        In progress
      </Badge>
    );
  }

  return (
    <div data-testid="probe-timeline" aria-live="polite" className="rounded-lg border bg-muted/20 p-4 sm:p-5">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <div className="flex items-center gap-2">
          <h3 className="text-sm font-semibold">Job #{probe.jobId}</h3> {status}
        </div>
        <p className="font-mono text-xs text-muted-foreground" title={`Probe ${probe.probeId}`}>
          probe {probe.probeId.slice(0, 8)}
        </p>
      </div>

      <ol className="mt-5 space-y-0">
        {sent ? (
          <TimelineStep icon={<Send />} tone="done" title="Sent" time={sent.at} offset="t0">
            by <ProcessName id={sent.instanceId} instances={instances} />
          </TimelineStep>
        ) : (
          <TimelineStep icon={<LoaderCircle className="animate-spin" />} tone="pending" title="Sending…" />
        )}
        {starts.map((start, index) => {
          const offset = since(start);
          return (
            <TimelineStep
              key={`${start.instanceId}-${start.at}`}
              icon={<Play />}
              tone="done"
              title={index === 0 ? "Started" : "Started again"}
              time={start.at}
              offset={offset === undefined ? undefined : `+${formatDuration(offset)}`}
            >
              by <ProcessName id={start.instanceId} instances={instances} />
              {index === 0 && offset !== undefined ? <> · picked up {formatDuration(offset)} after it was sent</> : null}
              {index > 0 ? <> · attempt {index + 1}</> : null}
            </TimelineStep>
          );
        })}
        {finished ? (
          <TimelineStep
            icon={<CircleCheck />}
            tone="success"
            title="Finished"
            time={finished.at}
            offset={since(finished) === undefined ? undefined : `+${formatDuration(since(finished) ?? 0)}`}
            last
          >
            by <ProcessName id={finished.instanceId} instances={instances} />
            {/* With several attempts, which one finished is not recorded: only a single run's time is shown. */}
            {starts.length === 1 && starts[0] ? <> · ran {formatDuration(Date.parse(finished.at) - Date.parse(starts[0].at))}</> : null}
          </TimelineStep>
        ) : gaveUp ? (
          <TimelineStep icon={<TriangleExclamationPoint />} tone="warning" title="Nobody answered" last>
            {starts.length === 0 ? "No worker picked the job up. Is a worker running, and can it reach PostgreSQL?" : "The job did not complete in time."}
          </TimelineStep>
        ) : failedToLoad ? (
          <TimelineStep icon={<TriangleExclamationPoint />} tone="warning" title="Lost track of the job" last>
            Its events could not be loaded; it may still run.
          </TimelineStep>
        ) : starts.length === 0 ? (
          <TimelineStep icon={<LoaderCircle className="animate-spin" />} tone="pending" title="Waiting for a worker…" last>
            {instances && !instances.some((instance) => instance.kind === "worker")
              ? "No worker is live: the job waits in the queue until one starts."
              : "The job is in the queue."}
          </TimelineStep>
        ) : (
          <TimelineStep icon={<LoaderCircle className="animate-spin" />} tone="pending" title="Running…" last>
            {probe.holdMs > 0 ? `The worker holds it for ${formatDuration(probe.holdMs)}.` : null}
          </TimelineStep>
        )}
      </ol>
    </div>
  );
}

const toneStyles = {
  done: "bg-brand-soft text-brand-soft-foreground",
  success: "bg-success-soft text-success-soft-foreground",
  warning: "bg-warning-soft text-warning-soft-foreground",
  pending: "bg-muted text-muted-foreground",
} as const;

function TimelineStep({
  icon,
  tone,
  title,
  time,
  offset,
  last = false,
  children,
}: {
  icon: ReactNode;
  tone: keyof typeof toneStyles;
  title: string;
  time?: string;
  offset?: string;
  last?: boolean;
  children?: ReactNode;
}) {
  return (
    <li className="relative flex gap-3.5 pb-5 last:pb-0">
      {last ? null : <span aria-hidden="true" className="absolute top-8 bottom-1 left-[0.9375rem] w-px bg-border" />}
      <span aria-hidden="true" className={cn("relative flex size-7.5 shrink-0 items-center justify-center rounded-full [&_svg]:size-3.5", toneStyles[tone])}>
        {icon}
      </span>
      <div className="min-w-0 flex-1 pt-1">
        <div className="flex flex-wrap items-baseline justify-between gap-x-3 gap-y-0.5">
          <p className={cn("text-sm font-medium", tone === "pending" && "text-muted-foreground")}>{title}</p>{" "}
          {time ? (
            <p className="font-mono text-xs text-muted-foreground">
              {offset ? <span className="mr-2 font-semibold text-foreground">{offset}</span> : null}
              <time dateTime={time}>{formatTimeOfDay(time)}</time>
            </p>
          ) : null}
        </div>{" "}
        {children ? <p className="mt-0.5 text-sm text-muted-foreground">{children}</p> : null}
      </div>
    </li>
  );
}

/** A process id, with its kind and host when it is still live. */
function ProcessName({ id, instances }: { id: string; instances: readonly InstanceRecord[] | undefined }) {
  const instance = instances?.find((candidate) => candidate.id === id);
  return (
    <>
      {instance ? `${instance.kind} ` : null}
      <span className="font-mono text-[13px] text-foreground">{id}</span>
      {instance ? <> on {instance.host}</> : <span className="text-muted-foreground/80"> (no longer live)</span>}
    </>
  );
}
