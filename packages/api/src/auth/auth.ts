import { createHash } from "node:crypto";
import { format } from "node:util";

import { betterAuth, type BetterAuthPlugin } from "better-auth";
import { prismaAdapter } from "better-auth/adapters/prisma";

import type { Database } from "@tenancy/db/client";
import { getLogger } from "@tenancy/observability/logger";

import { acceptedSecrets, type ServerSecrets } from "../config";
import type { SessionUser } from "../services/callers";
import { queueAuthEmail } from "../services/authEmails";
import { grantConfiguredInstanceOwners } from "../services/instanceAccess";
import { autoJoinByVerifiedEmail } from "../services/domains";
import { previousSecretsPlugin } from "./previousSecrets";
import { betterAuthRateLimitRules, DEFAULT_AUTH_RATE_LIMITS, type AuthRateLimits } from "./rateLimits";

export interface AuthOptions {
  db: Database;
  /** TENANCY_ADMIN_EMAILS: made owners of the default instance once their address is verified. */
  instanceAdminEmails?: readonly string[];
  /** The current secret signs; previous ones are still accepted (rotation). */
  secrets: ServerSecrets;
  baseURL: string;
  trustedOrigins?: string[];
  /** Better Auth's own sign-in/sign-up throttling (counters in the database). */
  rateLimit?: boolean;
  /**
   * The request header holding the client IP the HTTP front resolved (it strips any copy a client
   * sent), for the auth throttling and session records. Without it Better Auth would read
   * X-Forwarded-For, which any client can set.
   */
  clientIpHeader?: string;
  /** Its per-IP limits (see auth/rateLimits.ts); the defaults when absent. */
  rateLimits?: AuthRateLimits;
  plugins?: BetterAuthPlugin[];
}

/**
 * Better Auth's versioned secrets (what it encrypts, e.g. cookie caches and OAuth tokens, names the
 * version it used). The version is derived from the secret itself, so every instance numbers a
 * secret alike whatever the order it lists them in.
 */
function versionedSecrets(secrets: ServerSecrets) {
  const seen = new Set<number>();
  const versioned: { version: number; value: string }[] = [];
  for (const value of acceptedSecrets(secrets)) {
    const version = Number.parseInt(createHash("sha256").update(value).digest("hex").slice(0, 7), 16);
    if (seen.has(version)) continue;
    seen.add(version);
    versioned.push({ version, value });
  }
  return versioned;
}

/** How long a verification link works. */
export const EMAIL_VERIFICATION_TTL_SECONDS = 24 * 3600;

/** How long a password-reset link works. */
export const PASSWORD_RESET_TTL_SECONDS = 3600;

/**
 * Email + password accounts and cookie sessions, stored through Prisma in our database.
 * Sign-up sends a verification link through the outbox; signing in does not wait for it (the
 * console shows a banner until then), but acting on mail sent to the address does (see access.ts).
 */
