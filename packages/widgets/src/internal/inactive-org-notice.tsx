import type { ReactNode } from "react";

/** The muted note a widget shows while its organization is inactive; `children` says what that blocks. */
export function InactiveOrgNotice({ children }: { children: ReactNode }) {
  return <p className="rounded-md border border-border bg-muted px-3 py-2 text-sm text-muted-foreground">{children}</p>;
}
