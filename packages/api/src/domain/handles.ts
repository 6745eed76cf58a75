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

// Fixed segments of the HTTP API's paths (`/v1/organizations/create`, `/v1/organizations/{org_id}/members`,
// ...): an organization with such a handle would be unreachable by `{org_id}` or shadow a route. The
// server registers them from its router and REST route table at start (root.ts), so new procedures
// and routes are reserved without a list to keep up to date.
const reservedApiSegments = new Set<string>();

export function reserveApiPathSegments(segments: Iterable<string>): void {
  for (const segment of segments) reservedApiSegments.add(segment);
}

/** Why a syntactically valid handle cannot be used: a reserved word, an id lookalike, or nothing. */
export function handleRefusal(handle: string): "handle_reserved" | "handle_invalid" | null {
  if (RESERVED_HANDLES.has(handle) || reservedApiSegments.has(handle)) return "handle_reserved";
  return looksLikeId(handle) ? "handle_invalid" : null;
}

export function isReservedHandle(handle: string): boolean {
  return handleRefusal(handle) !== null;
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
