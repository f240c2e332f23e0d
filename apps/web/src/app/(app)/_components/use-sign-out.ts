"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { forgetCachedData } from "~/trpc/query-client";
import { useTRPC } from "~/trpc/react";

/** Ends this device's session, forgets everything fetched for the user, and shows the sign-in page. */
export function useSignOut() {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  return useMutation(
    trpc.auth.signOut.mutationOptions({
      onSuccess: async () => {
        await forgetCachedData(queryClient);
        router.replace("/signin");
        router.refresh();
      },
    }),
  );
}
