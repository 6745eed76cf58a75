"use client";

import Link from "next/link";
import { useState, type FormEvent } from "react";

import { EmailField, PasswordField } from "@/components/credential-fields";
import { authClient } from "@/lib/auth-client";
import { authHref } from "@/lib/redirects";

import { AuthCard, useAuthSubmit } from "../auth-form";

export function SignInForm({
  redirectTo,
  initialEmail,
  passwordReset = false,
}: {
  redirectTo: string;
  initialEmail: string;
  /** Arriving from a password reset: say it worked. */
  passwordReset?: boolean;
}) {
  const [email, setEmail] = useState(initialEmail);
  const [password, setPassword] = useState("");
  const { error, pending, clearError, run } = useAuthSubmit(redirectTo);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    clearError();
    await run(() => authClient.signIn.email({ email: email.trim(), password }));
  }

  return (
    <AuthCard
      title="Sign in"
      description="Welcome back. Sign in to manage your organizations."
      onSubmit={onSubmit}
      error={error}
      pending={pending}
      submitLabel="Sign in"
      switchPrompt="New here?"
      switchLabel="Create an account"
      switchHref={authHref("sign-up", { redirect: redirectTo, email: email.trim() || undefined })}
    >
      {passwordReset ? (
        <p
          role="status"
          className="rounded-md border border-success/30 bg-success/10 px-3 py-2 text-sm"
          data-testid="password-reset-done"
        >
          Your password was changed. Sign in with the new one.
        </p>
      ) : null}
      <EmailField label="Email" autoFocus={!initialEmail} value={email} onChange={setEmail} />
      <PasswordField
        label="Password"
        hint={
          <Link
            href={`/forgot-password${email.trim() ? `?email=${encodeURIComponent(email.trim())}` : ""}`}
            className="font-medium text-foreground underline-offset-4 hover:underline"
          >
            Forgot your password?
          </Link>
        }
        name="password"
        autoComplete="current-password"
        autoFocus={Boolean(initialEmail)}
        value={password}
        onChange={setPassword}
      />
    </AuthCard>
  );
}
