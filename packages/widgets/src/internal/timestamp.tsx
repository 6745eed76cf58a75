import { formatDate, formatDateTime, formatRelative } from "../ui/format";

// Server and browser may format dates differently (time zone, locale), so these tolerate a
// hydration difference in their text instead of failing the page.

/** "3 hours ago", with the exact date and time on hover. */
export function RelativeTime({ value, className }: { value: Date | string; className?: string }) {
  return (
    <time
      dateTime={new Date(value).toISOString()}
      title={formatDateTime(value)}
      className={className}
      suppressHydrationWarning
    >
      {formatRelative(value)}
    </time>
  );
}

/** "Nov 29, 2026", with the exact date and time on hover. */
export function CalendarDate({ value, className }: { value: Date | string; className?: string }) {
  return (
    <time
      dateTime={new Date(value).toISOString()}
      title={formatDateTime(value)}
      className={className}
      suppressHydrationWarning
    >
      {formatDate(value)}
    </time>
  );
}
