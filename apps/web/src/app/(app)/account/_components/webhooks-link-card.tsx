import Link from "next/link";
import { Button } from "~/components/ui/button";
import { Card, CardDescription, CardHeader, CardTitle } from "~/components/ui/card";

/** The way from the account page to the webhooks page. */
export function WebhooksLinkCard() {
  return (
    <Card>
      <CardHeader className="sm:flex-row sm:items-start sm:justify-between">
        <div className="grid gap-1.5">
          <CardTitle>Webhooks</CardTitle>
          <CardDescription>Tell other systems when your links are created, changed, deleted or clicked.</CardDescription>
        </div>
        <Button asChild variant="outline" size="sm" className="self-start">
          <Link href="/account/webhooks">Manage webhooks</Link>
        </Button>
      </CardHeader>
    </Card>
  );
}
