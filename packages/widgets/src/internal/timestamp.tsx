import { formatDate, formatDateTime, formatDateTimeFull, formatRelative } from "../ui/format";

type TimestampProps = { value: Date | string; className?: string };

// Server and browser may format dates differently (time zone, locale), so these tolerate a
// hydration difference in their text instead of failing the page.
function Timestamp({ value, className, text }: TimestampProps & { text: (value: Date | string) => string }) {
  return (
    <time
      dateTime={new Date(value).toISOString()}
      title={formatDateTime(value)}
      className={className}
      suppressHydrationWarning
    >
      {text(value)}
    </time>
  );
}

/** "3 hours ago", with the exact date and time on hover. */
export function RelativeTime(props: TimestampProps) {
  return <Timestamp {...props} text={formatRelative} />;
}

/** "Nov 29, 2026", with the exact date and time on hover. */
export function CalendarDate(props: TimestampProps) {
  return <Timestamp {...props} text={formatDate} />;
}

/** When something expires: its calendar date, or a muted "Never" for what does not expire. */
export function ExpiryDate({ value }: { value: Date | string | null }) {
  return value ? <CalendarDate value={value} /> : <span className="text-muted-foreground">Never</span>;
}

/**
 * "3 hours ago", with the exact time (to the second, with the zone) in a tooltip on hover and in
 * the accessible text, for records where the moment matters (the audit log).
 */
export function RelativeTimeWithExact({ value, className }: TimestampProps) {
  const exact = formatDateTimeFull(value);
  return (
    <span className={`group relative inline-flex ${className ?? ""}`}>
      <time dateTime={new Date(value).toISOString()} suppressHydrationWarning data-testid="relative-time">
        {formatRelative(value)}
        <span className="sr-only" suppressHydrationWarning>
          , {exact}
        </span>
      </time>
      <span
        aria-hidden
        className="pointer-events-none invisible absolute right-0 top-full z-20 mt-1 whitespace-nowrap rounded-md border border-border bg-popover px-2 py-1 text-xs text-popover-foreground shadow-md group-hover:visible"
        data-testid="exact-time"
        suppressHydrationWarning
      >
        {exact}
      </span>
    </span>
  );
}
