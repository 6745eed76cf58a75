"use client";

import { useId } from "react";

/** "Show revoked tokens (n)": revoked tokens stay out of a token list unless asked for. */
export function ShowRevokedToggle({
  checked,
  onChange,
  revokedCount,
  testId,
}: {
  checked: boolean;
  onChange: (checked: boolean) => void;
  revokedCount: number;
  testId?: string;
}) {
  const id = useId();
  return (
    <div className="flex items-center gap-2 text-sm">
      <input
        id={id}
        type="checkbox"
        className="size-4 accent-primary"
        checked={checked}
        onChange={(event) => onChange(event.target.checked)}
        data-testid={testId}
      />
      <label htmlFor={id} className="text-muted-foreground">
        Show revoked tokens ({revokedCount})
      </label>
    </div>
  );
}
