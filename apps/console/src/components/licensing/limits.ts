// The text forms of a plan's or license's limits, as operators type and read them.

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
