import { betterAuth, type BetterAuthPlugin } from "better-auth";
import { prismaAdapter } from "better-auth/adapters/prisma";

import type { Database } from "@tenancy/db/client";

import type { SessionUser } from "../context";

export interface AuthOptions {
  db: Database;
  secret: string;
  baseURL: string;
  trustedOrigins?: string[];
  /** Better Auth's own sign-in/sign-up throttling (counters in the database). */
  rateLimit?: boolean;
  plugins?: BetterAuthPlugin[];
}

/** Email + password accounts and cookie sessions, stored through Prisma in our database. */
export function createAuth(options: AuthOptions) {
  return betterAuth({
    secret: options.secret,
    baseURL: options.baseURL,
    trustedOrigins: options.trustedOrigins,
    database: prismaAdapter(options.db, { provider: "postgresql" }),
    emailAndPassword: { enabled: true, minPasswordLength: 8, autoSignIn: true },
    rateLimit: { enabled: options.rateLimit ?? true, storage: "database", modelName: "authRateLimit" },
    advanced: {
      // Prisma fills ids for our own tables; Better Auth generates its own for users and sessions.
      database: { generateId: () => crypto.randomUUID() },
    },
    plugins: options.plugins ?? [],
  });
}

export type Auth = ReturnType<typeof createAuth>;

export async function sessionUserFromHeaders(auth: Auth, headers: Headers): Promise<SessionUser | null> {
  const session = await auth.api.getSession({ headers });
  if (!session) return null;
  return { id: session.user.id, email: session.user.email.toLowerCase(), name: session.user.name };
}
