import { headers } from "next/headers";
import { redirect } from "next/navigation";

import type { SessionUser } from "@tenancy/api/context";

import { authHref, PATH_HEADER } from "@/lib/redirects";

import { devMailboxVisibleTo } from "./emailWorker";

import { getSession } from "./trpc";

/** The signed-in user, or a redirect to /sign-in that comes back to the requested page. */
export async function requireSession(): Promise<SessionUser> {
  const session = await getSession();
  if (session) return session;
  const path = (await headers()).get(PATH_HEADER) ?? "/";
  redirect(authHref("sign-in", { redirect: path }));
}

/** For an unverified user: what the "resend verification email" actions need; undefined once verified. */
export async function verificationFor(user: SessionUser): Promise<{ email: string; devMailbox: boolean } | undefined> {
  if (user.emailVerified) return undefined;
  return { email: user.email, devMailbox: devMailboxVisibleTo(await headers()) };
}
