import type { Database } from "@tenancy/db/client";
import { REQUEST_ID_HEADER } from "@tenancy/observability/request-annotations";

import { isSessionUsableAsIs, readSessionCookie, type SessionCookiePolicy } from "./auth/sessionCookie";
import type { ApiConfig } from "./config";
import type { Actor } from "./domain/actor";
import { type DomainError, forbidden } from "./domain/errors";
import { toFetchHeaders, type RequestHeaders } from "./http/request-headers";
import type { AccessLookup } from "./services/access";
import { parseBearer } from "./services/apiTokens";
import { authenticateBearer, bearerKindOf } from "./services/bearer";
import {
  resolveCredential,
  userActorOf,
  type Credential,
  type ResolvedCaller,
  type SessionUser,
} from "./services/callers";

export type { SessionUser };

export interface ApiContext {
  db: Database;
  /**
   * The caller when it is already known (server-side callers, tests); null when anonymous, refused
   * (see authError) or not looked up yet (see credential).
   */
  actor: Actor | null;
  /** Why a presented credential was refused, surfaced by procedures that need an actor. */
  authError: DomainError | null;
  /**
   * The request's session cookie or organization API token, not looked up yet: the procedure builders resolve it
   * when a procedure needs a caller, with the organization access in the same statement (trpc.ts).
   */
  credential?: Credential;
  /**
   * Set-Cookie headers Better Auth answered with while resolving the session (a refreshed or cleared
   * session cookie), for the transport to send with the response.
   */
  setCookies?: string[];
  /** Client IP for rate limiting; null when unknown (e.g. server-side callers). */
  ip: string | null;
  config: ApiConfig;
  /** The request's id as the HTTP front set it (X-Request-Id), for error logs; absent outside a request. */
  requestId?: string | null;
}

/** How a request's session cookie is read: Better Auth's cookie rules, and Better Auth itself for the rest. */
export interface SessionLookup {
  policy: SessionCookiePolicy;
  /**
   * Better Auth's own session lookup (auth.api.getSession) for these headers; the Set-Cookie headers
   * it answers with are handed to `setCookie` when given.
   */
  viaBetterAuth(headers: Headers, setCookie?: (cookie: string) => void): Promise<SessionUser | null>;
}

export interface RequestContextOptions {
  db: Database;
  headers: RequestHeaders;
  config: ApiConfig;
  /** Reads session cookies (see auth/sessionLookup.ts); without it, session cookies are ignored. */
  sessions?: SessionLookup;
  /**
   * Collect the Set-Cookie headers of Better Auth's session handling in `setCookies` for the
   * transport to send. Off where the host sends them itself (Next's route handlers: nextCookies).
   */
  collectSetCookies?: boolean;
  /** The client's address as the HTTP front resolved it (socket + trusted proxies); null when unknown. */
  clientIp?: string | null;
  /**
   * The request came through an API transport a browser can reach (/api/trpc, /v1): refuse a
   * cookie-authenticated one sent from an untrusted origin. Server components rendering a page the
   * user navigated to (from anywhere, e.g. an email) pass false.
   */
  refuseCrossSite?: boolean;
}

/**
 * Builds the context for one HTTP request: a token in Authorization (an organization or instance API
 * token, or a user's personal access token) wins over a session cookie.
 * A browser sends the session cookie along with requests other sites trigger (SameSite=Lax does not stop
 * a sibling subdomain or another localhost port), so a cookie request whose Origin is not a trusted one,
 * or that the browser marks as coming from another site, is refused here, before any work. Bearer
 * requests carry their credential explicitly and are not affected.
 *
 * For a session cookie no statement runs here: the credential is looked up by the procedure that
 * needs a caller (so an org-scoped procedure reads the session, the user, the membership, its custom
 * role's permissions and the organization at once); an organization API token likewise (the token,
 * its scopes and the organization). Instance tokens and personal access tokens are authenticated here
 * (one statement).
 */
