"use client";

import { useState, type FormEvent } from "react";

import { Button } from "@tenancy/widgets/ui/button";
import { Card, CardContent, CardDescription, CardFooter, CardHeader, CardTitle } from "@tenancy/widgets/ui/card";
import { Field } from "@tenancy/widgets/ui/field";
import { Input } from "@tenancy/widgets/ui/input";
import { toast } from "@tenancy/widgets/ui/toast";

import { FormError } from "@/components/form-error";
import { authClient, authErrorMessage, MIN_PASSWORD_LENGTH } from "@/lib/auth-client";

/** Change the password (needs the current one); other sessions are signed out unless you say otherwise. */
export function PasswordForm({ onOtherSessionsRevoked }: { onOtherSessionsRevoked?: () => void }) {
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const [confirm, setConfirm] = useState("");
  const [signOutOthers, setSignOutOthers] = useState(true);
  const [errors, setErrors] = useState<{ next?: string; confirm?: string }>({});
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const problems = {
      next: next.length < MIN_PASSWORD_LENGTH ? `Use at least ${MIN_PASSWORD_LENGTH} characters.` : undefined,
      confirm: confirm !== next ? "The two new passwords differ." : undefined,
    };
    setErrors(problems);
    if (problems.next || problems.confirm) return;
    setPending(true);
    setError(null);
    const { error: failure } = await authClient.changePassword({
      currentPassword: current,
      newPassword: next,
      revokeOtherSessions: signOutOthers,
    });
    setPending(false);
    if (failure) {
      setError(failure.code === "INVALID_PASSWORD" ? "The current password is not right." : authErrorMessage(failure));
      return;
    }
    setCurrent("");
    setNext("");
    setConfirm("");
    toast.success(signOutOthers ? "Password changed; other sessions were signed out" : "Password changed");
    if (signOutOthers) onOtherSessionsRevoked?.();
  }

  return (
    <Card data-testid="account-password">
      <form onSubmit={submit} noValidate aria-labelledby="account-password-title">
        <CardHeader>
          <CardTitle id="account-password-title">Password</CardTitle>
          <CardDescription>Change the password you sign in with.</CardDescription>
        </CardHeader>
        <CardContent className="grid max-w-xl gap-4">
          <FormError message={error} />
          <Field label="Current password">
            <Input
              type="password"
              autoComplete="current-password"
              value={current}
              onChange={(event) => setCurrent(event.target.value)}
              required
            />
          </Field>
          <Field label="New password" hint={`At least ${MIN_PASSWORD_LENGTH} characters.`} error={errors.next}>
            <Input
              type="password"
              autoComplete="new-password"
              value={next}
              onChange={(event) => setNext(event.target.value)}
              required
            />
          </Field>
          <Field label="New password again" error={errors.confirm}>
            <Input
              type="password"
              autoComplete="new-password"
              value={confirm}
              onChange={(event) => setConfirm(event.target.value)}
              required
            />
          </Field>
          <label className="flex items-center gap-2 text-sm">
            <input
              type="checkbox"
              className="size-4 accent-primary"
              checked={signOutOthers}
              onChange={(event) => setSignOutOthers(event.target.checked)}
            />
            Sign out everywhere else
          </label>
        </CardContent>
        <CardFooter>
          <Button type="submit" loading={pending} disabled={!current || !next} data-testid="account-password-save">
            Change password
          </Button>
        </CardFooter>
      </form>
    </Card>
  );
}
