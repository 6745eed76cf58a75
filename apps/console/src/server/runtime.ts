import { nextCookies } from "better-auth/next-js";

import { createAuth, sessionUserFromHeaders, type Auth } from "@tenancy/api/auth";
import { apiConfigFromEnv, type ApiConfig, type ServerSecrets } from "@tenancy/api/config";
import { createRequestContext, type ApiContext, type SessionUser } from "@tenancy/api/context";
import { getServerDatabase } from "@tenancy/api/database";
import { resolveServerSecrets } from "@tenancy/api/secret";
import type { DatabaseHandle } from "@tenancy/db/connect";
import { dataDir } from "@tenancy/db/paths";

/**
 * The server process's shared parts, created lazily on first use (never at build time): the
 * database, Better Auth and the API config. Holds no per-user state, so several instances can
 * run behind one PostgreSQL database.
 */
export interface ServerRuntime {
  database: DatabaseHandle;
  auth: Auth;
  config: ApiConfig;
}

const globalForRuntime = globalThis as unknown as { __tenancyRuntime?: Promise<ServerRuntime> };

/** The server secrets; throws resolveServerSecrets' clear error when production has none. */
export function serverSecrets(): ServerSecrets {
  return resolveServerSecrets({ dataDir: dataDir() });
}

const LOOPBACK_HOSTS = ["localhost", "127.0.0.1", "[::1]"];

/** The public origin, its loopback aliases (local use), and TENANCY_TRUSTED_ORIGINS (comma-separated). */
export function trustedOrigins(publicUrl: string, env: NodeJS.ProcessEnv = process.env): string[] {
  const origins = new Set<string>();
  const url = new URL(publicUrl);
  origins.add(url.origin);
  if (LOOPBACK_HOSTS.includes(url.hostname)) {
    for (const host of LOOPBACK_HOSTS) origins.add(`${url.protocol}//${host}${url.port ? `:${url.port}` : ""}`);
  }
  for (const origin of (env.TENANCY_TRUSTED_ORIGINS ?? "").split(",")) {
    if (origin.trim()) origins.add(origin.trim().replace(/\/+$/, ""));
  }
  return [...origins];
}

async function createRuntime(): Promise<ServerRuntime> {
  const secrets = serverSecrets();
  const config = apiConfigFromEnv(secrets);
  const database = await getServerDatabase();
  const auth = createAuth({
    db: database.prisma,
    secrets,
    baseURL: config.publicUrl,
    trustedOrigins: trustedOrigins(config.publicUrl),
    rateLimit: process.env.TENANCY_AUTH_RATE_LIMIT !== "off",
    plugins: [nextCookies()],
  });
  return { database, auth, config };
}

export function getRuntime(): Promise<ServerRuntime> {
  if (!globalForRuntime.__tenancyRuntime) {
    const created = createRuntime();
    globalForRuntime.__tenancyRuntime = created;
    // A failed start (e.g. the database is down) is retried by the next request.
    created.catch(() => {
      if (globalForRuntime.__tenancyRuntime === created) globalForRuntime.__tenancyRuntime = undefined;
    });
  }
  return globalForRuntime.__tenancyRuntime;
}

export async function sessionUser(headers: Headers): Promise<SessionUser | null> {
  const { auth } = await getRuntime();
  return sessionUserFromHeaders(auth, headers);
}

/** The API context for one request: an org token in Authorization, else the session cookie. */
export async function requestContext(headers: Headers): Promise<ApiContext> {
  const { database, auth, config } = await getRuntime();
  return createRequestContext({
    db: database.prisma,
    headers,
    config,
    getSessionUser: (h) => sessionUserFromHeaders(auth, h),
  });
}
