"use client";

import { MailCheck } from "lucide-react";
import Link from "next/link";
import { useState, type FormEvent } from "react";

import { Button } from "@tenancy/widgets/ui/button";
import { Card, CardContent, CardDescription, CardFooter, CardHeader } from "@tenancy/widgets/ui/card";

import { EmailField } from "@/components/credential-fields";
import { FormError } from "@/components/form-error";
import { authClient, authErrorMessage } from "@/lib/auth-client";
import { authHref } from "@/lib/redirects";

/** Where the emailed link lands (Better Auth adds ?token=… or ?error=…). */
export const RESET_PASSWORD_PATH = "/reset-password";

/**
 * Asks for a reset link. The answer is the same whether or not the address has an account, so the
 * page tells nobody who is signed up.
 */
export function ForgotPasswordForm({ initialEmail, devMailbox }: { initialEmail: string; devMailbox: boolean }) {
  const [email, setEmail] = useState(initialEmail);
  const [sentTo, setSentTo] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setPending(true);
    setError(null);
    const { error: failure } = await authClient.requestPasswordReset({
      email: email.trim(),
      redirectTo: RESET_PASSWORD_PATH,
    });
    setPending(false);
    if (failure) {
      setError(authErrorMessage(failure));
      return;
    }
    setSentTo(email.trim());
  }

  if (sentTo) {
    return (
      <Card data-testid="forgot-password-sent">
        <CardHeader className="items-center text-center">
          <span className="inline-flex size-12 items-center justify-center rounded-full bg-muted text-muted-foreground">
            <MailCheck className="size-6" aria-hidden />
          </span>
          <h1 className="text-xl font-semibold leading-none tracking-tight">Check your email</h1>
          <CardDescription role="status">
            If an account uses {sentTo}, we sent it a link to choose a new password. It works once, for an hour.
          </CardDescription>
        </CardHeader>
        <CardContent className="grid gap-2 text-center text-sm text-muted-foreground">
          {devMailbox ? (
            <p>
              No mail server is set up here: the email is in the{" "}
              <Link className="font-medium text-foreground underline underline-offset-4" href="/dev/mailbox">
                dev mailbox
              </Link>
              .
            </p>
          ) : (
            <p>Nothing after a few minutes? Check your spam folder, or ask again.</p>
          )}
        </CardContent>
        <CardFooter className="justify-center gap-2 border-t-0">
          <Button variant="outline" onClick={() => setSentTo(null)}>
            Send again
          </Button>
          <Button asChild>
            <Link href={authHref("sign-in", { email: sentTo })}>Back to sign in</Link>
          </Button>
        </CardFooter>
      </Card>
    );
  }

  return (
    <Card>
      <CardHeader>
        <h1 className="text-xl font-semibold leading-none tracking-tight">Forgot your password?</h1>
        <CardDescription>
          Enter the email you sign in with; we&apos;ll send you a link to choose a new one.
        </CardDescription>
      </CardHeader>
      <form onSubmit={submit} aria-label="Forgot your password?">
        <CardContent className="grid gap-4">
          <FormError message={error} />
          <EmailField label="Email" autoFocus value={email} onChange={setEmail} />
          <Button type="submit" loading={pending} className="w-full">
            Send the link
          </Button>
        </CardContent>
      </form>
      <CardFooter className="justify-center text-sm text-muted-foreground">
        <span>
          Remembered it?{" "}
          <Link className="font-medium text-foreground underline-offset-4 hover:underline" href={authHref("sign-in")}>
            Sign in
          </Link>
        </span>
      </CardFooter>
    </Card>
  );
}
