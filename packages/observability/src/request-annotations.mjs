// @ts-check
// How whatever handles a request tells the HTTP front what the request was, for its log line and
// its metrics: a few response headers, which the front reads and removes before the response
// leaves the process (a client never sees them). The front measures every request in one place,
// whoever answered it (Next's route handlers today, a direct API handler tomorrow); only the
// handler knows which procedure ran and who called, so it annotates its response:
//
//   x-tenancy-procedure   the procedure(s) the request ran, comma-separated (a tRPC batch runs several),
//                         e.g. "organizations.members.list"; only names the router knows
//   x-tenancy-actor       who called: "user", "token" (an organization API token), "anonymous", or
//                         any other actor type the API adds
//   x-tenancy-rate-limit  the rate limit(s) that refused the request, e.g. "redeem:user", "auth"
//
// The request id travels the other way: the front sets x-request-id on the request (and echoes it
// on the response), and code that logs an error includes it.

export const REQUEST_ID_HEADER = "x-request-id";

export const ANNOTATION_HEADERS = /** @type {const} */ ({
  procedure: "x-tenancy-procedure",
  actor: "x-tenancy-actor",
  rateLimit: "x-tenancy-rate-limit",
});

/**
 * @typedef {object} RequestAnnotations
 * @property {readonly string[]} [procedures]
 * @property {string | null} [actor]
 * @property {readonly string[]} [rateLimits]
 */

/** @param {readonly string[] | undefined} values */
const joined = (values) => [...new Set(values ?? [])].filter(Boolean).join(",");

/**
 * Sets the annotations on a response's headers (a fetch `Headers`, or anything with its `set`).
 * @param {{ set(name: string, value: string): void }} headers
 * @param {RequestAnnotations} annotations
 */
export function annotateResponse(headers, annotations) {
  const procedures = joined(annotations.procedures);
  if (procedures) headers.set(ANNOTATION_HEADERS.procedure, procedures);
  if (annotations.actor) headers.set(ANNOTATION_HEADERS.actor, annotations.actor);
  const limits = joined(annotations.rateLimits);
  if (limits) headers.set(ANNOTATION_HEADERS.rateLimit, limits);
}

/** @param {unknown} value */
const split = (value) =>
  (Array.isArray(value) ? value.join(",") : typeof value === "string" ? value : "")
    .split(",")
    .map((item) => item.trim())
    .filter(Boolean);

/**
 * Reads the annotations off an outgoing node response and removes them (the front, just before the
 * headers are sent).
 * @param {{ getHeader(name: string): unknown, removeHeader(name: string): void }} res
 * @returns {{ procedures: string[], actor: string | null, rateLimits: string[] }}
 */
export function takeAnnotations(res) {
  const procedures = split(res.getHeader(ANNOTATION_HEADERS.procedure));
  const actor = split(res.getHeader(ANNOTATION_HEADERS.actor))[0] ?? null;
  const rateLimits = split(res.getHeader(ANNOTATION_HEADERS.rateLimit));
  for (const name of Object.values(ANNOTATION_HEADERS)) res.removeHeader(name);
  return { procedures, actor, rateLimits };
}
