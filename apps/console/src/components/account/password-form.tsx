"use client";

import { useState, type FormEvent } from "react";

import { Button } from "@tenancy/widgets/ui/button";
import { Card, CardContent, CardDescription, CardFooter, CardHeader, CardTitle } from "@tenancy/widgets/ui/card";
import { toast } from "@tenancy/widgets/ui/toast";

import {
  NewPasswordFields,
  newPasswordPairProblems,
  PasswordField,
  type NewPasswordProblems,
} from "@/components/credential-fields";
import { FormError } from "@/components/form-error";
import { authClient, authErrorMessage } from "@/lib/auth-client";

/** Change the password (needs the current one); other sessions are signed out unless you say otherwise. */
export function PasswordForm({ onOtherSessionsRevoked }: { onOtherSessionsRevoked?: () => void }) {
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const [confirm, setConfirm] = useState("");
  const [signOutOthers, setSignOutOthers] = useState(true);
  const [errors, setErrors] = useState<NewPasswordProblems>({});
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const problems = newPasswordPairProblems(next, confirm, "The two new passwords differ.");
    setErrors(problems);
    if (problems.password || problems.confirm) return;
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
          <PasswordField
            label="Current password"
            autoComplete="current-password"
            value={current}
            onChange={setCurrent}
          />
          <NewPasswordFields
            password={next}
            confirm={confirm}
            onPasswordChange={setNext}
            onConfirmChange={setConfirm}
            problems={errors}
          />
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
