"use client";

import { initialsOf } from "@tenancy/api/initials";

import { useTenancyBasePath } from "../provider";
import { cn } from "./cn";

/**
 * An organization's logo, or its initials when it has none ("Acme Labs" → "AL"). Decorative: it
 * always stands next to the organization's name, so screen readers skip it.
 */
export function OrgAvatar({
  name,
  logoUrl,
  className,
}: {
  name: string;
  /** The organization's `logoUrl` from the API (a path on the Tenancy server), or null. */
  logoUrl?: string | null;
  className?: string;
}) {
  const basePath = useTenancyBasePath();
  const base = "inline-flex size-6 shrink-0 items-center justify-center overflow-hidden rounded-md";
  if (logoUrl) {
    return (
      <img
        src={`${basePath.replace(/\/+$/, "")}${logoUrl}`}
        alt=""
        aria-hidden
        className={cn(base, "bg-background object-contain", className)}
        data-testid="org-logo"
      />
    );
  }
  return (
    <span
      aria-hidden
      className={cn(base, "bg-primary text-[10px] font-semibold text-primary-foreground", className)}
      data-testid="org-initials"
    >
      {initialsOf(name)}
    </span>
  );
}

/** A person's initials in a circle ("Ada Lovelace" → "AL"; no name: from the email). Decorative. */
export function UserAvatar({ name, email, className }: { name: string; email: string; className?: string }) {
  return (
    <span
      aria-hidden
      className={cn(
        "inline-flex size-8 shrink-0 items-center justify-center rounded-full bg-muted text-xs font-medium text-muted-foreground",
        className,
      )}
    >
      {initialsOf(name, email)}
    </span>
  );
}
