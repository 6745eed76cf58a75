"use client";

import type { ScopeDescription } from "@tenancy/api/scopes";
import { useId, type ReactNode } from "react";

/**
 * The token dialogs' scope checkboxes (organization and instance tokens): `entries` from the API's
 * scope table (`scopeVocabulary`), each with its description as a tooltip.
 */
export function ScopePicker({
  entries,
  value,
  onChange,
  hint,
  error,
  testId = "token-scope-picker",
}: {
  entries: readonly ScopeDescription[];
  value: readonly string[];
  onChange: (scopes: string[]) => void;
  hint: ReactNode;
  /** The API's field error for `scopes`, if any. */
  error?: string;
  testId?: string;
}) {
  const id = useId();
  return (
    <fieldset
      className="grid gap-2"
      data-testid={testId}
      aria-describedby={error ? `${id}-hint ${id}-error` : `${id}-hint`}
    >
      <legend className="mb-1.5 text-sm font-medium leading-none">Scopes</legend>
      <p id={`${id}-hint`} className="text-xs text-muted-foreground">
        {hint}
      </p>
      <div className="grid max-h-48 gap-x-3 overflow-y-auto rounded-md border border-input px-2 py-1 sm:grid-cols-2">
        {entries.map((entry) => (
          <label key={entry.scope} className="flex min-h-8 items-center gap-2 text-sm" title={entry.description}>
            <input
              type="checkbox"
              checked={value.includes(entry.scope)}
              onChange={(event) =>
                onChange(
                  event.target.checked ? [...value, entry.scope] : value.filter((scope) => scope !== entry.scope),
                )
              }
              className="size-4 accent-primary"
            />
            <code className="font-mono text-xs">{entry.scope}</code>
          </label>
        ))}
      </div>
      {error ? (
        <p id={`${id}-error`} className="text-xs text-destructive">
          {error}
        </p>
      ) : null}
    </fieldset>
  );
}
