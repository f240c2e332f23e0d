"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useToast } from "~/components/ui/toast";
import { describeApiError } from "~/trpc/errors";
import { useTRPC } from "~/trpc/react";
import type { Link } from "./types";

/** The undo stays offered for as long as the toast is up; the API allows restoring for 10 minutes. */
const undoToastMs = 15_000;

/** Delete after a confirmation, then a notice with Undo (the API's soft delete makes it a restore). */
export function useDeleteLink() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { toast } = useToast();
  const [target, setTarget] = useState<Link | null>(null);
  const [error, setError] = useState<string | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.links.pathKey() });

  const restore = useMutation(
    trpc.links.restore.mutationOptions({
      onSuccess: async (link) => {
        await refresh();
        toast({ title: "Link restored", description: link.shortUrl.replace(/^https?:\/\//, ""), tone: "success" });
      },
      onError: (cause) => toast({ title: "The link could not be restored", description: describeApiError(cause).message, tone: "destructive" }),
    }),
  );

  const remove = useMutation(
    trpc.links.delete.mutationOptions({
      onSuccess: async (deleted) => {
        setTarget(null);
        await refresh();
        toast({
          title: "Link deleted",
          description: `/${deleted.slug} no longer redirects.`,
          action: { label: "Undo", onClick: () => restore.mutate({ id: deleted.id }) },
          duration: undoToastMs,
        });
      },
      onError: (cause) => setError(describeApiError(cause).message),
    }),
  );

  return {
    target,
    error,
    pending: remove.isPending,
    ask: (link: Link) => {
      setError(null);
      setTarget(link);
    },
    cancel: () => setTarget(null),
    confirm: () => {
      if (target) remove.mutate({ id: target.id });
    },
  };
}
