import type { Metadata } from "next";
import { redirect } from "next/navigation";

import { safeRedirectPath } from "@/lib/redirects";
import { getSession } from "@/server/trpc";

import { SignInForm } from "./sign-in-form";

export const metadata: Metadata = { title: "Sign in" };

export default async function SignInPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const params = await searchParams;
  const redirectTo = safeRedirectPath(params.redirect);
  if (await getSession()) redirect(redirectTo);
  const email = typeof params.email === "string" ? params.email : "";
  return <SignInForm redirectTo={redirectTo} initialEmail={email} />;
}
