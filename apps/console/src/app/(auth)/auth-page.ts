import { redirect } from "next/navigation";

import { safeRedirectPath } from "@/lib/redirects";
import { getSession } from "@/server/trpc";

/**
 * The props of the sign-in and sign-up forms from the page's query string: where to go afterwards
 * and the email to prefill. A visitor who is already signed in goes straight on instead.
 */
export async function authFormProps(
  searchParams: Promise<Record<string, string | string[] | undefined>>,
): Promise<{ redirectTo: string; initialEmail: string }> {
  const params = await searchParams;
  const redirectTo = safeRedirectPath(params.redirect);
  if (await getSession()) redirect(redirectTo);
  const initialEmail = typeof params.email === "string" ? params.email : "";
  return { redirectTo, initialEmail };
}
