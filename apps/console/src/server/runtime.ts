import { nextCookies } from "better-auth/next-js";

import { createAuth, sessionUserFromHeaders, type Auth } from "@tenancy/api/auth";
import { sessionLookupOf } from "@tenancy/api/session-lookup";
import { authRateLimitsFromEnv } from "@tenancy/api/auth-rate-limits";
import { apiConfigFromEnv, type ApiConfig, type ServerKeys, type ServerSecrets } from "@tenancy/api/config";
import { createRequestContext, type ApiContext, type SessionLookup, type SessionUser } from "@tenancy/api/context";
import { getServerDatabase } from "@tenancy/api/database";
import type { RequestHeaders } from "@tenancy/api/request-headers";
import { ensureDefaultInstance, grantConfiguredInstanceOwners } from "@tenancy/api/instances";
import { resolveLicenseSigningKeys } from "@tenancy/api/license-signing-keys";
import { resolveServerSecrets } from "@tenancy/api/secret";
import type { DatabaseHandle } from "@tenancy/db/connect";
import { dataDir } from "@tenancy/db/paths";
import { getLogger } from "@tenancy/observability/logger";

import { CLIENT_IP_HEADER, clientIpOf } from "./client-address";

/**
 * The server process's shared parts, created lazily on first use (never at build time): the
 * database, Better Auth and the API config. Holds no per-user state, so several instances can
 * run behind one PostgreSQL database.
 */
export interface ServerRuntime {
  database: DatabaseHandle;
  auth: Auth;
  config: ApiConfig;
  /** How requests' session cookies are read (Better Auth's rules; Better Auth itself when needed). */
  sessions: SessionLookup;
}

const globalForRuntime = globalThis as unknown as {
  __tenancyRuntime?: Promise<ServerRuntime>;
  __tenancyInstancesSetUp?: Promise<void>;
};

/** The server secrets; throws resolveServerSecrets' clear error when production has none. */
export function serverSecrets(): ServerSecrets {
  return resolveServerSecrets({ dataDir: dataDir() });
}

/** The secrets and the license signing keys; each throws its clear error when production lacks it. */
export function serverKeys(): ServerKeys {
  return { secrets: serverSecrets(), licenseSigningKeys: resolveLicenseSigningKeys({ dataDir: dataDir() }) };
}

async function createRuntime(): Promise<ServerRuntime> {
  const keys = serverKeys();
  const secrets = keys.secrets;
  const config = apiConfigFromEnv(keys);
  const database = await getServerDatabase();
  const auth = createAuth({
    db: database.prisma,
    instanceAdminEmails: config.instances.adminEmails,
    secrets,
    baseURL: config.publicUrl,
    trustedOrigins: config.trustedOrigins,
    rateLimit: process.env.TENANCY_AUTH_RATE_LIMIT !== "off",
    clientIpHeader: CLIENT_IP_HEADER,
    rateLimits: authRateLimitsFromEnv(),
    plugins: [nextCookies()],
  });
  return { database, auth, config, sessions: await sessionLookupOf(auth, secrets) };
}

/**
 * A fresh install has one instance, the default, and the verified users listed in
 * TENANCY_ADMIN_EMAILS own it. Set up on first use rather than while creating the runtime: a
 * database that is down at start leaves the server up and NOT READY (readiness says why) instead of
 * refusing to start, and the next request tries again. Org creation makes the default instance
 * itself when it is missing.
 */
function ensureInstancesSetUp(runtime: ServerRuntime): Promise<void> {
  const setUp = (globalForRuntime.__tenancyInstancesSetUp ??= (async () => {
    await ensureDefaultInstance(runtime.database.prisma);
    await grantConfiguredInstanceOwners(runtime.database.prisma, runtime.config);
  })().catch((error: unknown) => {
    if (globalForRuntime.__tenancyInstancesSetUp === setUp) globalForRuntime.__tenancyInstancesSetUp = undefined;
    getLogger("tenancy").warn(
      `instance set-up postponed: ${error instanceof Error ? error.message.trim().split("\n").pop() : String(error)}`,
    );
  }));
  return setUp;
}

export async function getRuntime(): Promise<ServerRuntime> {
  const runtime = await createdRuntime();
  await ensureInstancesSetUp(runtime);
  return runtime;
}

function createdRuntime(): Promise<ServerRuntime> {
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

/**
 * The API context for one request: an org token in Authorization, else the session cookie.
 * `transport` is true for the API endpoints (/api/trpc, /v1), which refuse cross-site cookie requests;
 * server components rendering a page pass false (a page may be opened from a link anywhere).
 * `collectSetCookies`: the caller sends Better Auth's session cookies itself (outside Next, where
 * nextCookies cannot).
 */
export async function requestContext(
  headers: RequestHeaders,
  options: { transport: boolean; collectSetCookies?: boolean },
): Promise<ApiContext> {
  const { database, config, sessions } = await getRuntime();
  return createRequestContext({
    db: database.prisma,
    headers,
    config,
    sessions,
    collectSetCookies: options.collectSetCookies ?? false,
    clientIp: clientIpOf(headers),
    refuseCrossSite: options.transport,
  });
}