export function createAuth(options: AuthOptions) {
  // Better Auth signs cookies under the current secret only: the plugin accepts previous ones.
  const rotation = options.secrets.previous.length > 0 ? [previousSecretsPlugin(options.secrets.previous)] : [];
  return betterAuth({
    secret: options.secrets.current,
    secrets: versionedSecrets(options.secrets),
    baseURL: options.baseURL,
    trustedOrigins: options.trustedOrigins,
    database: prismaAdapter(options.db, { provider: "postgresql" }),
    emailAndPassword: {
      enabled: true,
      minPasswordLength: 8,
      autoSignIn: true,
      // Forgot password: the link goes through the outbox like every other email.
      resetPasswordTokenExpiresIn: PASSWORD_RESET_TTL_SECONDS,
      sendResetPassword: ({ user, url }) =>
        queueAuthEmail(options.db, options.secrets.current, {
          kind: "password_reset",
          to: user.email,
          name: user.name,
          url,
          expiresInSeconds: PASSWORD_RESET_TTL_SECONDS,
        }),
      // Whoever had the old password (and its sessions) is out once it is reset.
      revokeSessionsOnPasswordReset: true,
      // The link reached the address's mailbox: that proves it, as the verification link would.
      onPasswordReset: async ({ user }) => {
        if (user.emailVerified) return;
        await options.db.user.update({ where: { id: user.id }, data: { emailVerified: true }, select: { id: true } });
        await joinVerifiedDomain(options.db, user.id);
      },
    },
    // Reset tokens (and any other one-time identifier Better Auth keeps) are stored as SHA-256 only.
    verification: { storeIdentifier: "hashed" },
    emailVerification: {
      sendOnSignUp: true,
      expiresIn: EMAIL_VERIFICATION_TTL_SECONDS,
      sendVerificationEmail: ({ user, url }) =>
        queueAuthEmail(options.db, options.secrets.current, {
          kind: "email_verification",
          to: user.email,
          name: user.name,
          url,
          expiresInSeconds: EMAIL_VERIFICATION_TTL_SECONDS,
        }),
      // A verified address in a domain an organization verified with auto_join: the user joins it now.
      afterEmailVerification: (user) => joinVerifiedDomain(options.db, user.id),
    },
    databaseHooks: {
      user: {
        create: {
          after: async (user) => {
            // TENANCY_ADMIN_EMAILS: a user whose listed address is verified (at sign-up, or later by
            // the link: the update hook) becomes an owner of the default instance.
            await grantIfConfigured(options, user);
            // Accounts created already verified (e.g. by an identity provider) join verified domains too.
            if (user.emailVerified) await joinVerifiedDomain(options.db, user.id);
          },
        },
        update: { after: (user) => grantIfConfigured(options, user) },
      },
    },
    rateLimit: {
      enabled: options.rateLimit ?? true,
      storage: "database",
      modelName: "authRateLimit",
      customRules: betterAuthRateLimitRules(options.rateLimits ?? DEFAULT_AUTH_RATE_LIMITS),
    },
    advanced: {
      // Prisma fills ids for our own tables; Better Auth generates its own for users and sessions.
      database: { generateId: () => crypto.randomUUID() },
      ...(options.clientIpHeader ? { ipAddress: { ipAddressHeaders: [options.clientIpHeader] } } : {}),
    },
    // Better Auth's own messages go to the server's log, in its format.
    logger: {
      level: "warn",
      log: (level, message, ...args) => getLogger("auth")[level](format(message, ...args)),
    },
    // The rotation plugin first: it fixes up cookies before any other plugin reads them.
    plugins: [...rotation, ...(options.plugins ?? [])],
  });
}

async function grantIfConfigured(
  options: AuthOptions,
  user: { id: string; email: string; emailVerified: boolean },
): Promise<void> {
  const emails = options.instanceAdminEmails ?? [];
  if (!user.emailVerified || !emails.includes(user.email.toLowerCase())) return;
  await grantConfiguredInstanceOwners(options.db, { instances: { adminEmails: emails } }, user.id);
}

/** Joining through a verified domain must never fail the verification itself: log and go on. */
async function joinVerifiedDomain(db: Database, userId: string): Promise<void> {
  try {
    await autoJoinByVerifiedEmail(db, userId);
  } catch (error) {
    console.error("[auth] joining through a verified domain failed:", error instanceof Error ? error.message : error);
  }
}

export type Auth = ReturnType<typeof createAuth>;

/** Better Auth's getSession for these headers, as a SessionUser (pages; the API reads cookies via sessionLookupOf). */
export async function sessionUserFromHeaders(auth: Auth, headers: Headers): Promise<SessionUser | null> {
  const session = await auth.api.getSession({ headers });
  return session ? sessionUserOf(session.user) : null;
}

export function sessionUserOf(user: { id: string; email: string; name: string; emailVerified: boolean }): SessionUser {
  return { id: user.id, email: user.email.toLowerCase(), name: user.name, emailVerified: user.emailVerified };
}
