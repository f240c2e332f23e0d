import type { Metadata } from "next";
import { SystemDashboard } from "./_components/system-dashboard";

export const metadata: Metadata = {
  title: "System",
  description: "Live web and worker processes, the job queue, and a test job to follow through it.",
};

export default function SystemPage() {
  return <SystemDashboard />;
}
