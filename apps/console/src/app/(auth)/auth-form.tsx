"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState, type FormEvent, type ReactNode } from "react";

import { Button } from "@tenancy/widgets/ui/button";
import { Card, CardContent, CardDescription, CardFooter, CardHeader } from "@tenancy/widgets/ui/card";

import { FormError } from "@/components/form-error";
import { authErrorMessage } from "@/lib/auth-client";

type AuthCall = () => Promise<{ error: Parameters<typeof authErrorMessage>[0] }>;

/**
 * Submitting a sign-in or sign-up form: `run` calls Better Auth, then goes on to `redirectTo`, or
 * stays and shows why it failed.
 */
export function useAuthSubmit(redirectTo: string) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  async function run(call: AuthCall) {
    setPending(true);
    const { error: failure } = await call();
    if (failure) {
      setPending(false);
      setError(authErrorMessage(failure));
      return;
    }
    router.replace(redirectTo);
    router.refresh();
  }

  return { error, pending, clearError: () => setError(null), run };
}

/** The card both auth pages share: heading, the form (named by the heading) and a link to the other page. */
export function AuthCard({
  title,
  description,
  onSubmit,
  error,
  pending,
  submitLabel,
  switchPrompt,
  switchLabel,
  switchHref,
  children,
}: {
  title: string;
  description: string;
  onSubmit: (event: FormEvent<HTMLFormElement>) => void;
  error: string | null;
  pending: boolean;
  submitLabel: string;
  switchPrompt: string;
  switchLabel: string;
  switchHref: string;
  /** The fields. */
  children: ReactNode;
}) {
  return (
    <Card>
      <CardHeader>
        <h1 className="text-xl font-semibold leading-none tracking-tight">{title}</h1>
        <CardDescription>{description}</CardDescription>
      </CardHeader>
      <form onSubmit={onSubmit} aria-label={title}>
        <CardContent className="grid gap-4">
          <FormError message={error} />
          {children}
          <Button type="submit" loading={pending} className="w-full">
            {submitLabel}
          </Button>
        </CardContent>
      </form>
      <CardFooter className="justify-center text-sm text-muted-foreground">
        <span>
          {switchPrompt}{" "}
          <Link className="font-medium text-foreground underline-offset-4 hover:underline" href={switchHref}>
            {switchLabel}
          </Link>
        </span>
      </CardFooter>
    </Card>
  );
}