export async function createRequestContext(options: RequestContextOptions): Promise<ApiContext> {
  const { db, headers, config } = options;
  const ip = options.clientIp ?? null;
  const requestId = headers.get(REQUEST_ID_HEADER);
  const base = { db, config, ip, requestId, actor: null, authError: null };
  const bearer = parseBearer(headers.get("authorization"));
  // An organization API token is looked up by the procedure, with the organization it acts on, in one
  // statement (callers.ts); the other kinds (the key's prefix says which) are authenticated now.
  if (bearer && bearer !== "malformed" && bearerKindOf(bearer.key) === "organization") {
    return { ...base, credential: { kind: "apiToken", key: bearer.key, secret: bearer.secret } };
  }
  if (bearer) {
    const result = await authenticateBearer(db, bearer);
    return result.ok ? { ...base, actor: result.actor } : { ...base, authError: result.error };
  }
  if (options.refuseCrossSite && headers.has("cookie") && isCrossSite(headers, config.trustedOrigins)) {
    throw forbidden(
      "cross_site_request",
      "Requests with the session cookie are only accepted from this site's own pages (see TENANCY_TRUSTED_ORIGINS)",
    );
  }
  const sessions = options.sessions;
  if (!sessions) return base;
  const cookie = readSessionCookie(headers, sessions.policy);
  if (cookie.kind === "none") return base;
  const setCookies: string[] = [];
  const viaBetterAuth = () =>
    sessions.viaBetterAuth(
      toFetchHeaders(headers),
      options.collectSetCookies ? (line) => setCookies.push(line) : undefined,
    );
  if (cookie.kind === "unusual") {
    // Better Auth handles it now (as it did for every request before the fast path existed).
    const user = await viaBetterAuth();
    return { ...base, setCookies, actor: user ? userActorOf(user) : null };
  }
  const policy = sessions.policy;
  return {
    ...base,
    setCookies,
    credential: {
      kind: "session",
      token: cookie.token,
      usableAsIs: (expiresAt) => isSessionUsableAsIs(expiresAt, policy),
      viaBetterAuth,
    },
  };
}

/** What the caller's credential lookup found for the organization a procedure's input names. */
export interface PrefetchedAccess {
  ref: string;
  lookup: AccessLookup;
}

// A tRPC batch shares one context: its first call resolves the credential, the others reuse the caller.
const resolvedCallers = new WeakMap<Credential, Promise<ResolvedCaller>>();

/**
 * The caller of a request: known already (server-side callers), or its credential looked up now,
 * once per request. With `ref` (an org-scoped procedure's organization) the same statement reads the
 * caller's access to it, returned as `prefetched` for the org middleware to check (trpc.ts).
 */
export async function resolveCaller(
  ctx: ApiContext,
  ref: string | null = null,
): Promise<ResolvedCaller & { prefetched?: PrefetchedAccess }> {
  const credential = ctx.credential;
  if (!credential) return { actor: ctx.actor, error: ctx.authError };
  const earlier = resolvedCallers.get(credential);
  if (earlier) {
    const { actor, error } = await earlier;
    return { actor, error };
  }
  const resolving = resolveCredential(ctx.db, credential, ref);
  resolvedCallers.set(credential, resolving);
  const { access, ...caller } = await resolving;
  return ref !== null && access !== undefined ? { ...caller, prefetched: { ref, lookup: access } } : caller;
}

/**
 * Origin, when the browser sent one, must be trusted ("null" never is). Without it (some GETs),
 * Sec-Fetch-Site says whether another site triggered the request; non-browser clients send neither.
 */
function isCrossSite(headers: RequestHeaders, trustedOrigins: readonly string[]): boolean {
  const origin = headers.get("origin");
  if (origin !== null) return !trustedOrigins.includes(origin);
  const site = headers.get("sec-fetch-site");
  return site === "cross-site" || site === "same-site";
}
