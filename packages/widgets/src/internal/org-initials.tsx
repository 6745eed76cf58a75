import { cn } from "../ui/cn";

/** A square monogram for an organization ("Acme Corp" → "AC"), decorative next to its name. */
export function OrgInitials({ name, className }: { name: string; className?: string }) {
  const initials =
    name
      .split(/\s+/)
      .filter(Boolean)
      .slice(0, 2)
      .map((word) => word[0]?.toUpperCase() ?? "")
      .join("") || "?";
  return (
    <span
      aria-hidden
      className={cn(
        "inline-flex size-6 shrink-0 items-center justify-center rounded-md bg-primary text-[10px] font-semibold text-primary-foreground",
        className,
      )}
    >
      {initials}
    </span>
  );
}
