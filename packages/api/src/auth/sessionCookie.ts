import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * Reading Better Auth's signed session cookie without Better Auth, for the per-request fast path
 * (see resolveCaller in services/callers.ts). It decides nothing Better Auth would decide
 * differently: the same cookie parsing (better-call's: the first cookie of a name wins, quotes
 * stripped, percent-decoded), the same signature check (HMAC-SHA256 under the current secret, or a
 * previous one as previousSecretsPlugin allows), and every case where Better Auth would do more than
 * read the session (refresh it, expire it, clear a stale cookie) is left to Better Auth itself.
 */
export interface SessionCookiePolicy {
  /** Better Auth's session cookie name, e.g. `better-auth.session_token` (`__Secure-` on https). */
  cookieName: string;
  /** Better Auth's `session_data` cookie name: when present, Better Auth clears it (a Set-Cookie). */
  dataCookieName: string;
  /** The current secret first, then the previous ones still accepted. */
  secrets: readonly string[];
  /** Session lifetime and refresh age (Better Auth's `session.expiresIn` / `session.updateAge`), seconds. */
  expiresInSeconds: number;
  updateAgeSeconds: number;
}

/** What a request's Cookie header says about its session. */
export type SessionCookie =
  /** No session cookie, or one no accepted secret signed: Better Auth sees no session either. */
  | { kind: "none" }
  /** A correctly signed session token: look it up (the fast path). */
  | { kind: "token"; token: string }
  /** Something only Better Auth should handle (a stale cookie-cache cookie it would clear). */
  | { kind: "unusual" };

// better-call's parseCookies: the first occurrence of a name wins; values are trimmed, unquoted, decoded.
function cookieValue(header: string, name: string): string | null {
  let index = 0;
  while (index < header.length) {
    const eq = header.indexOf("=", index);
    if (eq === -1) break;
    let end = header.indexOf(";", index);
    if (end === -1) end = header.length;
    else if (end < eq) {
      index = header.lastIndexOf(";", eq - 1) + 1;
      continue;
    }
    if (header.slice(index, eq).trim() === name) {
      let value = header.slice(eq + 1, end).trim();
      if (value.codePointAt(0) === 34) value = value.slice(1, -1);
      try {
        return value.includes("%") ? decodeURIComponent(value) : value;
      } catch {
        return value;
      }
    }
    index = end + 1;
  }
  return null;
}

// A base64 HMAC-SHA256 is 44 characters ending in "=" (better-call refuses any other length).
const SIGNATURE = /^[A-Za-z0-9+/]{43}=$/;

function signedBy(value: string, signature: Buffer, secret: string): boolean {
  const expected = createHmac("sha256", secret).update(value, "utf8").digest();
  return timingSafeEqual(expected, signature);
}

export function readSessionCookie(headers: Pick<Headers, "get">, policy: SessionCookiePolicy): SessionCookie {
  const header = headers.get("cookie");
  if (!header) return { kind: "none" };
  if (header.includes(policy.dataCookieName)) return { kind: "unusual" };
  const raw = cookieValue(header, policy.cookieName);
  if (!raw) return { kind: "none" };
  const dot = raw.lastIndexOf(".");
  if (dot < 1) return { kind: "none" };
  const token = raw.slice(0, dot);
  const signature = raw.slice(dot + 1);
  if (!SIGNATURE.test(signature)) return { kind: "none" };
  const bytes = Buffer.from(signature, "base64");
  if (bytes.length !== 32) return { kind: "none" };
  return policy.secrets.some((secret) => signedBy(token, bytes, secret)) ? { kind: "token", token } : { kind: "none" };
}

/**
 * Can a session stored with this expiry be used as it is? Not when it has expired (Better Auth
 * deletes it and clears the cookie) nor when Better Auth would refresh it now (extend it and set a
 * new cookie, once `updateAge` has passed since it was last extended).
 */
export function isSessionUsableAsIs(expiresAt: Date, policy: SessionCookiePolicy, now = Date.now()): boolean {
  const expires = expiresAt.getTime();
  if (!(expires > now)) return false;
  return expires - policy.expiresInSeconds * 1000 + policy.updateAgeSeconds * 1000 > now;
}
