"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";

import { Button } from "@tenancy/widgets/ui/button";
import { Card, CardContent, CardDescription, CardFooter, CardHeader } from "@tenancy/widgets/ui/card";
import { Field } from "@tenancy/widgets/ui/field";
import { Input } from "@tenancy/widgets/ui/input";

import { FormError } from "@/components/form-error";
import { authClient, authErrorMessage } from "@/lib/auth-client";
import { authHref } from "@/lib/redirects";

export function SignInForm({ redirectTo, initialEmail }: { redirectTo: string; initialEmail: string }) {
  const router = useRouter();
  const [email, setEmail] = useState(initialEmail);
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setError(null);
    setPending(true);
    const { error: failure } = await authClient.signIn.email({ email: email.trim(), password });
    if (failure) {
      setPending(false);
      setError(authErrorMessage(failure));
      return;
    }
    router.replace(redirectTo);
    router.refresh();
  }

  return (
    <Card>
      <CardHeader>
        <h1 className="text-xl font-semibold leading-none tracking-tight">Sign in</h1>
        <CardDescription>Welcome back. Sign in to manage your organizations.</CardDescription>
      </CardHeader>
      <form onSubmit={onSubmit} aria-label="Sign in">
        <CardContent className="grid gap-4">
          <FormError message={error} />
          <Field label="Email">
            <Input
              name="email"
              type="email"
              autoComplete="email"
              required
              autoFocus={!initialEmail}
              value={email}
              onChange={(e) => setEmail(e.target.value)}
            />
          </Field>
          <Field label="Password">
            <Input
              name="password"
              type="password"
              autoComplete="current-password"
              required
              autoFocus={Boolean(initialEmail)}
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
          </Field>
          <Button type="submit" loading={pending} className="w-full">
            Sign in
          </Button>
        </CardContent>
      </form>
      <CardFooter className="justify-center text-sm text-muted-foreground">
        <span>
          New here?{" "}
          <Link
            className="font-medium text-foreground underline-offset-4 hover:underline"
            href={authHref("sign-up", { redirect: redirectTo, email: email.trim() || undefined })}
          >
            Create an account
          </Link>
        </span>
      </CardFooter>
    </Card>
  );
}
