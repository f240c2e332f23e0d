import { ArrowLeft, ShieldAlert } from "lucide-react";
import type { Metadata } from "next";
import Link from "next/link";
import { Button } from "~/components/ui/button";
import { Card } from "~/components/ui/card";
import { EmptyState } from "~/components/ui/empty-state";
import { isOperator, requireSignedInUser } from "~/server/require-user";
import { PageHeader } from "../_components/page-header";
import { SystemDashboard } from "./_components/system-dashboard";

export const metadata: Metadata = {
  title: "System",
  description: "Live web and worker processes, the job queue, and a test job to follow through it.",
};

/**
 * Operators only (OPERATOR_EMAILS): it names hosts, pids and builds and puts
 * work in the queue. Checked here on the server before anything renders; the
 * API refuses `system.*` to anyone else as well.
 */
export default async function SystemPage() {
  const user = await requireSignedInUser("/system");
  if (!isOperator(user)) return <OperatorsOnly />;
  return <SystemDashboard />;
}

function OperatorsOnly() {
  return (
    <div className="flex flex-col gap-6 sm:gap-8" data-testid="operators-only">
      <PageHeader title="System" description="Live processes and the job queue of this installation." />
      <Card>
        <EmptyState
          icon={<ShieldAlert />}
          headingLevel="h2"
          title="Operators only"
          description={
            <p>
              This page is for the people who run this installation of Hop. Your account is not one of theirs; an operator can add its email to{" "}
              <code className="font-mono text-xs">OPERATOR_EMAILS</code>.
            </p>
          }
          action={
            <Button asChild variant="outline">
              <Link href="/links">
                <ArrowLeft aria-hidden="true" />
                Back to your links
              </Link>
            </Button>
          }
        />
      </Card>
    </div>
  );
}
