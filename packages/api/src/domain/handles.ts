// Client-safe: the console and widgets use these for instant feedback; the server stays the authority.

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Organization ids are UUIDs; handles can never look like one (see isReservedHandle). */
export function looksLikeId(value: string): boolean {
  return UUID_PATTERN.test(value);
}

// Paths the console owns under /orgs/… and words that would confuse people as an org handle.
const RESERVED_HANDLES = new Set([
  "new",
  "api",
  "admin",
  "settings",
  "create",
  "join",
  "invite",
  "invitations",
  "me",
  "v1",
]);

export function isReservedHandle(handle: string): boolean {
  return RESERVED_HANDLES.has(handle) || looksLikeId(handle);
}

const MAX_HANDLE = 39;

/** "Acme Café, Inc." → "acme-cafe-inc". Always returns a valid handle (pads very short names). */
export function slugifyHandle(name: string): string {
  const slug = name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, MAX_HANDLE - 5) // leave room for a "-NNNN" suffix
    .replace(/-+$/g, "");
  const base = slug.length >= 2 ? slug : `org-${slug || "x"}`.replace(/-$/, "");
  return isReservedHandle(base) ? `${base}-org` : base;
}

/** The first free handle among base, base-2, base-3, … given the handles already taken. */
export function firstFreeHandle(base: string, taken: ReadonlySet<string>): string {
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) {
    const candidate = `${base}-${n}`;
    if (!taken.has(candidate)) return candidate;
  }
}
