// Client-side mirror of the API's handle rules (packages/api/src/schemas/common.ts), for instant feedback.
// The server stays the authority: it re-validates and also refuses reserved handles.

const HANDLE_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,37}[a-z0-9])?$/;
const MAX_HANDLE = 39;

/** Why `handle` is not a valid handle, in words; null when it is well-formed. */
export function handleProblem(handle: string): string | null {
  if (handle.length < 2) return "Handle must be at least 2 characters.";
  if (handle.length > MAX_HANDLE) return `Handle must be at most ${MAX_HANDLE} characters.`;
  if (!HANDLE_PATTERN.test(handle) || handle.includes("--")) {
    return "Use lowercase letters, digits and single hyphens, with no hyphen at either end.";
  }
  return null;
}

/** "Acme Café, Inc." → "acme-cafe-inc": the handle suggested while someone types a name. */
export function suggestHandle(name: string): string {
  return name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, MAX_HANDLE)
    .replace(/-+$/g, "");
}
