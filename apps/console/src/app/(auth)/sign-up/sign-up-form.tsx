"use client";

import { useState, type FormEvent } from "react";

import { Field } from "@tenancy/widgets/ui/field";
import { Input } from "@tenancy/widgets/ui/input";

import { NEW_PASSWORD_HINT, newPasswordProblem, PasswordField, EmailField } from "@/components/credential-fields";
import { EMAIL_VERIFIED_PATH } from "@/components/resend-verification";
import { authClient, MIN_PASSWORD_LENGTH } from "@/lib/auth-client";
import { authHref } from "@/lib/redirects";
import { useTypedBeforeHydration } from "@/lib/typed-before-hydration";

import { AuthCard, useAuthSubmit } from "../auth-form";

export function SignUpForm({ redirectTo, initialEmail }: { redirectTo: string; initialEmail: string }) {
  const [name, setName] = useState("");
  const [email, setEmail] = useState(initialEmail);
  const [password, setPassword] = useState("");
  const [passwordError, setPasswordError] = useState<string | undefined>();
  const { error, pending, clearError, run } = useAuthSubmit(redirectTo);
  const nameRef = useTypedBeforeHydration(name, setName);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    clearError();
    const problem = newPasswordProblem(password);
    setPasswordError(problem);
    if (problem) return;
    // The verification link emailed at sign-up lands on EMAIL_VERIFIED_PATH, which says how it went.
    await run(() =>
      authClient.signUp.email({ name: name.trim(), email: email.trim(), password, callbackURL: EMAIL_VERIFIED_PATH }),
    );
  }

  return (
    <AuthCard
      title="Create your account"
      description="Set up organizations, invite your team and mint API tokens."
      onSubmit={onSubmit}
      error={error}
      pending={pending}
      submitLabel="Create account"
      switchPrompt="Already have an account?"
      switchLabel="Sign in"
      switchHref={authHref("sign-in", { redirect: redirectTo, email: email.trim() || undefined })}
    >
      <Field label="Name">
        <Input
          ref={nameRef}
          name="name"
          autoComplete="name"
          required
          autoFocus
          value={name}
          onChange={(e) => setName(e.target.value)}
        />
      </Field>
      <EmailField
        label="Email"
        hint={initialEmail ? "Use the address your invitation was sent to." : undefined}
        value={email}
        onChange={setEmail}
      />
      <PasswordField
        label="Password"
        hint={NEW_PASSWORD_HINT}
        error={passwordError}
        name="password"
        autoComplete="new-password"
        minLength={MIN_PASSWORD_LENGTH}
        value={password}
        onChange={setPassword}
      />
    </AuthCard>
  );
}
