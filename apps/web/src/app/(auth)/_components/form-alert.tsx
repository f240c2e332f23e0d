import { CircleAlert } from "lucide-react";
import { Alert, AlertDescription } from "~/components/ui/alert";

/** What went wrong with the whole form (not one field): announced at once. */
export function FormAlert({ message }: { message: string | null }) {
  if (!message) return null;
  return (
    <Alert variant="destructive">
      <CircleAlert aria-hidden="true" />
      <AlertDescription>{message}</AlertDescription>
    </Alert>
  );
}
