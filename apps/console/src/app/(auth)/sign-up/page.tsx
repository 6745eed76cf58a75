import type { Metadata } from "next";

import { authFormProps } from "../auth-page";
import { SignUpForm } from "./sign-up-form";

export const metadata: Metadata = { title: "Create your account" };

export default async function SignUpPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  return <SignUpForm {...await authFormProps(searchParams)} />;
}
