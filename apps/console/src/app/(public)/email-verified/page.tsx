import { CheckCircle2, XCircle } from "lucide-react";
import type { Metadata } from "next";
import { headers } from "next/headers";
import Link from "next/link";

import { buttonVariants } from "@tenancy/widgets/ui/button";
import { Card, CardContent, CardDescription, CardHeader } from "@tenancy/widgets/ui/card";

import { ResendVerificationButton } from "@/components/resend-verification";
import { devMailboxVisibleTo } from "@/server/emailWorker";
import { getSession } from "@/server/trpc";

export const metadata: Metadata = { title: "Email verification", referrer: "no-referrer" };

/** Better Auth's error codes on a failed verification link, in plain words. */
const LINK_ERRORS: Record<string, string> = {
  TOKEN_EXPIRED: "This verification link has expired.",
  INVALID_TOKEN: "This verification link isn't valid. It may have been copied incompletely.",
  USER_NOT_FOUND: "The account this link was for no longer exists.",
};

/**
 * Where the emailed verification link lands (Better Auth verifies, then redirects here, adding
 * `?error=` when it could not). Works signed out: the link may be opened in another browser.
 */
export default async function EmailVerifiedPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { error } = await searchParams;
  const session = await getSession();
  const failure = typeof error === "string" ? (LINK_ERRORS[error] ?? "This verification link didn't work.") : null;
  const verified = !failure && (session?.emailVerified ?? true);
  const devMailbox = devMailboxVisibleTo(await headers());

  return (
    <div className="mx-auto w-full max-w-md pt-6 sm:pt-16">
      <Card data-testid={verified ? "email-verified" : "email-verification-failed"}>
        <CardHeader className="items-center text-center">
          {verified ? (
            <CheckCircle2 className="size-10 text-success" aria-hidden />
          ) : (
            <XCircle className="size-10 text-destructive" aria-hidden />
          )}
          <h1 className="text-xl font-semibold tracking-tight">
            {verified ? "Your email address is verified" : "We couldn't verify your email address"}
          </h1>
          <CardDescription>
            {verified
              ? "Invitations sent to it now show up in your account, and admins can add you by email."
              : (failure ?? "Open the latest verification link we sent you.")}
          </CardDescription>
        </CardHeader>
        <CardContent className="grid justify-items-center gap-4">
          {!verified && session && !session.emailVerified ? (
            <ResendVerificationButton email={session.email} devMailbox={devMailbox} variant="default" />
          ) : null}
          <Link href="/" className={buttonVariants({ variant: verified ? "default" : "outline" })}>
            {session ? "Continue" : "Sign in"}
          </Link>
        </CardContent>
      </Card>
    </div>
  );
}
