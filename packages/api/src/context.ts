import type { Database } from "@tenancy/db/client";

import type { ApiConfig } from "./config";
import type { Actor } from "./domain/actor";
import type { DomainError } from "./domain/errors";
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
}

export interface SessionUser {
  id: string;
  email: string;
  name: string;
}

export interface RequestContextOptions {
  db: Database;
  headers: Headers;
  config: ApiConfig;
  /** Resolves the session cookie to a user (Better Auth in the console). */
  getSessionUser: (headers: Headers) => Promise<SessionUser | null>;
}

/** Builds the context for one HTTP request: an org API token in Authorization wins over a session cookie. */
export async function createRequestContext(options: RequestContextOptions): Promise<ApiContext> {
  const { db, headers, config } = options;
  const ip = clientIp(headers);
  const bearer = parseBearer(headers.get("authorization"));
  if (bearer) {
    const result = await authenticateApiToken(db, bearer);
    return result.ok
      ? { db, config, ip, actor: result.actor, authError: null }
      : { db, config, ip, actor: null, authError: result.error };
  }
  const user = await options.getSessionUser(headers);
  const actor: Actor | null = user ? { type: "user", userId: user.id, email: user.email, name: user.name } : null;
  return { db, config, ip, actor, authError: null };
}

function clientIp(headers: Headers): string | null {
  const forwarded = headers.get("x-forwarded-for")?.split(",")[0]?.trim();
  return forwarded || headers.get("x-real-ip")?.trim() || null;
}
