/** Request header carrying the requested path (set by proxy.ts) to server layouts, for `/sign-in?redirect=`. */
export const PATH_HEADER = "x-tenancy-path";

/** Cookie holding the handle of the organization last opened (set by proxy.ts). */
export const LAST_ORG_COOKIE = "tenancy_last_org";

/** A `?redirect=` target that stays on this site (a path, never another origin). */
export function safeRedirectPath(value: string | string[] | null | undefined, fallback = "/"): string {
  const raw = Array.isArray(value) ? value[0] : value;
  if (!raw || !raw.startsWith("/") || raw.startsWith("//") || raw.startsWith("/\\")) return fallback;
  return raw;
}

/** /sign-in or /sign-up with the way back (and an email to prefill). */
export function authHref(page: "sign-in" | "sign-up", options: { redirect?: string; email?: string } = {}): string {
  const params = new URLSearchParams();
  if (options.redirect && options.redirect !== "/") params.set("redirect", options.redirect);
  if (options.email) params.set("email", options.email);
  const query = params.toString();
  return `/${page}${query ? `?${query}` : ""}`;
}
