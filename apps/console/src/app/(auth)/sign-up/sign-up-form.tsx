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

const MIN_PASSWORD = 8;

export function SignUpForm({ redirectTo, initialEmail }: { redirectTo: string; initialEmail: string }) {
  const router = useRouter();
  const [name, setName] = useState("");
  const [email, setEmail] = useState(initialEmail);
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [passwordError, setPasswordError] = useState<string | undefined>();
  const [pending, setPending] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setError(null);
    if (password.length < MIN_PASSWORD) {
      setPasswordError(`Use at least ${MIN_PASSWORD} characters.`);
      return;
    }
    setPasswordError(undefined);
    setPending(true);
    const { error: failure } = await authClient.signUp.email({ name: name.trim(), email: email.trim(), password });
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
        <h1 className="text-xl font-semibold leading-none tracking-tight">Create your account</h1>
        <CardDescription>Set up organizations, invite your team and mint API tokens.</CardDescription>
      </CardHeader>
      <form onSubmit={onSubmit} aria-label="Create your account">
        <CardContent className="grid gap-4">
          <FormError message={error} />
          <Field label="Name">
            <Input
              name="name"
              autoComplete="name"
              required
              autoFocus
              value={name}
              onChange={(e) => setName(e.target.value)}
            />
          </Field>
          <Field label="Email" hint={initialEmail ? "Use the address your invitation was sent to." : undefined}>
            <Input
              name="email"
              type="email"
              autoComplete="email"
              required
              value={email}
              onChange={(e) => setEmail(e.target.value)}
            />
          </Field>
          <Field label="Password" hint={`At least ${MIN_PASSWORD} characters.`} error={passwordError}>
            <Input
              name="password"
              type="password"
              autoComplete="new-password"
              required
              minLength={MIN_PASSWORD}
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
          </Field>
          <Button type="submit" loading={pending} className="w-full">
            Create account
          </Button>
        </CardContent>
      </form>
      <CardFooter className="justify-center text-sm text-muted-foreground">
        <span>
          Already have an account?{" "}
          <Link
            className="font-medium text-foreground underline-offset-4 hover:underline"
            href={authHref("sign-in", { redirect: redirectTo, email: email.trim() || undefined })}
          >
            Sign in
          </Link>
        </span>
      </CardFooter>
    </Card>
  );
}
