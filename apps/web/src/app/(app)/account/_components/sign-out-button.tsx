"use client";

import { LogOut } from "lucide-react";
import { Button } from "~/components/ui/button";
import { useSignOut } from "../../_components/use-sign-out";

export function SignOutButton() {
  const signOut = useSignOut();
  return (
    <Button variant="outline" loading={signOut.isPending} onClick={() => signOut.mutate()}>
      {signOut.isPending ? null : <LogOut aria-hidden="true" />}
      Sign out
    </Button>
  );
}
