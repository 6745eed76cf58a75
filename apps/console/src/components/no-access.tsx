import { Lock } from "lucide-react";

/** A page this member's role does not open: says what they can't do, and who can help. */
export function NoAccess({ what, action = "view" }: { what: string; action?: "view" | "change" }) {
  return (
    <div
      role="status"
      className="flex flex-col items-center gap-2 rounded-lg border border-dashed border-border px-6 py-12 text-center"
      data-testid="no-access"
    >
      <Lock className="size-5 text-muted-foreground" aria-hidden />
      <p className="text-sm font-medium">
        Your role can&apos;t {action} {what}
      </p>
      <p className="max-w-sm text-sm text-muted-foreground">
        Only some roles in this organization can {action} {what}. If you need to, ask an owner or admin to change your
        role.
      </p>
    </div>
  );
}
