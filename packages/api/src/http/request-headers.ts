import type { IncomingHttpHeaders } from "node:http";

/**
 * The request headers the API reads: a fetch `Headers` (Next's route handlers, tests), or the
 * node:http front's own headers read in place (nodeRequestHeaders). Building a `Headers` and a
 * `Request` for every API call cost the front about a tenth of a millisecond of CPU (issue 12).
 */
export type RequestHeaders = Pick<Headers, "get" | "has" | "forEach">;

/** node:http's parsed headers (names already lower case) as RequestHeaders, without copying them. */
export function nodeRequestHeaders(raw: IncomingHttpHeaders): RequestHeaders {
  const get = (name: string): string | null => {
    const value = raw[name.toLowerCase()];
    if (value === undefined) return null;
    // Only Set-Cookie arrives as an array from node:http; fetch's Headers joins repeats with ", ".
    return Array.isArray(value) ? value.join(", ") : value;
  };
  return {
    get,
    has: (name) => raw[name.toLowerCase()] !== undefined,
    forEach(callback, thisArg?: unknown) {
      for (const name of Object.keys(raw)) {
        const value = get(name);
        if (value !== null) callback.call(thisArg, value, name, this as unknown as Headers);
      }
    },
  };
}

/** A fetch `Headers` with the same entries, for the libraries that need one (Better Auth's getSession). */
export function toFetchHeaders(headers: RequestHeaders): Headers {
  if (headers instanceof Headers) return headers;
  const copy = new Headers();
  headers.forEach((value, name) => copy.append(name, value));
  return copy;
}
