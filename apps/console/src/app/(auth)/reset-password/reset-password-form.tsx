"use client";

import { LinkIcon } from "lucide-react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";

import { Button } from "@tenancy/widgets/ui/button";
import { Card, CardContent, CardDescription, CardFooter, CardHeader } from "@tenancy/widgets/ui/card";

import { NewPasswordFields, newPasswordPairProblems, type NewPasswordProblems } from "@/components/credential-fields";
import { FormError } from "@/components/form-error";
import { authClient, authErrorMessage } from "@/lib/auth-client";

/** The way on from a reset link that does not work: ask for a new one. */
function InvalidLink() {
  return (
    <Card data-testid="reset-password-invalid">
      <CardHeader className="items-center text-center">
        <span className="inline-flex size-12 items-center justify-center rounded-full bg-muted text-muted-foreground">
          <LinkIcon className="size-6" aria-hidden />
        </span>
        <h1 className="text-xl font-semibold leading-none tracking-tight">This link doesn&apos;t work any more</h1>
        <CardDescription>
          Reset links work once, for an hour. Ask for a new one and use the newest email.
        </CardDescription>
      </CardHeader>
      <CardFooter className="justify-center gap-2 border-t-0">
        <Button asChild>
          <Link href="/forgot-password">Send a new link</Link>
        </Button>
        <Button asChild variant="outline">
          <Link href="/sign-in">Sign in</Link>
        </Button>
      </CardFooter>
    </Card>
  );
}

export function ResetPasswordForm({ token }: { token: string | null }) {
  const router = useRouter();
  const [password, setPassword] = useState("");
  const [confirm, setConfirm] = useState("");
  const [errors, setErrors] = useState<NewPasswordProblems>({});
  const [error, setError] = useState<string | null>(null);
  const [expired, setExpired] = useState(false);
  const [pending, setPending] = useState(false);

  if (!token || expired) return <InvalidLink />;

  async function submit(event: FormEvent) {
    event.preventDefault();
    const problems = newPasswordPairProblems(password, confirm, "The two passwords differ.");
    setErrors(problems);
    if (problems.password || problems.confirm) return;
    setPending(true);
    setError(null);
    const { error: failure } = await authClient.resetPassword({ newPassword: password, token: token! });
    if (failure) {
      setPending(false);
      if (failure.code === "INVALID_TOKEN") setExpired(true);
      else setError(authErrorMessage(failure));
      return;
    }
    router.replace("/sign-in?reset=done");
  }

  return (
    <Card>
      <CardHeader>
        <h1 className="text-xl font-semibold leading-none tracking-tight">Choose a new password</h1>
        <CardDescription>
          You&apos;ll sign in with it from now on; every session signed in before is signed out.
        </CardDescription>
      </CardHeader>
      <form onSubmit={submit} aria-label="Choose a new password" noValidate>
        <CardContent className="grid gap-4">
          <FormError message={error} />
          <NewPasswordFields
            password={password}
            confirm={confirm}
            onPasswordChange={setPassword}
            onConfirmChange={setConfirm}
            problems={errors}
            autoFocus
          />
          <Button type="submit" loading={pending} className="w-full">
            Set the new password
          </Button>
        </CardContent>
      </form>
    </Card>
  );
}
