import type { Metadata } from "next";
import { redirect } from "next/navigation";

import { safeRedirectPath } from "@/lib/redirects";
import { getSession } from "@/server/trpc";

import { SignUpForm } from "./sign-up-form";

export const metadata: Metadata = { title: "Create your account" };

export default async function SignUpPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const params = await searchParams;
  const redirectTo = safeRedirectPath(params.redirect);
  if (await getSession()) redirect(redirectTo);
  const email = typeof params.email === "string" ? params.email : "";
  return <SignUpForm redirectTo={redirectTo} initialEmail={email} />;
}
