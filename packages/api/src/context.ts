import type { Database } from "@tenancy/db/client";
import { REQUEST_ID_HEADER } from "@tenancy/observability/request-annotations";

import type { ApiConfig } from "./config";
import type { Actor } from "./domain/actor";
import { type DomainError, forbidden } from "./domain/errors";
import { authenticateApiToken, parseBearer } from "./services/apiTokens";

export interface ApiContext {
  db: Database;
  /** null when the caller is anonymous (or presented bad credentials: see authError). */
  actor: Actor | null;
  /** Why a presented credential was refused, surfaced by procedures that need an actor. */
  authError: DomainError | null;
  /** Client IP for rate limiting; null when unknown (e.g. server-side callers). */
  ip: string | null;
  config: ApiConfig;
  /** The request's id as the HTTP front set it (X-Request-Id), for error logs; absent outside a request. */
  requestId?: string | null;
}

export interface SessionUser {
  id: string;
  email: string;
  name: string;
  emailVerified: boolean;
}

export interface RequestContextOptions {
  db: Database;
  headers: Headers;
  config: ApiConfig;
  /** Resolves the session cookie to a user (Better Auth in the console). */
  getSessionUser: (headers: Headers) => Promise<SessionUser | null>;
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
 * Builds the context for one HTTP request: an org API token in Authorization wins over a session cookie.
 * A browser sends the session cookie along with requests other sites trigger (SameSite=Lax does not stop
 * a sibling subdomain or another localhost port), so a cookie request whose Origin is not a trusted one,
 * or that the browser marks as coming from another site, is refused here, before any work. Bearer
 * requests carry their credential explicitly and are not affected.
 */
export async function createRequestContext(options: RequestContextOptions): Promise<ApiContext> {
  const { db, headers, config } = options;
  const ip = options.clientIp ?? null;
  const requestId = headers.get(REQUEST_ID_HEADER);
  const bearer = parseBearer(headers.get("authorization"));
  if (bearer) {
    const result = await authenticateApiToken(db, bearer);
    return result.ok
      ? { db, config, ip, requestId, actor: result.actor, authError: null }
      : { db, config, ip, requestId, actor: null, authError: result.error };
  }
  if (options.refuseCrossSite && headers.has("cookie") && isCrossSite(headers, config.trustedOrigins)) {
    throw forbidden(
      "cross_site_request",
      "Requests with the session cookie are only accepted from this site's own pages (see TENANCY_TRUSTED_ORIGINS)",
    );
  }
  const user = await options.getSessionUser(headers);
  const actor: Actor | null = user
    ? { type: "user", userId: user.id, email: user.email, name: user.name, emailVerified: user.emailVerified }
    : null;
  return { db, config, ip, requestId, actor, authError: null };
}

/**
 * Origin, when the browser sent one, must be trusted ("null" never is). Without it (some GETs),
 * Sec-Fetch-Site says whether another site triggered the request; non-browser clients send neither.
 */
function isCrossSite(headers: Headers, trustedOrigins: readonly string[]): boolean {
  const origin = headers.get("origin");
  if (origin !== null) return !trustedOrigins.includes(origin);
  const site = headers.get("sec-fetch-site");
  return site === "cross-site" || site === "same-site";
}
