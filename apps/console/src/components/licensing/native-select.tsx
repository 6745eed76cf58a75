import type { ComponentProps } from "react";

import { cn } from "@tenancy/widgets/ui/cn";

/** A native <select> styled like the inputs: keyboard, screen readers and autofill work as browsers make them. */
export function NativeSelect({ className, ...props }: ComponentProps<"select">) {
  return (
    <select
      className={cn(
        "flex h-9 w-full rounded-md border border-input bg-background px-3 py-1 text-sm shadow-xs focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring disabled:cursor-not-allowed disabled:opacity-50 aria-invalid:border-destructive",
        className,
      )}
      {...props}
    />
  );
}

/** "" → undefined (use the plan's), "unlimited" → null, a whole number → itself; anything else → NaN. */
export function parseLimit(text: string): number | null | undefined {
  const value = text.trim().toLowerCase();
  if (value === "") return undefined;
  if (value === "unlimited" || value === "∞") return null;
  return /^\d+$/.test(value) ? Number(value) : Number.NaN;
}

export function limitText(limit: number | null): string {
  return limit === null ? "Unlimited" : String(limit);
}

/** Comma- or space-separated feature flags, lower-cased and without duplicates. */
export function parseFeatures(text: string): string[] {
  return [
    ...new Set(
      text
        .split(/[\s,]+/)
        .map((f) => f.trim().toLowerCase())
        .filter(Boolean),
    ),
  ];
}
