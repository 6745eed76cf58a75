import type { Metadata } from "next";
import { headers } from "next/headers";

import { devMailboxVisibleTo } from "@/server/emailWorker";

import { ForgotPasswordForm } from "./forgot-password-form";

export const metadata: Metadata = { title: "Forgot your password?" };

export default async function ForgotPasswordPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { email } = await searchParams;
  return (
    <ForgotPasswordForm
      initialEmail={typeof email === "string" ? email : ""}
      devMailbox={devMailboxVisibleTo(await headers())}
    />
  );
}
