import type { Metadata } from "next";

import { authFormProps } from "../auth-page";
import { SignInForm } from "./sign-in-form";

export const metadata: Metadata = { title: "Sign in" };

export default async function SignInPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { reset } = await searchParams;
  return <SignInForm {...await authFormProps(searchParams)} passwordReset={reset === "done"} />;
}
