import { Lock } from "lucide-react";

/** A page this member's role does not open. */
export function NoAccess({ what }: { what: string }) {
  return (
    <div
      role="status"
      className="flex flex-col items-center gap-2 rounded-lg border border-dashed border-border px-6 py-12 text-center"
    >
      <Lock className="size-5 text-muted-foreground" aria-hidden />
      <p className="text-sm font-medium">You can&apos;t manage {what} here</p>
      <p className="max-w-sm text-sm text-muted-foreground">
        Your role doesn&apos;t include this. Ask an owner or admin of the organization.
      </p>
    </div>
  );
}
