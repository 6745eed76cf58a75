import { headers } from "next/headers";
import { redirect } from "next/navigation";

import type { SessionUser } from "@tenancy/api/context";

import { authHref, PATH_HEADER } from "@/lib/redirects";

import { getSession } from "./trpc";

/** The signed-in user, or a redirect to /sign-in that comes back to the requested page. */
export async function requireSession(): Promise<SessionUser> {
  const session = await getSession();
  if (session) return session;
  const path = (await headers()).get(PATH_HEADER) ?? "/";
  redirect(authHref("sign-in", { redirect: path }));
}
