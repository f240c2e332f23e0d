import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "~/components/ui/card";

export function ProfileCard({ name, email }: { name: string | null; email: string }) {
  return (
    <Card>
      <CardHeader>
        <CardTitle>Profile</CardTitle>
        <CardDescription>How Hop knows you. Your email is how you sign in.</CardDescription>
      </CardHeader>
      <CardContent>
        <dl className="grid gap-4 text-sm sm:grid-cols-2">
          <div>
            <dt className="text-muted-foreground">Name</dt>
            <dd className="mt-1 font-medium">{name ?? <span className="text-muted-foreground italic">Not set</span>}</dd>
          </div>
          <div className="min-w-0">
            <dt className="text-muted-foreground">Email</dt>
            <dd className="mt-1 truncate font-medium">{email}</dd>
          </div>
        </dl>
      </CardContent>
    </Card>
  );
}
