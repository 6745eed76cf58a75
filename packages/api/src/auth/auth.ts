import { createHash } from "node:crypto";

import { betterAuth, type BetterAuthPlugin } from "better-auth";
import { prismaAdapter } from "better-auth/adapters/prisma";

import type { Database } from "@tenancy/db/client";

import { acceptedSecrets, type ServerSecrets } from "../config";
import type { SessionUser } from "../services/callers";
import { queueAuthEmail } from "../services/authEmails";
import { previousSecretsPlugin } from "./previousSecrets";

export interface AuthOptions {
  db: Database;
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
    emailAndPassword: { enabled: true, minPasswordLength: 8, autoSignIn: true },
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
    },
    rateLimit: {
      enabled: options.rateLimit ?? true,
      storage: "database",
      modelName: "authRateLimit",
      // Each request queues an email: a handful per minute is plenty for a person.
      customRules: { "/send-verification-email": { window: 60, max: 3 } },
    },
    advanced: {
      // Prisma fills ids for our own tables; Better Auth generates its own for users and sessions.
      database: { generateId: () => crypto.randomUUID() },
      ...(options.clientIpHeader ? { ipAddress: { ipAddressHeaders: [options.clientIpHeader] } } : {}),
    },
    // The rotation plugin first: it fixes up cookies before any other plugin reads them.
    plugins: [...rotation, ...(options.plugins ?? [])],
  });
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
