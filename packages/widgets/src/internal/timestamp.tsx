import { formatDate, formatDateTime, formatRelative } from "../ui/format";

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
