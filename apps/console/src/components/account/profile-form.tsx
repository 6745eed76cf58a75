"use client";

import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";

import { Button } from "@tenancy/widgets/ui/button";
import { Card, CardContent, CardDescription, CardFooter, CardHeader, CardTitle } from "@tenancy/widgets/ui/card";
import { Field } from "@tenancy/widgets/ui/field";
import { Input } from "@tenancy/widgets/ui/input";
import { toast } from "@tenancy/widgets/ui/toast";

import { FormError } from "@/components/form-error";
import { authClient, authErrorMessage } from "@/lib/auth-client";

/** Your name (editable) and the email you sign in with. */
export function ProfileForm({ user }: { user: { name: string; email: string } }) {
  const router = useRouter();
  const [name, setName] = useState(user.name);
  const [nameError, setNameError] = useState<string>();
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const dirty = name.trim() !== user.name;

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!name.trim()) {
      setNameError("Enter the name people see.");
      return;
    }
    if (name.trim().length > 100) {
      setNameError("At most 100 characters.");
      return;
    }
    setPending(true);
    setError(null);
    const { error: failure } = await authClient.updateUser({ name: name.trim() });
    setPending(false);
    if (failure) {
      setError(authErrorMessage(failure));
      return;
    }
    toast.success("Name saved");
    // The header and other pages render the name on the server.
    router.refresh();
  }

  return (
    <Card data-testid="account-profile">
      <form onSubmit={submit} noValidate aria-labelledby="account-profile-title">
        <CardHeader>
          <CardTitle id="account-profile-title">Profile</CardTitle>
          <CardDescription>Your name is what other members see next to your email.</CardDescription>
        </CardHeader>
        <CardContent className="grid max-w-xl gap-4">
          <FormError message={error} />
          <Field label="Name" error={nameError}>
            <Input
              name="name"
              autoComplete="name"
              maxLength={100}
              value={name}
              onChange={(event) => {
                setName(event.target.value);
                setNameError(undefined);
              }}
              data-testid="account-name-input"
            />
          </Field>
          <Field label="Email" hint="You sign in with this address.">
            <Input value={user.email} readOnly data-testid="account-email" />
          </Field>
        </CardContent>
        <CardFooter>
          <Button type="submit" loading={pending} disabled={!dirty} data-testid="account-name-save">
            Save name
          </Button>
        </CardFooter>
      </form>
    </Card>
  );
}
