import Link from "next/link";

/** The product mark: links home. */
export function Logo({ href = "/", compact = false }: { href?: string; compact?: boolean }) {
  return (
    <Link
      href={href}
      className="flex shrink-0 items-center gap-2 rounded-md font-semibold tracking-tight"
      aria-label="Tenancy home"
    >
      <span
        aria-hidden
        className="inline-flex size-7 items-center justify-center rounded-md bg-primary text-primary-foreground"
      >
        <svg
          viewBox="0 0 24 24"
          className="size-4"
          fill="none"
          stroke="currentColor"
          strokeWidth="2.2"
          strokeLinecap="round"
          strokeLinejoin="round"
        >
          <path d="M4 20V9l8-5 8 5v11" />
          <path d="M9 20v-6h6v6" />
        </svg>
      </span>
      {/* On a phone the header needs the room for the organization's name: the mark alone links home. */}
      <span className={compact ? "hidden sm:inline" : undefined}>Tenancy</span>
    </Link>
  );
}
